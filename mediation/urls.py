from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("core.urls")),
    path("compte/", include("accounts.urls")),
    # App routes under /dossiers/<pk>/... come before cases' catch-all tab route.
    path("", include("documents.urls")),
    path("", include("claims.urls")),
    path("", include("contacts.urls")),
    path("", include("letters.urls")),
    path("", include("fees.urls")),
    path("", include("ledger.urls")),
    path("", include("banking.urls")),
    path("", include("budget.urls")),
    path("", include("assets.urls")),
    path("", include("plans.urls")),
    path("", include("petitions.urls")),
    path("", include("bundles.urls")),
    path("", include("reports.urls")),
    path("", include("closure.urls")),
    path("", include("search.urls")),
    path("", include("agenda.urls")),
    path("", include("audit.urls")),
    path("dossiers/", include("cases.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

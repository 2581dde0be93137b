from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("core.urls")),
    path("compte/", include("accounts.urls")),
    path("", include("documents.urls")),  # before cases: /dossiers/<pk>/documents/
    path("dossiers/", include("cases.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

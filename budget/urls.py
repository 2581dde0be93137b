from django.urls import path

from . import views

app_name = "budget"
urlpatterns = [
    path("dossiers/<int:pk>/budget/", views.case_budget, name="case_budget"),
    path("dossiers/<int:pk>/budget/nouvelle-version/", views.version_create, name="version_create"),
    path(
        "dossiers/<int:pk>/budget/versions/<int:version_pk>/",
        views.version_detail,
        name="version_detail",
    ),
    path(
        "dossiers/<int:pk>/budget/versions/<int:version_pk>/pecule/",
        views.allowance_decide,
        name="allowance_decide",
    ),
    path(
        "dossiers/<int:pk>/budget/versions/<int:version_pk>/budget.pdf",
        views.export_pdf,
        name="export_pdf",
    ),
    path(
        "dossiers/<int:pk>/budget/versions/<int:version_pk>/budget.csv",
        views.export_csv,
        name="export_csv",
    ),
    path(
        "dossiers/<int:pk>/budget/versions/<int:version_pk>/budget.xlsx",
        views.export_xlsx,
        name="export_xlsx",
    ),
    path(
        "dossiers/<int:pk>/budget/pecules/<int:decision_pk>/accord/",
        views.agreement_download,
        name="agreement_download",
    ),
]

from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("dossiers/<int:pk>/rapport-annuel/", views.annual_report, name="annual_report"),
    path(
        "dossiers/<int:pk>/rapport-annuel/<int:report_pk>/copie-requerant/",
        views.report_copy_send,
        name="report_copy_send",
    ),
    path("rapports-annuels/", views.reports_due, name="due"),
    path("rapports-annuels/projets/", views.draft_batch_request, name="draft_batch_request"),
    path("rapports-annuels/projets/<int:pk>/", views.draft_batch, name="draft_batch"),
]

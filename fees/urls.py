from django.urls import path

from . import views

app_name = "fees"
STATEMENT = "dossiers/<int:pk>/honoraires/etats/<int:statement_pk>/"
INTERVENTION = "dossiers/<int:pk>/honoraires/intervention-spf/<int:intervention_pk>/"
urlpatterns = [
    path("dossiers/<int:pk>/honoraires/", views.case_services, name="case_services"),
    path(
        "dossiers/<int:pk>/honoraires/prestations/ajouter/",
        views.service_add,
        name="service_add",
    ),
    path(
        "dossiers/<int:pk>/honoraires/prestations/<int:service_pk>/supprimer/",
        views.service_delete,
        name="service_delete",
    ),
    path("dossiers/<int:pk>/honoraires/etats/nouveau/", views.statement_new, name="statement_new"),
    path(STATEMENT, views.statement_detail, name="statement_detail"),
    path(f"{STATEMENT}recalculer/", views.statement_recompute, name="statement_recompute"),
    path(f"{STATEMENT}deposer/", views.statement_file, name="statement_file"),
    path(f"{STATEMENT}supprimer/", views.statement_delete, name="statement_delete"),
    path(f"{STATEMENT}pdf/", views.statement_pdf_download, name="statement_pdf"),
    path(f"{STATEMENT}json/", views.statement_json, name="statement_json"),
    path(f"{STATEMENT}taxation/", views.taxation_order_add, name="taxation_order_add"),
    path(
        "dossiers/<int:pk>/honoraires/intervention-spf/nouvelle/",
        views.intervention_add,
        name="intervention_add",
    ),
    path(
        "dossiers/<int:pk>/honoraires/justrestart/<int:invoice_pk>/payee/",
        views.justrestart_pay,
        name="justrestart_pay",
    ),
    path("honoraires/etats-annee-ecoulee/", views.draft_batches, name="draft_batches"),
    path(
        "honoraires/etats-annee-ecoulee/preparer/",
        views.draft_batch_request,
        name="draft_batch_request",
    ),
    path(
        "honoraires/etats-annee-ecoulee/<int:batch_pk>/",
        views.draft_batch_status,
        name="draft_batch_status",
    ),
    path(INTERVENTION, views.intervention_detail, name="intervention_detail"),
    path(f"{INTERVENTION}statut/", views.intervention_status, name="intervention_status"),
    path(f"{INTERVENTION}pdf/", views.intervention_summary_pdf, name="intervention_pdf"),
]

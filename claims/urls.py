from django.urls import path

from . import views

app_name = "claims"

CASE = "dossiers/<int:pk>/creances/"

urlpatterns = [
    # The organisation's directory
    path("creanciers/", views.creditor_list, name="creditor_list"),
    path("creanciers/nouveau/", views.creditor_create, name="creditor_create"),
    path("creanciers/<int:pk>/", views.creditor_detail, name="creditor_detail"),
    path("creanciers/<int:pk>/modifier/", views.creditor_edit, name="creditor_edit"),
    path("intermediaires/", views.representative_list, name="representative_list"),
    path("intermediaires/nouveau/", views.representative_create, name="representative_create"),
    path("intermediaires/<int:pk>/", views.representative_detail, name="representative_detail"),
    path(
        "intermediaires/<int:pk>/modifier/",
        views.representative_edit,
        name="representative_edit",
    ),
    # The claims tab of a case
    path(CASE, views.case_claims, name="case_claims"),
    path(f"{CASE}nouvelle/", views.claim_create, name="claim_create"),
    path(f"{CASE}<int:claim_pk>/modifier/", views.claim_edit, name="claim_edit"),
    path(f"{CASE}<int:claim_pk>/supprimer/", views.claim_delete, name="claim_delete"),
    path(f"{CASE}<int:claim_pk>/declaration/", views.claim_declaration, name="claim_declaration"),
    path(f"{CASE}intermediaires/", views.representation_create, name="representation_create"),
    path(
        f"{CASE}intermediaires/<int:representation_pk>/retirer/",
        views.representation_delete,
        name="representation_delete",
    ),
    path(f"{CASE}joindre/", views.position_join, name="position_join"),
    path(
        f"{CASE}positions/<int:position_pk>/dissoudre/",
        views.position_dissolve,
        name="position_dissolve",
    ),
    path(f"{CASE}declarations/", views.declarations, name="declarations"),
    path(f"{CASE}declarations/ajouter/", views.known_creditor_add, name="known_creditor_add"),
    path(
        f"{CASE}declarations/<int:known_pk>/rappel/",
        views.reminder_record,
        name="reminder_record",
    ),
    path(
        f"{CASE}declarations/<int:known_pk>/forclusion/",
        views.time_bar_record,
        name="time_bar_record",
    ),
    path(
        f"{CASE}declarations/<int:known_pk>/lever-forclusion/",
        views.time_bar_lift,
        name="time_bar_lift",
    ),
    path(f"{CASE}export.pdf", views.export_pdf, name="export_pdf"),
    path(f"{CASE}export.csv", views.export_csv, name="export_csv"),
    path(f"{CASE}export.xlsx", views.export_xlsx, name="export_xlsx"),
]

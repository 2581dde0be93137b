from django.urls import path

from . import views

app_name = "banking"

CASE = "dossiers/<int:pk>/paiements/"
BATCH = f"{CASE}lots/<int:batch_pk>/"

urlpatterns = [
    path("banque/", views.bank, name="bank"),
    path("banque/imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("banque/imports/en-cours/<int:pk>/", views.upload_status, name="upload_status"),
    path("banque/a-imputer/", views.queue, name="queue"),
    path("banque/mouvements/<int:pk>/", views.movement_detail, name="movement_detail"),
    path("banque/mouvements/<int:pk>/ecarter/", views.movement_ignore, name="movement_ignore"),
    path("banque/regles/", views.rules, name="rules"),
    path("banque/regles/<int:pk>/supprimer/", views.rule_deactivate, name="rule_deactivate"),
    path(CASE, views.case_payments, name="case_payments"),
    path(f"{CASE}<int:payment_pk>/retirer/", views.payment_cancel, name="payment_cancel"),
    path(f"{CASE}approuver/", views.batch_approve, name="batch_approve"),
    path(
        f"{CASE}pecule/<int:year>/<int:month>/preparer/",
        views.allowance_prepare,
        name="allowance_prepare",
    ),
    path(f"{CASE}communication/", views.case_communication, name="case_communication"),
    path(
        f"{CASE}communication/generer/",
        views.case_communication_create,
        name="case_communication_create",
    ),
    path(f"{BATCH}pain001.xml", views.batch_download, name="batch_download"),
    path(f"{BATCH}executer/", views.batch_execute, name="batch_execute"),
    path(f"{BATCH}annuler/", views.batch_cancel, name="batch_cancel"),
]

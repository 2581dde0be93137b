from django.urls import path

from . import views

app_name = "ledger"

ACCOUNT = "dossiers/<int:pk>/compte/"

urlpatterns = [
    path(ACCOUNT, views.journal, name="journal"),
    path(f"{ACCOUNT}ouvrir/", views.account_open, name="account_open"),
    path(f"{ACCOUNT}ecritures/nouvelle/", views.entry_create, name="entry_create"),
    path(
        f"{ACCOUNT}ecritures/<int:entry_pk>/extourner/",
        views.entry_reverse,
        name="entry_reverse",
    ),
    path(f"{ACCOUNT}livre-journal.pdf", views.export_pdf, name="export_pdf"),
    path(f"{ACCOUNT}livre-journal.csv", views.export_csv, name="export_csv"),
]

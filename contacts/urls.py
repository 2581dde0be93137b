from django.urls import path

from . import views

app_name = "contacts"
urlpatterns = [
    path("dossiers/<int:pk>/negociations/", views.case_contacts, name="case_contacts"),
    path(
        "dossiers/<int:pk>/negociations/creanciers/",
        views.creditor_search,
        name="creditor_search",
    ),
    path(
        "dossiers/<int:pk>/negociations/<int:entry_pk>/modifier/",
        views.entry_edit,
        name="entry_edit",
    ),
    path(
        "dossiers/<int:pk>/negociations/<int:entry_pk>/rappel-fait/",
        views.follow_up_done,
        name="follow_up_done",
    ),
    path(
        "dossiers/<int:pk>/negociations/<int:entry_pk>/rappel-a-faire/",
        views.follow_up_reopen,
        name="follow_up_reopen",
    ),
    path("dossiers/<int:pk>/tiers/", views.third_parties, name="third_parties"),
    path(
        "dossiers/<int:pk>/tiers/<int:party_pk>/modifier/",
        views.third_party_edit,
        name="third_party_edit",
    ),
    path(
        "dossiers/<int:pk>/tiers/<int:party_pk>/supprimer/",
        views.third_party_remove,
        name="third_party_remove",
    ),
    path(
        "dossiers/<int:pk>/tiers/<int:party_pk>/reactiver/",
        views.third_party_reactivate,
        name="third_party_reactivate",
    ),
    path("a-faire/", views.todo, name="todo"),
    path("a-faire/retards/", views.overdue_overview, name="overdue_overview"),
]

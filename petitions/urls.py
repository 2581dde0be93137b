from django.urls import path

from . import views

app_name = "petitions"
urlpatterns = [
    path("dossiers/<int:pk>/requetes/", views.case_petitions, name="case_petitions"),
    path(
        "dossiers/<int:pk>/requetes/nouvelle/<str:kind>/",
        views.petition_create,
        name="petition_create",
    ),
    path(
        "dossiers/<int:pk>/requetes/<int:petition_pk>/modifier/",
        views.petition_edit,
        name="petition_edit",
    ),
    path(
        "dossiers/<int:pk>/requetes/<int:petition_pk>/apercu.pdf",
        views.petition_preview,
        name="petition_preview",
    ),
    path(
        "dossiers/<int:pk>/requetes/<int:petition_pk>/deposer/",
        views.petition_file,
        name="petition_file",
    ),
    path(
        "dossiers/<int:pk>/requetes/<int:petition_pk>/decision/",
        views.petition_decide,
        name="petition_decide",
    ),
    path(
        "dossiers/<int:pk>/requetes/<int:petition_pk>/paiement/",
        views.petition_pay,
        name="petition_pay",
    ),
]

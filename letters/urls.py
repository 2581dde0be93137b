from django.urls import path

from . import views

app_name = "letters"
urlpatterns = [
    path("dossiers/<int:pk>/courriers/", views.case_letters, name="case_letters"),
    path("dossiers/<int:pk>/courriers/nouveau/", views.letter_compose, name="compose"),
    path("dossiers/<int:pk>/courriers/apercu/", views.compose_preview, name="compose_preview"),
    path(
        "dossiers/<int:pk>/courriers/<int:letter_pk>/pdf/",
        views.letter_download,
        name="download",
    ),
    path("courriers/modeles/", views.template_list, name="template_list"),
    path("courriers/modeles/nouveau/", views.template_create, name="template_create"),
    path("courriers/modeles/apercu/", views.template_preview, name="template_preview"),
    path("courriers/modeles/<int:tpl_pk>/", views.template_edit, name="template_edit"),
]

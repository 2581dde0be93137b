from django.urls import path

from . import views

app_name = "bundles"
urlpatterns = [
    path("dossiers/importer/", views.case_import, name="case_import"),
    path("dossiers/<int:pk>/export.json", views.case_export, name="case_export"),
]

from django.urls import path

from . import views

app_name = "closure"
urlpatterns = [
    path("dossiers/<int:pk>/cloture/", views.case_closure, name="case_closure"),
]

from django.urls import path

from . import views

app_name = "ledger"
urlpatterns = [
    path("dossiers/<int:pk>/compte/", views.journal, name="journal"),
]

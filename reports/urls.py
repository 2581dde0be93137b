from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("dossiers/<int:pk>/rapport-annuel/", views.annual_report, name="annual_report"),
]

from django.urls import path

from . import views

app_name = "agenda"
urlpatterns = [
    path("agenda/", views.agenda, name="agenda"),
    path("agenda/previsions/", views.agenda_forecast, name="forecast"),
    path("agenda/supervision/", views.supervision, name="supervision"),
    path("agenda/abonnement/", views.feed_settings, name="feed_settings"),
    path("agenda/ical/<str:token>.ics", views.ical_feed, name="ical"),
    path("dossiers/<int:pk>/agenda/", views.case_agenda, name="case_agenda"),
    path(
        "dossiers/<int:pk>/agenda/previsions/",
        views.case_agenda_forecast,
        name="case_agenda_forecast",
    ),
]

from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("nouveau/", views.case_create, name="create"),
    path("supervision/", views.supervisor_overview, name="overview"),
    path(
        "supervision/export.<str:fmt>",
        views.supervisor_overview_export,
        name="overview_export",
    ),
    path("exports/", views.export_request, name="export_request"),
    path("exports/<int:pk>/", views.export_status, name="export_status"),
    path("exports/<int:pk>/telecharger/", views.export_download, name="export_download"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/modifier/", views.case_edit, name="edit"),
    path("<int:pk>/statut/", views.case_status, name="status"),
    path("<int:pk>/remplacement/", views.case_replace_mediator, name="replace_mediator"),
    path("<int:pk>/<slug:tab>/", views.case_tab, name="tab"),
]

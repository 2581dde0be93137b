from django.urls import path

from . import views

app_name = "assets"
urlpatterns = [
    path("dossiers/<int:pk>/patrimoine/", views.case_assets, name="case_assets"),
    path("dossiers/<int:pk>/patrimoine/nouveau/", views.asset_create, name="asset_create"),
    path(
        "dossiers/<int:pk>/patrimoine/<int:asset_pk>/modifier/",
        views.asset_edit,
        name="asset_edit",
    ),
    path(
        "dossiers/<int:pk>/patrimoine/<int:asset_pk>/ordonnance/",
        views.asset_authorise,
        name="asset_authorise",
    ),
    path(
        "dossiers/<int:pk>/patrimoine/<int:asset_pk>/vente/",
        views.asset_sell,
        name="asset_sell",
    ),
]

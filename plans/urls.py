from django.urls import path

from . import views

app_name = "plans"

PLAN = "dossiers/<int:pk>/plan/"
VERSION = f"{PLAN}v<int:number>/"

urlpatterns = [
    path(PLAN, views.case_plan, name="case_plan"),
    path(f"{PLAN}nouveau/", views.plan_create, name="plan_create"),
    path(f"{PLAN}suivi/", views.monitoring, name="monitoring"),
    path(f"{PLAN}envois/<int:mailing_pk>/", views.mailing_pdf, name="mailing_pdf"),
    path(VERSION, views.version_detail, name="version_detail"),
    path(f"{VERSION}modifier/", views.version_edit, name="version_edit"),
    path(f"{VERSION}reviser/", views.version_revise, name="version_revise"),
    path(f"{VERSION}decision/", views.version_approve, name="version_approve"),
    path(f"{VERSION}envoyer/", views.version_send, name="version_send"),
    path(f"{VERSION}deposer/", views.version_file, name="version_file"),
    path(f"{VERSION}proposition.pdf", views.proposal_pdf, name="proposal_pdf"),
    path(f"{VERSION}homologation.pdf", views.court_pdf, name="court_pdf"),
]

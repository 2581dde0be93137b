from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("dossiers/<int:pk>/documents/", views.case_documents, name="case_documents"),
    path(
        "dossiers/<int:pk>/documents/<int:doc_pk>/",
        views.case_document_download,
        name="case_document_download",
    ),
    path(
        "dossiers/<int:pk>/documents/<int:doc_pk>/deposer/",
        views.case_document_file,
        name="case_document_file",
    ),
    path(
        "dossiers/<int:pk>/documents/<int:doc_pk>/supprimer/",
        views.case_document_delete,
        name="case_document_delete",
    ),
    path("dossiers/<int:pk>/documents/pdf/<int:job_pk>/", views.pdf_job, name="pdf_job"),
    path(
        "dossiers/<int:pk>/documents/pdf/<int:job_pk>/telecharger/",
        views.pdf_job_download,
        name="pdf_job_download",
    ),
    path("greffe/", views.clerk_list, name="clerk_list"),
    path("greffe/documents/<int:doc_pk>/", views.clerk_download, name="clerk_download"),
]

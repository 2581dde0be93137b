"""The filed annual reports' documents: the period they cover (its first and last day), for the
clerk's list and the downloaded file's name (issue 16, "Clerk")."""

from datetime import timedelta

from django.db import migrations


def forwards(apps, schema_editor):
    FiledReport = apps.get_model("reports", "FiledReport")
    Document = apps.get_model("documents", "Document")
    for report in FiledReport.objects.filter(document__isnull=False).iterator():
        Document.objects.filter(pk=report.document_id).update(
            period_start=report.period_from, period_end=report.period_to - timedelta(days=1)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_draftbatch"),
        ("documents", "0005_clerk_filters"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

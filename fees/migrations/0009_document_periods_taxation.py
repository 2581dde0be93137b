"""The filed fee statements' documents: the period they cover, their taxation and a title that
says what they are (issue 16, "Clerk": titled by the occasion alone, a statement filed with the
annual report read « Rapport annuel »)."""

from datetime import timedelta

from django.db import migrations

OCCASIONS = {
    "homologation_request": "Demande d'homologation du plan amiable",
    "judicial_plan_hearing": "Audience relative au plan judiciaire",
    "annual_report": "Rapport annuel",
    "revision_revocation": "Audience de révision ou de révocation",
    "closure": "Demande de clôture",
    "provision": "Demande de provision",
}


def forwards(apps, schema_editor):
    FeeStatement = apps.get_model("fees", "FeeStatement")
    Document = apps.get_model("documents", "Document")
    TaxationOrder = apps.get_model("fees", "TaxationOrder")
    taxed = dict(TaxationOrder.objects.values_list("statement_id", "order_date"))
    for statement in FeeStatement.objects.filter(document__isnull=False).iterator():
        last_day = statement.period_to - timedelta(days=1)
        title = "État de frais et honoraires du {} au {} (occasion : {})".format(
            statement.period_from.strftime("%d/%m/%Y"),
            last_day.strftime("%d/%m/%Y"),
            OCCASIONS.get(statement.occasion, statement.occasion),
        )
        Document.objects.filter(pk=statement.document_id).update(
            period_start=statement.period_from,
            period_end=last_day,
            taxed_on=taxed.get(statement.pk),
            title=title[:200],
        )


class Migration(migrations.Migration):
    dependencies = [
        ("fees", "0008_justrestart_invoices_draft_batches"),
        ("documents", "0005_clerk_filters"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

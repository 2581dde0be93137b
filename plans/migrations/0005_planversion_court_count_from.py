"""The start of the seven years the court set by a reasoned decision, and the reference of the
legal exception to the seven years (docs/plan-rules.md, 6). Existing versions keep the date the
law sets for their kind (nothing stored depended on the mediator's designation date): the new
fields stay empty."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0004_unlink_copied_filed_documents"),
    ]

    operations = [
        migrations.AddField(
            model_name="planversion",
            name="exception_reference",
            field=models.CharField(
                blank=True,
                max_length=100,
                verbose_name="référence de la demande ou de la décision (exception)",
            ),
        ),
        migrations.AddField(
            model_name="planversion",
            name="court_count_from",
            field=models.DateField(
                blank=True, null=True, verbose_name="point de départ des 7 ans fixé par le tribunal"
            ),
        ),
        migrations.AddField(
            model_name="planversion",
            name="court_count_reason",
            field=models.TextField(blank=True, verbose_name="motif du tribunal (point de départ)"),
        ),
        migrations.AddField(
            model_name="planversion",
            name="court_count_reference",
            field=models.CharField(
                blank=True, max_length=100, verbose_name="référence de la décision (point de départ)"
            ),
        ),
        migrations.AddConstraint(
            model_name="planversion",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("court_count_from__isnull", True),
                    models.Q(("court_count_reason", ""), _negated=True),
                    _connector="OR",
                ),
                name="plan_court_count_has_reason",
                violation_error_message=(
                    "Un point de départ des 7 ans fixé par le tribunal s'enregistre avec son motif."
                ),
            ),
        ),
    ]

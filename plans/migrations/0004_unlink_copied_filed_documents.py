"""A revision used to copy the filed document of the version it revises (plans.services.
plan_revise): version 2 linked to version 1's filed PDF and could not be filed itself (issue 12).
The copied links are removed; each filed document stays linked to the version it was filed for
(the lowest-numbered version holding it)."""

from django.db import migrations


def unlink_copies(apps, schema_editor):
    PlanVersion = apps.get_model("plans", "PlanVersion")
    first_holder: dict[int, int] = {}
    for version in (
        PlanVersion.objects.exclude(filed_document__isnull=True)
        .order_by("case_id", "number")
        .only("pk", "filed_document_id")
    ):
        if version.filed_document_id in first_holder:
            PlanVersion.objects.filter(pk=version.pk).update(filed_document=None)
        else:
            first_holder[version.filed_document_id] = version.pk


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0003_plan_basis_one_offs_equality"),
    ]

    operations = [
        migrations.RunPython(unlink_copies, migrations.RunPython.noop),
    ]

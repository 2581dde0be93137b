"""The Dutch default templates (``letters.defaults_nl``, issue 16) for the organisations created
before: each organisation gets the Dutch default of every kind it has no Dutch template of, unless
a template of the same name exists (perhaps the administrator's own). Idempotent: run twice, it
adds nothing; it never changes a template. New organisations get both sets
(``letters.services.letter_templates_ensure_defaults``)."""

from django.db import migrations


def create_dutch(apps, schema_editor):
    from letters.defaults import dutch_templates  # the shipped wording, as 0002 loads it

    alias = schema_editor.connection.alias
    Organisation = apps.get_model("accounts", "Organisation")
    LetterTemplate = apps.get_model("letters", "LetterTemplate")
    rows = []
    for organisation_id in Organisation.objects.using(alias).order_by("pk").values_list(
        "pk", flat=True
    ):
        existing = LetterTemplate.objects.using(alias).filter(organisation_id=organisation_id)
        dutch_kinds = set(existing.filter(language="nl").values_list("kind", flat=True))
        names = set(existing.values_list("name", flat=True))
        rows += [
            template
            for template in dutch_templates(LetterTemplate, organisation_id)
            if template.kind not in dutch_kinds and template.name not in names
        ]
    LetterTemplate.objects.using(alias).bulk_create(rows, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("letters", "0008_template_language"),
    ]

    operations = [migrations.RunPython(create_dutch, migrations.RunPython.noop)]

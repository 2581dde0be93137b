"""The default templates of the letters to third parties and of the letters that end the
procedure (issue 17) for the organisations created before: each organisation gets the default
template of every new kind it has no template of (a template of the same name, perhaps the
administrator's own, is left alone). New organisations get them with the others
(``letters.services.letter_templates_ensure_defaults``)."""

from django.db import migrations

NEW_KINDS = (
    "income_notice",
    "bank_notice",
    "enforcement_suspension",
    "annual_report_copy",
    "closure_creditors",
    "closure_income",
    "closure_bank",
)


def create_missing(apps, schema_editor):
    from letters.defaults import default_templates  # the shipped wording, as 0002 loads it

    alias = schema_editor.connection.alias
    Organisation = apps.get_model("accounts", "Organisation")
    LetterTemplate = apps.get_model("letters", "LetterTemplate")
    rows = []
    for organisation_id in Organisation.objects.using(alias).order_by("pk").values_list(
        "pk", flat=True
    ):
        existing = LetterTemplate.objects.using(alias).filter(organisation_id=organisation_id)
        kinds = set(existing.values_list("kind", flat=True))
        names = set(existing.values_list("name", flat=True))
        rows += [
            template
            for template in default_templates(LetterTemplate, organisation_id)
            if template.kind in NEW_KINDS
            and template.kind not in kinds
            and template.name not in names
        ]
    LetterTemplate.objects.using(alias).bulk_create(rows, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("letters", "0004_third_party_addressees"),
    ]

    operations = [migrations.RunPython(create_missing, migrations.RunPython.noop)]

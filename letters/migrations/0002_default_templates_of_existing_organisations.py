"""The default letter templates of the organisations that have none yet.

They used to be created when a page opened (the compose page, the template list); they are now
created with the organisation (``accounts.services.organisation_create`` runs the callback
``letters.apps`` registers). This gives them to the organisations created before. An
organisation that already has templates keeps them as they are (the administrator's edits), as
``letters.services.letter_templates_ensure_defaults`` does.
"""

from django.db import migrations


def create_missing(apps, schema_editor):
    from letters.defaults import default_templates  # the shipped wording, as fees 0003 loads tariffs

    alias = schema_editor.connection.alias
    Organisation = apps.get_model("accounts", "Organisation")
    LetterTemplate = apps.get_model("letters", "LetterTemplate")
    with_templates = LetterTemplate.objects.using(alias).values("organisation_id")
    rows = [
        template
        for organisation_id in (
            Organisation.objects.using(alias)
            .exclude(pk__in=with_templates)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for template in default_templates(LetterTemplate, organisation_id)
    ]
    LetterTemplate.objects.using(alias).bulk_create(rows, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("letters", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_missing, migrations.RunPython.noop)]

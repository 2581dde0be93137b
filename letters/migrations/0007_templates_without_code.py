"""The organisations' letter templates, from the former syntax (Django template code:
``{{ requerant }}``, ``{% if role %}…{% endif %}``) to the text with fields (``[requerant]``,
``<<…>>``; issue 16, "Letter templates without template code").

Each subject and body is converted by ``letters.legacy.convert``: an unedited default template
becomes exactly the new default text. A template that cannot be converted automatically (a
filter, an ``{% else %}``, nested conditions…) is kept as it was, flagged ``needs_review`` with
the reasons: nothing is lost, and it cannot be sent until the administrator has revised it in
the editor. A text already in the new syntax (the defaults that migrations 0002 and 0005 create
for the organisations of a new database) is left alone.
"""

from django.db import migrations


def convert_templates(apps, schema_editor):
    # The conversion and the shipped texts, as migrations 0002 and 0005 load the defaults.
    from letters.defaults import DEFAULT_TEMPLATES
    from letters.legacy import convert, review_note

    alias = schema_editor.connection.alias
    LetterTemplate = apps.get_model("letters", "LetterTemplate")
    current = {t["subject"] for t in DEFAULT_TEMPLATES} | {t["body"] for t in DEFAULT_TEMPLATES}
    for template in LetterTemplate.objects.using(alias).order_by("pk").iterator():
        problems = []
        values = {}
        for field in ("subject", "body"):
            source = getattr(template, field)
            if source in current:
                continue
            result = convert(source)
            if result.converted:
                values[field] = result.text
            else:
                problems += result.problems
        if problems:
            template.needs_review = True
            template.review_note = review_note(problems)
            template.save(update_fields=["needs_review", "review_note"])
        elif any(getattr(template, field) != text for field, text in values.items()):
            for field, text in values.items():
                setattr(template, field, text)
            template.save(update_fields=list(values))


class Migration(migrations.Migration):
    dependencies = [
        ("letters", "0006_template_review"),
    ]

    operations = [migrations.RunPython(convert_templates, migrations.RunPython.noop)]

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("letters", "0005_third_party_templates"),
    ]

    operations = [
        migrations.AddField(
            model_name="lettertemplate",
            name="needs_review",
            field=models.BooleanField(default=False, verbose_name="à revoir"),
        ),
        migrations.AddField(
            model_name="lettertemplate",
            name="review_note",
            field=models.TextField(blank=True, verbose_name="motif de la révision"),
        ),
    ]

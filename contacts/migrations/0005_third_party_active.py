from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0004_applicant_contacts"),
    ]

    operations = [
        migrations.AddField(
            model_name="thirdparty",
            name="active",
            field=models.BooleanField(default=True, verbose_name="actif"),
        ),
    ]

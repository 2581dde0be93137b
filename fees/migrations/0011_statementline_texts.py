# The engine's label and explanation as phrases, rendered in the reader's or the procedure's
# language (issue 16). Nullable, no default: an ALTER TABLE ADD COLUMN on both databases, so the
# triggers that freeze filed statements' lines (migration 0005) are left as they are.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('fees', '0010_service_taxed_label'),
    ]

    operations = [
        migrations.AddField(
            model_name='statementline',
            name='texts',
            field=models.JSONField(blank=True, null=True, verbose_name='textes traduisibles'),
        ),
    ]

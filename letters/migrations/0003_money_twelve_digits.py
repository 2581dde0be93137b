"""The registered postage of a letter is a euro amount like the others: numeric(12, 2) instead
of numeric(8, 2) (``core.fields.MoneyField``, one maximum in every app). No trigger on this
table."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('letters', '0002_default_templates_of_existing_organisations'),
    ]

    operations = [
        migrations.AlterField(
            model_name='letter',
            name='postage',
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, verbose_name='port recommandé par lettre'),
        ),
    ]

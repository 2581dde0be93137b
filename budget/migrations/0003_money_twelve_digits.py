"""Budget amounts are euro amounts like the others: numeric(12, 2) instead of numeric(10, 2)
(``core.fields.MoneyField``, one maximum in every app). No trigger on these tables."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('budget', '0002_load_shipped_rows'),
    ]

    operations = [
        migrations.AlterField(
            model_name='allowancedecision',
            name='amount',
            field=models.DecimalField(decimal_places=2, help_text='Ce qui est laissé au ménage chaque mois, charges payées pour son compte comprises.', max_digits=12, verbose_name='pécule mensuel'),
        ),
        migrations.AlterField(
            model_name='allowancedecision',
            name='family_allowances',
            field=models.DecimalField(decimal_places=2, max_digits=12, verbose_name='allocations familiales'),
        ),
        migrations.AlterField(
            model_name='allowancedecision',
            name='hard_floor',
            field=models.DecimalField(decimal_places=2, max_digits=12, verbose_name='plancher absolu'),
        ),
        migrations.AlterField(
            model_name='allowancedecision',
            name='non_seizable',
            field=models.DecimalField(decimal_places=2, max_digits=12, verbose_name='quotité insaisissable'),
        ),
        migrations.AlterField(
            model_name='allowancedecision',
            name='paid_to_applicant',
            field=models.DecimalField(decimal_places=2, max_digits=12, verbose_name='versé au requérant'),
        ),
        migrations.AlterField(
            model_name='allowancedecision',
            name='resources',
            field=models.DecimalField(decimal_places=2, max_digits=12, verbose_name='ressources mensuelles'),
        ),
        migrations.AlterField(
            model_name='allowancedecision',
            name='ris_amount',
            field=models.DecimalField(decimal_places=2, max_digits=12, verbose_name="revenu d'intégration"),
        ),
        migrations.AlterField(
            model_name='chargeline',
            name='amount',
            field=models.DecimalField(decimal_places=2, max_digits=12, verbose_name='montant mensuel'),
        ),
        migrations.AlterField(
            model_name='incomeline',
            name='amount',
            field=models.DecimalField(decimal_places=2, max_digits=12, verbose_name='montant mensuel'),
        ),
        migrations.AlterField(
            model_name='integrationincomerecord',
            name='amount',
            field=models.DecimalField(decimal_places=2, max_digits=12, verbose_name='montant mensuel'),
        ),
        migrations.AlterField(
            model_name='seizurescalerecord',
            name='child_reduction',
            field=models.DecimalField(decimal_places=2, max_digits=12, verbose_name='réduction par enfant à charge'),
        ),
        migrations.AlterField(
            model_name='seizurescalerecord',
            name='limit_1',
            field=models.DecimalField(decimal_places=2, max_digits=12, verbose_name='fin de la tranche 1 (rien de saisissable)'),
        ),
        migrations.AlterField(
            model_name='seizurescalerecord',
            name='limit_2',
            field=models.DecimalField(decimal_places=2, max_digits=12, verbose_name='fin de la tranche 2'),
        ),
        migrations.AlterField(
            model_name='seizurescalerecord',
            name='limit_3',
            field=models.DecimalField(decimal_places=2, max_digits=12, verbose_name='fin de la tranche 3'),
        ),
        migrations.AlterField(
            model_name='seizurescalerecord',
            name='limit_4',
            field=models.DecimalField(decimal_places=2, help_text='Au-delà, tout est saisissable.', max_digits=12, verbose_name='fin de la tranche 4'),
        ),
    ]

# Issue 16 (procedure integrity): horse-race money, 包干制 by the bureau, 2021 budget subjects.

from decimal import Decimal

import django.core.validators
from django.db import migrations, models

# The pre-2021 categories and the 2021 subject each now belongs to (国办发〔2021〕32号:
# materials, testing, fuel, publication/IP, meetings/travel/cooperation merge into 业务费;
# expert consultation fees are paid as 劳务费).
SUBJECTS = {
    "equipment": "equipment",
    "materials": "operating",
    "testing": "operating",
    "travel": "operating",
    "ip": "operating",
    "other": "operating",
    "personnel": "labour",
    "experts": "labour",
    "indirect": "indirect",
}


def to_subjects(apps, schema_editor):
    """Old lines keep their amount, all in the government (财政) column: the old form had
    one amount per line, and the contract paid it from the bounty."""
    BudgetLine = apps.get_model("bounty", "BudgetLine")
    for line in BudgetLine.objects.all().iterator():
        line.category = SUBJECTS.get(line.category, "operating")
        line.government_amount = line.amount
        line.self_raised_amount = Decimal("0")
        line.save(update_fields=["category", "government_amount", "self_raised_amount"])


class Migration(migrations.Migration):
    dependencies = [
        ("bounty", "0022_confidentiality"),
    ]

    operations = [
        migrations.AddField(
            model_name="budgetline",
            name="government_amount",
            field=models.DecimalField(
                decimal_places=2,
                default=Decimal("0"),
                max_digits=12,
                validators=[django.core.validators.MinValueValidator(Decimal("0"))],
                verbose_name="government funds (10k yuan)",
            ),
        ),
        migrations.AddField(
            model_name="budgetline",
            name="self_raised_amount",
            field=models.DecimalField(
                decimal_places=2,
                default=Decimal("0"),
                max_digits=12,
                validators=[django.core.validators.MinValueValidator(Decimal("0"))],
                verbose_name="self-raised funds (10k yuan)",
            ),
        ),
        migrations.AlterField(
            model_name="budgetline",
            name="amount",
            field=models.DecimalField(
                decimal_places=2,
                editable=False,
                max_digits=12,
                validators=[django.core.validators.MinValueValidator(Decimal("0.01"))],
                verbose_name="amount (10k yuan)",
            ),
        ),
        migrations.AlterField(
            model_name="budgetline",
            name="category",
            field=models.CharField(
                choices=[
                    ("equipment", "Equipment"),
                    ("operating", "Operating costs"),
                    ("labour", "Labour"),
                    ("indirect", "Indirect costs"),
                ],
                max_length=20,
                verbose_name="subject",
            ),
        ),
        migrations.RunPython(to_subjects, migrations.RunPython.noop),
        migrations.AddField(
            model_name="challenge",
            name="parallel_share",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                help_text="Horse race: what each parallel team receives in the parallel phase.",
                max_digits=12,
                null=True,
                validators=[django.core.validators.MinValueValidator(Decimal("0.01"))],
                verbose_name="parallel-phase share per team (10k yuan)",
            ),
        ),
        migrations.AddField(
            model_name="challenge",
            name="continuation_amount",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                help_text="Horse race: what goes to the surviving team(s) after elimination.",
                max_digits=12,
                null=True,
                validators=[django.core.validators.MinValueValidator(Decimal("0"))],
                verbose_name="continuation amount (10k yuan)",
            ),
        ),
        migrations.AddField(
            model_name="challenge",
            name="lump_sum_allowed",
            field=models.BooleanField(
                default=False,
                help_text="Set by the bureau at vetting: bids may choose lump-sum funding.",
                verbose_name="lump sum (包干制) allowed",
            ),
        ),
    ]

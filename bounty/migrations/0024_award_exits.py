# Issue 16 (procedure integrity): the exits of an award — a winner that does not sign
# (bid defaulted, project lapsed, the organisation's record), horse-race elimination
# (cancelled tranches, continuation tranches).

import django.db.models.deletion
import django_fsm
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("bounty", "0023_budget_subjects"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="tranche",
            name="continuation",
            field=models.BooleanField(
                default=False, editable=False, verbose_name="continuation funding"
            ),
        ),
        migrations.AlterField(
            model_name="bid",
            name="status",
            field=django_fsm.FSMField(
                choices=[
                    ("draft", "Draft"),
                    ("submitted", "Submitted"),
                    ("withdrawn", "Withdrawn"),
                    ("eligible", "Eligible"),
                    ("ineligible", "Ineligible"),
                    ("in_review", "In expert review"),
                    ("shortlisted", "Shortlisted"),
                    ("proposed_winner", "Proposed winner"),
                    ("winner", "Winner"),
                    ("not_selected", "Not selected"),
                    ("disqualified", "Disqualified"),
                    ("defaulted", "Did not sign the contract"),
                ],
                default="draft",
                max_length=50,
                protected=True,
                verbose_name="status",
            ),
        ),
        migrations.AlterField(
            model_name="project",
            name="outcome",
            field=models.CharField(
                blank=True,
                choices=[
                    ("diligent_failure", "Diligent failure (no liability)"),
                    ("misconduct", "Misconduct"),
                    ("eliminated", "Eliminated in a horse-race assessment"),
                    ("not_signed", "Contract not signed in time"),
                ],
                max_length=20,
                verbose_name="termination outcome",
            ),
        ),
        migrations.AlterField(
            model_name="tranche",
            name="status",
            field=django_fsm.FSMField(
                choices=[
                    ("pending", "Pending"),
                    ("eligible", "Due"),
                    ("disbursed", "Disbursed"),
                    ("withheld", "Withheld"),
                    ("recovered", "Recovered"),
                    ("cancelled", "Cancelled"),
                ],
                default="pending",
                max_length=50,
                protected=True,
                verbose_name="status",
            ),
        ),
        migrations.CreateModel(
            name="SigningDefault",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "credit_code",
                    models.CharField(db_index=True, max_length=18, verbose_name="credit code"),
                ),
                (
                    "decision",
                    models.CharField(
                        choices=[
                            ("substitute", "Next bid substituted (递补)"),
                            ("republish", "Challenge to be published again"),
                        ],
                        max_length=12,
                        verbose_name="bureau's decision",
                    ),
                ),
                ("reason", models.TextField(verbose_name="reasons")),
                ("due_at", models.DateTimeField(verbose_name="signing deadline")),
                ("recorded_at", models.DateTimeField(auto_now_add=True)),
                (
                    "bid",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="signing_default",
                        to="bounty.bid",
                    ),
                ),
                (
                    "organization",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="signing_defaults",
                        to="accounts.organization",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "signing default",
                "verbose_name_plural": "signing defaults",
                "ordering": ["-recorded_at"],
            },
        ),
    ]

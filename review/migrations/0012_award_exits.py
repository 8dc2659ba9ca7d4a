# Issue 16 (procedure integrity): the issuer's request to declare no award (流榜) and the
# deadline reminders of the award (proposal, signing).

import django.db.models.deletion
import django_fsm
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0011_fsm_statuses_paper_objections"),
        ("bounty", "0024_award_exits"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AwardDecline",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("reasons", models.TextField(verbose_name="reasons")),
                ("filed_at", models.DateTimeField(auto_now_add=True)),
                (
                    "status",
                    django_fsm.FSMField(
                        choices=[
                            ("pending", "Awaiting the bureau"),
                            ("confirmed", "Confirmed: no award"),
                            ("returned", "Returned to the issuer"),
                        ],
                        default="pending",
                        max_length=50,
                        protected=True,
                        verbose_name="status",
                    ),
                ),
                ("comment", models.TextField(blank=True, verbose_name="bureau's comment")),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                (
                    "challenge",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="award_declines",
                        to="bounty.challenge",
                    ),
                ),
                (
                    "decided_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "filed_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "request to declare no award",
                "verbose_name_plural": "requests to declare no award",
                "ordering": ["challenge", "-filed_at"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("status", "pending")),
                        fields=("challenge",),
                        name="one_pending_award_decline",
                    )
                ],
            },
            bases=(django_fsm.FSMModelMixin, models.Model),
        ),
        migrations.CreateModel(
            name="AwardReminder",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("proposal_before", "Proposal due soon"),
                            ("proposal_due", "Proposal deadline reached"),
                            ("signing_before", "Signing due soon"),
                            ("signing_expired", "Signing deadline passed"),
                        ],
                        max_length=20,
                    ),
                ),
                ("due_at", models.DateTimeField()),
                ("sent_at", models.DateTimeField(auto_now_add=True)),
                (
                    "challenge",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="bounty.challenge",
                    ),
                ),
                (
                    "project",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="bounty.project",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("project__isnull", True)),
                        fields=("challenge", "kind", "due_at"),
                        name="one_award_reminder",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("project__isnull", False)),
                        fields=("project", "kind", "due_at"),
                        name="one_signing_reminder",
                    ),
                ],
            },
        ),
        # The daily run of the award's deadlines (proposal and signing reminders).
        migrations.RunPython(
            lambda apps, schema_editor: apps.get_model(
                "django_q", "Schedule"
            ).objects.update_or_create(
                name="award-deadlines",
                defaults={
                    "func": "review.tasks.award_deadlines",
                    "schedule_type": "D",
                    "repeats": -1,
                },
            ),
            lambda apps, schema_editor: (
                apps.get_model("django_q", "Schedule")
                .objects.filter(name="award-deadlines")
                .delete()
            ),
        ),
    ]

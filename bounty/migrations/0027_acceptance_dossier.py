# The acceptance dossier, the public notice of the acceptance result and its objections
# (issue 17, item 4); the project's "acceptance_notice" state.

from decimal import Decimal

import django.db.models.deletion
import django_fsm
from django.conf import settings
from django.db import migrations, models

import bounty.projects.dossier

USER = settings.AUTH_USER_MODEL
PROTECT = django.db.models.deletion.PROTECT
CASCADE = django.db.models.deletion.CASCADE


def _id():
    return models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")


class Migration(migrations.Migration):
    dependencies = [
        ("bounty", "0026_changes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="project",
            name="status",
            field=django_fsm.FSMField(
                choices=[
                    ("awaiting_contract", "Awaiting the contract"),
                    ("active", "Active"),
                    ("change_requested", "Change requested"),
                    ("acceptance_applied", "Acceptance applied for"),
                    ("under_acceptance", "Under acceptance"),
                    ("acceptance_notice", "Acceptance result in public notice"),
                    ("passed", "Passed"),
                    ("closed_without_pass", "Closed without full pass"),
                    ("failed", "Failed"),
                    ("terminated", "Terminated"),
                ],
                default="awaiting_contract",
                max_length=50,
                protected=True,
                verbose_name="status",
            ),
        ),
        migrations.CreateModel(
            name="AcceptanceDossier",
            fields=[
                ("id", _id()),
                ("work_done", models.TextField(blank=True, verbose_name="work completed against the task")),
                ("results", models.TextField(blank=True, verbose_name="results, applications and benefits")),
                ("open_issues", models.TextField(blank=True, verbose_name="open issues")),
                ("technical_summary", models.TextField(blank=True, verbose_name="technical summary")),
                ("audit_file", models.FileField(blank=True, upload_to=bounty.projects.dossier.dossier_upload_to)),
                ("audit_name", models.CharField(blank=True, max_length=255, verbose_name="file name")),
                ("audit_sha256", models.CharField(blank=True, max_length=64)),
                ("user_report", models.TextField(blank=True, verbose_name="user report (用户使用报告)")),
                ("user_report_file", models.FileField(blank=True, upload_to=bounty.projects.dossier.dossier_upload_to)),
                ("user_report_name", models.CharField(blank=True, max_length=255, verbose_name="file name")),
                ("user_report_sha256", models.CharField(blank=True, max_length=64)),
                ("user_report_at", models.DateTimeField(blank=True, null=True)),
                ("updated_at", models.DateTimeField(blank=True, null=True)),
                ("submitted_at", models.DateTimeField(blank=True, null=True)),
                ("project", models.OneToOneField(on_delete=CASCADE, related_name="dossier", to="bounty.project")),
                ("updated_by", models.ForeignKey(null=True, on_delete=PROTECT, related_name="+", to=USER)),
                ("user_report_by", models.ForeignKey(null=True, on_delete=PROTECT, related_name="+", to=USER)),
            ],
            options={
                "verbose_name": "acceptance dossier",
                "verbose_name_plural": "acceptance dossiers",
            },
        ),
        migrations.CreateModel(
            name="IndicatorResult",
            fields=[
                ("id", _id()),
                ("committed_value", models.DecimalField(decimal_places=4, max_digits=16, verbose_name="committed value")),
                ("achieved_value", models.DecimalField(blank=True, decimal_places=4, max_digits=16, null=True, verbose_name="achieved value")),
                ("note", models.CharField(blank=True, max_length=500, verbose_name="how it was measured")),
                ("report_file", models.FileField(blank=True, upload_to=bounty.projects.dossier.dossier_upload_to)),
                ("report_name", models.CharField(blank=True, max_length=255, verbose_name="test report")),
                ("report_size", models.PositiveBigIntegerField(default=0)),
                ("report_sha256", models.CharField(blank=True, max_length=64)),
                ("dossier", models.ForeignKey(on_delete=CASCADE, related_name="indicator_results", to="bounty.acceptancedossier")),
                ("indicator", models.ForeignKey(on_delete=PROTECT, related_name="+", to="bounty.indicator")),
            ],
            options={"ordering": ["indicator__position", "indicator__pk"]},
        ),
        migrations.CreateModel(
            name="SpendingLine",
            fields=[
                ("id", _id()),
                ("category", models.CharField(choices=[("equipment", "Equipment"), ("operating", "Operating costs"), ("labour", "Labour"), ("indirect", "Indirect costs")], max_length=20, verbose_name="subject")),
                ("government_spent", models.DecimalField(decimal_places=2, default=Decimal("0"), max_digits=12, verbose_name="government funds spent (10k yuan)")),
                ("self_raised_spent", models.DecimalField(decimal_places=2, default=Decimal("0"), max_digits=12, verbose_name="self-raised funds spent (10k yuan)")),
                ("note", models.CharField(blank=True, max_length=300, verbose_name="note")),
                ("dossier", models.ForeignKey(on_delete=CASCADE, related_name="spending", to="bounty.acceptancedossier")),
            ],
        ),
        migrations.CreateModel(
            name="AcceptanceNotice",
            fields=[
                ("id", _id()),
                ("result", models.CharField(choices=[("passed", "Passed"), ("closed_without_pass", "Closed without full pass"), ("failed", "Failed")], max_length=20, verbose_name="acceptance result")),
                ("conclusion", models.TextField(verbose_name="panel's conclusion")),
                ("opened_at", models.DateTimeField()),
                ("ends_at", models.DateTimeField(verbose_name="objections until")),
                ("status", django_fsm.FSMField(choices=[("in_notice", "In public notice"), ("final", "Final"), ("set_aside", "Set aside after an objection")], db_index=True, default="in_notice", max_length=10, protected=True)),
                ("closed_at", models.DateTimeField(blank=True, null=True)),
                ("project", models.ForeignKey(on_delete=CASCADE, related_name="acceptance_notices", to="bounty.project")),
                ("recorded_by", models.ForeignKey(on_delete=PROTECT, related_name="+", to=USER)),
            ],
            options={
                "verbose_name": "acceptance notice",
                "verbose_name_plural": "acceptance notices",
                "ordering": ["-opened_at", "-pk"],
            },
            bases=(django_fsm.FSMModelMixin, models.Model),
        ),
        migrations.CreateModel(
            name="AcceptanceObjection",
            fields=[
                ("id", _id()),
                ("text", models.TextField(verbose_name="objection")),
                ("evidence", models.FileField(upload_to=bounty.projects.dossier.objection_upload_to, verbose_name="evidence")),
                ("evidence_name", models.CharField(max_length=255)),
                ("evidence_sha256", models.CharField(max_length=64)),
                ("status", django_fsm.FSMField(choices=[("open", "Open"), ("upheld", "Upheld"), ("dismissed", "Dismissed")], db_index=True, default="open", max_length=10, protected=True)),
                ("decision_reason", models.TextField(blank=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                ("author", models.ForeignKey(on_delete=PROTECT, related_name="+", to=USER)),
                ("decided_by", models.ForeignKey(blank=True, null=True, on_delete=PROTECT, related_name="+", to=USER)),
                ("notice", models.ForeignKey(on_delete=PROTECT, related_name="objections", to="bounty.acceptancenotice")),
            ],
            options={
                "verbose_name": "objection to an acceptance result",
                "verbose_name_plural": "objections to acceptance results",
                "ordering": ["created_at", "pk"],
            },
            bases=(django_fsm.FSMModelMixin, models.Model),
        ),
        migrations.AddIndex(
            model_name="acceptancenotice",
            index=models.Index(fields=["status", "ends_at"], name="bounty_acce_status_670dbe_idx"),
        ),
        migrations.AddConstraint(
            model_name="indicatorresult",
            constraint=models.UniqueConstraint(fields=("dossier", "indicator"), name="one_result_per_indicator"),
        ),
        migrations.AddConstraint(
            model_name="spendingline",
            constraint=models.UniqueConstraint(fields=("dossier", "category"), name="one_spending_per_subject"),
        ),
    ]

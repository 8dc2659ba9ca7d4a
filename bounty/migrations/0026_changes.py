# Issue 17: changes (变更). 备案 kinds (technical route, schedule shift, team members) and
# approval kinds (PI, lead unit, indicators, extension); the project keeps its current lead
# unit, PI, route, team and committed indicator values. ChangeRequest moved to
# bounty/projects/changes.py (same table).

import django.db.models.deletion
import django_fsm
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("bounty", "0025_dueprocess_meetings"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="changerequest",
            options={
                "ordering": ["project", "requested_at"],
                "verbose_name": "change",
                "verbose_name_plural": "changes",
            },
        ),
        migrations.AddField(
            model_name="changerequest",
            name="before",
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
        migrations.AddField(
            model_name="changerequest",
            name="data",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name="changerequest",
            name="in_force_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="project",
            name="committed",
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
        migrations.AddField(
            model_name="project",
            name="lead",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.organization",
                verbose_name="current lead unit",
            ),
        ),
        migrations.AddField(
            model_name="project",
            name="pi",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="current PI",
            ),
        ),
        migrations.AddField(
            model_name="project",
            name="team_members",
            field=models.JSONField(blank=True, default=list, editable=False),
        ),
        migrations.AddField(
            model_name="project",
            name="technical_route",
            field=models.TextField(blank=True, editable=False, verbose_name="technical route"),
        ),
        migrations.AlterField(
            model_name="changerequest",
            name="decision",
            field=django_fsm.FSMField(
                choices=[
                    ("pending", "Pending"),
                    ("approved", "Approved, awaiting signatures"),
                    ("in_force", "In force (supplement signed)"),
                    ("rejected", "Rejected"),
                    ("recorded", "Recorded (备案)"),
                    ("acknowledged", "Acknowledged by the bureau"),
                ],
                default="pending",
                max_length=20,
                protected=True,
            ),
        ),
        migrations.AlterField(
            model_name="changerequest",
            name="kind",
            field=models.CharField(
                choices=[
                    ("route", "Technical route"),
                    ("schedule", "Schedule shift of milestones"),
                    ("team", "Team members (other than the PI)"),
                    ("pi", "Change of PI"),
                    ("lead", "Change of lead unit"),
                    ("indicators", "Change of indicators"),
                    ("extension", "Extension"),
                    ("other", "Other change"),
                ],
                max_length=20,
                verbose_name="kind",
            ),
        ),
    ]

"""Expert fees (专家咨询费) per panel: review/fees/models.py."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0012_award_exits"),
        ("bounty", "0030_termination_process"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="PanelFees",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("held_on", models.DateField(verbose_name="meeting date")),
                (
                    "days",
                    models.DecimalField(
                        decimal_places=1, max_digits=3, verbose_name="days of the meeting"
                    ),
                ),
                ("recorded_at", models.DateTimeField(auto_now_add=True)),
                (
                    "draw",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="fees",
                        to="review.draw",
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
                "verbose_name": "panel fees",
                "verbose_name_plural": "panel fees",
                "ordering": ["-held_on", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="ExpertFee",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "level",
                    models.CharField(
                        choices=[("senior", "Senior title (高级职称)"), ("other", "Other")],
                        max_length=10,
                        verbose_name="fee level",
                    ),
                ),
                ("rate", models.PositiveIntegerField(verbose_name="yuan per day")),
                (
                    "computed",
                    models.DecimalField(
                        decimal_places=2, max_digits=10, verbose_name="computed fee (yuan)"
                    ),
                ),
                (
                    "amount",
                    models.DecimalField(decimal_places=2, max_digits=10, verbose_name="fee (yuan)"),
                ),
                ("reason", models.TextField(blank=True, verbose_name="reason of the change")),
                ("edited_at", models.DateTimeField(blank=True, null=True)),
                (
                    "edited_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "seat",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="fee",
                        to="review.seat",
                    ),
                ),
                (
                    "panel",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="fees",
                        to="review.panelfees",
                    ),
                ),
            ],
            options={
                "verbose_name": "expert fee",
                "verbose_name_plural": "expert fees",
                "ordering": ["panel", "seat__rank"],
            },
        ),
    ]

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0013_expert_fees"),
        ("bounty", "0030_termination_process"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ExpertRemoval",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("reason", models.TextField(verbose_name="reason")),
                ("removed_at", models.DateTimeField(verbose_name="removed on")),
                (
                    "case",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="bounty.dueprocesscase",
                    ),
                ),
                (
                    "expert",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="removal",
                        to="review.expert",
                    ),
                ),
            ],
            options={
                "verbose_name": "expert removal",
                "verbose_name_plural": "expert removals",
            },
        ),
        migrations.CreateModel(
            name="ExpertRating",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("timeliness", models.PositiveSmallIntegerField(verbose_name="timeliness")),
                ("quality", models.PositiveSmallIntegerField(verbose_name="quality")),
                ("note", models.CharField(max_length=300, verbose_name="note")),
                ("rated_at", models.DateTimeField()),
                (
                    "draw",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="ratings",
                        to="review.draw",
                    ),
                ),
                (
                    "expert",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="ratings",
                        to="review.expert",
                    ),
                ),
                (
                    "rated_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "seat",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="rating",
                        to="review.seat",
                        verbose_name="seat",
                    ),
                ),
            ],
            options={
                "verbose_name": "expert rating",
                "verbose_name_plural": "expert ratings",
                "ordering": ["-rated_at", "-pk"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("draw", "expert"), name="one_rating_per_expert_per_panel"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("timeliness__gte", 1), ("timeliness__lte", 5)),
                        name="rating_timeliness_1_to_5",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("quality__gte", 1), ("quality__lte", 5)),
                        name="rating_quality_1_to_5",
                    ),
                ],
            },
        ),
    ]

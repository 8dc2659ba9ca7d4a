import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import bounty.bids.cure


class Migration(migrations.Migration):
    dependencies = [
        ("bounty", "0028_payments"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="CureRequest",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("missing", models.TextField(verbose_name="missing or defective documents")),
                ("opened_at", models.DateTimeField()),
                ("due_at", models.DateTimeField(verbose_name="documents due")),
                ("completed_at", models.DateTimeField(blank=True, null=True)),
                (
                    "bid",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="cure_requests",
                        to="bounty.bid",
                    ),
                ),
                (
                    "completed_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "opened_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "cure request (补正)",
                "verbose_name_plural": "cure requests (补正)",
                "ordering": ["-opened_at", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="CureFile",
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
                            ("plan", "Implementation plan"),
                            ("qualification", "Qualification documents"),
                            ("consortium", "Consortium agreement"),
                            ("commitment", "Signed commitment letter"),
                            ("other", "Other"),
                        ],
                        max_length=20,
                        verbose_name="document",
                    ),
                ),
                ("file", models.FileField(upload_to=bounty.bids.cure.cure_file_upload_to)),
                ("original_name", models.CharField(max_length=255, verbose_name="file name")),
                ("content_kind", models.CharField(max_length=10)),
                ("size", models.PositiveBigIntegerField()),
                ("sha256", models.CharField(max_length=64)),
                ("uploaded_at", models.DateTimeField()),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "cure",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="files",
                        to="bounty.curerequest",
                    ),
                ),
            ],
            options={
                "verbose_name": "document added in the cure window",
                "verbose_name_plural": "documents added in the cure window",
                "ordering": ["uploaded_at", "pk"],
            },
        ),
        migrations.AddConstraint(
            model_name="curerequest",
            constraint=models.UniqueConstraint(fields=("bid",), name="one_cure_request_per_bid"),
        ),
    ]

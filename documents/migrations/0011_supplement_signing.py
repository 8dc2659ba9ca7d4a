# Issue 17: the 补充协议 of an approved change (PI, lead unit, indicators, extension) and of a
# horse race's continuation, signed by the three parties in order (team → issuer → bureau).
# A new version of the built-in supplement template (documents/builtin/supplement.html)
# prints either agreement; version 1 (0009) had no stylesheet of its own, nor does this one.

import django.db.models.deletion
import django_fsm
from django.conf import settings
from django.db import migrations, models
from django.db.models import Max
from django.utils import timezone

import documents.models
from documents.builtin_versions import BUILTIN

NOTE = "Approved changes: the changed items before and after; signed by the three parties"


def publish(apps, schema_editor):
    DocumentTemplate = apps.get_model("documents", "DocumentTemplate")
    body = (BUILTIN / "supplement.html").read_text(encoding="utf-8")
    templates = DocumentTemplate.objects.filter(kind="supplement")
    current = templates.filter(status="published").order_by("-version").first()
    if current is None or current.body == body:
        return  # none yet (0009 creates it from the current file) or already this file
    DocumentTemplate.objects.create(
        kind="supplement",
        version=(templates.aggregate(n=Max("version"))["n"] or 0) + 1,
        body=body,
        css=current.css,
        note=NOTE,
        status="published",
        published_at=timezone.now(),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0010_notice_handling_office"),
        ("bounty", "0030_termination_process"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Supplement",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("series", models.CharField(editable=False, max_length=60, unique=True)),
                (
                    "status",
                    django_fsm.FSMField(
                        choices=[
                            ("signing", "Awaiting signatures"),
                            ("signed", "Signed by the three parties (in force)"),
                        ],
                        default="signing",
                        max_length=50,
                        protected=True,
                        verbose_name="status",
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("signed_at", models.DateTimeField(blank=True, editable=False, null=True)),
                (
                    "change",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="supplement",
                        to="bounty.changerequest",
                    ),
                ),
                (
                    "contract",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="supplements",
                        to="documents.contract",
                    ),
                ),
            ],
            options={
                "verbose_name": "supplementary agreement",
                "verbose_name_plural": "supplementary agreements",
                "ordering": ["contract", "created_at", "pk"],
            },
            bases=(django_fsm.FSMModelMixin, models.Model),
        ),
        migrations.CreateModel(
            name="SupplementSignature",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "party",
                    models.CharField(
                        choices=[
                            ("team", "Winning team (lead unit)"),
                            ("issuer", "Issuing enterprise"),
                            ("bureau", "Science and technology bureau"),
                        ],
                        max_length=10,
                        verbose_name="party",
                    ),
                ),
                ("organization_name", models.CharField(max_length=200)),
                (
                    "method",
                    models.CharField(
                        choices=[
                            ("online", "Signed on the platform"),
                            ("scan", "Sealed scan uploaded"),
                        ],
                        max_length=10,
                        verbose_name="method",
                    ),
                ),
                ("signed_at", models.DateTimeField()),
                ("document_number", models.CharField(max_length=70)),
                ("document_sha256", models.CharField(max_length=64)),
                (
                    "scan",
                    models.FileField(
                        blank=True,
                        upload_to=documents.models.supplement_scan_upload_to,
                    ),
                ),
                ("scan_name", models.CharField(blank=True, max_length=255)),
                ("scan_sha256", models.CharField(blank=True, db_index=True, max_length=64)),
                ("scan_size", models.PositiveBigIntegerField(blank=True, null=True)),
                (
                    "signed_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, to=settings.AUTH_USER_MODEL
                    ),
                ),
                (
                    "supplement",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="signatures",
                        to="documents.supplement",
                    ),
                ),
            ],
            options={
                "verbose_name": "signature of a supplementary agreement",
                "verbose_name_plural": "signatures of supplementary agreements",
                "ordering": ["supplement", "signed_at"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("supplement", "party"), name="uniq_supplement_signature_party"
                    )
                ],
            },
        ),
        migrations.RunPython(publish, migrations.RunPython.noop),
    ]

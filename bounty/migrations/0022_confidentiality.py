# Issue 16 (procedure integrity), point 4: confidentiality levels. The public summary and
# NDA of a challenge, NDA acceptances and access requests; the search text of non-public
# challenges keeps only their public part.

import itertools

import django.db.models.deletion
import django.utils.timezone
import django_fsm
from django.conf import settings
from django.db import migrations, models


def _bigrams(text):
    chars = [c for c in (text or "").lower() if not c.isspace()]
    pairs = {a + b for a, b in itertools.pairwise(chars) if a.isalnum() and b.isalnum()}
    return " ".join(sorted(pairs))


def public_search_text(apps, schema_editor):
    """Hidden details of restricted/confidential challenges must not be findable."""
    Challenge = apps.get_model("bounty", "Challenge")
    for challenge in Challenge.objects.exclude(confidentiality="public").select_related("issuer"):
        parts = [challenge.title, challenge.public_summary, challenge.issuer.name]
        challenge.search_text = "\n".join(p for p in parts if p).lower()
        challenge.search_bigrams = _bigrams(challenge.search_text)
        challenge.save(update_fields=["search_text", "search_bigrams"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("bounty", "0021_bid_submitted_per_challenge"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="challenge",
            name="nda_text",
            field=models.TextField(
                blank=True,
                help_text="What a reader accepts before seeing the details of a restricted or confidential challenge. Leave empty to use the standard text.",
                verbose_name="confidentiality agreement (NDA)",
            ),
        ),
        migrations.AddField(
            model_name="challenge",
            name="nda_version",
            field=models.PositiveSmallIntegerField(
                default=1, editable=False, verbose_name="NDA version"
            ),
        ),
        migrations.AddField(
            model_name="challenge",
            name="public_summary",
            field=models.TextField(
                blank=True,
                help_text="All the public sees of a restricted or confidential challenge, with its title, industry, bounty and deadline. Leave out what the NDA protects.",
                verbose_name="public summary",
            ),
        ),
        migrations.AlterField(
            model_name="challenge",
            name="confidentiality",
            field=models.CharField(
                choices=[
                    ("public", "Public"),
                    (
                        "internal",
                        "Restricted: details to verified organisations after accepting the NDA",
                    ),
                    ("secret", "Confidential: details only to organisations the issuer admits"),
                ],
                default="public",
                max_length=20,
                verbose_name="confidentiality",
            ),
        ),
        migrations.CreateModel(
            name="AccessRequest",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "reason",
                    models.TextField(verbose_name="why your organisation needs the details"),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "status",
                    django_fsm.FSMField(
                        choices=[
                            ("pending", "Waiting for the issuer"),
                            ("admitted", "Admitted"),
                            ("refused", "Refused"),
                        ],
                        default="pending",
                        max_length=50,
                        protected=True,
                        verbose_name="status",
                    ),
                ),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                (
                    "decision_reason",
                    models.TextField(blank=True, verbose_name="reason for the decision"),
                ),
                (
                    "challenge",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="access_requests",
                        to="bounty.challenge",
                    ),
                ),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "organization",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="access_requests",
                        to="accounts.organization",
                        verbose_name="organisation",
                    ),
                ),
                (
                    "requested_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "access request",
                "verbose_name_plural": "access requests",
                "ordering": ["-created_at", "-pk"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("status__in", ["pending", "admitted"])),
                        fields=("challenge", "organization"),
                        name="one_open_access_request",
                    )
                ],
            },
            bases=(django_fsm.FSMModelMixin, models.Model),
        ),
        migrations.CreateModel(
            name="NdaAcceptance",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("nda_version", models.PositiveSmallIntegerField(verbose_name="NDA version")),
                (
                    "text_sha256",
                    models.CharField(max_length=64, verbose_name="SHA-256 of the NDA text"),
                ),
                (
                    "accepted_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="accepted at"
                    ),
                ),
                (
                    "challenge",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="nda_acceptances",
                        to="bounty.challenge",
                    ),
                ),
                (
                    "organization",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="nda_acceptances",
                        to="accounts.organization",
                        verbose_name="organisation",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="nda_acceptances",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "NDA acceptance",
                "verbose_name_plural": "NDA acceptances",
                "ordering": ["-accepted_at", "-pk"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("challenge", "user", "organization", "nda_version"),
                        name="unique_nda_acceptance",
                    )
                ],
            },
        ),
        migrations.RunPython(public_search_text, migrations.RunPython.noop),
    ]

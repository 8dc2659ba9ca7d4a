"""Payments recorded by whoever pays them (bounty/projects/payments.py): each payment names
its part (enterprise / government), keeps its bank slip and is confirmed or disputed by the
team. Payments recorded before (by the bureau, for the whole tranche) count as confirmed;
each is split into its enterprise and government parts in the tranche's proportion, so
that what remains of each part stays right."""

from decimal import ROUND_HALF_UP, Decimal

import django.db.models.deletion
import django_fsm
from django.conf import settings
from django.db import migrations, models

import bounty.projects.payments

Q4 = Decimal("0.0001")


def split_legacy_payments(apps, schema_editor):
    Disbursement = apps.get_model("bounty", "Disbursement")
    for payment in Disbursement.objects.select_related("tranche").order_by("pk"):
        tranche = payment.tranche
        if tranche.amount and tranche.enterprise_part and tranche.government_part:
            enterprise = (payment.amount * tranche.enterprise_part / tranche.amount).quantize(
                Q4, rounding=ROUND_HALF_UP
            )
        elif tranche.enterprise_part:
            enterprise = payment.amount
        else:
            enterprise = Decimal(0)
        government = payment.amount - enterprise
        if enterprise and government:
            Disbursement.objects.create(
                tranche=tranche,
                part="enterprise",
                amount=enterprise,
                paid_on=payment.paid_on,
                reference=payment.reference,
                recorded_by_id=payment.recorded_by_id,
                status="confirmed",
                answered_at=payment.recorded_at,
            )
        Disbursement.objects.filter(pk=payment.pk).update(
            part="government" if government else "enterprise",
            amount=government or enterprise,
            status="confirmed",
            answered_at=payment.recorded_at,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("bounty", "0027_acceptance_dossier"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="disbursement",
            options={
                "ordering": ["tranche", "paid_on", "pk"],
                "verbose_name": "payment",
                "verbose_name_plural": "payments",
            },
        ),
        migrations.AddField(
            model_name="disbursement",
            name="answered_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="disbursement",
            name="answered_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="disbursement",
            name="corrects",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="correction",
                to="bounty.disbursement",
            ),
        ),
        migrations.AddField(
            model_name="disbursement",
            name="dispute_reason",
            field=models.TextField(blank=True, verbose_name="reason of the dispute"),
        ),
        migrations.AddField(
            model_name="disbursement",
            name="part",
            field=models.CharField(
                choices=[
                    ("enterprise", "Enterprise funds"),
                    ("government", "Government funds (财政)"),
                ],
                default="government",
                max_length=12,
                verbose_name="paid from",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="disbursement",
            name="slip",
            field=models.FileField(
                blank=True,
                upload_to=bounty.projects.payments.payment_slip_upload_to,
                verbose_name="bank slip",
            ),
        ),
        migrations.AddField(
            model_name="disbursement",
            name="slip_name",
            field=models.CharField(blank=True, max_length=255),
        ),
        migrations.AddField(
            model_name="disbursement",
            name="slip_sha256",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="disbursement",
            name="slip_size",
            field=models.PositiveBigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="disbursement",
            name="status",
            field=django_fsm.FSMField(
                choices=[
                    ("recorded", "Awaiting the team's confirmation"),
                    ("confirmed", "Receipt confirmed"),
                    ("disputed", "Disputed by the team"),
                ],
                default="recorded",
                max_length=50,
                protected=True,
                verbose_name="status",
            ),
        ),
        migrations.AddIndex(
            model_name="disbursement",
            index=models.Index(fields=["status", "part"], name="bounty_disb_status_587241_idx"),
        ),
        migrations.RunPython(split_legacy_payments, migrations.RunPython.noop),
    ]

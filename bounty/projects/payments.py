"""Payments of a tranche, recorded by whoever pays (DOMAIN §7 "added"): the issuing
enterprise its own part (自筹/企业出资), the bureau the government part (财政); each with
its bank slip. The team confirms that the money arrived (到位) or disputes it with a
reason; the payer corrects a disputed payment with a new record. Only confirmed payments
count as disbursed (payment_services.py)."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition


class PaymentPart(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise funds")
    GOVERNMENT = "government", _("Government funds (财政)")


class PaymentStatus(models.TextChoices):
    RECORDED = "recorded", _("Awaiting the team's confirmation")
    CONFIRMED = "confirmed", _("Receipt confirmed")
    DISPUTED = "disputed", _("Disputed by the team")


def payment_slip_upload_to(instance, filename):
    return f"projects/payments/{secrets.token_hex(16)}"


class Disbursement(FSMModelMixin, models.Model):
    """One payment against one part of a tranche (date, amount, bank reference, slip)."""

    tranche = models.ForeignKey("Tranche", on_delete=models.PROTECT, related_name="disbursements")
    part = models.CharField(_("paid from"), max_length=12, choices=PaymentPart.choices)
    amount = models.DecimalField(_("amount (10k yuan)"), max_digits=14, decimal_places=4)
    paid_on = models.DateField(_("paid on"))
    reference = models.CharField(_("payment reference"), max_length=100)
    # The bank slip (PDF or image, checked by content); empty only for payments recorded
    # before slips were kept.
    slip = models.FileField(_("bank slip"), upload_to=payment_slip_upload_to, blank=True)
    slip_name = models.CharField(max_length=255, blank=True)
    slip_size = models.PositiveBigIntegerField(default=0)
    slip_sha256 = models.CharField(max_length=64, blank=True)
    status = FSMField(
        _("status"), default=PaymentStatus.RECORDED, choices=PaymentStatus.choices, protected=True
    )
    # A disputed payment is corrected by a new record that names it.
    corrects = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="correction"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    dispute_reason = models.TextField(_("reason of the dispute"), blank=True)

    class Meta:
        app_label = "bounty"
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["tranche", "paid_on", "pk"]
        indexes = [models.Index(fields=["status", "part"])]

    def __str__(self):
        return f"{self.tranche}: {self.amount} ({self.part})"

    @transition(field=status, source=PaymentStatus.RECORDED, target=PaymentStatus.CONFIRMED)
    def confirm(self, *, by, at):
        """The team confirms the money arrived on its account."""
        self.answered_by, self.answered_at = by, at

    @transition(field=status, source=PaymentStatus.RECORDED, target=PaymentStatus.DISPUTED)
    def dispute(self, *, by, at, reason):
        """The team says the money did not arrive as recorded (the payer corrects it)."""
        self.answered_by, self.answered_at, self.dispute_reason = by, at, reason

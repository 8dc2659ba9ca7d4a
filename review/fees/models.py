"""Expert fees (专家咨询费, DOMAIN §7 "added"): what the bureau pays each expert who served
on a panel (bid review, milestone, acceptance…), per panel, for the finance office. The
amount is computed from the settings (``JIEBANG["EXPERT_FEE_*"]``: a rate per meeting day
by title level, later days at a reduced rate, a cap) and may be edited with a reason
(review/fees/services.py)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FeeLevel(models.TextChoices):
    SENIOR = "senior", _("Senior title (高级职称)")
    OTHER = "other", _("Other")


class PanelFees(models.Model):
    """The fees of one completed draw's panel: the meeting's date and length."""

    draw = models.OneToOneField("review.Draw", on_delete=models.PROTECT, related_name="fees")
    held_on = models.DateField(_("meeting date"))
    days = models.DecimalField(_("days of the meeting"), max_digits=3, decimal_places=1)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "review"
        verbose_name = _("panel fees")
        verbose_name_plural = _("panel fees")
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return f"{self.draw} fees {self.held_on:%Y-%m-%d}"


class ExpertFee(models.Model):
    """The fee of one seated expert who served on the panel."""

    panel = models.ForeignKey(PanelFees, on_delete=models.CASCADE, related_name="fees")
    seat = models.OneToOneField("review.Seat", on_delete=models.PROTECT, related_name="fee")
    level = models.CharField(_("fee level"), max_length=10, choices=FeeLevel.choices)
    rate = models.PositiveIntegerField(_("yuan per day"))
    computed = models.DecimalField(_("computed fee (yuan)"), max_digits=10, decimal_places=2)
    amount = models.DecimalField(_("fee (yuan)"), max_digits=10, decimal_places=2)
    reason = models.TextField(_("reason of the change"), blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "review"
        verbose_name = _("expert fee")
        verbose_name_plural = _("expert fees")
        ordering = ["panel", "seat__rank"]

    def __str__(self):
        return f"{self.seat}: {self.amount}"

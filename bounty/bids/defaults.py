"""What the bureau sees about an organisation's past defaults when it checks a new bid: a
winner that let the contract's signing deadline pass (DOMAIN §6 "added"). A record, not a
credit sanction: it bars nothing by itself."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from bounty.bids.models import Bid


class SigningDefault(models.Model):
    class Decision(models.TextChoices):
        SUBSTITUTE = "substitute", _("Next bid substituted (递补)")
        REPUBLISH = "republish", _("Challenge to be published again")

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="signing_defaults"
    )
    # The lead unit's credit code at the time, matched like a credit sanction.
    credit_code = models.CharField(_("credit code"), max_length=18, db_index=True)
    bid = models.OneToOneField(Bid, on_delete=models.PROTECT, related_name="signing_default")
    decision = models.CharField(_("bureau's decision"), max_length=12, choices=Decision.choices)
    reason = models.TextField(_("reasons"))
    due_at = models.DateTimeField(_("signing deadline"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("signing default")
        verbose_name_plural = _("signing defaults")
        ordering = ["-recorded_at"]

    def __str__(self):
        return f"{self.credit_code} {self.bid.reference}"

"""Who has accepted a challenge's NDA and which organisations asked to read a confidential
challenge (DOMAIN §2, added: confidentiality levels). The rules that read these rows are in
``access_rules.py``; the use cases in ``access_services.py``."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from accounts.models import Organization
from bounty.challenges.models import Challenge


class NdaAcceptance(models.Model):
    """A member of a verified organisation accepted version ``nda_version`` of the NDA of a
    restricted or confidential challenge (the text's SHA-256 is what they were shown)."""

    challenge = models.ForeignKey(
        Challenge, on_delete=models.CASCADE, related_name="nda_acceptances"
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="nda_acceptances",
        verbose_name=_("organisation"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="nda_acceptances"
    )
    nda_version = models.PositiveSmallIntegerField(_("NDA version"))
    text_sha256 = models.CharField(_("SHA-256 of the NDA text"), max_length=64)
    accepted_at = models.DateTimeField(_("accepted at"), default=timezone.now)

    class Meta:
        verbose_name = _("NDA acceptance")
        verbose_name_plural = _("NDA acceptances")
        ordering = ["-accepted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "user", "organization", "nda_version"],
                name="unique_nda_acceptance",
            )
        ]

    def __str__(self):
        return f"{self.challenge.ocid} · {self.organization} · v{self.nda_version}"


class AccessStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the issuer")
    ADMITTED = "admitted", _("Admitted")
    REFUSED = "refused", _("Refused")


OPEN_ACCESS_STATUSES = (AccessStatus.PENDING, AccessStatus.ADMITTED)


class AccessRequest(FSMModelMixin, models.Model):
    """An organisation asks to read a confidential challenge; the issuer admits or refuses,
    with a written reason. Admitted members still accept the NDA before reading."""

    challenge = models.ForeignKey(
        Challenge, on_delete=models.CASCADE, related_name="access_requests"
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="access_requests",
        verbose_name=_("organisation"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("why your organisation needs the details"))
    created_at = models.DateTimeField(default=timezone.now)
    status = FSMField(
        _("status"), default=AccessStatus.PENDING, choices=AccessStatus.choices, protected=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)

    class Meta:
        verbose_name = _("access request")
        verbose_name_plural = _("access requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One open request (pending or admitted) per organisation; after a refusal the
            # organisation may ask again.
            models.UniqueConstraint(
                fields=["challenge", "organization"],
                condition=models.Q(status__in=["pending", "admitted"]),
                name="one_open_access_request",
            )
        ]

    def __str__(self):
        return f"{self.challenge.ocid} · {self.organization}"

    def _decide(self, by, reason):
        self.decided_by, self.decided_at, self.decision_reason = by, timezone.now(), reason

    @transition(field=status, source=AccessStatus.PENDING, target=AccessStatus.ADMITTED)
    def admit(self, *, by, reason=""):
        self._decide(by, reason)

    @transition(field=status, source=AccessStatus.PENDING, target=AccessStatus.REFUSED)
    def refuse(self, *, by, reason):
        self._decide(by, reason)

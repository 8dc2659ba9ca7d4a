"""Objections (异议) to a public notice of winners (DOMAIN §5): filed on the platform by a
logged-in, real-name objector, or received on paper or by e-mail and entered by the bureau
on the objector's behalf with the scanned letter. The objector's identity is visible to the
bureau only; an open objection freezes the award. Loaded by review/models.py."""

import re
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from bounty.models import Bid, Challenge
from common.masking import mask_email, mask_phone

# A resident identity card number (GB 11643: 15 or 18 characters, the last may be X).
ID_NUMBER = re.compile(r"[0-9]{15}|[0-9]{17}[0-9Xx]")


def objection_upload_to(instance, filename):
    return f"objections/{instance.challenge_id}/{secrets.token_hex(16)}"


class Objection(FSMModelMixin, models.Model):
    """A real-name objection during the public notice. ``author`` is the objector's account
    (platform); a paper or e-mail objection has none: the bureau officer who entered it is
    ``entered_by`` and the objector is named in the ``objector_*`` fields."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        UPHELD = "upheld", _("Upheld")
        DISMISSED = "dismissed", _("Dismissed")

    class Channel(models.TextChoices):
        PLATFORM = "platform", _("On the platform")
        PAPER = "paper", _("On paper")
        EMAIL = "email", _("By e-mail")

    # Received outside the platform, entered by the bureau.
    ENTERED_CHANNELS = (Channel.PAPER, Channel.EMAIL)

    challenge = models.ForeignKey(Challenge, on_delete=models.PROTECT, related_name="objections")
    bid = models.ForeignKey(
        Bid,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="objections",
        verbose_name=_("bid concerned"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(
        _("received"), max_length=10, choices=Channel.choices, default=Channel.PLATFORM
    )
    objector_name = models.CharField(_("objector's name"), max_length=100, blank=True)
    objector_identity = models.CharField(_("ID number or organisation"), max_length=200, blank=True)
    objector_contact = models.CharField(_("contact"), max_length=200, blank=True)
    received_on = models.DateField(_("received on"), null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("objection"))
    evidence = models.FileField(_("evidence"), upload_to=objection_upload_to)
    evidence_name = models.CharField(max_length=255)
    status = FSMField(
        max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True, protected=True
    )
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "review"
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.challenge.ocid} objection {self.pk}"

    @property
    def entered_by_bureau(self) -> bool:
        return self.channel in self.ENTERED_CHANNELS

    @property
    def objector(self) -> str:
        """The objector's name (bureau only)."""
        return self.author.full_name if self.author_id else self.objector_name

    @property
    def objector_identity_masked(self) -> str:
        """For lists: an ID number keeps only its last 4 characters; an organisation shows."""
        value = self.objector_identity
        return mask_phone(value) if ID_NUMBER.fullmatch(value.replace(" ", "")) else value

    @property
    def objector_contact_masked(self) -> str:
        value = self.objector_contact
        return mask_email(value) if "@" in value else mask_phone(value)

    @transition(field=status, source=Status.OPEN, target=Status.UPHELD)
    def uphold(self, *, by, at, reason):
        self.decided_by, self.decided_at, self.decision_reason = by, at, reason

    @transition(field=status, source=Status.OPEN, target=Status.DISMISSED)
    def dismiss(self, *, by, at, reason):
        self.decided_by, self.decided_at, self.decision_reason = by, at, reason

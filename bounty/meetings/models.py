"""Collective decisions (集体决策, seed l.113; DOMAIN §5 and §7 "added"): the record of the
bureau's meeting that decided. It must exist, and be cited, before the public notice of
winners opens, a project is terminated, a diligent failure (尽职免责) is ruled and an
acceptance result is recorded. One meeting may decide several matters."""

import secrets

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def minutes_upload_to(instance, filename):
    return f"meetings/{secrets.token_hex(16)}"


class DecisionMeeting(models.Model):
    body = models.CharField(_("deciding body"), max_length=100)
    held_on = models.DateField(_("held on"))
    attendees = models.TextField(_("attendees"))
    resolution = models.TextField(_("resolution"))
    minutes = models.FileField(_("minutes (scan)"), upload_to=minutes_upload_to)
    minutes_name = models.CharField(max_length=255)
    minutes_sha256 = models.CharField(max_length=64)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("collective decision")
        verbose_name_plural = _("collective decisions")
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return f"{self.body} {self.held_on:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("bounty:meeting", args=[self.pk])


class MeetingPurpose(models.TextChoices):
    AWARD_NOTICE = "award_notice", _("Public notice of the winners")
    TERMINATION = "termination", _("Termination of a project")
    DILIGENT_FAILURE = "diligent_failure", _("Diligent-failure ruling (尽职免责)")
    ACCEPTANCE = "acceptance", _("Acceptance result")


class MeetingCitation(models.Model):
    """A decision that rests on the meeting: what (purpose, object) and who cited it."""

    meeting = models.ForeignKey(DecisionMeeting, on_delete=models.PROTECT, related_name="citations")
    purpose = models.CharField(_("purpose"), max_length=20, choices=MeetingPurpose.choices)
    object_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    obj = GenericForeignKey("object_type", "object_id")
    object_label = models.CharField(max_length=300)
    cited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    cited_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting", "cited_at"]
        indexes = [models.Index(fields=["object_type", "object_id", "purpose"])]

    def __str__(self):
        return f"{self.meeting} → {self.get_purpose_display()}: {self.object_label}"

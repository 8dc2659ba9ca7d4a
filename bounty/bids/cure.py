"""补正 in the formal check (DOMAIN §3 "added"): for a missing or defective document the
officer opens a cure request naming what is missing; the team has
``FORMAL_CHECK_CURE_WORKING_DAYS`` working days to add the document(s). Only files are
added: the bid's sealed content and its versions stay as they are, and each added file has
its own receipt (database-clock time and SHA-256).

The window's end is a stored moment (``common.dates.window_end``) compared with the
database clock, so it holds whether or not any scheduled task ran."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bounty.bids.models import Attachment, Bid


class CureRequest(models.Model):
    """One 补正 per bid: opened by the bureau, closed when the officer completes the check."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="cure_requests")
    missing = models.TextField(_("missing or defective documents"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField()
    due_at = models.DateTimeField(_("documents due"))
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("cure request (补正)")
        verbose_name_plural = _("cure requests (补正)")
        ordering = ["-opened_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["bid"], name="one_cure_request_per_bid")]

    def __str__(self):
        return f"{self.bid} 补正"

    def window_open(self, now=None) -> bool:
        """The team may still add files (``now``: the database clock, in services)."""
        now = now or timezone.now()
        return self.completed_at is None and now < self.due_at

    def awaits_team(self, now=None) -> bool:
        """The officer waits: the window is open and the team has added nothing yet."""
        return self.window_open(now) and not self.files.exists()


def cure_file_upload_to(instance, filename):
    bid = instance.cure.bid
    return f"bids/{bid.challenge_id}/{bid.pk}/cure/{secrets.token_hex(16)}"


class CureFile(models.Model):
    """A document added during the 补正 window, with its own receipt."""

    cure = models.ForeignKey(CureRequest, on_delete=models.PROTECT, related_name="files")
    kind = models.CharField(_("document"), max_length=20, choices=Attachment.Kind.choices)
    file = models.FileField(upload_to=cure_file_upload_to)
    original_name = models.CharField(_("file name"), max_length=255)
    content_kind = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The database clock at the upload: the receipt's time.
    uploaded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("document added in the cure window")
        verbose_name_plural = _("documents added in the cure window")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name

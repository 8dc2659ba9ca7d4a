from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .registry import render


class Notification(models.Model):
    """One message to one user. Text is rendered from ``kind`` + ``params`` in the
    reader's language at display time, so switching language translates the inbox too."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=60)
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return self.title

    @property
    def title(self):
        return render(self.kind, self.params)[0]

    @property
    def body(self):
        return render(self.kind, self.params)[1]


class EmailPreference(models.Model):
    """How a user wants email: some kinds switched off, and optionally one daily digest
    instead of an email per notification. The inbox always gets everything."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preference"
    )
    muted_kinds = models.JSONField(default=list, blank=True)
    daily_digest = models.BooleanField(
        _("one daily digest instead of an email each time"), default=False
    )
    last_digest_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("email preference")
        verbose_name_plural = _("email preferences")

    def __str__(self):
        return str(self.user)

    def wants_now(self, kind) -> bool:
        return not self.daily_digest and kind not in self.muted_kinds

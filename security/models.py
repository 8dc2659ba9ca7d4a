"""Who administers the system, and who logged in when.

The three administrator duties (三员分立) are separate from the business roles of
``accounts.Membership``: an account holds at most one duty (the one-to-one column is
the database's guarantee) and a duty holder holds no business role (the services that
grant either refuse; see ``security.duties``).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Duty(models.TextChoices):
    SYSTEM = "system", _("System administrator")
    SECURITY = "security", _("Security administrator")
    AUDIT = "audit", _("Audit administrator")


class StaffDuty(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="staff_duty",
        verbose_name=_("account"),
    )
    duty = models.CharField(_("duty"), max_length=20, choices=Duty.choices)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("granted by"),
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("administrator duty")
        verbose_name_plural = _("administrator duties")
        ordering = ["duty", "user__username"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duty__in=["system", "security", "audit"]),
                name="staff_duty_known",
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.get_duty_display()}"


class LoginOutcome(models.TextChoices):
    SUCCESS = "success", _("Signed in")
    VERIFIED = "verified", _("Second factor verified")
    FAILED_PASSWORD = "failed_password", _("Wrong password")
    FAILED_CODE = "failed_code", _("Wrong or reused code")
    LOCKED_OUT = "locked_out", _("Locked out")
    LOGOUT = "logout", _("Signed out")


class LoginRecord(models.Model):
    """One log-in attempt or session event of an account: the user's own history, the
    audit administrator's login history, and the new-device e-mail."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="login_records",
        verbose_name=_("account"),
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=LoginOutcome.choices)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("device"), max_length=300, blank=True)
    # SHA-256 of the browser's User-Agent: "the same device" for the new-device e-mail.
    device_hash = models.CharField(max_length=64, blank=True, editable=False)
    # The session a successful log-in opened, while it may still be open: to end it
    # (deactivation, second-factor reset, a newer staff log-in). Never shown.
    session_key = models.CharField(max_length=40, blank=True, editable=False)

    class Meta:
        verbose_name = _("log-in record")
        verbose_name_plural = _("log-in records")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self):
        return f"{self.user} · {self.get_outcome_display()} · {self.created_at:%Y-%m-%d %H:%M}"

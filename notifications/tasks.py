from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import EmailPreference, Notification
from .registry import is_mandatory


def send_notification_emails(ids):
    """Send each not-yet-emailed notification in its recipient's language, unless the
    recipient switched that kind off or reads a daily digest (their email preference).

    Idempotent: a retried task skips what was already sent.
    """
    site = getattr(settings, "SITE_URL", "")
    for note in Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).select_related(
        "recipient__email_preference"
    ):
        preference = getattr(note.recipient, "email_preference", None)
        if (
            preference is not None
            and not is_mandatory(note.kind)
            and not preference.wants_now(note.kind)
        ):
            continue  # muted, or waiting for the digest
        with translation.override(note.recipient.language):
            title, body = note.title, note.body
            text = render_to_string(
                "notifications/email.txt",
                {"note": note, "title": title, "body": body, "site_url": site},
            )
        send_mail(title, text, None, [note.recipient.email])
        Notification.objects.filter(pk=note.pk).update(emailed_at=timezone.now())


def send_daily_digests():
    """Scheduled daily: one email per digest reader with every notification of theirs that
    was not emailed yet (muted kinds left out); marks them emailed, so a second run the
    same day sends nothing."""
    site = getattr(settings, "SITE_URL", "")
    sent = 0
    for preference in EmailPreference.objects.filter(daily_digest=True).select_related("user"):
        user = preference.user
        notes = list(
            Notification.objects.filter(recipient=user, emailed_at__isnull=True)
            .exclude(kind__in=preference.muted_kinds)
            .order_by("created_at")
        )
        if not notes:
            continue
        with translation.override(user.language):
            subject = str(_("Your daily digest: %(n)d notifications") % {"n": len(notes)})
            text = render_to_string(
                "notifications/digest.txt", {"notes": notes, "user": user, "site_url": site}
            )
        send_mail(subject, text, None, [user.email])
        now = timezone.now()
        Notification.objects.filter(pk__in=[n.pk for n in notes]).update(emailed_at=now)
        EmailPreference.objects.filter(pk=preference.pk).update(last_digest_at=now)
        sent += 1
    return sent

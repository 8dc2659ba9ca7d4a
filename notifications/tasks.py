from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import Notification


def send_notification_emails(ids):
    """Send each not-yet-emailed notification in its recipient's language.

    Idempotent: a retried task skips what was already sent.
    """
    site = getattr(settings, "SITE_URL", "")
    for note in Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).select_related(
        "recipient"
    ):
        with translation.override(note.recipient.language):
            title, body = note.title, note.body
            text = render_to_string(
                "notifications/email.txt",
                {"note": note, "title": title, "body": body, "site_url": site},
            )
        send_mail(title, text, None, [note.recipient.email])
        Notification.objects.filter(pk=note.pk).update(emailed_at=timezone.now())

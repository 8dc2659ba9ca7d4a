from django.db import transaction
from django.utils import timezone
from django_q.tasks import async_task

from .models import Notification
from .registry import is_registered


def notify(*, recipients, kind, params=None, url="", email=True):
    """Create in-app notifications inside the caller's transaction; queue the
    emails only once it commits (a rolled-back action must not send mail)."""
    if not is_registered(kind):
        raise ValueError(f"Unknown notification kind {kind!r}")
    unique = {u.pk: u for u in recipients if u is not None and u.is_active}
    notes = Notification.objects.bulk_create(
        Notification(recipient=user, kind=kind, params=params or {}, url=url)
        for user in unique.values()
    )
    if email:
        ids = [n.pk for n in notes if unique[n.recipient_id].email]
        if ids:
            transaction.on_commit(
                lambda: async_task("notifications.tasks.send_notification_emails", ids)
            )
    return notes


def notification_mark_read(*, user, ids=None):
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction
from django.utils import timezone
from django_q.tasks import async_task

from .models import Notification
from .registry import is_registered

# Inside ``batched_emails()``: the ids of committed notifications waiting to be e-mailed.
_batch: ContextVar[list | None] = ContextVar("notification_email_batch", default=None)
EMAIL_TASK_SIZE = 200  # notifications per e-mail task (a task must finish within its timeout)


def _queue_emails(ids):
    for start in range(0, len(ids), EMAIL_TASK_SIZE):
        async_task(
            "notifications.tasks.send_notification_emails", ids[start : start + EMAIL_TASK_SIZE]
        )


@contextmanager
def batched_emails():
    """For jobs that notify many times in many small transactions (the daily reminders):
    queue the e-mails of everything committed inside the block as a few tasks at its end,
    not one task per notification (each enqueue is a round trip to the broker)."""
    if _batch.get() is not None:  # already batching: the outer block queues
        yield
        return
    ids = []
    token = _batch.set(ids)
    try:
        yield
    finally:
        _batch.reset(token)
        if ids:
            _queue_emails(ids)


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
            batch = _batch.get()
            if batch is not None:
                transaction.on_commit(lambda: batch.extend(ids))
            else:
                transaction.on_commit(lambda: _queue_emails(ids))
    return notes


def notification_mark_read(*, user, ids=None):
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())

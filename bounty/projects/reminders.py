"""Reminders of milestone reports due or overdue (the daily project job, bounty.tasks):
idempotent per milestone and threshold (ReminderLog)."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Role
from accounts.selectors import bureau_officers, organization_staff
from bounty.models import (
    OPEN_MILESTONE,
    ProjectMilestone,
    ProjectStatus,
    ReminderLog,
)
from bounty.projects.services import rules
from notifications.services import batched_emails, notify

# --- Reminders ----------------------------------------------------------------------------


def reminders_run(today=None) -> int:
    """Scheduled daily (and safe to run twice): a reminder before a milestone's date (at
    each of ``REMINDER_DAYS``, e.g. 14 and 3 days) and when it is overdue (then weekly),
    to the team, the issuer and the bureau. At most one reminder per milestone per day:
    the log row is written first, under a unique constraint."""
    today = today or timezone.localdate()
    thresholds = sorted(rules()["REMINDER_DAYS"])
    horizon = today + timedelta(days=max(thresholds))
    candidates = list(
        ProjectMilestone.objects.filter(
            status__in=OPEN_MILESTONE,
            due_on__lte=horizon,
            project__status__in=[ProjectStatus.ACTIVE, ProjectStatus.CHANGE_REQUESTED],
        ).select_related("project__bid__lead", "project__challenge__issuer")
    )
    logs = {}
    for log in ReminderLog.objects.filter(milestone__in=candidates).order_by("sent_on"):
        logs.setdefault(log.milestone_id, []).append(log)
    with batched_emails():  # one e-mail task per 200 notifications, not one per reminder
        return _send_reminders(candidates, logs, thresholds, today)


def _send_reminders(candidates, logs, thresholds, today):
    staff = {}
    officers = bureau_officers()
    sent = 0
    for milestone in candidates:
        days = (milestone.due_on - today).days
        kind = _reminder_due(days, logs.get(milestone.pk, []), thresholds, today)
        if kind is None:
            continue
        try:
            with transaction.atomic():
                ReminderLog.objects.create(milestone=milestone, kind=kind, days=days, sent_on=today)
                project = milestone.project
                recipients = {u.pk: u for u in officers}
                for org, role in (
                    (project.lead_unit, Role.BIDDER),
                    (project.challenge.issuer, Role.ISSUER),
                ):
                    if (org.pk, role) not in staff:
                        staff[org.pk, role] = organization_staff(org, role=role)
                    recipients.update((u.pk, u) for u in staff[org.pk, role])
                notify(
                    recipients=list(recipients.values()),
                    kind=f"project.milestone_{kind}",
                    params={
                        "title": project.challenge.title,
                        "number": milestone.number,
                        "date": milestone.due_on.isoformat(),
                        "days": abs(days),
                    },
                    url=project.get_absolute_url(),
                )
        except IntegrityError:
            continue  # another run sent today's reminder
        sent += 1
    return sent


def _reminder_due(days, logs, thresholds, today):
    if days < 0:
        last_overdue = max(
            (log.sent_on for log in logs if log.kind == ReminderLog.Kind.OVERDUE), default=None
        )
        every = rules()["OVERDUE_REMINDER_EVERY_DAYS"]
        if last_overdue is None or (today - last_overdue).days >= every:
            return ReminderLog.Kind.OVERDUE
        return None
    for threshold in thresholds:  # ascending: the nearest threshold that applies
        if days <= threshold:
            done = any(
                log.kind == ReminderLog.Kind.BEFORE and log.days <= threshold for log in logs
            )
            return None if done else ReminderLog.Kind.BEFORE
    return None

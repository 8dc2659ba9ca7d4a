"""Background-task health for the system administrator (read-only).

Replaces django-q2's own admin pages, which let staff schedule any Python callable and
listed every task's arguments (one row per bid submission before the deadline). Here:
counts, the schedule's names and times, and the names of recent failures only.
"""

from datetime import timedelta

from django.utils import timezone

from ops.health import check_broker, check_heartbeat


def queue_overview() -> dict:
    from django_q.models import Failure, Schedule, Success

    since = timezone.now() - timedelta(hours=24)
    broker_ok, broker = check_broker()
    heartbeat_ok, heartbeat = check_heartbeat()
    return {
        "broker_ok": broker_ok,
        "broker": broker,
        "heartbeat_ok": heartbeat_ok,
        "heartbeat": heartbeat,
        "succeeded_24h": Success.objects.filter(stopped__gte=since).count(),
        "failed_24h": Failure.objects.filter(stopped__gte=since).count(),
        "failures": list(
            Failure.objects.order_by("-stopped").values("func", "stopped", "attempt_count")[:20]
        ),
        "schedules": list(
            Schedule.objects.order_by("next_run").values(
                "name", "func", "schedule_type", "minutes", "next_run", "repeats"
            )
        ),
    }

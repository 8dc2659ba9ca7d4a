from django.utils import timezone

from .models import Heartbeat

WORKER = "worker"


def heartbeat():
    """Scheduled every minute (schedule ``ops-heartbeat``): proves a worker is running
    the schedule. ``/healthz`` turns unhealthy when the beat is older than
    ``OPS_HEARTBEAT_STALE_SECONDS``."""
    now = timezone.now()
    Heartbeat.objects.update_or_create(name=WORKER, defaults={"beat_at": now})
    return now.isoformat()

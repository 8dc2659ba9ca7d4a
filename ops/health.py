"""The checks behind ``/healthz``. Each returns ``(ok, detail)``; none raises."""

import logging
import time

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

logger = logging.getLogger(__name__)

# A process that once saw every migration applied remembers it for a while: reading the
# migration files on every probe would cost ~100 ms. A failure is never cached.
_migrations_ok_until = 0.0


def check_database():
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        logger.warning("health: database unreachable: %s", exc)
        return False, {"error": _error(exc)}
    return True, {"vendor": connections[DEFAULT_DB_ALIAS].vendor}


def check_broker():
    """The django-q2 broker: Redis when ``REDIS_URL`` is set (a PING), else the ORM broker
    (its queue table must answer)."""
    try:
        from django_q.brokers import get_broker

        broker = get_broker()
        if not broker.ping():
            return False, {"broker": _broker_kind(), "error": "no answer"}
        size = broker.queue_size()
    except Exception as exc:
        logger.warning("health: broker unreachable: %s", exc)
        return False, {"broker": _broker_kind(), "error": _error(exc)}
    return True, {"broker": _broker_kind(), "queued": size}


def check_heartbeat():
    from .models import Heartbeat
    from .tasks import WORKER

    stale = settings.OPS_HEARTBEAT_STALE_SECONDS
    try:
        beat = Heartbeat.objects.filter(name=WORKER).values_list("beat_at", flat=True).first()
    except Exception as exc:
        return False, {"error": _error(exc)}
    if beat is None:
        return False, {"error": "no heartbeat recorded yet", "stale_after_seconds": stale}
    age = (timezone.now() - beat).total_seconds()
    detail = {
        "last_beat": beat.isoformat(),
        "age_seconds": round(age),
        "stale_after_seconds": stale,
    }
    return age <= stale, detail


def check_migrations():
    global _migrations_ok_until
    if time.monotonic() < _migrations_ok_until:
        return True, {"unapplied": 0}
    try:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:
        return False, {"error": _error(exc)}
    if plan:
        names = [f"{m.app_label}.{m.name}" for m, _backwards in plan]
        return False, {"unapplied": len(names), "first": names[:5]}
    _migrations_ok_until = time.monotonic() + settings.OPS_HEALTH_MIGRATIONS_CACHE_SECONDS
    return True, {"unapplied": 0}


CHECKS = {
    "database": check_database,
    "broker": check_broker,
    "heartbeat": check_heartbeat,
    "migrations": check_migrations,
}


def run_checks():
    """Run every check; the broker, heartbeat and migrations are skipped (and failed) when
    the database itself is down, so a probe never waits on three timeouts."""
    results = {}
    db_ok, detail = check_database()
    results["database"] = {"ok": db_ok, **detail}
    for name, check in CHECKS.items():
        if name == "database":
            continue
        if not db_ok and name != "broker":
            results[name] = {"ok": False, "error": "database unreachable"}
            continue
        ok, detail = check()
        results[name] = {"ok": ok, **detail}
    return all(r["ok"] for r in results.values()), results


def reset_cache():
    global _migrations_ok_until
    _migrations_ok_until = 0.0


def _broker_kind():
    return "redis" if settings.Q_CLUSTER.get("redis") else "orm"


def _error(exc):
    return f"{type(exc).__name__}: {str(exc)[:200]}"

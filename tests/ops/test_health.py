"""/healthz: 200 when the database, the broker, the worker heartbeat and the migrations are
all good; 503 with the failing check named otherwise."""

from datetime import timedelta

import pytest
from django.db import OperationalError, connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django_q.conf import Conf

from ops import health
from ops.models import Heartbeat
from ops.tasks import WORKER, heartbeat

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    health.reset_cache()
    yield
    health.reset_cache()


def _get(client):
    response = client.get("/healthz")
    return response, response.json()


def test_all_good_is_200_with_each_check(client):
    heartbeat()
    response, body = _get(client)
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "broker", "heartbeat", "migrations"}
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["broker"]["broker"] == "orm"
    assert body["checks"]["migrations"]["unapplied"] == 0
    assert body["checks"]["heartbeat"]["age_seconds"] <= 1


def test_not_cached_no_session_no_login(client):
    heartbeat()
    response = client.get("/healthz")
    assert "no-cache" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]
    assert "sessionid" not in response.cookies
    assert response["Content-Type"].startswith("application/json")
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


def test_heartbeat_task_records_the_time():
    heartbeat()
    first = Heartbeat.objects.get(name=WORKER).beat_at
    assert abs((timezone.now() - first).total_seconds()) < 5
    heartbeat()
    assert Heartbeat.objects.count() == 1


def test_heartbeat_is_scheduled_every_minute():
    from django_q.models import Schedule

    schedule = Schedule.objects.get(name="ops-heartbeat")
    assert schedule.func == "ops.tasks.heartbeat"
    assert schedule.schedule_type == Schedule.MINUTES
    assert schedule.minutes == 1
    assert schedule.repeats == -1


def test_no_heartbeat_yet_is_503(client):
    response, body = _get(client)
    assert response.status_code == 503
    assert body["status"] == "fail"
    assert body["checks"]["heartbeat"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


def test_stale_heartbeat_is_503(client, settings):
    settings.OPS_HEARTBEAT_STALE_SECONDS = 120
    Heartbeat.objects.create(name=WORKER, beat_at=timezone.now() - timedelta(seconds=121))
    response, body = _get(client)
    assert response.status_code == 503
    assert body["checks"]["heartbeat"]["ok"] is False
    assert body["checks"]["heartbeat"]["age_seconds"] >= 121
    Heartbeat.objects.filter(name=WORKER).update(beat_at=timezone.now() - timedelta(seconds=60))
    assert client.get("/healthz").status_code == 200


def test_unapplied_migration_is_503(client):
    heartbeat()
    MigrationRecorder.Migration.objects.filter(app="ops", name="0002_heartbeat_schedule").delete()
    response, body = _get(client)
    assert response.status_code == 503
    assert body["checks"]["migrations"]["ok"] is False
    assert body["checks"]["migrations"]["unapplied"] == 1
    assert body["checks"]["migrations"]["first"] == ["ops.0002_heartbeat_schedule"]


def test_database_down_is_503(client, monkeypatch):
    heartbeat()

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response, body = _get(client)
    assert response.status_code == 503
    assert body["checks"]["database"]["ok"] is False
    assert "connection refused" in body["checks"]["database"]["error"]
    # what depends on the database is reported failed, not waited for
    assert body["checks"]["heartbeat"]["ok"] is False
    assert body["checks"]["migrations"]["ok"] is False


def test_unreachable_redis_broker_is_503(client, monkeypatch, settings):
    """REDIS_URL set but nothing listens there (port 1 on loopback)."""
    heartbeat()
    monkeypatch.setattr(Conf, "ORM", None)
    monkeypatch.setattr(Conf, "REDIS", "redis://127.0.0.1:1/0")
    monkeypatch.setitem(settings.Q_CLUSTER, "redis", "redis://127.0.0.1:1/0")
    response, body = _get(client)
    assert response.status_code == 503
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["broker"]["broker"] == "redis"
    assert "Error" in body["checks"]["broker"]["error"]
    assert body["checks"]["database"]["ok"] is True


def test_orm_broker_table_missing_is_503(client, monkeypatch):
    """The ORM broker answers through its queue table: a failing query fails the check."""
    heartbeat()
    from django_q.brokers import orm

    def broken(self):
        raise OperationalError("no such table: django_q_ormq")

    monkeypatch.setattr(orm.ORM, "queue_size", broken)
    response, body = _get(client)
    assert response.status_code == 503
    assert body["checks"]["broker"]["ok"] is False
    assert "django_q_ormq" in body["checks"]["broker"]["error"]

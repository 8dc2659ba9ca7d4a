"""One test with a real django-q2 cluster (the rest of the suite runs tasks inline)."""

import time

import pytest
from django.db import connection, connections

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        "connection.vendor != 'postgresql'",
        reason="worker processes need a database they can share (the SQLite test DB is in memory)",
    ),
]


def test_real_cluster_closes_an_expired_challenge(monkeypatch):
    from datetime import timedelta

    from django.utils import timezone
    from django_q.brokers import get_broker
    from django_q.cluster import Cluster
    from django_q.conf import Conf
    from django_q.tasks import async_task, result

    from bounty.models import ChallengeStatus
    from tests.bounty.helpers import force_deadline, published

    challenge = force_deadline(published(), timezone.now() - timedelta(seconds=1))
    monkeypatch.setattr(Conf, "SYNC", False)
    broker = get_broker()
    task_id = async_task("bounty.tasks.close_expired_challenges", broker=broker)
    connections.close_all()  # forked workers must not share this process's connection
    cluster = Cluster(broker)
    cluster.start()
    try:
        outcome = None
        for _ in range(60):
            outcome = result(task_id)
            if outcome is not None:
                break
            time.sleep(0.5)
    finally:
        cluster.stop()
    assert outcome == 1
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.CLOSED
    assert connection.vendor == "postgresql"

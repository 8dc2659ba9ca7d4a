"""A second concurrent draw request for the same challenge does not create two draws (PostgreSQL)."""

import threading

import pytest
from django.db import connection, connections

from review.draw import services
from review.models import Draw
from tests.review.draw.helpers import closed_challenge_with_bids, pool, public_source

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="concurrency needs PostgreSQL"),
]


def test_concurrent_draw_requests_open_one_draw():
    challenge, _bids, officer = closed_challenge_with_bids(1)
    pool(10)
    results, errors = [], []

    def request():
        try:
            draw = services.draw_create(
                challenge=challenge, by=officer, public_value_source=public_source()
            )
            results.append(draw.pk)
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=request) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert len(set(results)) == 1
    assert Draw.objects.filter(challenge=challenge).count() == 1
    assert connection.vendor == "postgresql"

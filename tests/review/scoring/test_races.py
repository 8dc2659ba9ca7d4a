"""Two experts submitting at the same moment lose nothing (real connections, PostgreSQL)."""

import threading

import pytest
from django.db import connection, connections

from review.models import ScoreSheet
from review.scoring import services as scoring
from tests.review.scoring.test_scoring import panel_ready, score

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="concurrency needs PostgreSQL"),
]


def test_concurrent_submissions_keep_every_score():
    challenge, bids, seats, criteria = panel_ready(2, 5)
    for seat in seats:
        for bid in bids:
            score(seat, bid, criteria, 75)
    errors = []

    def submit(seat):
        try:
            scoring.scores_submit(seat=seat, by=seat.expert.user)
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(seat,)) for seat in seats]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert ScoreSheet.objects.filter(status="submitted").count() == len(seats) * len(bids)
    assert all(len(sheet.scores.all()) == len(criteria) for sheet in ScoreSheet.objects.all())
    ranked = scoring.ranking(challenge)
    assert [r.experts for r in ranked] == [5, 5]
    assert connection.vendor == "postgresql"

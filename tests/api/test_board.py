"""The board endpoint: the web board's selector (search, filters, order, pages) and a
constant number of queries."""

import itertools
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bounty.board.selectors import challenge_board
from bounty.models import Challenge
from tests.api.conftest import token_client
from tests.bounty.helpers import published

pytestmark = pytest.mark.django_db


_serial = itertools.count()


def _clone(challenge, n):
    """Copies of a published challenge (quick: the board only reads rows)."""
    rows = []
    for _ in range(n):
        i = next(_serial)
        copy = Challenge.objects.get(pk=challenge.pk)
        copy.pk = None
        copy.ocid = f"{challenge.ocid}-{i}"
        copy.title = f"{challenge.title} {i}"
        copy.bounty_total = Decimal(100 + i)
        copy.bid_deadline = timezone.now() + timedelta(days=30 + i)
        rows.append(copy)
    Challenge.objects.bulk_create(rows)


def _ocids(rows):
    return [c.ocid for c in rows]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"sort": "deadline"},
        {"sort": "amount_desc", "amount_min": "103"},
        {"q": "高镍"},
        {"status": "open", "sort": "amount_asc"},
        {"page": "2"},
        {"page": "999"},
    ],
)
def test_same_rows_as_the_web_board(params):
    _clone(published(), 25)
    response = token_client(None).get("/api/v1/challenges/", params)
    assert response.status_code == 200
    body = response.json()
    rows, _form = challenge_board(params=params)
    from django.core.paginator import Paginator

    page = Paginator(rows, 20).get_page(params.get("page"))
    assert [r["ocid"] for r in body["results"]] == _ocids(page)
    assert body["count"] == page.paginator.count
    assert body["page"] == page.number


def _queries(client, params=None):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/api/v1/challenges/", params or {}).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("params", [{}, {"q": "电池", "sort": "deadline"}])
def test_board_queries_do_not_grow_with_the_rows(params):
    challenge = published()
    _clone(challenge, 9)
    anonymous = token_client(None)
    few = _queries(anonymous, params)
    _clone(challenge, 20)
    assert _queries(anonymous, params) == few
    # industries, count, page; the deadline sort counts open and closed rows apart
    # (bounty.selectors.OpenFirst) and here reads one page of open ones.
    assert few == (4 if params.get("sort") == "deadline" else 3)


def test_board_queries_with_a_token_add_only_the_token_lookup():
    from tests.factories import UserFactory

    challenge = published()
    _clone(challenge, 9)
    api = token_client(UserFactory())
    api.get("/api/v1/me/")  # records last_used_at (written at most once a minute)
    few = _queries(api)
    _clone(challenge, 20)
    assert _queries(api) == few == 4


def test_board_rows_are_what_the_documented_serializer_gives():
    from api.serializers import BoardItemSerializer
    from api.views.public import board_rows

    _clone(published(), 3)
    rows, _form = challenge_board(params={})
    rows = list(rows)
    assert board_rows(rows) == BoardItemSerializer(rows, many=True).data

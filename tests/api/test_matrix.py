"""Every endpoint × role → expected status, through the same predicates as the web.

Roles: anonymous, another organisation's bidder, the challenge's issuer, the bidding
team, a panel expert, a bureau officer. 404 wherever the caller may not know the
object exists; 401 without credentials; sealed bids stay sealed until the deadline.
"""

import pytest

from accounts.models import Role
from accounts.selectors import bureau_organization
from bounty.bids import services as bid_services
from tests.api.conftest import token_client
from tests.bounty.bids.helpers import complete_bid, team
from tests.bounty.helpers import draft, published
from tests.factories import UserFactory, bureau_officer
from tests.review.draw.helpers import make_expert
from tests.review.scoring.test_scoring import panel_ready

pytestmark = pytest.mark.django_db
ROLES = ("anon", "other", "issuer", "bidder", "expert", "bureau")


def _row(method, path, *expected, body=None):
    assert len(expected) == len(ROLES)
    return method, path, dict(zip(ROLES, expected, strict=True)), body


def _check(table, users):
    clients = {role: token_client(user) for role, user in users.items()}
    wrong = []
    for method, path, expected, body in table:
        for role in ROLES:
            call = getattr(clients[role], method)
            response = call(path, body, format="json") if body is not None else call(path)
            if response.status_code != expected[role]:
                wrong.append(
                    f"{method.upper()} {path} as {role}: {response.status_code}, "
                    f"expected {expected[role]}"
                )
    assert wrong == []


def test_matrix_before_the_deadline():
    officer = bureau_officer()
    challenge = published(officer=officer)
    issuer = challenge.created_by
    hidden = draft(issuer, challenge.issuer)
    bidder, org = team()
    bid = complete_bid(challenge, bidder, org)
    bid_services.bid_submit(bid=bid, by=bidder)
    other, _other_org = team()
    expert = UserFactory()
    make_expert(user=expert)
    users = {
        "anon": None,
        "other": other,
        "issuer": issuer,
        "bidder": bidder,
        "expert": expert,
        "bureau": officer,
    }
    c, d, b = challenge.ocid, hidden.ocid, bid.reference
    table = [
        _row("get", "/api/v1/industries/", 200, 200, 200, 200, 200, 200),
        _row("get", "/api/v1/challenges/", 200, 200, 200, 200, 200, 200),
        _row("get", f"/api/v1/challenges/{c}/", 200, 200, 200, 200, 200, 200),
        _row("get", f"/api/v1/challenges/{d}/", 404, 404, 200, 404, 404, 200),
        _row("get", "/api/v1/notices/", 200, 200, 200, 200, 200, 200),
        _row("get", "/api/v1/awards/", 200, 200, 200, 200, 200, 200),
        _row("get", "/api/v1/verify/" + "0" * 64 + "/", 200, 200, 200, 200, 200, 200),
        _row("get", "/api/v1/verify/xyz/", 400, 400, 400, 400, 400, 400),
        _row("get", "/api/v1/me/", 401, 200, 200, 200, 200, 200),
        _row("get", "/api/v1/organizations/", 401, 200, 200, 200, 200, 200),
        _row("get", f"/api/v1/organizations/{org.pk}/", 401, 404, 404, 200, 404, 200),
        _row("get", "/api/v1/bids/", 401, 200, 200, 200, 200, 200),
        # Sealed: nobody but the team, not the issuer, not the bureau.
        _row("get", f"/api/v1/bids/{b}/", 401, 404, 404, 200, 404, 404),
        _row("get", f"/api/v1/bids/{b}/receipts/", 401, 404, 404, 200, 404, 404),
        _row("get", f"/api/v1/bids/{b}/receipts/1/", 401, 404, 404, 200, 404, 404),
        _row("get", f"/api/v1/challenges/{c}/bids/", 401, 404, 404, 404, 404, 404),
        _row("patch", f"/api/v1/bids/{b}/", 401, 404, 404, 409, 404, 404, body={"summary": "x"}),
        _row("post", f"/api/v1/bids/{b}/submit/", 401, 404, 404, 409, 404, 404),
        _row("post", f"/api/v1/bids/{b}/attachments/", 401, 404, 404, 400, 404, 404, body={}),
        _row("get", "/api/v1/invitations/", 401, 200, 200, 200, 200, 200),
        _row("get", "/api/v1/projects/", 401, 200, 200, 200, 200, 200),
        _row("get", "/api/v1/bureau/challenges/", 401, 404, 404, 404, 404, 200),
        # Starting a bid: the other team may; the team already has one; others hold no
        # bidder role; the challenge itself is public.
        _row("post", f"/api/v1/challenges/{c}/bids/", 401, 201, 403, 409, 403, 403, body={}),
        _row("post", f"/api/v1/challenges/{d}/bids/", 401, 404, 403, 404, 404, 403, body={}),
    ]
    _check(table, users)


def test_matrix_after_the_deadline_with_a_panel():
    challenge, bids, seats, criteria = panel_ready(1, 5)
    bid = bids[0]
    seat = seats[0]
    other, _org = team()
    bureau_org = bureau_organization()
    officer = bureau_org.memberships.filter(role=Role.BUREAU).first().user
    users = {
        "anon": None,
        "other": other,
        "issuer": challenge.created_by,
        "bidder": bid.created_by,
        "expert": seat.expert.user,
        "bureau": officer,
    }
    b, c, s = bid.reference, challenge.ocid, seat.pk
    scores = {
        "scores": [{"criterion": x.pk, "value": 70, "justification": "理由"} for x in criteria]
    }
    table = [
        # After the formal check (a panel sees bids only then): the bureau, the issuer and
        # the cleared panel expert read the eligible bid; the list is not the expert's.
        _row("get", f"/api/v1/bids/{b}/", 401, 404, 200, 200, 200, 200),
        _row("get", f"/api/v1/bids/{b}/receipts/1/", 401, 404, 200, 200, 200, 200),
        _row("get", f"/api/v1/challenges/{c}/bids/", 401, 404, 200, 404, 404, 200),
        # Team-only actions: 404 for everyone else, even those who may read the bid (as on the web).
        _row("post", f"/api/v1/bids/{b}/withdraw/", 401, 404, 404, 409, 404, 404),
        _row("get", f"/api/v1/invitations/{s}/", 401, 404, 404, 404, 200, 404),
        _row("get", f"/api/v1/invitations/{s}/scores/{bid.pk}/", 401, 404, 404, 404, 200, 404),
        _row(
            "put",
            f"/api/v1/invitations/{s}/scores/{bid.pk}/",
            401,
            404,
            404,
            404,
            200,
            404,
            body=scores,
        ),
        _row("post", f"/api/v1/invitations/{s}/decline/", 401, 404, 404, 404, 409, 404, body={}),
    ]
    _check(table, users)

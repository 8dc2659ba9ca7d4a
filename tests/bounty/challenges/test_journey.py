"""Issue 3's "done when", end to end through the web, as its users would do it."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bounty.models import Challenge, ChallengeStatus
from tests.bounty.challenges.test_views import editor_post
from tests.bounty.helpers import force_deadline, issuer_with_org
from tests.factories import OrganizationFactory, bureau_officer, member_of

pytestmark = pytest.mark.django_db


def test_challenge_journey_from_draft_to_closed_without_a_worker():
    issuer, _org = issuer_with_org()
    officer = bureau_officer()
    bidder = member_of(OrganizationFactory(kind="university", verified=True), "bidder")
    as_issuer, as_bureau, as_bidder, anonymous = Client(), Client(), Client(), Client()
    as_issuer.force_login(issuer)
    as_bureau.force_login(officer)
    as_bidder.force_login(bidder)

    # The issuer drafts and submits.
    as_issuer.post(
        reverse("bounty:challenge_create"), editor_post(title="减速器回差控制", action="submit")
    )
    challenge = Challenge.objects.get()
    assert challenge.status == ChallengeStatus.SUBMITTED
    decide = reverse("bounty:challenge_decide", args=[challenge.ocid])

    # The bureau returns it with a comment; the issuer sees the comment, fixes and resubmits.
    as_bureau.post(decide, {"decision": "return", "comment": "请补充回差测试的温度条件"})
    edit_page = as_issuer.get(reverse("bounty:challenge_edit", args=[challenge.ocid]))
    assert "请补充回差测试的温度条件" in edit_page.content.decode()
    as_issuer.post(
        reverse("bounty:challenge_edit", args=[challenge.ocid]),
        editor_post(title="减速器回差控制", action="submit", **{"ind-0-test_method": "20℃ 恒温"}),
    )
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.SUBMITTED

    # The bureau vets, approves and publishes.
    for decision in ("start_vetting", "approve", "publish"):
        as_bureau.post(decide, {"decision": decision})
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.PUBLISHED

    # An anonymous visitor finds it by search and filter.
    board = reverse("bounty:board")
    found = anonymous.get(
        board, {"q": "回差", "industry": "intelligent-manufacturing", "status": "open"}
    )
    assert challenge.title in found.content.decode()
    missed = anonymous.get(board, {"q": "回差", "industry": "biomedicine"})
    assert challenge.title not in missed.content.decode()

    # A bidder asks; the issuer answers; everyone sees the answer (not who asked).
    as_bidder.post(
        reverse("bounty:clarification_ask", args=[challenge.ocid]),
        {"question": "样机数量可否为 1 台？"},
    )
    item = challenge.clarifications.get()
    as_issuer.post(
        reverse("bounty:clarification_answer", args=[challenge.ocid, item.pk]),
        {"answer": "须 2 台。"},
    )
    page = anonymous.get(challenge.get_absolute_url()).content.decode()
    assert "样机数量可否为 1 台？" in page
    assert "须 2 台。" in page
    assert bidder.full_name not in page

    # The deadline passes: it shows closed at once, no worker involved.
    force_deadline(challenge, timezone.now() - timedelta(seconds=1))
    closed = anonymous.get(board, {"q": "回差", "status": "closed"})
    assert challenge.title in closed.content.decode()
    assert (
        challenge.title
        not in anonymous.get(board, {"q": "回差", "status": "open"}).content.decode()
    )
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.PUBLISHED  # still, in the database

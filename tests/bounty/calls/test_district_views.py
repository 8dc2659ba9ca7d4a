"""The district officer's pages, the city's vetting view of a need, the navigation."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Role
from bounty.calls import district as district_services
from bounty.models import Challenge, ChallengeStatus
from tests.bounty.calls.district_helpers import district_bureau, district_world, submitted_need
from tests.bounty.helpers import draft
from tests.factories import member_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_district_step(settings):
    """Overrides the calls' conftest: here the city recommends through its districts."""
    settings.JIEBANG = {**settings.JIEBANG, "DISTRICT_RECOMMENDATION": True}


@pytest.fixture
def world():
    return district_world()


def test_queue_lists_its_needs_and_searches_by_title(client, world):
    _city, officer, _district, issuer, org = world
    submitted_need(issuer, org, title="固态电池隔膜")
    submitted_need(issuer, org, title="工业机器人减速器")
    client.force_login(officer)
    html = client.get(reverse("bounty:district_needs")).content.decode()
    assert "固态电池隔膜" in html
    assert "工业机器人减速器" in html
    html = client.get(reverse("bounty:district_needs"), {"q": "减速器"}).content.decode()
    assert "固态电池隔膜" not in html
    assert "工业机器人减速器" in html


def test_queue_is_404_for_everyone_but_district_officers(client, world):
    city, _officer, _district, issuer, _org = world
    for user in (city, issuer):
        client.force_login(user)
        assert client.get(reverse("bounty:district_needs")).status_code == 404


def test_officer_recommends_through_the_page(client, world):
    _city, officer, _district, issuer, org = world
    need = submitted_need(issuer, org, revenue=Decimal("9000"), chain="集成电路")
    client.force_login(officer)
    page = client.get(reverse("bounty:district_need", args=[need.ocid]))
    assert page.status_code == 200
    assert "集成电路" in page.content.decode()
    response = client.post(
        reverse("bounty:district_decide", args=[need.ocid]),
        {"decision": "recommend", "comment": "龙头企业，需求真实"},
    )
    assert response.status_code == 302
    assert Challenge.objects.get(pk=need.pk).status == ChallengeStatus.RECOMMENDED


def test_missing_comment_keeps_the_form_and_changes_nothing(client, world):
    _city, officer, _district, issuer, org = world
    need = submitted_need(issuer, org)
    client.force_login(officer)
    response = client.post(
        reverse("bounty:district_decide", args=[need.ocid]), {"decision": "return", "comment": ""}
    )
    assert response.status_code == 400
    assert Challenge.objects.get(pk=need.pk).status == ChallengeStatus.SUBMITTED


def test_outside_the_jurisdiction_everything_is_404(client, world):
    _city, _officer, _district, issuer, org = world
    need = submitted_need(issuer, org)
    elsewhere = draft(title="外区需求")
    other = member_of(district_bureau(jurisdiction="溧阳市", region_code="320481"), Role.DISTRICT)
    client.force_login(other)
    for name in ("bounty:district_need", "bounty:challenge_detail"):
        assert client.get(reverse(name, args=[need.ocid])).status_code == 404
        assert client.get(reverse(name, args=[elsewhere.ocid])).status_code == 404
    response = client.post(
        reverse("bounty:district_decide", args=[need.ocid]),
        {"decision": "recommend", "comment": "x"},
    )
    assert response.status_code == 404
    assert Challenge.objects.get(pk=need.pk).status == ChallengeStatus.SUBMITTED


def test_district_officer_never_sees_a_draft(client, world):
    _city, officer, _district, issuer, org = world
    need = draft(issuer, org)
    client.force_login(officer)
    assert client.get(reverse("bounty:district_need", args=[need.ocid])).status_code == 404
    assert client.get(reverse("bounty:challenge_detail", args=[need.ocid])).status_code == 404


def test_city_sees_the_wait_then_the_recommendation_and_the_checks(english, world):
    city, officer, _district, issuer, org = world
    need = submitted_need(issuer, org, revenue=Decimal("100"), rd_ratio=Decimal("4"))
    english.force_login(city)
    queue = english.get(reverse("bounty:vetting_queue")).content.decode()
    assert need.title in queue
    assert "Awaits the district's recommendation" in queue
    detail = english.get(need.get_absolute_url()).content.decode()
    assert "Waiting for the recommendation of" in detail
    assert 'value="start_vetting"' not in detail
    district_services.need_recommend(challenge=need, by=officer, comment="建议优先支持")
    queue = english.get(reverse("bounty:vetting_queue")).content.decode()
    assert need.title in queue
    assert "Awaits the district" not in queue
    detail = english.get(need.get_absolute_url()).content.decode()
    assert "建议优先支持" in detail
    assert officer.full_name in detail
    assert "not met" in detail
    assert 'status-approved">met<' in detail  # the R&D ratio (4 ≥ 3)
    assert 'value="start_vetting"' in detail


def test_nav_links_the_district_queue(client, world):
    _city, officer, _district, _issuer, _org = world
    client.force_login(officer)
    html = client.get(reverse("home")).content.decode()
    assert reverse("bounty:district_needs") in html


def test_queue_queries_do_not_grow_with_the_needs(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _city, officer, _district, issuer, org = world
    client.force_login(officer)
    submitted_need(issuer, org)
    client.get(reverse("bounty:district_needs"))  # warm the session
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("bounty:district_needs"))
    for n in range(3):
        submitted_need(issuer, org, title=f"需求{n}")
    with CaptureQueriesContext(connection) as four:
        assert client.get(reverse("bounty:district_needs")).status_code == 200
    assert len(four) == len(one)

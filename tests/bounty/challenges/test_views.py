from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bounty.models import Challenge, ChallengeStatus, Clarification
from tests.bounty.helpers import draft, force_deadline, issuer_with_org, published
from tests.factories import OrganizationFactory, UserFactory, bureau_officer, member_of

pytestmark = pytest.mark.django_db


def editor_post(**overrides):
    deadline = (timezone.localtime() + timedelta(days=40)).strftime("%Y-%m-%dT%H:%M")
    data = {
        "title": "工业机器人高精度减速器",
        "industry": "",
        "problem": "RV 减速器回差超过 1 弧分。",
        "deliverable": "样机 2 台",
        "bounty_total": "500",
        "enterprise_funds": "400",
        "government_funds": "100",
        "period_months": "24",
        "bid_deadline": deadline,
        "eligibility": "不限",
        "consortium_allowed": "on",
        "max_consortium_members": "4",
        "winners_allowed": "1",
        "ip_terms": "issuer",
        "ip_terms_detail": "",
        "confidentiality": "public",
        "contact_name": "李工",
        "contact_phone": "",
        "contact_email": "",
        "ind-TOTAL_FORMS": "1",
        "ind-INITIAL_FORMS": "0",
        "ind-0-name": "回差",
        "ind-0-comparator": "lte",
        "ind-0-target_value": "0.5",
        "ind-0-unit": "arcmin",
        "ind-0-test_method": "GB/T 35089",
        "crit-TOTAL_FORMS": "2",
        "crit-INITIAL_FORMS": "0",
        "crit-0-code": "technical",
        "crit-0-name": "技术路线",
        "crit-0-weight": "60",
        "crit-1-code": "team",
        "crit-1-name": "团队",
        "crit-1-weight": "40",
        "action": "save",
    }
    from bounty.models import Industry

    data["industry"] = str(Industry.objects.get(code="intelligent-manufacturing").pk)
    data.update(overrides)
    return data


def test_issuer_drafts_and_submits_through_the_editor(client):
    issuer, _org = issuer_with_org()
    client.force_login(issuer)
    response = client.post(reverse("bounty:challenge_create"), editor_post())
    assert response.status_code == 302
    challenge = Challenge.objects.get()
    assert challenge.status == ChallengeStatus.DRAFT
    assert challenge.indicators.get().name == "回差"
    response = client.post(
        reverse("bounty:challenge_edit", args=[challenge.ocid]), editor_post(action="submit")
    )
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.SUBMITTED


@pytest.mark.parametrize(
    ("override", "field", "fragment"),
    [
        ({"government_funds": "50"}, "government_funds", "must equal"),
        ({"enterprise_funds": "100", "government_funds": "400"}, "enterprise_funds", "at least"),
        ({"bid_deadline": "2020-01-01T10:00"}, "bid_deadline", "in the past"),
        ({"crit-1-weight": "30"}, None, "add up to 90"),
        ({"bounty_total": "abc"}, "bounty_total", "number"),
        ({"title": ""}, "title", "required"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_keeps_what_was_typed(
    client, override, field, fragment
):
    issuer, _org = issuer_with_org()
    issuer.language = "en"
    issuer.save()
    client.force_login(issuer)
    response = client.post(reverse("bounty:challenge_create"), editor_post(**override))
    assert response.status_code == 400
    assert not Challenge.objects.exists()
    html = response.content.decode()
    assert fragment in html
    assert "RV 减速器回差超过 1 弧分。" in html  # what was typed is still there
    if field:
        assert response.context["form"].errors.get(field)


def test_incomplete_submit_saves_the_draft_and_says_what_is_missing(client):
    issuer, _org = issuer_with_org()
    client.force_login(issuer)
    data = editor_post(action="submit", problem="", **{"ind-TOTAL_FORMS": "0"})
    response = client.post(reverse("bounty:challenge_create"), data)
    assert response.status_code == 400
    challenge = Challenge.objects.get()
    assert challenge.status == ChallengeStatus.DRAFT
    assert "problem" in response.context["completeness"]
    assert "indicators" in response.context["completeness"]


def test_draft_is_404_for_everyone_but_issuer_and_bureau(client):
    challenge = draft()
    url = challenge.get_absolute_url()
    assert client.get(url).status_code == 404  # anonymous
    client.force_login(member_of(OrganizationFactory(verified=True), "issuer"))
    assert client.get(url).status_code == 404
    assert client.get(reverse("bounty:challenge_edit", args=[challenge.ocid])).status_code == 404
    response = client.post(reverse("bounty:challenge_edit", args=[challenge.ocid]), editor_post())
    assert response.status_code == 404
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get(url).status_code == 404
    client.force_login(bureau_officer())
    assert client.get(url).status_code == 200
    client.force_login(challenge.created_by)
    assert client.get(url).status_code == 200


def test_published_challenge_is_public_with_countdown(client):
    challenge = published()
    response = client.get(challenge.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "data-deadline" in html
    assert "循环寿命容量保持率" in html


def test_past_deadline_page_says_closed_without_worker(client):
    client.cookies["django_language"] = "en"
    challenge = force_deadline(published(), timezone.now() - timedelta(minutes=1))
    html = client.get(challenge.get_absolute_url()).content.decode()
    assert "Bidding closed" in html
    assert "data-deadline" not in html


def test_bureau_decides_through_the_detail_page(client):
    issuer, org = issuer_with_org()
    challenge = draft(issuer, org)
    client.force_login(issuer)
    client.post(reverse("bounty:challenge_submit", args=[challenge.ocid]))
    officer = bureau_officer()
    client.force_login(officer)
    queue = client.get(reverse("bounty:vetting_queue"))
    assert challenge.title in queue.content.decode()
    url = reverse("bounty:challenge_decide", args=[challenge.ocid])
    client.post(url, {"decision": "return", "comment": ""})
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.SUBMITTED  # comment required: nothing changed
    client.post(url, {"decision": "return", "comment": "请补充测试方法"})
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.RETURNED
    assert challenge.status_comment == "请补充测试方法"


def test_issuer_cannot_decide_and_bidder_cannot_see_queue(client):
    issuer, org = issuer_with_org()
    challenge = draft(issuer, org)
    client.force_login(issuer)
    client.post(reverse("bounty:challenge_submit", args=[challenge.ocid]))
    client.post(
        reverse("bounty:challenge_decide", args=[challenge.ocid]), {"decision": "start_vetting"}
    )
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.SUBMITTED
    client.force_login(member_of(OrganizationFactory(kind="university", verified=True), "bidder"))
    assert client.get(reverse("bounty:vetting_queue")).status_code == 404


def test_questions_answered_are_public_unanswered_are_not(client):
    challenge = published()
    asker = member_of(OrganizationFactory(kind="university", verified=True), "bidder")
    client.force_login(asker)
    client.post(
        reverse("bounty:clarification_ask", args=[challenge.ocid]), {"question": "可否提供样品？"}
    )
    item = Clarification.objects.get()
    client.logout()
    assert "可否提供样品" not in client.get(challenge.get_absolute_url()).content.decode()
    client.force_login(challenge.created_by)
    client.post(
        reverse("bounty:clarification_answer", args=[challenge.ocid, item.pk]),
        {"answer": "可以提供 1 kg。"},
    )
    client.logout()
    html = client.get(challenge.get_absolute_url()).content.decode()
    assert "可否提供样品" in html
    assert "可以提供 1 kg。" in html
    assert asker.full_name not in html
    assert asker.memberships.first().organization.name not in html


def test_amend_view_for_bureau_only(client):
    officer = bureau_officer()
    challenge = published(officer=officer)
    url = reverse("bounty:challenge_amend", args=[challenge.ocid])
    client.force_login(challenge.created_by)
    assert client.get(url).status_code == 404
    client.force_login(officer)
    assert client.get(url).status_code == 200


def test_my_challenges_lists_only_my_organisations(client):
    issuer, org = issuer_with_org()
    mine = draft(issuer, org, title="我的榜单")
    other = draft(title="别人的榜单")
    client.force_login(issuer)
    html = client.get(reverse("bounty:my_challenges")).content.decode()
    assert mine.title in html
    assert other.title not in html


def test_detail_query_count_is_bounded(client, django_assert_max_num_queries):
    challenge = published()
    with django_assert_max_num_queries(8):
        client.get(challenge.get_absolute_url())


def test_issuer_history_does_not_reveal_who_asked(client):
    challenge = published()
    asker = member_of(OrganizationFactory(kind="university", verified=True), "bidder")
    asker.full_name = "张提问"
    asker.save()
    client.force_login(asker)
    client.post(reverse("bounty:clarification_ask", args=[challenge.ocid]), {"question": "问？"})
    client.force_login(challenge.created_by)
    assert "张提问" not in client.get(challenge.get_absolute_url()).content.decode()


def test_two_character_chinese_search_finds_the_challenge(client):
    challenge = published(title="晶圆良率提升")
    other = published(title="减速器回差")
    html = client.get("/challenges/", {"q": "良率"}).content.decode()
    assert challenge.title in html
    assert other.title not in html

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from bounty.bids import services as bid_services
from bounty.dueprocess.services import case_current, case_decide, open_case
from bounty.models import Bid, BidStatus, CaseKind
from tests.bounty.bids.helpers import PDF, complete_bid, team
from tests.bounty.bids.ineligibility import age_case, past
from tests.bounty.helpers import force_deadline, published
from tests.factories import UserFactory, bureau_officer, member_of

pytestmark = pytest.mark.django_db


def bid_urls(bid):
    ref = bid.reference
    att = bid.attachments.first()
    urls = [
        reverse("bounty:bid_detail", args=[ref]),
        reverse("bounty:bid_edit", args=[ref]),
        reverse("bounty:bid_submit", args=[ref]),
        reverse("bounty:bid_attachment", args=[ref, att.pk]),
    ]
    if bid.versions.exists():
        urls.append(reverse("bounty:bid_receipt", args=[ref, 1]))
    return urls


def test_sealed_before_deadline_for_issuer_bureau_superuser_and_other_teams(client):
    officer = bureau_officer()
    challenge = published(officer=officer)
    bid = complete_bid(challenge)
    bid_services.bid_submit(bid=bid, by=bid.created_by)
    outsiders = [
        challenge.created_by,
        officer,
        UserFactory(is_superuser=True, is_staff=True),
        team()[0],
        None,
    ]
    for user in outsiders:
        client.logout()
        if user:
            client.force_login(user)
        for url in bid_urls(bid):
            assert client.get(url).status_code in (404, 302), (user, url)
            if client.get(url).status_code == 302:
                assert "/accounts/login/" in client.get(url).url
    assert client.get(reverse("bounty:bid_list", args=[challenge.ocid])).status_code in (404, 302)
    client.force_login(bid.created_by)
    for url in bid_urls(bid):
        if "/edit/" in url:
            assert client.get(url).url == bid.get_absolute_url()  # submitted: reopen to edit
        else:
            assert client.get(url).status_code == 200, url


def test_public_page_shows_only_the_number_of_bids(client):
    challenge = published()
    bid = complete_bid(challenge, *team(name="保密大学"))
    bid_services.bid_submit(bid=bid, by=bid.created_by)
    html = client.get(challenge.get_absolute_url()).content.decode()
    assert "保密大学" not in html
    assert bid.reference not in html
    assert client.get(challenge.get_absolute_url()).context["bid_panel"]["count"] == 1


def test_admin_does_not_expose_bids(client):
    from tests.factories import administrator

    for user in (
        UserFactory(is_superuser=True, is_staff=True),
        *map(administrator, ("system", "security", "audit")),
    ):
        client.force_login(user)
        assert client.get("/admin/bounty/bid/").status_code in (302, 404)


def test_bureau_sees_after_deadline_issuer_after_formal_check(client):
    officer = bureau_officer()
    challenge = published(officer=officer)
    good, bad = complete_bid(challenge), complete_bid(challenge)
    for bid in (good, bad):
        bid_services.bid_submit(bid=bid, by=bid.created_by)
    force_deadline(challenge, timezone.now() - timedelta(seconds=1))
    client.force_login(officer)
    assert client.get(good.get_absolute_url()).status_code == 200
    client.post(reverse("bounty:formal_check_start", args=[challenge.ocid]))
    issuer = challenge.created_by
    client.force_login(issuer)
    assert client.get(good.get_absolute_url()).status_code == 404
    client.force_login(officer)
    client.post(
        reverse("bounty:formal_check", args=[bad.reference]),
        {"eligible": "0", "reasons": "联合体协议未盖章"},
    )
    bad.refresh_from_db()
    assert bad.status == BidStatus.SUBMITTED  # an intended decision, answered by the team
    client.post(reverse("bounty:bid_list", args=[challenge.ocid]), {"bids": [good.reference]})
    case = age_case(open_case(CaseKind.INELIGIBLE, bad), response_due_at=past())
    case = case_decide(case=case, by=officer, upheld=True, decision="联合体协议未盖章")
    case_current(age_case(case, review_due_at=past()))
    good.refresh_from_db()
    bad.refresh_from_db()
    assert (good.status, bad.status) == (BidStatus.ELIGIBLE, BidStatus.INELIGIBLE)
    client.force_login(issuer)
    assert client.get(good.get_absolute_url()).status_code == 200
    assert client.get(bad.get_absolute_url()).status_code == 404
    client.force_login(bad.created_by)
    html = client.get(bad.get_absolute_url()).content.decode()
    assert "联合体协议未盖章" in html


def test_editor_flow_and_fake_file_keeps_draft(client):
    challenge = published()
    user, _org = team()
    client.force_login(user)
    response = client.post(reverse("bounty:bid_start", args=[challenge.ocid]))
    bid = Bid.objects.get()
    assert response.url == reverse("bounty:bid_edit", args=[bid.reference])
    assert client.get(response.url).status_code == 200
    response = client.post(
        reverse("bounty:bid_attach", args=[bid.reference]),
        {"kind": "plan", "file": SimpleUploadedFile("plan.pdf", b"not a pdf at all")},
        follow=True,
    )
    assert bid.attachments.count() == 0
    assert "不属于允许的类型" in response.content.decode()
    client.post(
        reverse("bounty:bid_attach", args=[bid.reference]),
        {"kind": "plan", "file": SimpleUploadedFile("plan.pdf", PDF)},
    )
    assert bid.attachments.count() == 1


def test_editor_save_with_bad_milestones_keeps_typed_text(client):
    challenge = published()
    user, org = team()
    bid = bid_services.bid_create(challenge=challenge, by=user, lead=org)
    client.force_login(user)
    indicators = list(challenge.indicators.all())
    data = {
        "pi_email": user.email,
        "pi_title": "教授",
        "summary": "",
        "technical_approach": "深夜写下的技术路线",
        "risk_plan": "",
        "expected_results": "",
        "cons-TOTAL_FORMS": "0",
        "cons-INITIAL_FORMS": "0",
        "team-TOTAL_FORMS": "0",
        "team-INITIAL_FORMS": "0",
        "resp-TOTAL_FORMS": str(len(indicators)),
        "resp-INITIAL_FORMS": str(len(indicators)),
        "ms-TOTAL_FORMS": "1",
        "ms-INITIAL_FORMS": "0",
        "ms-0-title": "小试",
        "ms-0-due_month": "6",
        "ms-0-deliverables": "样品",
        "ms-0-tranche_share": "50",
        "budget-TOTAL_FORMS": "0",
        "budget-INITIAL_FORMS": "0",
        "excl-TOTAL_FORMS": "0",
        "excl-INITIAL_FORMS": "0",
    }
    for n, indicator in enumerate(indicators):
        data[f"resp-{n}-indicator_id"] = str(indicator.pk)
        data[f"resp-{n}-committed_value"] = "100"
    response = client.post(reverse("bounty:bid_edit", args=[bid.reference]), data)
    assert response.status_code == 400
    assert "深夜写下的技术路线" in response.content.decode()
    data["ms-0-tranche_share"] = "100"
    response = client.post(reverse("bounty:bid_edit", args=[bid.reference]), data)
    assert response.status_code == 302
    bid.refresh_from_db()
    assert bid.technical_approach == "深夜写下的技术路线"
    assert bid.responses.count() == len(indicators)


def test_receipt_page_verifies_files_and_renders_pdf(client, django_capture_on_commit_callbacks):
    bid = complete_bid(published())
    bid_services.bid_submit(bid=bid, by=bid.created_by)
    client.force_login(bid.created_by)
    url = reverse("bounty:bid_receipt", args=[bid.reference, 1])
    ok = client.post(url, {"file": SimpleUploadedFile("x.pdf", PDF)})
    assert ok.context["match"]["attachments"] == ["实施方案.pdf"]
    content = client.get(url + "?format=json").content
    same = client.post(url, {"file": SimpleUploadedFile("bid.json", content)})
    assert same.context["match"]["content"] is True
    bad = client.post(url, {"file": SimpleUploadedFile("y.pdf", PDF + b"x")})
    assert not bad.context["match"]["attachments"]
    with django_capture_on_commit_callbacks(execute=True):
        client.get(url + "?format=pdf", follow=True)  # the first request generates it
    pdf = client.get(url + "?format=pdf", follow=True)
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_other_teams_bid_id_in_url_is_404(client):
    bid = complete_bid(published())
    client.force_login(team()[0])
    assert client.get(bid.get_absolute_url()).status_code == 404
    assert client.post(reverse("bounty:bid_submit", args=[bid.reference])).status_code == 404
    assert client.post(reverse("bounty:bid_withdraw", args=[bid.reference])).status_code == 404


def test_bureau_bid_list_query_count_is_constant(client, django_assert_max_num_queries):
    officer = bureau_officer()
    challenge = published(officer=officer)
    for _ in range(5):
        bid = complete_bid(challenge, attach=True)
        bid_services.bid_submit(bid=bid, by=bid.created_by)
    force_deadline(challenge, timezone.now() - timedelta(seconds=1))
    client.force_login(officer)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("bounty:bid_list", args=[challenge.ocid]))
    assert len(response.context["page"].object_list) == 5


def test_my_bids_lists_own_bids(client):
    bid = complete_bid(published())
    client.force_login(bid.created_by)
    assert bid.reference in client.get(reverse("bounty:my_bids")).content.decode()
    member_of(bid.lead, "bidder", user=UserFactory())

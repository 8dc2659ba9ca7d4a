"""Calls on the web: the public pages, the bureau's editor and stages, the board filter and
the challenge editor's call and qualification fields."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from bounty.challenges import services
from bounty.models import Call, CallStatus, Challenge, ChallengeStatus
from tests.bounty.calls.helpers import QUALIFICATION, make_call, need, published_call
from tests.bounty.helpers import issuer_with_org
from tests.factories import UserFactory, bureau_officer

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
LOCAL = "%Y-%m-%dT%H:%M"


@pytest.fixture(autouse=True)
def _no_district_step(settings):
    settings.JIEBANG = {**settings.JIEBANG, "DISTRICT_RECOMMENDATION": False}


def test_calls_not_published_are_hidden_from_the_public(client):
    call = make_call()
    assert call.name not in client.get(reverse("bounty:calls")).content.decode()
    assert client.get(call.get_absolute_url()).status_code == 404
    client.force_login(UserFactory())
    assert client.get(call.get_absolute_url()).status_code == 404
    client.force_login(bureau_officer())
    assert client.get(call.get_absolute_url()).status_code == 200


def test_public_call_page_lists_its_challenges_and_templates(client):
    call, challenges = published_call(2)
    html = client.get(reverse("bounty:calls")).content.decode()
    assert call.name in html
    response = client.get(call.get_absolute_url())
    html = response.content.decode()
    assert "申报指南正文" in html
    for challenge in challenges:
        assert challenge.get_absolute_url() in html
    url = reverse("bounty:call_template", args=[call.year, call.batch, "integrity"])
    assert url in html
    standard = client.get(url)
    assert standard.status_code == 302
    assert client.get(standard["Location"]).status_code == 200
    bad = reverse("bounty:call_template", args=[call.year, call.batch, "other"])
    assert client.get(bad).status_code == 404


def test_uploaded_template_is_served(client):
    call, _ = published_call(1)
    Call.objects.filter(pk=call.pk).update(application_template="calls/2026-1/sbs.pdf")
    from django.core.files.storage import default_storage

    default_storage.save("calls/2026-1/sbs.pdf", SimpleUploadedFile("sbs.pdf", PDF))
    url = reverse("bounty:call_template", args=[call.year, call.batch, "application"])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_bureau_pages_are_404_for_others(client):
    call = make_call()
    client.force_login(UserFactory())
    for url in (
        reverse("bounty:bureau_calls"),
        reverse("bounty:call_create"),
        reverse("bounty:call_manage", args=[call.pk]),
        reverse("bounty:call_edit", args=[call.pk]),
    ):
        assert client.get(url).status_code == 404
    response = client.post(reverse("bounty:call_action", args=[call.pk]), {"action": "close"})
    assert response.status_code == 404


def _form(**overrides):
    now = timezone.localtime()
    data = {
        "name": "2027年度第一批",
        "year": "2027",
        "batch": "1",
        "needs_opens_at": (now + timedelta(days=1)).strftime(LOCAL),
        "needs_closes_at": (now + timedelta(days=20)).strftime(LOCAL),
        "bids_close_at": (now + timedelta(days=80)).strftime(LOCAL),
        "max_lead_bids": "2",
        "pi_max_lead": "1",
        "guide": "指南",
    }
    data.update(overrides)
    return data


def test_bureau_creates_a_call_and_a_bad_upload_keeps_the_typed_data(client, english):
    client.force_login(bureau_officer())
    url = reverse("bounty:call_create")
    bad = SimpleUploadedFile("fake.pdf", b"not a pdf at all")
    response = client.post(url, {**_form(name="保留的名称"), "integrity_template": bad})
    assert response.status_code == 400
    html = response.content.decode()
    assert "保留的名称" in html
    assert "accepted type" in html
    assert not Call.objects.exists()
    good = SimpleUploadedFile("pledge.pdf", PDF)
    response = client.post(url, {**_form(), "integrity_template": good})
    call = Call.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"/{call.pk}/")
    assert call.integrity_template.name.endswith(".pdf")
    response = client.post(url, _form(needs_closes_at=_form()["needs_opens_at"], batch="2"))
    assert response.status_code == 400
    assert "close after it opens" in response.content.decode()


def test_manage_page_runs_the_stages_and_shows_refusals(client, english):
    officer = bureau_officer()
    call = make_call(officer, opened=False)
    client.force_login(officer)
    manage = reverse("bounty:call_manage", args=[call.pk])
    act = reverse("bounty:call_action", args=[call.pk])
    assert "open_collection" in client.get(manage).content.decode()
    client.post(act, {"action": "open_collection"})
    assert Call.objects.get(pk=call.pk).status == CallStatus.COLLECTING
    need(call)
    html = client.get(manage).content.decode()
    assert "Being prepared" in html or "Draft" in html  # the need, grouped by status
    client.post(act, {"action": "close_collection"})
    response = client.post(act, {"action": "publish_list"}, follow=True)
    assert "no list to publish" in response.content.decode()
    assert Call.objects.get(pk=call.pk).status == CallStatus.VETTING
    listing = client.get(reverse("bounty:bureau_calls")).content.decode()
    assert call.name in listing


def test_board_filters_by_call(client):
    call, in_call = published_call(1)
    from tests.bounty.helpers import published

    other = published(title="不在批次中的榜单")
    html = client.get(reverse("bounty:board"), {"call": call.code}).content.decode()
    assert in_call[0].title in html
    assert other.title not in html
    html = client.get(reverse("bounty:board")).content.decode()
    assert other.title in html
    assert f'value="{call.code}"' in html


def test_editor_puts_a_need_into_a_call(client):
    call = make_call()
    issuer, _org = issuer_with_org()
    client.force_login(issuer)
    url = reverse("bounty:challenge_create")
    html = client.get(url).content.decode()
    assert 'name="call"' in html
    assert "data-need-qualification" in html
    response = client.post(
        url,
        {
            "title": "批次需求",
            "call": call.pk,
            "max_consortium_members": "2",
            "winners_allowed": "1",
            "confidentiality": "public",
            "bid_deadline": (timezone.localtime() + timedelta(days=2)).strftime(LOCAL),
            **{k: str(v) for k, v in QUALIFICATION.items()},
            "ind-TOTAL_FORMS": "0",
            "ind-INITIAL_FORMS": "0",
            "crit-TOTAL_FORMS": "0",
            "crit-INITIAL_FORMS": "0",
            "action": "save",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    challenge = Challenge.objects.get(title="批次需求")
    assert challenge.call == call
    assert challenge.bid_deadline == call.bids_close_at
    assert challenge.chain == QUALIFICATION["chain"]
    html = client.get(challenge.get_absolute_url()).content.decode()
    assert call.name in html


def test_challenge_page_links_to_its_public_call(client):
    call, (challenge,) = published_call(1)
    html = client.get(challenge.get_absolute_url()).content.decode()
    assert call.get_absolute_url() in html


def test_api_shows_the_call_of_a_challenge(client):
    call, (challenge,) = published_call(1)
    data = client.get(reverse("api:challenge", args=[challenge.ocid])).json()
    assert data["call"] == call.code


def test_manage_page_lists_needs_by_status_one_page_at_a_time(
    client, django_assert_max_num_queries
):
    officer = bureau_officer()
    call = make_call(officer)
    submitted = need(call)
    services.challenge_submit(challenge=submitted, by=submitted.created_by)
    for _ in range(2):
        need(call)
    client.force_login(officer)
    manage = reverse("bounty:call_manage", args=[call.pk])
    html = client.get(manage).content.decode()
    assert html.count('<tr><td><a href="/challenges/') == 3
    assert f'href="?status={ChallengeStatus.SUBMITTED}"' in html
    only = client.get(manage, {"status": ChallengeStatus.SUBMITTED}).content.decode()
    assert only.count('<tr><td><a href="/challenges/') == 1
    assert submitted.ocid in only or submitted.title in only
    with django_assert_max_num_queries(12):
        client.get(manage, {"status": "nonsense"})

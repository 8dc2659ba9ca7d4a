"""Restricted and confidential challenges on the web (issue 16, point 4): the details open
only after the NDA (and, when confidential, the issuer's admission); acceptances are
recorded, audited and listed to the issuer; bids need access; search finds no hidden word."""

import pytest
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEvent
from bounty.bids import services as bid_services
from bounty.challenges import access_rules, access_services
from bounty.challenges import services as challenge_services
from bounty.exceptions import ActionRefused
from bounty.models import AccessRequest, AccessStatus, Challenge, ChallengeStatus, NdaAcceptance
from notifications.models import Notification
from tests.bounty.bids.helpers import team
from tests.bounty.challenges.confidential import (
    HIDDEN,
    SUMMARY,
    admitted_team,
    hidden_words,
    restricted,
    unverified_member,
)
from tests.bounty.helpers import draft
from tests.factories import bureau_officer

pytestmark = pytest.mark.django_db


def page(client, challenge, user=None):
    if user is not None:
        client.force_login(user)
    else:
        client.logout()
    response = client.get(challenge.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def assert_hidden(html):
    for word in hidden_words():
        assert word not in html, word
    assert SUMMARY in html


def assert_shown(html):
    for word in hidden_words():
        assert word in html, word


def accept(client, challenge, user, org=None):
    client.force_login(user)
    data = {"organization": org.pk} if org is not None else {}
    return client.post(reverse("bounty:challenge_nda", args=[challenge.ocid]), data)


# --- Completeness -------------------------------------------------------------------------


def test_a_restricted_challenge_needs_a_public_summary_before_submission():
    challenge = draft(confidentiality="internal", public_summary="")
    assert "public_summary" in challenge.completeness_errors()
    challenge.public_summary = SUMMARY
    assert "public_summary" not in challenge.completeness_errors()
    public = draft(confidentiality="public", public_summary="")
    assert "public_summary" not in public.completeness_errors()


def test_the_editor_saves_the_public_summary_and_nda_text(client):
    from tests.bounty.challenges.test_views import editor_post
    from tests.bounty.helpers import issuer_with_org

    issuer, _org = issuer_with_org()
    client.force_login(issuer)
    data = editor_post(confidentiality="internal", public_summary=SUMMARY, nda_text="仅限本次申报")
    assert client.post(reverse("bounty:challenge_create"), data).status_code == 302
    challenge = Challenge.objects.get()
    assert (challenge.public_summary, challenge.nda_text) == (SUMMARY, "仅限本次申报")


# --- Restricted ---------------------------------------------------------------------------


def test_restricted_details_are_hidden_from_the_public_the_unverified_and_before_the_nda(
    client,
):
    challenge = restricted()
    user, _org = team()
    assert_hidden(page(client, challenge))  # anonymous
    assert_hidden(page(client, challenge, unverified_member()))
    html = page(client, challenge, user)  # verified, NDA not accepted
    assert_hidden(html)
    assert reverse("bounty:challenge_nda", args=[challenge.ocid]) in html
    # The issuer organisation and the bureau always read everything.
    assert_shown(page(client, challenge, challenge.created_by))
    assert_shown(page(client, challenge, bureau_officer()))


def test_a_verified_member_who_accepts_the_nda_reads_the_details_and_the_issuer_sees_it(client):
    challenge = restricted()
    user, org = team(name="常州理工大学")
    client.force_login(user)
    nda_page = client.get(reverse("bounty:challenge_nda", args=[challenge.ocid]))
    assert nda_page.status_code == 200
    assert challenge.title in nda_page.content.decode()  # the default text names it
    response = accept(client, challenge, user)
    assert response.status_code == 302
    acceptance = NdaAcceptance.objects.get()
    assert (acceptance.user, acceptance.organization, acceptance.nda_version) == (user, org, 1)
    expected = access_rules.text_hash(access_rules.nda_text(challenge))
    assert acceptance.text_sha256 == expected
    event = AuditEvent.objects.get(action="challenge.nda_accept")
    assert event.payload["nda_version"] == 1
    assert event.payload["text_sha256"] == expected
    assert_shown(page(client, challenge, user))
    issuer_page = page(client, challenge, challenge.created_by)
    assert "常州理工大学" in issuer_page
    assert "常州理工大学" in page(client, challenge, bureau_officer())
    # Accepting again records nothing new.
    accept(client, challenge, user)
    assert NdaAcceptance.objects.count() == 1


def test_an_unverified_member_cannot_accept_the_nda(client):
    challenge = restricted()
    user = unverified_member()
    response = accept(client, challenge, user)
    assert response.status_code in (302, 400)
    assert not NdaAcceptance.objects.exists()
    assert_hidden(page(client, challenge, user))


def test_a_new_nda_version_closes_the_details_until_accepted_again(client):
    officer = bureau_officer()
    challenge = restricted(officer=officer)
    user, org = team()
    access_services.nda_accept(challenge=challenge, by=user, organization=org)
    assert access_rules.sees_details(user, challenge)
    challenge_services.challenge_amend(
        challenge=challenge, by=officer, reason="保密期限调整", data={"nda_text": "保密十年"}
    )
    challenge.refresh_from_db()
    assert challenge.nda_version == 2
    assert not access_rules.sees_details(user, challenge)
    assert_hidden(page(client, challenge, user))
    access_services.nda_accept(challenge=challenge, by=user, organization=org)
    assert access_rules.sees_details(user, challenge)
    second = NdaAcceptance.objects.get(nda_version=2)
    assert second.text_sha256 == access_rules.text_hash("保密十年")


def test_an_edit_before_publication_keeps_the_first_version():
    challenge = draft(confidentiality="internal", public_summary=SUMMARY)
    challenge_services.challenge_update(
        challenge=challenge, by=challenge.created_by, data={"nda_text": "新文本"}
    )
    challenge.refresh_from_db()
    assert challenge.nda_version == 1


# --- Confidential -------------------------------------------------------------------------


def test_confidential_details_need_the_issuers_admission_then_the_nda(client):
    challenge = restricted("secret")
    user, org = team()
    # Not admitted: the NDA cannot be accepted.
    with pytest.raises(ActionRefused):
        access_services.nda_accept(challenge=challenge, by=user, organization=org)
    accept(client, challenge, user, org)
    assert not NdaAcceptance.objects.exists()
    assert_hidden(page(client, challenge, user))
    # Request → the issuer is notified and admits → the requester is notified.
    client.force_login(user)
    response = client.post(
        reverse("bounty:access_request", args=[challenge.ocid]),
        {"organization": org.pk, "reason": "我们做过同类材料"},
    )
    assert response.status_code == 302
    item = AccessRequest.objects.get()
    assert item.status == AccessStatus.PENDING
    assert Notification.objects.filter(
        recipient=challenge.created_by, kind="challenge.access_requested"
    ).exists()
    assert "我们做过同类材料" in page(client, challenge, challenge.created_by)
    client.force_login(challenge.created_by)
    client.post(
        reverse("bounty:access_decide", args=[challenge.ocid, item.pk]), {"decision": "admit"}
    )
    item.refresh_from_db()
    assert item.status == AccessStatus.ADMITTED
    assert Notification.objects.filter(recipient=user, kind="challenge.access_admitted").exists()
    assert AuditEvent.objects.filter(action="challenge.access_admit").exists()
    # Admitted, still behind the NDA.
    assert_hidden(page(client, challenge, user))
    assert accept(client, challenge, user, org).status_code == 302
    assert_shown(page(client, challenge, user))
    # Another verified team, not admitted, still sees only the public part.
    other, _other_org = team()
    assert_hidden(page(client, challenge, other))


def test_a_refusal_needs_a_reason_which_the_requester_reads(client):
    challenge = restricted("secret")
    user, org = team()
    item = access_services.access_request_create(
        challenge=challenge, by=user, organization=org, reason="希望参与"
    )
    with pytest.raises(ActionRefused):
        access_services.access_request_decide(
            request=item, by=challenge.created_by, decision="refuse", reason=""
        )
    client.force_login(challenge.created_by)
    client.post(
        reverse("bounty:access_decide", args=[challenge.ocid, item.pk]),
        {"decision": "refuse", "reason": "贵单位不在本领域"},
    )
    item.refresh_from_db()
    assert item.status == AccessStatus.REFUSED
    assert item.decision_reason == "贵单位不在本领域"
    note = Notification.objects.get(recipient=user, kind="challenge.access_refused")
    assert note.params["reason"] == "贵单位不在本领域"
    html = page(client, challenge, user)
    assert "贵单位不在本领域" in html
    assert_hidden(html)
    # Decided once: a second decision is stale.
    with pytest.raises(ActionRefused):
        access_services.access_request_decide(
            request=item, by=challenge.created_by, decision="admit"
        )


def test_only_the_issuer_decides_and_the_bureau_cannot(client):
    challenge = restricted("secret")
    user, org = team()
    item = access_services.access_request_create(
        challenge=challenge, by=user, organization=org, reason="希望参与"
    )
    client.force_login(bureau_officer())
    response = client.post(
        reverse("bounty:access_decide", args=[challenge.ocid, item.pk]), {"decision": "admit"}
    )
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.status == AccessStatus.PENDING


# --- Bids ---------------------------------------------------------------------------------


def test_a_bid_needs_access_to_the_details():
    challenge = restricted()
    user, org = team()
    with translation.override("en"), pytest.raises(ActionRefused) as refused:
        bid_services.bid_create(challenge=challenge, by=user, lead=org)
    assert "NDA" in str(refused.value.message)
    access_services.nda_accept(challenge=challenge, by=user, organization=org)
    assert bid_services.bid_create(challenge=challenge, by=user, lead=org).pk


def test_a_confidential_bid_needs_admission_and_the_nda():
    challenge = restricted("secret")
    user, org = team()
    with pytest.raises(ActionRefused):
        bid_services.bid_create(challenge=challenge, by=user, lead=org)
    admitted_user, admitted_org = admitted_team(challenge)
    with pytest.raises(ActionRefused):
        bid_services.bid_create(challenge=challenge, by=admitted_user, lead=admitted_org)
    access_services.nda_accept(challenge=challenge, by=admitted_user, organization=admitted_org)
    assert bid_services.bid_create(challenge=challenge, by=admitted_user, lead=admitted_org).pk


def test_the_bid_button_shows_only_with_access(client):
    challenge = restricted()
    user, org = team()
    bid_url = reverse("bounty:bid_start", args=[challenge.ocid])
    assert bid_url not in page(client, challenge, user)
    response = client.post(bid_url, {"lead": org.pk})
    assert response.status_code in (302, 400, 403, 404)
    assert not challenge.bids.exists()
    access_services.nda_accept(challenge=challenge, by=user, organization=org)
    assert bid_url in page(client, challenge, user)


# --- Search ---------------------------------------------------------------------------------


def test_the_board_search_cannot_find_a_hidden_word(client):
    challenge = restricted()
    assert challenge.status == ChallengeStatus.PUBLISHED
    assert HIDDEN.lower() not in challenge.search_text
    assert not Challenge.objects.public().search(HIDDEN).exists()
    assert not Challenge.objects.public().search("循环寿命容量保持率").exists()
    assert Challenge.objects.public().search("动力电池").exists()  # the public summary
    response = client.get(reverse("bounty:board"), {"q": HIDDEN})
    assert challenge.title not in response.content.decode()
    response = client.get(reverse("bounty:board"), {"q": "动力电池"})
    assert challenge.title in response.content.decode()


def test_an_amendment_keeps_hidden_words_out_of_the_search():
    officer = bureau_officer()
    challenge = restricted(officer=officer)
    challenge_services.challenge_amend(
        challenge=challenge, by=officer, reason="补充", data={"problem": "新增要求：超导涂层"}
    )
    assert not Challenge.objects.public().search("超导涂层").exists()

"""The formal check with due process (issue 17 §1): ineligibility is an intended decision the
team answers (陈述申辩), decided by the bureau, open to a review (复核) by another officer;
only the final decision makes the bid ineligible. And the 补正 window: the team adds a
missing document (only that), each with its own receipt, within working days."""

import hashlib
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from accounts.exceptions import ActionRefused
from audit.models import AuditEvent
from bounty.bids import cure_services
from bounty.bids import services as bid_services
from bounty.bids.rules import PREFETCH, canonical_bytes, canonical_content
from bounty.dueprocess import services as cases
from bounty.models import (
    Bid,
    BidStatus,
    CaseKind,
    CaseStatus,
    ChallengeStatus,
    CureFile,
    CureRequest,
    FormalCheck,
)
from common.dates import window_end
from common.hashing import sha256_hex
from notifications.models import Notification
from review.award.services import review_start
from tests.bounty.bids.helpers import PDF, complete_bid, team
from tests.bounty.bids.ineligibility import age_case, find_ineligible, intend_ineligible
from tests.bounty.helpers import force_deadline, published
from tests.factories import bureau_officer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _past():
    return timezone.now() - timedelta(minutes=1)


def _login(client, user):
    type(user).objects.filter(pk=user.pk).update(language="en")
    client.force_login(user)


@pytest.fixture
def world():
    """A challenge in its formal check with two submitted bids."""
    officer = bureau_officer()
    challenge = published(officer=officer)
    good, bad = complete_bid(challenge), complete_bid(challenge)
    for bid in (good, bad):
        bid_services.bid_submit(bid=bid, by=bid.created_by)
    force_deadline(challenge, timezone.now() - timedelta(seconds=1))
    bid_services.formal_check_start(challenge=challenge, by=officer)
    challenge.refresh_from_db()
    return {"officer": officer, "challenge": challenge, "good": good, "bad": bad}


def _eligible(bid, officer):
    return bid_services.bid_formal_check(
        bid=bid, by=officer, checklist=bid_services.auto_checklist(bid), eligible=True
    )


def _upload(name="承诺书.pdf", data=PDF):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def _content_hash(bid):
    bid = Bid.objects.prefetch_related(*PREFETCH).select_related("lead", "pi").get(pk=bid.pk)
    return sha256_hex(canonical_bytes(canonical_content(bid)))


# --- Ineligibility as an adverse decision -------------------------------------------------


def test_ineligible_recorded_opens_an_intended_case_and_the_bid_stays_submitted(world):
    bad, officer = world["bad"], world["officer"]
    case = intend_ineligible(bad, officer, reasons="缺少法人授权书")
    bad.refresh_from_db()
    assert bad.status == BidStatus.SUBMITTED
    assert not FormalCheck.objects.filter(bid=bad).exists()
    assert (case.kind, case.status) == (CaseKind.INELIGIBLE, CaseStatus.INTENDED)
    assert case.subject == bad
    assert case.party_org == bad.lead
    assert case.subject_label == f"{bad.reference} · {world['challenge'].title}"
    assert case.reasons == "缺少法人授权书"
    assert case.response_due_at == window_end(case.opened_at, 10)
    assert Notification.objects.filter(recipient=bad.created_by, kind="case.intended").exists()
    assert not Notification.objects.filter(kind="bid.ineligible").exists()
    _eligible(world["good"], officer)
    world["challenge"].refresh_from_db()
    assert world["challenge"].formal_check_done_at is None  # the case is still open


def test_deciding_before_the_response_window_closed_is_refused(world):
    case = intend_ineligible(world["bad"], world["officer"])
    with pytest.raises(ActionRefused, match="may still respond"):
        cases.case_decide(case=case, by=world["officer"], upheld=True, decision="维持")
    case.refresh_from_db()
    assert case.status == CaseStatus.INTENDED


def test_the_final_decision_makes_the_bid_ineligible_and_tells_the_team(world):
    officer, bad = world["officer"], world["bad"]
    _eligible(world["good"], officer)
    case = find_ineligible(bad, officer, reasons="联合体协议未盖章")
    assert case.status == CaseStatus.FINAL
    assert bad.status == BidStatus.INELIGIBLE
    assert bad.formal_check.eligible is False
    assert bad.formal_check.reasons == "联合体协议未盖章"
    note = Notification.objects.get(recipient=bad.created_by, kind="bid.ineligible")
    assert note.params["reasons"] == "联合体协议未盖章"
    assert Notification.objects.filter(recipient=bad.created_by, kind="case.final").exists()
    world["challenge"].refresh_from_db()
    assert world["challenge"].formal_check_done_at is not None
    assert AuditEvent.objects.filter(action="bid.formal_check", to_state="ineligible").exists()


def test_a_decided_case_does_nothing_until_the_review_window_closed(world):
    officer, bad = world["officer"], world["bad"]
    case = age_case(intend_ineligible(bad, officer), response_due_at=_past())
    cases.case_decide(case=case, by=officer, upheld=True, decision="维持")
    bad.refresh_from_db()
    assert bad.status == BidStatus.SUBMITTED


def test_team_answers_review_overturned_then_the_bid_can_be_found_eligible(world):
    officer, bad = world["officer"], world["bad"]
    other = bureau_officer()
    case = intend_ineligible(bad, officer, reasons="缺少承诺书")
    with pytest.raises(ActionRefused, match="intended ineligibility is open"):
        _eligible(bad, officer)  # the case decides first
    cases.case_respond(case=case, by=bad.created_by, text="承诺书已随申报书第 12 页提交。")
    case = cases.case_decide(
        case=case, by=officer, upheld=True, decision="维持", answer="第 12 页无签章。"
    )
    cases.case_request_review(case=case, by=bad.created_by, text="签章在附件二。")
    case = cases.case_review(case=case, by=other, confirmed=False, text="附件二有签章，撤销。")
    assert case.status == CaseStatus.DROPPED
    bad.refresh_from_db()
    assert bad.status == BidStatus.SUBMITTED
    _eligible(bad, officer)
    _eligible(world["good"], officer)
    bad.refresh_from_db()
    world["challenge"].refresh_from_db()
    assert bad.status == BidStatus.ELIGIBLE
    assert world["challenge"].formal_check_done_at is not None


def test_review_confirmed_by_another_officer_makes_the_bid_ineligible(world):
    officer, bad = world["officer"], world["bad"]
    case = age_case(intend_ineligible(bad, officer), response_due_at=_past())
    case = cases.case_decide(case=case, by=officer, upheld=True, decision="维持")
    cases.case_request_review(case=case, by=bad.created_by, text="请复核")
    with pytest.raises(ActionRefused, match="another officer"):
        cases.case_review(case=case, by=officer, confirmed=True, text="维持")
    cases.case_review(case=case, by=bureau_officer(), confirmed=True, text="复核维持")
    bad.refresh_from_db()
    assert bad.status == BidStatus.INELIGIBLE
    assert bad.formal_check.reasons == "维持\n\n复核维持"


def test_every_bid_finally_ineligible_means_no_award(world):
    for bid in (world["good"], world["bad"]):
        find_ineligible(bid, world["officer"])
    world["challenge"].refresh_from_db()
    assert world["challenge"].status == ChallengeStatus.NO_AWARD


def test_review_cannot_start_while_an_ineligibility_case_is_open(world):
    officer = world["officer"]
    _eligible(world["good"], officer)
    intend_ineligible(world["bad"], officer)
    with pytest.raises(ActionRefused, match="Finish the formal check"):
        review_start(challenge=world["challenge"], by=officer)
    world["challenge"].refresh_from_db()
    assert world["challenge"].status == ChallengeStatus.FORMAL_CHECK


def test_a_case_cannot_be_opened_for_a_bid_already_checked(world):
    officer, good = world["officer"], world["good"]
    _eligible(good, officer)
    good.refresh_from_db()
    with pytest.raises(ActionRefused, match="submitted bid"):
        cure_services.ineligibility_intend(bid=good, by=officer, checklist={}, reasons="x")


# --- 补正 ---------------------------------------------------------------------------------


def test_officer_asks_for_a_document_and_the_team_adds_it_with_its_own_receipt(world):
    officer, bad = world["officer"], world["bad"]
    versions = list(bad.versions.values_list("number", "content_sha256", "attachments"))
    attachments = list(bad.attachments.values_list("pk", "sha256"))
    content = _content_hash(bad)
    cure = cure_services.cure_open(bid=bad, by=officer, missing="科研诚信承诺书（签章）")
    assert cure.due_at == window_end(cure.opened_at, 3)
    assert Notification.objects.filter(recipient=bad.created_by, kind="bid.cure_requested")
    row = cure_services.cure_file_add(
        bid=bad, by=bad.created_by, upload=_upload(), kind="commitment"
    )
    assert row.sha256 == hashlib.sha256(PDF).hexdigest()
    assert row.uploaded_at is not None
    assert row.uploaded_by == bad.created_by
    event = AuditEvent.objects.get(action="bid.cure_file")
    assert event.payload["sha256"] == row.sha256
    assert Notification.objects.filter(recipient=officer, kind="bid.cure_added").exists()
    # Nothing else of the bid changed: its content, versions and attachments.
    bad.refresh_from_db()
    assert bad.status == BidStatus.SUBMITTED
    assert _content_hash(bad) == content
    assert list(bad.versions.values_list("number", "content_sha256", "attachments")) == versions
    assert list(bad.attachments.values_list("pk", "sha256")) == attachments


def test_a_cure_upload_after_the_window_is_refused(world):
    bad = world["bad"]
    cure = cure_services.cure_open(bid=bad, by=world["officer"], missing="承诺书")
    CureRequest.objects.filter(pk=cure.pk).update(due_at=_past())
    with pytest.raises(ActionRefused, match="cure window closed"):
        cure_services.cure_file_add(bid=bad, by=bad.created_by, upload=_upload(), kind="commitment")
    assert not CureFile.objects.exists()


def test_only_the_team_adds_documents_and_only_when_asked(world):
    bad, good = world["bad"], world["good"]
    with pytest.raises(ActionRefused, match="No documents were asked"):
        cure_services.cure_file_add(bid=bad, by=bad.created_by, upload=_upload(), kind="other")
    cure_services.cure_open(bid=bad, by=world["officer"], missing="承诺书")
    with pytest.raises(ActionRefused, match="Only the bid's team"):
        cure_services.cure_file_add(bid=bad, by=good.created_by, upload=_upload(), kind="other")
    with pytest.raises(ActionRefused, match="accepted type"):
        cure_services.cure_file_add(
            bid=bad, by=bad.created_by, upload=_upload("a.pdf", b"MZ not a pdf"), kind="other"
        )
    assert not CureFile.objects.exists()


def test_checking_during_an_open_cure_window_is_refused_until_the_team_added(world):
    officer, bad = world["officer"], world["bad"]
    cure_services.cure_open(bid=bad, by=officer, missing="承诺书")
    with pytest.raises(ActionRefused, match="may add the missing documents"):
        _eligible(bad, officer)
    with pytest.raises(ActionRefused, match="may add the missing documents"):
        intend_ineligible(bad, officer)
    with pytest.raises(ActionRefused, match="already given"):
        cure_services.cure_open(bid=bad, by=officer, missing="again")
    cure_services.cure_file_add(bid=bad, by=bad.created_by, upload=_upload(), kind="commitment")
    _eligible(bad, officer)
    bad.refresh_from_db()
    assert bad.status == BidStatus.ELIGIBLE
    assert CureRequest.objects.get(bid=bad).completed_by == officer


def test_after_an_unanswered_window_the_officer_intends_ineligibility(world):
    officer, bad = world["officer"], world["bad"]
    cure = cure_services.cure_open(bid=bad, by=officer, missing="承诺书")
    CureRequest.objects.filter(pk=cure.pk).update(due_at=_past())
    case = intend_ineligible(bad, officer, reasons="补正期内未提交承诺书")
    assert case.status == CaseStatus.INTENDED
    cure.refresh_from_db()
    assert cure.completed_at is not None


def test_review_cannot_start_while_a_cure_window_is_open(world):
    officer = world["officer"]
    _eligible(world["good"], officer)
    cure_services.cure_open(bid=world["bad"], by=officer, missing="承诺书")
    with pytest.raises(ActionRefused, match="Finish the formal check"):
        review_start(challenge=world["challenge"], by=officer)


def test_bulk_check_skips_a_bid_waiting_for_its_team(world):
    officer = world["officer"]
    cure_services.cure_open(bid=world["bad"], by=officer, missing="承诺书")
    done, skipped = bid_services.bids_formal_check_bulk(
        challenge=world["challenge"], by=officer, bids=[world["good"], world["bad"]]
    )
    assert ([b.pk for b in done], [b.pk for b in skipped]) == (
        [world["good"].pk],
        [world["bad"].pk],
    )


def test_cure_window_counts_working_days(world, settings):
    settings.JIEBANG = {**settings.JIEBANG, "FORMAL_CHECK_CURE_WORKING_DAYS": 5}
    cure = cure_services.cure_open(bid=world["bad"], by=world["officer"], missing="承诺书")
    assert cure.due_at == window_end(cure.opened_at, 5, working=True)


# --- Pages --------------------------------------------------------------------------------


def test_officer_page_offers_cure_and_intended_ineligibility_and_shows_the_case(client, world):
    officer, bad = world["officer"], world["bad"]
    _login(client, officer)
    url = reverse("bounty:formal_check", args=[bad.reference])
    html = client.get(url).content.decode()
    assert "Ask the team for the documents" in html
    assert "Record the formal check" in html
    response = client.post(
        reverse("bounty:bid_cure_open", args=[bad.reference]), {"missing": "承诺书未签章"}
    )
    assert response.status_code == 302
    html = client.get(url).content.decode()
    assert "承诺书未签章" in html
    assert "Ask the team for the documents" not in html
    assert "may add the missing documents" in html  # the outcome waits
    CureRequest.objects.filter(bid=bad).update(due_at=_past())
    response = client.post(url, {"eligible": "0", "reasons": "补正期内未提交"})
    assert response.status_code == 302
    case = cases.open_case(CaseKind.INELIGIBLE, bad)
    html = client.get(url).content.decode()
    assert case.get_absolute_url() in html
    assert "An intended ineligibility is open" in html


def test_officer_page_keeps_what_was_typed_when_refused(client, world):
    _login(client, world["officer"])
    url = reverse("bounty:formal_check", args=[world["bad"].reference])
    response = client.post(url, {"eligible": "0", "reasons": ""})
    assert response.status_code == 400
    response = client.post(
        reverse("bounty:bid_cure_open", args=[world["bad"].reference]), {"missing": " "}
    )
    assert response.status_code == 400
    cure_services.cure_open(bid=world["bad"], by=world["officer"], missing="承诺书")
    response = client.post(url, {"eligible": "1", "reasons": "看过了"})
    assert response.status_code == 400
    assert "看过了" in response.content.decode()


def test_team_adds_the_document_on_the_bid_page_and_sees_its_receipt(client, world):
    officer, bad = world["officer"], world["bad"]
    cure_services.cure_open(bid=bad, by=officer, missing="科研诚信承诺书")
    _login(client, bad.created_by)
    html = client.get(bad.get_absolute_url()).content.decode()
    assert "科研诚信承诺书" in html
    assert reverse("bounty:bid_cure_upload", args=[bad.reference]) in html
    response = client.post(
        reverse("bounty:bid_cure_upload", args=[bad.reference]),
        {"kind": "commitment", "file": _upload()},
    )
    assert response.status_code == 302
    row = CureFile.objects.get()
    html = client.get(bad.get_absolute_url()).content.decode()
    assert row.sha256 in html
    _login(client, officer)
    assert (
        row.sha256
        in client.get(reverse("bounty:formal_check", args=[bad.reference])).content.decode()
    )
    download = reverse("bounty:bid_cure_file", args=[bad.reference, row.pk])
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    _login(client, team()[0])
    assert client.get(download).status_code == 404


def test_a_late_upload_through_the_page_adds_nothing(client, world):
    bad = world["bad"]
    cure = cure_services.cure_open(bid=bad, by=world["officer"], missing="承诺书")
    CureRequest.objects.filter(pk=cure.pk).update(due_at=_past())
    _login(client, bad.created_by)
    html = client.get(bad.get_absolute_url()).content.decode()
    assert reverse("bounty:bid_cure_upload", args=[bad.reference]) not in html
    client.post(
        reverse("bounty:bid_cure_upload", args=[bad.reference]),
        {"kind": "commitment", "file": _upload()},
    )
    assert not CureFile.objects.exists()


def test_team_sees_the_case_on_the_bid_page(client, world):
    bad = world["bad"]
    case = intend_ineligible(bad, world["officer"])
    _login(client, bad.created_by)
    assert case.get_absolute_url() in client.get(bad.get_absolute_url()).content.decode()

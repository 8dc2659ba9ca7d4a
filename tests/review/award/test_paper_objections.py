"""Objections received on paper or by e-mail (issue 16, point 9): the bureau enters them
with the scanned letter; the objector's identity stays with the bureau; they freeze the
award like any objection. The notice page and PDF name the office that handles them."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.exceptions import ActionRefused
from audit.models import AuditEvent
from bounty.models import Challenge, ChallengeStatus
from documents.models import Document, DocumentKind
from notifications.models import Notification
from review.award import services as award
from review.award.paper_objections import objection_enter
from review.documents import notice_source
from review.models import Objection
from tests.documents.helpers import pdf_text
from tests.factories import UserFactory, make_meeting
from tests.review.award.test_award import reviewed_challenge

pytestmark = pytest.mark.django_db
SCAN = b"%PDF-1.4 scanned letter"
ID_NUMBER = "32040219800101123X"


def in_notice():
    challenge, bids, officer, _criteria = reviewed_challenge([[80] * 5], size=5)
    award.award_propose(challenge=challenge, by=challenge.created_by, bids=[bids[0]])
    award.award_confirm(challenge=challenge, by=officer, meeting=make_meeting(by=officer))
    return Challenge.objects.get(pk=challenge.pk), bids, officer


def enter(challenge, officer, **overrides):
    data = {
        "challenge": challenge,
        "by": officer,
        "channel": Objection.Channel.PAPER,
        "objector_name": "纸质异议人",
        "objector_identity": ID_NUMBER,
        "objector_contact": "13812345678",
        "received_on": timezone.localdate(),
        "text": "中标单位业绩材料不实（来信摘要）",
        "letter": SimpleUploadedFile("来信扫描.pdf", SCAN),
    }
    data.update(overrides)
    return objection_enter(**data)


def test_the_bureau_enters_a_paper_objection_from_the_notice_page(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    challenge, bids, officer = in_notice()
    client.force_login(officer)
    response = client.post(
        reverse("review:notice", args=[challenge.ocid]),
        {
            "action": "enter",
            "channel": "email",
            "received_on": timezone.localdate().isoformat(),
            "objector_name": "邮件异议人",
            "objector_identity": "示范市某某科技有限公司",
            "objector_contact": "objector@example.cn",
            "text": "对拟揭榜单位的资质有异议",
            "letter": SimpleUploadedFile("mail.pdf", SCAN),
            "bid": bids[0].pk,
        },
    )
    assert response.status_code == 302
    objection = Objection.objects.get()
    assert objection.channel == Objection.Channel.EMAIL
    assert objection.author is None
    assert objection.entered_by == officer
    assert objection.bid == bids[0]
    assert objection.status == Objection.Status.OPEN
    assert objection.evidence.read() == SCAN
    event = AuditEvent.objects.get(action="objection.enter")
    assert "邮件异议人" not in str(event.payload)  # the identity stays out of the audit log


def test_only_the_bureau_enters_one_with_a_real_name_a_checked_scan_and_a_date_in_the_notice(
    settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    challenge, _bids, officer = in_notice()
    for stranger in (challenge.created_by, UserFactory(full_name="路人")):
        with pytest.raises(ActionRefused):
            enter(challenge, stranger)
    with pytest.raises(ActionRefused):
        enter(challenge, officer, objector_identity="")
    with pytest.raises(ActionRefused):
        enter(challenge, officer, channel=Objection.Channel.PLATFORM)
    with pytest.raises(ActionRefused):
        enter(challenge, officer, received_on=timezone.localdate() + timedelta(days=1))
    with pytest.raises(ValidationError):  # checked by content, not by name
        enter(challenge, officer, letter=SimpleUploadedFile("scan.pdf", b"MZ\x90\x00 not a pdf"))
    assert not Objection.objects.exists()


def test_a_paper_objection_is_hidden_from_others_and_freezes_the_award(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    challenge, _bids, officer = in_notice()
    objection = enter(challenge, officer)
    url = reverse("review:notice", args=[challenge.ocid])

    for viewer in (None, challenge.created_by, UserFactory(full_name="旁观者")):
        client.logout()
        if viewer is not None:
            client.force_login(viewer)
        html = client.get(url).content.decode()
        assert "纸质异议人" not in html
        assert "123X" not in html  # nothing of the ID number either
    client.force_login(officer)
    html = client.get(url).content.decode()
    assert "纸质异议人" in html  # the bureau knows who objected
    assert ID_NUMBER not in html  # the ID number masked in the list
    assert "****123X" in html

    Challenge.objects.filter(pk=challenge.pk).update(
        notice_ends_at=timezone.now() - timedelta(seconds=1)
    )
    assert award.awards_due() == 0  # frozen by the open paper objection
    award.objection_decide(objection=objection, by=officer, upheld=False, reason="经核查不属实")
    objection.refresh_from_db()
    assert objection.status == Objection.Status.DISMISSED
    assert not Notification.objects.filter(kind="review.objection_decided").exists()
    assert award.awards_due() == 1
    assert Challenge.objects.get(pk=challenge.pk).status == ChallengeStatus.AWARDED


def test_an_upheld_paper_objection_returns_to_review(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    challenge, _bids, officer = in_notice()
    objection = enter(challenge, officer)
    award.objection_decide(objection=objection, by=officer, upheld=True, reason="查实")
    assert Challenge.objects.get(pk=challenge.pk).status == ChallengeStatus.UNDER_REVIEW


@pytest.fixture
def office(settings):
    settings.JIEBANG = {
        **settings.JIEBANG,
        "NOTICE_OFFICE": "测试市科技局异议受理科",
        "NOTICE_PHONE": "0519-86009999",
        "NOTICE_ADDRESS": "测试市龙城大道1号",
    }
    return settings.JIEBANG


def test_the_notice_page_and_its_snapshot_name_the_handling_office(client, office):
    challenge, _bids, _officer = in_notice()
    html = client.get(reverse("review:notice", args=[challenge.ocid])).content.decode()
    for key in ("NOTICE_OFFICE", "NOTICE_PHONE", "NOTICE_ADDRESS"):
        assert office[key] in html
    notice = notice_source(challenge)["snapshot"]["notice"]
    assert (notice["office"], notice["phone"], notice["address"]) == (
        office["NOTICE_OFFICE"],
        office["NOTICE_PHONE"],
        office["NOTICE_ADDRESS"],
    )


def test_the_notice_pdf_prints_the_handling_office(
    client, office, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    challenge, _bids, _officer = in_notice()
    url = reverse("documents:of", args=["notice", challenge.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.get(url)  # generated on first request (sync queue in tests)
    assert client.get(url)["Content-Type"] == "application/pdf"
    text = pdf_text(Document.objects.get(kind=DocumentKind.NOTICE).file.path)
    for key in ("NOTICE_OFFICE", "NOTICE_PHONE", "NOTICE_ADDRESS"):
        assert office[key] in text

import hashlib
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.exceptions import ActionRefused
from bounty.bids import services as bid_services
from bounty.bids.rules import canonical_bytes
from bounty.challenges import services
from bounty.models import Bid, BidStatus, BidVersion, ChallengeStatus, CreditSanction
from notifications.models import Notification
from tests.bounty.bids.helpers import PDF, complete_bid, team
from tests.bounty.bids.ineligibility import find_ineligible
from tests.bounty.helpers import INDICATORS, force_deadline, published
from tests.factories import UserFactory, bureau_officer, member_of

pytestmark = pytest.mark.django_db


def test_team_drafts_consortium_bid_submits_and_gets_a_receipt_that_checks_out():
    challenge = published()
    partner_code = "91350100M000100Y43"
    bid = complete_bid(
        challenge,
        consortium=[
            {
                "name": "合作企业",
                "credit_code": partner_code,
                "work_share": Decimal("30"),
                "responsibilities": "中试",
            }
        ],
    )
    user = bid.created_by
    version = bid_services.bid_submit(bid=bid, by=user)
    bid.refresh_from_db()
    assert bid.status == BidStatus.SUBMITTED
    assert version.content_sha256 == hashlib.sha256(canonical_bytes(version.content)).hexdigest()
    assert version.attachments[0]["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert version.content["consortium"][0]["credit_code"] == partner_code
    assert version.submitted_at < challenge.bid_deadline
    note = Notification.objects.get(kind="bid.receipt", recipient=user)
    assert note.params["sha256"] == version.content_sha256


def test_reopen_and_resubmit_keeps_both_versions():
    bid = complete_bid(published())
    user = bid.created_by
    first = bid_services.bid_submit(bid=bid, by=user)
    bid_services.bid_reopen(bid=bid, by=user)
    bid_services.bid_update(bid=bid, by=user, data={"summary": "改进后的方案"})
    second = bid_services.bid_submit(bid=bid, by=user)
    assert (first.number, second.number) == (1, 2)
    assert first.content_sha256 != second.content_sha256
    first.refresh_from_db()
    assert first.content["summary"] == "掺杂包覆协同"  # the old version is untouched


def test_version_is_immutable():
    bid = complete_bid(published())
    version = bid_services.bid_submit(bid=bid, by=bid.created_by)
    version.content = {}
    with pytest.raises(ValueError):
        version.save()


def test_double_submission_yields_one_version():
    bid = complete_bid(published())
    stale = Bid.objects.get(pk=bid.pk)
    bid_services.bid_submit(bid=bid, by=bid.created_by)
    with pytest.raises(ActionRefused):
        bid_services.bid_submit(bid=stale, by=bid.created_by)
    assert BidVersion.objects.filter(bid=bid).count() == 1


def test_cannot_submit_after_the_deadline_even_if_nobody_closed_the_challenge():
    challenge = published()
    bid = complete_bid(challenge)
    force_deadline(challenge, timezone.now() - timedelta(milliseconds=1))
    with pytest.raises(ActionRefused):
        bid_services.bid_submit(bid=bid, by=bid.created_by)
    bid.refresh_from_db()
    assert bid.status == BidStatus.DRAFT
    assert not BidVersion.objects.exists()


def test_deadline_boundary_uses_the_database_clock(monkeypatch):
    """A bid at deadline − 1 ms goes in; one at the deadline itself does not."""
    challenge = published()
    bid = complete_bid(challenge)
    deadline = challenge.bid_deadline
    monkeypatch.setattr(bid_services, "db_now", lambda: deadline)
    with pytest.raises(ActionRefused):
        bid_services.bid_submit(bid=bid, by=bid.created_by)
    monkeypatch.setattr(bid_services, "db_now", lambda: deadline - timedelta(milliseconds=1))
    version = bid_services.bid_submit(bid=bid, by=bid.created_by)
    assert version.submitted_at == deadline - timedelta(milliseconds=1)


def test_one_active_bid_per_lead_unit():
    challenge = published()
    user, org = team()
    bid_services.bid_create(challenge=challenge, by=user, lead=org)
    with pytest.raises(ActionRefused):
        bid_services.bid_create(challenge=challenge, by=user, lead=org)


def test_issuer_cannot_bid_for_own_challenge():
    challenge = published()
    issuer_user = challenge.created_by
    from tests.factories import member_of

    member_of(challenge.issuer, "bidder", user=issuer_user)
    with pytest.raises(ActionRefused):
        bid_services.bid_create(challenge=challenge, by=issuer_user, lead=challenge.issuer)


def test_incomplete_bid_lists_what_is_missing():
    challenge = published()
    user, org = team()
    bid = bid_services.bid_create(challenge=challenge, by=user, lead=org)
    with pytest.raises(bid_services.BidIncomplete) as exc:
        bid_services.bid_submit(bid=bid, by=user)
    assert {"technical_approach", "responses", "milestones", "budget", "attachments"} <= set(
        exc.value.errors
    )


def test_milestone_shares_must_sum_to_100_and_draft_is_kept():
    bid = complete_bid(published())
    with pytest.raises(ActionRefused):
        bid_services.bid_update(
            bid=bid,
            by=bid.created_by,
            data={},
            milestones=[
                {"title": "x", "due_month": 3, "deliverables": "y", "tranche_share": Decimal("50")}
            ],
        )
    assert bid.milestones.count() == 2


def test_consortium_over_the_limit_is_refused():
    challenge = published(max_consortium_members=1)
    bid = complete_bid(challenge)
    rows = [
        {
            "name": f"成员{i}",
            "credit_code": code,
            "work_share": Decimal("10"),
            "responsibilities": "",
        }
        for i, code in enumerate(["91350100M000100Y43", "911100001000013428"[:17] + "C"])
    ]
    with pytest.raises(ActionRefused):
        bid_services.bid_update(bid=bid, by=bid.created_by, data={}, consortium=rows)
    assert bid.consortium.count() == 0


def test_fake_pdf_is_refused_and_draft_intact():
    bid = complete_bid(published())
    with pytest.raises(ValidationError):
        bid_services.attachment_add(
            bid=bid,
            by=bid.created_by,
            upload=SimpleUploadedFile("plan.pdf", b"MZ\x90\x00evil"),
            kind="plan",
        )
    assert bid.attachments.count() == 1
    assert bid.technical_approach


def test_oversized_file_refused_with_the_limit(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    bid = complete_bid(published())
    with pytest.raises(ValidationError) as exc:
        bid_services.attachment_add(
            bid=bid,
            by=bid.created_by,
            upload=SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 4096),
            kind="other",
        )
    assert "1.0" in exc.value.messages[0]


def test_total_attachment_size_per_bid_is_capped(settings):
    settings.JIEBANG = {**settings.JIEBANG, "BID_MAX_TOTAL_BYTES": len(PDF) + 10}
    bid = complete_bid(published())
    with pytest.raises(ActionRefused):
        bid_services.attachment_add(
            bid=bid, by=bid.created_by, upload=SimpleUploadedFile("b.pdf", PDF), kind="other"
        )


def test_pi_can_lead_only_one_active_bid(settings):
    pi, org_a = team()
    bid_a = complete_bid(published(), pi, org_a)
    bid_services.bid_submit(bid=bid_a, by=pi)
    other_user, org_b = team()
    bid_b = complete_bid(published(), other_user, org_b)
    member_of(org_b, "bidder", user=pi)  # the PI works for both organisations
    bid_services.bid_update(bid=bid_b, by=other_user, data={"pi": pi})
    with pytest.raises(ActionRefused) as exc:
        bid_services.bid_submit(bid=bid_b, by=other_user)
    assert "项目负责人" in str(exc.value.message)


def test_organisation_leads_at_most_n_bids_per_call(settings):
    settings.JIEBANG = {**settings.JIEBANG, "MAX_LEAD_BIDS_PER_CALL": 1, "PI_MAX_LEAD": 5}
    user, org = team()
    first = complete_bid(published(), user, org)
    bid_services.bid_submit(bid=first, by=user)
    second = complete_bid(published(), user, org)
    with pytest.raises(ActionRefused):
        bid_services.bid_submit(bid=second, by=user)


def test_sanctioned_organisation_cannot_bid():
    user, org = team()
    CreditSanction.objects.create(
        credit_code=org.credit_code, reason="虚假申报", starts_on=timezone.localdate()
    )
    with pytest.raises(ActionRefused):
        bid_services.bid_create(challenge=published(), by=user, lead=org)


def test_sanctioned_pi_cannot_submit():
    bid = complete_bid(published())
    CreditSanction.objects.create(user=bid.pi, reason="学术不端", starts_on=timezone.localdate())
    with pytest.raises(ActionRefused):
        bid_services.bid_submit(bid=bid, by=bid.created_by)


def test_material_amendment_sends_submitted_bids_back_to_draft_with_notice():
    officer = bureau_officer()
    challenge = published(officer=officer)
    bid = complete_bid(challenge)
    bid_services.bid_submit(bid=bid, by=bid.created_by)
    rows = [dict(INDICATORS[0], target_value=Decimal("95")), INDICATORS[1]]
    services.challenge_amend(
        challenge=challenge, by=officer, reason="提高指标", data={}, indicators=rows
    )
    bid.refresh_from_db()
    assert bid.status == BidStatus.DRAFT
    assert "re-confirm" in bid.status_note or "重新" in bid.status_note
    assert bid.versions.get().superseded_reason == "amendment 1"
    assert Notification.objects.filter(recipient=bid.created_by, kind="challenge.amended").exists()


def test_withdrawn_bid_frees_the_lead_unit():
    challenge = published()
    user, org = team()
    bid = bid_services.bid_create(challenge=challenge, by=user, lead=org)
    bid_services.bid_withdraw(bid=bid, by=user)
    assert bid_services.bid_create(challenge=challenge, by=user, lead=org)


def test_formal_check_flow_marks_eligible_and_ineligible_and_finishes():
    officer = bureau_officer()
    challenge = published(officer=officer)
    good = complete_bid(challenge)
    bad = complete_bid(challenge)
    bid_services.bid_submit(bid=good, by=good.created_by)
    bid_services.bid_submit(bid=bad, by=bad.created_by)
    force_deadline(challenge, timezone.now() - timedelta(seconds=1))
    bid_services.formal_check_start(challenge=challenge, by=officer)
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.FORMAL_CHECK
    done, skipped = bid_services.bids_formal_check_bulk(
        challenge=challenge, by=officer, bids=[good]
    )
    assert (len(done), len(skipped)) == (1, 0)
    # Ineligibility takes effect only once its due-process case is final (issue 17).
    find_ineligible(bad, officer, reasons="缺少法人授权书")
    challenge.refresh_from_db()
    assert challenge.formal_check_done_at is not None
    assert challenge.status == ChallengeStatus.FORMAL_CHECK
    bad.refresh_from_db()
    assert bad.status == BidStatus.INELIGIBLE
    assert bad.formal_check.reasons == "缺少法人授权书"
    assert Notification.objects.filter(recipient=bad.created_by, kind="bid.ineligible").exists()


def test_ineligible_needs_reasons():
    officer = bureau_officer()
    challenge = published(officer=officer)
    bid = complete_bid(challenge)
    bid_services.bid_submit(bid=bid, by=bid.created_by)
    force_deadline(challenge, timezone.now() - timedelta(seconds=1))
    bid_services.formal_check_start(challenge=challenge, by=officer)
    with pytest.raises(ActionRefused):
        bid_services.bid_formal_check(
            bid=bid, by=officer, checklist={}, eligible=False, reasons=" "
        )


def test_no_eligible_bid_means_no_award():
    officer = bureau_officer()
    challenge = published(officer=officer)
    bid = complete_bid(challenge)
    bid_services.bid_submit(bid=bid, by=bid.created_by)
    force_deadline(challenge, timezone.now() - timedelta(seconds=1))
    bid_services.formal_check_start(challenge=challenge, by=officer)
    find_ineligible(bid, officer, reasons="不符合")
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.NO_AWARD


def test_no_bids_at_all_means_no_award():
    officer = bureau_officer()
    challenge = force_deadline(published(officer=officer), timezone.now() - timedelta(seconds=1))
    bid_services.formal_check_start(challenge=challenge, by=officer)
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.NO_AWARD


def test_canonical_content_is_stable_json():
    bid = complete_bid(published())
    version = bid_services.bid_submit(bid=bid, by=bid.created_by)
    data = json.loads(canonical_bytes(version.content))
    assert data["format"] == "jiebang-bid-v1"
    assert data["responses"][0]["committed"] == "91.0000"


def test_nobody_can_be_named_pi_by_an_organisation_they_do_not_belong_to():
    bid = complete_bid(published())
    stranger = UserFactory()
    with pytest.raises(ActionRefused):
        bid_services.bid_update(bid=bid, by=bid.created_by, data={"pi": stranger})
    bid.refresh_from_db()
    assert bid.pi == bid.created_by


def test_duplicate_indicator_rows_do_not_crash():
    bid = complete_bid(published())
    indicator = bid.challenge.indicators.first()
    rows = [
        {"indicator_id": indicator.pk, "committed_value": Decimal("1"), "note": ""},
        {"indicator_id": indicator.pk, "committed_value": Decimal("2"), "note": ""},
    ]
    bid_services.bid_update(bid=bid, by=bid.created_by, data={}, responses=rows)
    assert bid.responses.get().committed_value == Decimal("2")


def test_officer_of_the_bidding_organisation_cannot_formal_check_its_bid():
    officer = bureau_officer()
    challenge = published(officer=officer)
    bid = complete_bid(challenge)
    bid_services.bid_submit(bid=bid, by=bid.created_by)
    force_deadline(challenge, timezone.now() - timedelta(seconds=1))
    bid_services.formal_check_start(challenge=challenge, by=officer)
    insider = bureau_officer()
    member_of(bid.lead, "bidder", user=insider)
    with pytest.raises(ActionRefused):
        bid_services.bid_formal_check(bid=bid, by=insider, checklist={}, eligible=True)


def test_formal_check_start_checks_permission_before_closing():
    challenge = force_deadline(published(), timezone.now() - timedelta(seconds=1))
    with pytest.raises(ActionRefused):
        bid_services.formal_check_start(challenge=challenge, by=UserFactory())
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.PUBLISHED


def test_auto_checklist_flags_pi_limits_in_any_language(settings):
    settings.JIEBANG = {**settings.JIEBANG, "PI_MAX_LEAD": 5}
    pi, org = team()
    first = complete_bid(published(), pi, org)
    bid_services.bid_submit(bid=first, by=pi)
    second = complete_bid(published(), pi, org)
    bid_services.bid_submit(bid=second, by=pi)
    settings.JIEBANG = {**settings.JIEBANG, "PI_MAX_LEAD": 1}
    assert bid_services.auto_checklist(Bid.objects.get(pk=second.pk))["pi_limits"] is False

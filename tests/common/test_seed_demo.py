import pytest
from django.core.management import call_command

from accounts.models import Organization, User
from audit.models import AuditEvent
from bounty.models import Bid, BidStatus, Challenge, ChallengeStatus


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_leaves_an_intact_audit_chain(capsys):
    call_command("seed_demo")
    counts = (User.objects.count(), Organization.objects.count(), Challenge.objects.count())
    events = AuditEvent.objects.count()
    call_command("seed_demo")
    assert (User.objects.count(), Organization.objects.count(), Challenge.objects.count()) == counts
    assert AuditEvent.objects.count() == events
    call_command("verify_audit")
    out = capsys.readouterr().out
    assert "bureau" in out
    assert "Demo-2026!" in out
    # bureau + its supervisors' 纪检监察组 (draw v3) + 2 district bureaus + 3 enterprises
    # + 6 teams + 4 teams of the exits demo
    assert counts[1] == 17
    from bounty.models import Call

    # Two calls (issue 19): one closed with the finished challenges (awards among them),
    # one collecting needs from enterprises of both districts.
    calls = {c.code: c for c in Call.objects.all()}
    assert {code: c.status for code, c in calls.items()} == {
        "2026-1": "closed",
        "2027-1": "collecting",
    }
    assert calls["2026-1"].challenges.filter(status=ChallengeStatus.CONTRACTED).exists()
    needs = calls["2027-1"].challenges
    assert set(needs.values_list("status", flat=True)) == {"draft", "submitted", "recommended"}
    assert needs.values("issuer__district").distinct().count() == 2
    statuses = set(Challenge.objects.values_list("status", flat=True))
    assert {
        ChallengeStatus.DRAFT,
        ChallengeStatus.SUBMITTED,
        ChallengeStatus.RETURNED,
        ChallengeStatus.VETTING,
        ChallengeStatus.APPROVED,
        ChallengeStatus.REJECTED,
        ChallengeStatus.PUBLISHED,
        ChallengeStatus.WITHDRAWN,
        ChallengeStatus.CLOSED,
        ChallengeStatus.FORMAL_CHECK,
        ChallengeStatus.UNDER_REVIEW,
        ChallengeStatus.IN_NOTICE,
        ChallengeStatus.AWARDED,
        ChallengeStatus.CONTRACTED,
    } <= statuses
    from documents.models import Contract

    # + the exits demo (review/demo_exits.py): one past its signing deadline, one void
    # (递补), the two contracts of the horse race.
    assert sorted(Contract.objects.values_list("status", flat=True)) == (
        ["draft"] + ["signed"] * 7 + ["signing", "void"]
    )
    from bounty.models import CreditSanction, Project, ProjectMilestone, Tranche

    # Running (1 met, 1 overdue), rectification, 结题 in notice (2 met), terminated both ways.
    assert ProjectMilestone.objects.filter(status="met").count() == 3
    assert ProjectMilestone.objects.filter(status="due").count() == 1
    assert ProjectMilestone.objects.filter(status="rectification").count() == 1
    statuses = sorted(Project.objects.values_list("status", "outcome"))
    assert statuses == [
        ("acceptance_notice", ""),  # a 结题 result in public notice (issue 17)
        ("active", ""),
        ("active", ""),
        ("active", ""),  # the horse race's survivor
        ("awaiting_contract", ""),
        ("awaiting_contract", ""),  # the winner past its signing deadline
        ("terminated", "diligent_failure"),
        ("terminated", "eliminated"),
        ("terminated", "misconduct"),
        ("terminated", "not_signed"),
    ]
    accepted = Project.objects.get(status="acceptance_notice")
    assert set(accepted.tranches.values_list("status", flat=True)) == {"disbursed"}
    # Its full dossier: one committed indicator short (hence 结题), reports, user report.
    notice = accepted.acceptance_notices.get()
    assert notice.result == "closed_without_pass"
    dossier = accepted.dossier
    assert dossier.user_report
    assert dossier.technical_summary
    assert dossier.submitted_at
    results = list(dossier.indicator_results.all())
    assert all(r.report_sha256 for r in results)
    assert [r.met for r in results].count(False) == 1
    assert dossier.spending.exists()
    # The misconduct record bars the PI only: the demo teams can still try bidding.
    assert CreditSanction.objects.get().user_id is not None
    assert Tranche.objects.filter(status="recovered").exists()
    # Issue 17: misconduct through due process — one final, one intended awaiting the
    # team's response on a running project; diligent failure after its expert panel.
    from bounty.dueprocess.models import DueProcessCase
    from review.models import Draw

    misconduct = dict(
        DueProcessCase.objects.filter(kind="misconduct").values_list("status", "response")
    )
    assert set(misconduct) == {"final", "intended"}
    assert misconduct["intended"] == ""
    assert Draw.objects.filter(purpose="termination", status="completed").exists()
    bid_statuses = set(Bid.objects.values_list("status", flat=True))
    assert {"draft", "submitted", "withdrawn", "eligible", "ineligible"} <= bid_statuses
    # Issue 17: the ineligible bid through a final due-process case; a 补正 awaiting a team.
    from bounty.models import CureRequest, DueProcessCase

    ineligible = Bid.objects.filter(status="ineligible").values_list("pk", flat=True)
    assert DueProcessCase.objects.filter(
        kind="ineligible", status="final", subject_id__in=list(ineligible)
    ).exists()
    assert CureRequest.objects.filter(completed_at__isnull=True, bid__status="submitted").exists()


@pytest.mark.django_db
def test_seed_demo_shows_the_states_of_issue_16():
    """Restricted and confidential challenges with their NDA and access requests; the
    award's exits: a complete panel with its proposal deadline, a pending 流榜 request, a
    winner past its signing deadline with a passing bid behind it, a 递补 done, a horse race
    with one team eliminated and the survivor's 补充协议."""
    from bounty.challenges.access import AccessRequest, AccessStatus, NdaAcceptance
    from bounty.demo_access import CONFIDENTIAL, RESTRICTED
    from bounty.models import Project, SigningDefault, Tranche
    from documents.models import Contract, Document, DocumentKind, DocumentStatus
    from review.award import exits, signing
    from review.award.models import AwardDecline
    from review.demo import REVIEW_DEMOS
    from review.demo_exits import DECLINED, EXPIRED, RACE, SUBSTITUTED

    call_command("seed_demo")
    restricted = Challenge.objects.get(title=RESTRICTED[2])
    assert (restricted.status, restricted.confidentiality) == ("published", "internal")
    assert restricted.public_summary
    assert NdaAcceptance.objects.filter(
        challenge=restricted, organization__name="河海大学常州校区"
    ).exists()
    secret = Challenge.objects.get(title=CONFIDENTIAL[2])
    assert (secret.status, secret.confidentiality) == ("published", "secret")
    admitted = AccessRequest.objects.get(challenge=secret, status=AccessStatus.ADMITTED)
    assert NdaAcceptance.objects.filter(
        challenge=secret, organization=admitted.organization
    ).exists()
    refused = AccessRequest.objects.get(challenge=secret, status=AccessStatus.REFUSED)
    assert refused.organization != admitted.organization
    assert refused.decision_reason

    # Under review with a complete panel: the proposal deadline is known.
    scored = Challenge.objects.get(title=REVIEW_DEMOS[0][0])
    assert scored.status == ChallengeStatus.UNDER_REVIEW
    assert exits.proposal_due_at(scored) is not None
    declined = Challenge.objects.get(title=DECLINED)
    assert declined.status == ChallengeStatus.UNDER_REVIEW
    assert AwardDecline.objects.get(challenge=declined).status == AwardDecline.Status.PENDING

    # A winner past its signing deadline, a passing bid ready for 递补.
    expired = Challenge.objects.get(title=EXPIRED)
    assert expired.status == ChallengeStatus.AWARDED
    assert signing.signing_expired(Project.objects.get(challenge=expired))
    assert signing.next_passing_bid(expired) is not None

    # 递补 done: contract void, project not signed, the record, the substitute in notice.
    substituted = Challenge.objects.get(title=SUBSTITUTED)
    assert substituted.status == ChallengeStatus.IN_NOTICE
    lapsed = Project.objects.get(challenge=substituted)
    assert (lapsed.status, lapsed.outcome) == ("terminated", "not_signed")
    assert Contract.objects.get(project=lapsed).status == "void"
    assert SigningDefault.objects.get(bid=lapsed.bid).organization == lapsed.bid.lead
    assert Bid.objects.filter(challenge=substituted, status=BidStatus.PROPOSED_WINNER).exists()

    # Horse race: the eliminated team's unpaid tranches cancelled, the survivor's
    # continuation tranche and its rendered 补充协议.
    eliminated = Project.objects.get(challenge__title=RACE, outcome="eliminated")
    assert eliminated.tranches.filter(status="cancelled").exists()
    assert eliminated.tranches.filter(status="disbursed").exists()  # paid: kept
    survivor = Project.objects.get(challenge__title=RACE, status="active")
    assert Tranche.objects.filter(project=survivor, continuation=True).exists()
    supplement = Document.objects.get(
        kind=DocumentKind.SUPPLEMENT, series__endswith=f"{survivor.contract.number}-BC"
    )
    assert supplement.subject == survivor.contract
    assert supplement.status == DocumentStatus.READY

    # Changes (issue 17): a 备案 acknowledged; an approved change in force, its 补充协议
    # signed by the three parties.
    from bounty.models import ChangeRequest
    from documents.models import Supplement

    assert ChangeRequest.objects.filter(kind="route", decision="acknowledged").exists()
    in_force = ChangeRequest.objects.get(decision="in_force")
    signed = Supplement.objects.get(change=in_force)
    assert signed.status == "signed"
    assert signed.signatures.count() == 3
    assert signed.current_document().status == DocumentStatus.READY

    # An objection received on paper during a notice, entered by the bureau and decided.
    from review.models import Objection

    paper = Objection.objects.get(challenge__title="动力电池回收湿法冶金提锂", channel="paper")
    assert paper.author is None
    assert paper.status == "dismissed"
    assert paper.evidence_name == "异议书扫描件.pdf"

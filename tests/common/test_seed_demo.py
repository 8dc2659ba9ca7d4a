import pytest
from django.core.management import call_command

from accounts.models import Organization, User
from audit.models import AuditEvent
from bounty.models import Bid, Challenge, ChallengeStatus


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
    assert counts[1] == 10  # bureau + 3 enterprises + 6 teams
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

    assert sorted(Contract.objects.values_list("status", flat=True)) == ["signed"] * 5 + ["signing"]
    from bounty.models import CreditSanction, Project, ProjectMilestone, Tranche

    # Running (1 met, 1 overdue), rectification, accepted (2 met), terminated both ways.
    assert ProjectMilestone.objects.filter(status="met").count() == 3
    assert ProjectMilestone.objects.filter(status="due").count() == 1
    assert ProjectMilestone.objects.filter(status="rectification").count() == 1
    statuses = sorted(Project.objects.values_list("status", "outcome"))
    assert statuses == [
        ("active", ""),
        ("active", ""),
        ("awaiting_contract", ""),
        ("passed", ""),
        ("terminated", "diligent_failure"),
        ("terminated", "misconduct"),
    ]
    passed = Project.objects.get(status="passed")
    assert set(passed.tranches.values_list("status", flat=True)) == {"disbursed"}
    # The misconduct record bars the PI only: the demo teams can still try bidding.
    assert CreditSanction.objects.get().user_id is not None
    assert Tranche.objects.filter(status="recovered").exists()
    bid_statuses = set(Bid.objects.values_list("status", flat=True))
    assert {"draft", "submitted", "withdrawn", "eligible", "ineligible"} <= bid_statuses

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
    assert "demo-2026" in out
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

    assert sorted(Contract.objects.values_list("status", flat=True)) == [
        "signed",
        "signed",
        "signed",
        "signing",
    ]
    from bounty.models import Project, ProjectMilestone, Tranche

    assert ProjectMilestone.objects.filter(status="met").count() == 1
    assert ProjectMilestone.objects.filter(status="rectification").count() == 1
    assert Tranche.objects.filter(status="disbursed").count() == 2  # first payment + milestone 1
    assert Project.objects.filter(status="terminated", outcome="diligent_failure").count() == 1
    bid_statuses = set(Bid.objects.values_list("status", flat=True))
    assert {"draft", "submitted", "withdrawn", "eligible", "ineligible"} <= bid_statuses

"""Challenge transitions as a table on the services: state × action × role → allowed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.exceptions import ActionRefused
from audit.models import AuditEvent
from bounty.challenges import services
from bounty.models import Challenge, ChallengeStatus
from notifications.models import Notification
from tests.bounty.helpers import draft, force_deadline, issuer_with_org, published
from tests.factories import OrganizationFactory, UserFactory, bureau_officer, member_of

S = ChallengeStatus
ROLES = ["issuer", "other_issuer", "bureau", "bidder", "superuser"]


def actor_for(role, challenge):
    if role == "issuer":
        return member_of(challenge.issuer, "issuer")
    if role == "other_issuer":
        return member_of(OrganizationFactory(verified=True), "issuer")
    if role == "bureau":
        return bureau_officer()
    if role == "bidder":
        return member_of(OrganizationFactory(kind="university", verified=True), "bidder")
    return UserFactory(is_superuser=True, is_staff=True)


def bring_to(state):
    """A challenge in ``state``, reached through the real transitions."""
    issuer, org = issuer_with_org()
    challenge = draft(issuer, org)
    officer = bureau_officer()
    path = {
        S.DRAFT: [],
        S.SUBMITTED: ["submit"],
        S.RETURNED: ["submit", "return"],
        S.VETTING: ["submit", "start_vetting"],
        S.APPROVED: ["submit", "start_vetting", "approve"],
        S.REJECTED: ["submit", "start_vetting", "reject"],
        S.PUBLISHED: ["submit", "start_vetting", "approve", "publish"],
        S.WITHDRAWN: ["submit", "start_vetting", "approve", "publish", "withdraw"],
    }[state]
    for step in path:
        if step == "submit":
            services.challenge_submit(challenge=challenge, by=issuer)
        else:
            services.challenge_decide(
                challenge=challenge, by=officer, decision=step, comment="理由"
            )
    return Challenge.objects.get(pk=challenge.pk)


def perform(action, challenge, actor):
    if action == "submit":
        return services.challenge_submit(challenge=challenge, by=actor)
    return services.challenge_decide(challenge=challenge, by=actor, decision=action, comment="理由")


ALLOWED = {
    # action: (source states, role, target)
    "submit": ({S.DRAFT, S.RETURNED}, "issuer", S.SUBMITTED),
    "start_vetting": ({S.SUBMITTED}, "bureau", S.VETTING),
    "return": ({S.SUBMITTED, S.VETTING}, "bureau", S.RETURNED),
    "approve": ({S.VETTING}, "bureau", S.APPROVED),
    "reject": ({S.VETTING}, "bureau", S.REJECTED),
    "publish": ({S.APPROVED}, "bureau", S.PUBLISHED),
    "withdraw": ({S.PUBLISHED}, "bureau", S.WITHDRAWN),
}
STATES = [
    S.DRAFT,
    S.SUBMITTED,
    S.RETURNED,
    S.VETTING,
    S.APPROVED,
    S.REJECTED,
    S.PUBLISHED,
    S.WITHDRAWN,
]
TABLE = [
    (state, action, role, target if (state in sources and role == allowed_role) else None)
    for action, (sources, allowed_role, target) in ALLOWED.items()
    for state in STATES
    for role in ROLES
]


@pytest.mark.django_db
@pytest.mark.parametrize(("state", "action", "role", "target"), TABLE)
def test_transition_table(state, action, role, target):
    challenge = bring_to(state)
    actor = actor_for(role, challenge)
    events = AuditEvent.objects.count()
    if target is None:
        with pytest.raises(ActionRefused):
            perform(action, challenge, actor)
        challenge.refresh_from_db()
        assert challenge.status == state
        assert AuditEvent.objects.count() == events
    else:
        perform(action, challenge, actor)
        challenge.refresh_from_db()
        assert challenge.status == target
        last = AuditEvent.objects.order_by("-seq").first()
        assert (last.action, last.from_state, last.to_state) == (
            f"challenge.{action}",
            state,
            target,
        )


@pytest.mark.django_db
@pytest.mark.parametrize("decision", ["return", "reject", "withdraw"])
def test_comment_required(decision):
    state = {"return": S.SUBMITTED, "reject": S.VETTING, "withdraw": S.PUBLISHED}[decision]
    challenge = bring_to(state)
    with pytest.raises(ActionRefused):
        services.challenge_decide(
            challenge=challenge, by=bureau_officer(), decision=decision, comment=" "
        )
    challenge.refresh_from_db()
    assert challenge.status == state


@pytest.mark.django_db
def test_incomplete_draft_cannot_be_submitted_and_lists_what_is_missing():
    issuer, org = issuer_with_org()
    challenge = services.challenge_create(by=issuer, issuer=org, data={"title": "只有标题"})
    with pytest.raises(ActionRefused) as exc:
        services.challenge_submit(challenge=challenge, by=issuer)
    assert {"problem", "bounty_total", "bid_deadline", "indicators"} <= set(exc.value.errors)
    challenge.refresh_from_db()
    assert challenge.status == S.DRAFT


@pytest.mark.django_db
def test_two_officers_deciding_at_once_one_wins_other_is_told():
    challenge = bring_to(S.VETTING)
    stale = Challenge.objects.get(pk=challenge.pk)
    first, second = bureau_officer(), bureau_officer()
    services.challenge_decide(challenge=challenge, by=first, decision="approve")
    with pytest.raises(ActionRefused) as exc:
        services.challenge_decide(challenge=stale, by=second, decision="reject", comment="不行")
    assert "Reload" in str(exc.value.message) or "刷新" in str(exc.value.message)
    challenge.refresh_from_db()
    assert challenge.status == S.APPROVED


@pytest.mark.django_db
def test_bureau_officer_of_the_issuer_cannot_vet_own_challenge():
    challenge = bring_to(S.SUBMITTED)
    officer = bureau_officer()
    member_of(challenge.issuer, "issuer", user=officer)
    with pytest.raises(ActionRefused):
        services.challenge_decide(challenge=challenge, by=officer, decision="start_vetting")


@pytest.mark.django_db
def test_publish_refused_when_deadline_window_too_short():
    challenge = bring_to(S.APPROVED)
    force_deadline(challenge, timezone.now() + timedelta(days=3))
    with pytest.raises(ActionRefused):
        services.challenge_decide(challenge=challenge, by=bureau_officer(), decision="publish")
    challenge.refresh_from_db()
    assert challenge.status == S.APPROVED


@pytest.mark.django_db
def test_return_notifies_issuer_staff_with_the_comment():
    challenge = bring_to(S.SUBMITTED)
    services.challenge_decide(
        challenge=challenge, by=bureau_officer(), decision="return", comment="指标不够具体"
    )
    note = Notification.objects.get(kind="challenge.returned")
    assert note.params["comment"] == "指标不够具体"
    assert note.recipient.memberships.filter(organization=challenge.issuer).exists()


@pytest.mark.django_db
def test_submission_notifies_the_bureau():
    officer = bureau_officer()
    issuer, org = issuer_with_org()
    challenge = draft(issuer, org)
    services.challenge_submit(challenge=challenge, by=issuer)
    assert Notification.objects.filter(recipient=officer, kind="challenge.submitted").exists()


@pytest.mark.django_db
def test_unverified_organisation_cannot_draft():
    org = OrganizationFactory(kind="enterprise")
    user = member_of(org, "issuer", is_admin=True)
    with pytest.raises(ActionRefused):
        services.challenge_create(by=user, issuer=org, data={"title": "x"})


@pytest.mark.django_db
def test_ocid_is_public_stable_identifier():
    challenge = draft()
    assert challenge.ocid.startswith("ocds-jbgs01-")
    assert challenge.ocid.endswith(f"{challenge.pk:06d}")


@pytest.mark.django_db
def test_default_rubric_weights_sum_to_100():
    challenge = draft()
    assert sum(challenge.criteria.values_list("weight", flat=True)) == 100
    assert challenge.criteria.count() == 6


@pytest.mark.django_db
def test_status_cannot_be_assigned_directly():
    challenge = published()
    with pytest.raises(AttributeError):
        challenge.status = S.CLOSED

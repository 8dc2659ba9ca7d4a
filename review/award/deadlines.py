"""The award's deadline reminders (scheduled daily, ``award-deadlines``): the issuer's
proposal (before it is due, and when it is due — the bureau may then decide) and the
winner's signature (before it is due, and when it passed — the bureau then chooses 递补 or
re-publication). An ``AwardReminder`` row is written first, so a repeated run sends
nothing twice."""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.selectors import bureau_officers, organization_staff
from bounty.models import Challenge, ChallengeStatus, Project, ProjectStatus
from notifications.services import batched_emails, notify
from review.award.exits import proposal_due_at
from review.award.models import AwardReminder
from review.award.signing import signing_due_at, team_signed


def _warn_days():
    """How long before a deadline the first reminder goes (the nearest milestone reminder)."""
    return timedelta(days=min(settings.JIEBANG["REMINDER_DAYS"] or [3]))


def _once(*, challenge, kind, due, project=None) -> bool:
    """Log the reminder; False when it was already sent for this deadline."""
    try:
        with transaction.atomic():
            AwardReminder.objects.create(
                challenge=challenge, project=project, kind=kind, due_at=due
            )
    except IntegrityError:
        return False
    return True


def _when(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def proposal_reminders(now) -> int:
    sent = 0
    for challenge in Challenge.objects.filter(status=ChallengeStatus.UNDER_REVIEW).select_related(
        "issuer"
    ):
        due = proposal_due_at(challenge)
        if due is None or now < due - _warn_days():
            continue
        url = reverse("review:ranking", args=[challenge.ocid])
        issuer = organization_staff(challenge.issuer, role=Role.ISSUER)
        params = {"title": challenge.title, "due": _when(due)}
        if now < due:
            if _once(challenge=challenge, kind=AwardReminder.Kind.PROPOSAL_BEFORE, due=due):
                notify(recipients=issuer, kind="review.proposal_due_soon", params=params, url=url)
                sent += 1
        elif _once(challenge=challenge, kind=AwardReminder.Kind.PROPOSAL_DUE, due=due):
            notify(
                recipients=[*issuer, *bureau_officers()],
                kind="review.proposal_overdue",
                params=params,
                url=url,
            )
            sent += 1
    return sent


def signing_reminders(now) -> int:
    sent = 0
    projects = Project.objects.filter(
        status=ProjectStatus.AWAITING_CONTRACT, challenge__status=ChallengeStatus.AWARDED
    ).select_related("bid__lead", "challenge", "contract")
    for project in projects:
        contract = getattr(project, "contract", None)
        # No deadline while there is no contract to sign or its documents are not ready.
        due = signing_due_at(project, contract) if contract is not None else None
        if due is None or now < due - _warn_days() or team_signed(project):
            continue
        challenge = project.challenge
        team = organization_staff(project.bid.lead, role=Role.BIDDER)
        params = {"title": challenge.title, "reference": project.bid.reference, "due": _when(due)}
        url = contract.get_absolute_url()
        if now < due:
            if _once(
                challenge=challenge,
                project=project,
                kind=AwardReminder.Kind.SIGNING_BEFORE,
                due=due,
            ):
                notify(recipients=team, kind="review.signing_due_soon", params=params, url=url)
                sent += 1
        elif _once(
            challenge=challenge, project=project, kind=AwardReminder.Kind.SIGNING_EXPIRED, due=due
        ):
            notify(
                recipients=[*team, *bureau_officers()],
                kind="review.signing_expired",
                params=params,
                url=reverse("review:signing", args=[challenge.ocid]),
            )
            sent += 1
    return sent


def award_deadlines_run(now=None) -> dict:
    now = now or timezone.now()
    with batched_emails():
        return {"proposal": proposal_reminders(now), "signing": signing_reminders(now)}

"""Milestone and acceptance panels (DOMAIN §7): a draw like any other — same commit-reveal,
frozen pool, invitations, undertakings and declarations, its own record and bundle — whose
experts each give one signed opinion on a milestone report or on a project's acceptance.
The bureau then records the panel's verdict through ``bounty.projects`` (which asks
``panel_state`` through ``bounty.hooks``)."""

import secrets

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.exceptions import ActionRefused, StaleState
from audit.services import audit_record
from bounty.hooks import PanelState
from bounty.models import MilestoneReport, MilestoneStatus, Project, ProjectMilestone, ProjectStatus
from notifications.services import notify
from review import permissions as perms
from review import verify_draw as algo
from review.draw.rules import check_public_value_source
from review.draw.services import default_params, validate_params
from review.models import (
    ACTIVE_DRAW_STATUSES,
    VERDICTS_BY_PURPOSE,
    Declaration,
    Draw,
    DrawPurpose,
    DrawStatus,
    PanelOpinion,
    Seat,
    SeatStatus,
)

MILESTONE_OPEN = (MilestoneStatus.REPORT_SUBMITTED, MilestoneStatus.UNDER_ASSESSMENT)
ACCEPTANCE_OPEN = (ProjectStatus.ACCEPTANCE_APPLIED, ProjectStatus.UNDER_ACCEPTANCE)


def _subject_draws(subject, purpose=None):
    """The non-cancelled draws of the panel assessing ``subject`` now: for a milestone,
    only those opened since its latest report (a rectified milestone gets a new panel).
    For a project: its acceptance panel, or with ``purpose`` TERMINATION its
    diligent-failure (尽职免责) panel."""
    if isinstance(subject, ProjectMilestone):
        draws = Draw.objects.filter(purpose=DrawPurpose.MILESTONE, milestone=subject)
        reported_at = (
            MilestoneReport.objects.filter(milestone=subject)
            .order_by("-submitted_at")
            .values_list("submitted_at", flat=True)
            .first()
        )
        if reported_at is not None:
            draws = draws.filter(created_at__gte=reported_at)
    else:
        draws = Draw.objects.filter(purpose=purpose or DrawPurpose.ACCEPTANCE, project=subject)
    return draws.exclude(status=DrawStatus.CANCELLED)


def panel_state(subject, purpose=None) -> PanelState | None:
    """The bounty hook: what the panel assessing ``subject`` has said (None: no panel)."""
    draws = list(
        _subject_draws(subject, purpose)
        .order_by("created_at")
        .only("pk", "status", "params", "supplementary_of")
    )
    if not draws:
        return None
    pending = sum(
        (1 if draw.supplementary_of_id else draw.params["size"])
        for draw in draws
        if draw.status in ACTIVE_DRAW_STATUSES
    )
    seats = Seat.objects.filter(draw__in=[d.pk for d in draws], on_panel=True)
    pending += seats.filter(
        Q(status=SeatStatus.INVITED) | Q(status=SeatStatus.ACCEPTED, opinion__isnull=True)
    ).count()
    counts = dict(
        PanelOpinion.objects.filter(seat__in=seats)
        .values_list("verdict")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return PanelState(
        url=reverse("review:draw_detail", args=[draws[-1].pk]), pending=pending, counts=counts
    )


def termination_panel_state(project) -> PanelState | None:
    """The bounty hook: what the diligent-failure (尽职免责) panel of ``project`` said."""
    return panel_state(project, DrawPurpose.TERMINATION)


def panel_draw_create(*, subject, by, params=None, public_value_source="", purpose=None):
    """Open the draw of a milestone panel (subject: a ProjectMilestone with a report
    waiting), an acceptance panel (subject: a Project that applied) or, with ``purpose``
    TERMINATION, the expert assessment of a running project's failure (尽职免责: "经丙方
    组织专家评估认定"). Repeating the request returns the open draw."""
    params = {**default_params(), **(params or {})}
    validate_params(params)
    public_value_source = check_public_value_source(public_value_source, required=False)
    milestone = subject if isinstance(subject, ProjectMilestone) else None
    project = milestone.project if milestone else subject
    if milestone:
        purpose = DrawPurpose.MILESTONE
    elif purpose != DrawPurpose.TERMINATION:
        purpose = DrawPurpose.ACCEPTANCE
    with transaction.atomic():
        project = (
            Project.objects.select_for_update()
            .select_related("challenge__issuer", "bid")
            .get(pk=project.pk)
        )
        if not perms.can_run_project_panel(by, project):
            raise ActionRefused(_("Only bureau officers draw assessment panels."))
        if milestone is not None:
            milestone = ProjectMilestone.objects.get(pk=milestone.pk, project=project)
            if not project.is_running or milestone.status not in MILESTONE_OPEN:
                raise StaleState(_("This milestone has no report waiting for assessment."))
        elif purpose == DrawPurpose.TERMINATION:
            if not project.is_running:
                raise StaleState(_("This project has ended."))
        elif project.status not in ACCEPTANCE_OPEN:
            raise StaleState(_("This project has not applied for acceptance."))
        subject_draws = Draw.objects.filter(purpose=purpose, project=project, milestone=milestone)
        existing = subject_draws.filter(status__in=ACTIVE_DRAW_STATUSES).first()
        if existing is not None:
            return existing
        current = list(
            _subject_draws(milestone or project, purpose).filter(status=DrawStatus.COMPLETED)
        )
        try:
            with transaction.atomic():
                draw = Draw.objects.create(
                    challenge=project.challenge,
                    purpose=purpose,
                    project=project,
                    milestone=milestone,
                    # A second draw for the same panel fills the seats the first could not.
                    supplementary_of=current[-1] if current else None,
                    algorithm=algo.CURRENT,
                    params=params,
                    public_value_source=public_value_source,
                    bureau_officer=by,
                    salt=secrets.token_hex(32),
                )
        except IntegrityError:  # a concurrent request created it first
            return subject_draws.get(status__in=ACTIVE_DRAW_STATUSES)
        audit_record(
            actor=by,
            action=f"draw.create.{purpose}",
            obj=draw,
            to_state=draw.status,
            payload={
                "params": params,
                "project": project.pk,
                "milestone": milestone.number if milestone else None,
            },
        )
    return draw


def panel_bids(draw):
    """The bids a panel expert declares on: the winning bid for a project panel."""
    return [draw.project.bid] if draw.for_project else None


def can_give_opinion(user, seat) -> bool:
    """An accepted panel expert of a project panel, cleared on the winning bid."""
    draw = seat.draw
    if not (
        draw.for_project
        and draw.status == DrawStatus.COMPLETED
        and seat.on_panel
        and seat.status == SeatStatus.ACCEPTED
        and perms.is_seat_expert(user, seat)
    ):
        return False
    declaration = Declaration.objects.filter(seat=seat, bid_id=draw.project.bid_id).first()
    return declaration is not None and declaration.clears_access


def subject_is_open(draw) -> bool:
    if draw.purpose == DrawPurpose.MILESTONE:
        milestone = draw.milestone
        return (
            draw.project.is_running
            and milestone.status in MILESTONE_OPEN
            and _subject_draws(milestone).filter(pk=draw.pk).exists()
        )
    if draw.purpose == DrawPurpose.TERMINATION:
        return draw.project.is_running
    return draw.project.status in ACCEPTANCE_OPEN


def panel_opinion_submit(*, seat, by, verdict, comment):
    """Record one expert's opinion; final once given."""
    comment = (comment or "").strip()
    with transaction.atomic():
        seat = (
            # of=self: the draw's project and milestone are outer joins (nullable), which
            # PostgreSQL cannot lock; only the seat needs the lock.
            Seat.objects.select_for_update(of=("self",))
            .select_related("draw__project__bid", "draw__milestone", "expert")
            .get(pk=seat.pk)
        )
        draw = seat.draw
        if not can_give_opinion(by, seat):
            raise ActionRefused(_("Only a panel expert cleared of conflicts gives an opinion."))
        if not subject_is_open(draw):
            raise StaleState(_("This assessment is closed."))
        if verdict not in VERDICTS_BY_PURPOSE[draw.purpose]:
            raise ActionRefused(_("Choose your verdict."))
        if not comment:
            raise ActionRefused(_("Write your opinion and its reasons."))
        if PanelOpinion.objects.filter(seat=seat).exists():
            raise ActionRefused(_("You have already given your opinion; it is final."))
        PanelOpinion.objects.create(
            seat=seat, verdict=verdict, comment=comment, submitted_at=timezone.now()
        )
        audit_record(
            actor=by,
            action=f"panel.opinion.{draw.purpose}",
            obj=draw,
            payload={"rank": seat.rank, "verdict": verdict},
        )
        subject = draw.milestone if draw.milestone_id else draw.project
        state = panel_state(subject, None if draw.milestone_id else draw.purpose)
        if state is not None and state.complete:
            notify(
                recipients=[draw.bureau_officer],
                kind="review.panel_complete",
                params={"title": draw.challenge.title, "purpose": draw.purpose},
                url=draw.project.get_absolute_url(),
            )
    return seat

"""The releases: which audit events are releases (``RELEASE_EVENTS``), the builder of each
(``BUILDERS``, ``build_releases``), and the events they are built from: one challenge's
(``challenge_releases``) or every public challenge's, a page at a time (the feed,
``releases_changed_since``)."""

from django.conf import settings
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.utils import translation

from audit.models import AuditEvent
from bounty.models import Challenge, Project, ProjectMilestone, Tranche

from .awards import _release_award, _release_no_award, _release_notice, _release_objection_upheld
from .contracts import (
    _release_acceptance,
    _release_change,
    _release_contract,
    _release_disbursement,
    _release_milestone,
    _release_termination,
)
from .records import CHALLENGE, MILESTONE, PROJECT, TRANCHE, _Records
from .tender import _release_close, _release_tender

# The audit events that become releases (and nothing else: the feed selects on this).
RELEASE_EVENTS = (
    Q(
        object_type=CHALLENGE,
        action__in=[
            "challenge.publish",
            "challenge.amend",
            "challenge.close",
            "challenge.no_award",
            "challenge.open_notice",
            "challenge.award",
        ],
    )
    | Q(object_type=CHALLENGE, action="objection.decide", payload__upheld=True)
    | Q(
        object_type=PROJECT,
        action__in=["project.activate", "project.acceptance", "project.terminate"],
    )
    | Q(object_type=PROJECT, action="project.change_decide", payload__approved=True)
    | Q(object_type=MILESTONE, action__in=["milestone.assess.bureau", "milestone.rectify"])
    | Q(object_type=TRANCHE, action="tranche.disburse")
)

BUILDERS = {
    "challenge.publish": _release_tender,
    "challenge.amend": _release_tender,
    "challenge.close": _release_close,
    "challenge.no_award": _release_no_award,
    "challenge.open_notice": _release_notice,
    "objection.decide": _release_objection_upheld,
    "challenge.award": _release_award,
    "project.activate": _release_contract,
    "project.change_decide": _release_change,
    "milestone.assess.bureau": _release_milestone,
    "milestone.rectify": _release_milestone,
    "tranche.disburse": _release_disbursement,
    "project.acceptance": _release_acceptance,
    "project.terminate": _release_termination,
}


def build_releases(events) -> list[dict]:
    """The releases of ``events`` (audit events matching ``RELEASE_EVENTS``), in order.
    Texts are in the site's language (Chinese) whatever the request's language."""
    events = list(events)
    if not events:
        return []
    records = _Records(events)
    with translation.override(settings.LANGUAGE_CODE):
        return [
            BUILDERS[e.action](e, records.challenge_of(e), records)
            for e in events
            if e.action in BUILDERS
        ]


# --- Which events: one challenge, or every public challenge ------------------------------------


def _as_text_ids(queryset):
    return queryset.annotate(text_id=Cast("pk", CharField())).values("text_id")


def _scope(challenges) -> Q:
    """Events of the given challenges (a queryset) and of their projects, milestones and
    tranches."""
    projects = Project.objects.filter(challenge__in=challenges)
    return (
        Q(object_type=CHALLENGE, object_id__in=_as_text_ids(challenges))
        | Q(object_type=PROJECT, object_id__in=_as_text_ids(projects))
        | Q(
            object_type=MILESTONE,
            object_id__in=_as_text_ids(ProjectMilestone.objects.filter(project__in=projects)),
        )
        | Q(
            object_type=TRANCHE,
            object_id__in=_as_text_ids(Tranche.objects.filter(project__in=projects)),
        )
    )


def release_events(challenges=None):
    """Audit events that are releases, of public challenges only (or of ``challenges``,
    a queryset, intersected with the public ones), oldest first."""
    public = Challenge.objects.public()
    if challenges is not None:
        public = public.filter(pk__in=challenges.values("pk"))
    return AuditEvent.objects.filter(RELEASE_EVENTS).filter(_scope(public)).order_by("seq")


def challenge_releases(challenge) -> list[dict]:
    events = list(release_events(Challenge.objects.filter(pk=challenge.pk)))
    return build_releases(events)


def releases_changed_since(since=None, *, limit=100, cursor=None):
    """One page of the feed: releases of public challenges whose event happened at or after
    ``since`` and after the event ``cursor`` (a sequence number), oldest first. Returns
    ``(releases, next_cursor)``; ``next_cursor`` is None on the last page. Releases never
    change once published, so paging with the cursor is complete and without duplicates."""
    events = release_events()
    if since is not None:
        events = events.filter(created_at__gte=since)
    if cursor is not None:
        events = events.filter(seq__gt=cursor)
    page = list(events[: limit + 1])
    more = len(page) > limit
    page = page[:limit]
    return build_releases(page), (page[-1].seq if more else None)

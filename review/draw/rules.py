"""The rules of a v3 draw that several steps share (docs/draw-algorithm.md §13): the named
public value, who may be a party, the draw's context and its commitments."""

from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from accounts.exceptions import ActionRefused
from accounts.models import Membership, Role
from review import verify_draw as algo


def check_public_value_source(source, *, required):
    """The named public value of a v3 draw, ``<source>:<YYYY-MM-DD>`` (docs/draw-algorithm.md
    §13.3), a lottery draw after today; required for a bid-review draw."""
    source = (source or "").strip()
    if not source:
        if required:
            raise ActionRefused(
                _("A bid-review draw needs a public value: name the lottery and the date.")
            )
        return ""
    try:
        _code, day = algo.parse_source(source)
    except ValueError as exc:
        raise ActionRefused(
            _("Name the public value as source:date, e.g. %(example)s.")
            % {"example": "cwl-3d:2026-12-10"}
        ) from exc
    if day <= timezone.localdate():
        raise ActionRefused(_("The named lottery draw must take place after today."))
    return source


def party_identity(user, party):
    """The published identity of a party: name, organisation, a stable pseudonym."""
    role = Role.BUREAU if party == "bureau" else Role.SUPERVISOR
    membership = (
        Membership.objects.filter(user=user, role=role)
        .select_related("organization")
        .order_by("organization_id")
        .first()
    )
    org = membership.organization if membership else None
    return {
        "role": "bureau_officer" if party == "bureau" else "supervisor",
        "person": salted_hmac("review.draw.party", str(user.pk)).hexdigest()[:24],
        "name": user.get_full_name() or user.get_username(),
        "organisation": org.name if org else "",
        "organisation_code": org.credit_code if org else "",
    }


def check_parties(officer_id, supervisor):
    """The supervisor is another person, from none of the officer's organisations."""
    if supervisor.pk == officer_id:
        raise ActionRefused(
            _("The supervisor must be another person than the officer who opened the draw.")
        )
    officer_orgs = Membership.objects.filter(user_id=officer_id).values("organization_id")
    if Membership.objects.filter(user=supervisor, organization_id__in=officer_orgs).exists():
        raise ActionRefused(
            _("The supervisor must belong to another organisation than the bureau officer.")
        )


def draw_context(draw):
    """The v3 context (docs/draw-algorithm.md §13.1): what the draw is, fixed at creation."""
    return {
        "algorithm": draw.algorithm,
        "draw": draw.pk,
        "challenge": draw.challenge.ocid,
        "purpose": draw.purpose,
        "project_bid": draw.project.bid.reference if draw.for_project else None,
        "milestone": draw.milestone.number if draw.milestone_id else None,
        "supplementary_of": draw.supplementary_of_id,
        "redraw_reason": draw.redraw_reason,
        "params": draw.params,
        "public_value_source": draw.public_value_source,
    }


def commit_prefix(draw, party):
    """What a v3 commitment hashes before the secret (the browser adds the secret);
    empty for an older draw, whose commitment is SHA-256 of the secret alone."""
    if draw.algorithm != algo.V3:
        return ""
    return f"{algo.V3}\n{algo.context_id(draw_context(draw))}\n{party}\n"


def draw_commitment(draw, party, secret):
    """The commitment to ``secret`` for this draw and party (what the browser computes)."""
    if draw.algorithm != algo.V3:
        return algo.commitment(secret)
    return algo.commitment_v3(algo.context_id(draw_context(draw)), party, secret)

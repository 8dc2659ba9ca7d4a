"""Rules of a call (批次) and of the needs collected in it, shared by forms and services."""

from django.utils import timezone
from django.utils.translation import gettext as _

from bounty.calls.models import CallStatus, RdPlatform

# The issuer's qualification facts (需求征集表) a need in a call must state.
QUALIFICATION_FIELDS = (
    "chain",
    "chain_role",
    "revenue",
    "rd_ratio",
    "rd_platform",
    "rd_platform_name",
)

# A returned need may be submitted again while the call still takes or vets needs.
RESUBMIT_STATUSES = (CallStatus.COLLECTING, CallStatus.VETTING)


def _local(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def qualification_errors(challenge) -> dict:
    """What a need in a call must state about its issuer before it is submitted."""
    if not challenge.call_id:
        return {}
    required = {
        "chain": _("Name the industrial chain the enterprise belongs to."),
        "chain_role": _("Choose the enterprise's role in the chain."),
        "revenue": _("Give last year's revenue."),
        "rd_ratio": _("Give the R&D spending as a share of revenue."),
        "rd_platform": _("Say whether the enterprise has its own R&D platform."),
    }
    errors = {
        field: message
        for field, message in required.items()
        if getattr(challenge, field) in (None, "")
    }
    if (
        challenge.rd_platform
        and challenge.rd_platform != RdPlatform.NONE
        and not (challenge.rd_platform_name or "").strip()
    ):
        errors["rd_platform_name"] = _("Name the R&D platform.")
    return errors


def window_text(call) -> str:
    return _("%(opens)s to %(closes)s") % {
        "opens": _local(call.needs_opens_at),
        "closes": _local(call.needs_closes_at),
    }


def need_call_error(call, *, current_call_id=None):
    """A need may be put into a call only while the call accepts needs (or stay where it is)."""
    if call is None or call.pk == current_call_id or call.accepts_needs:
        return None
    return _(
        "The call “%(call)s” does not accept needs now (needs are collected from %(window)s)."
    ) % {"call": call.name, "window": window_text(call)}


def need_submit_error(challenge):
    """A need in a call is submitted while the call accepts needs; a returned one may be
    submitted again while the call is still collecting or vetting needs."""
    if challenge.call_id is None:
        return None
    call = _locked_call(challenge)
    if call.accepts_needs:
        return None
    if challenge.status == "returned" and call.status in RESUBMIT_STATUSES:
        return None
    return _(
        "The call “%(call)s” does not accept needs now (needs are collected from %(window)s)."
    ) % {"call": call.name, "window": window_text(call)}


def call_decision_error(challenge, decision):
    """Lock a need's call before the need itself (the order of ``publish_list``), and refuse
    vetting or approving it once its call's list is published: it would never be listed."""
    if challenge.call_id is None:
        return None
    call = _locked_call(challenge)
    if decision in ("start_vetting", "approve") and call.status not in RESUBMIT_STATUSES:
        return _(
            "The list of the call “%(call)s” is already published: this need can no longer be "
            "vetted in it. Return it, so that its issuer may put it into a later call."
        ) % {"call": call.name}
    return None


def published_with_call_message(challenge):
    return _(
        "This need belongs to the call “%(call)s”: it is published with the call's list, "
        "not on its own."
    ) % {"call": challenge.call.name}


def windows_errors(needs_opens_at, needs_closes_at, bids_close_at) -> dict:
    """The needs window comes first, then bidding (field → message)."""
    errors = {}
    if needs_opens_at and needs_closes_at and needs_closes_at <= needs_opens_at:
        errors["needs_closes_at"] = _("The collection must close after it opens.")
    if needs_closes_at and bids_close_at and bids_close_at <= needs_closes_at:
        errors["bids_close_at"] = _("The bid deadline must be after the needs collection closes.")
    return errors


def _locked_call(challenge):
    """The need's call as it is now, its row locked until the caller's transaction ends: a
    need does not slip into a call whose collection is being closed."""
    from bounty.calls.models import Call

    challenge.call = Call.objects.select_for_update().get(pk=challenge.call_id)
    return challenge.call


def apply_need_call(challenge, *, current_call_id=None):
    """Check the call a need is put into, and give the need the call's bid deadline
    (inside the caller's transaction)."""
    from bounty.exceptions import ActionRefused

    if challenge.call_id is not None:
        _locked_call(challenge)
    elif current_call_id is not None and challenge.submitted_at is not None:
        # Submitted in a call once, a need stays a call's need (its vetting panel and the
        # call's list): it may move to a later call, not be published on its own.
        raise ActionRefused(
            _("This need was submitted in a call; it may move to another call, not leave calls.")
        )
    if err := need_call_error(challenge.call, current_call_id=current_call_id):
        raise ActionRefused(err)
    if challenge.call is not None:
        challenge.bid_deadline = challenge.call.bids_close_at

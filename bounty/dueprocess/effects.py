"""What each kind of due-process case does, registered by the sub-domain that owns the
subject (in its ``AppConfig.ready``): bounty's projects (misconduct), bids (ineligibility),
review's pool (expert removal)."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Effect:
    # apply(case, by): the final decision's effect, inside the finalising transaction.
    apply: Callable
    # url(case): the subject's page, for the case page and notifications ("" if none).
    url: Callable = lambda case: ""
    # refuse_open(subject, by) -> message or None: subject-specific preconditions.
    refuse_open: Callable = lambda subject, by: None
    # A MeetingPurpose when an upheld decision must cite a collective decision (集体决策).
    decide_meeting: str | None = None


EFFECTS: dict[str, Effect] = {}


def register_effect(kind, effect: Effect):
    EFFECTS[kind] = effect

"""Extension points filled in by higher apps (bounty never imports them).

An expert panel drawn in ``review`` may assess a milestone or a project's final
acceptance. The project services ask ``panel_for(subject)`` what that panel concluded;
``review`` registers the provider in its ``AppConfig.ready()``.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class PanelState:
    """What an assessment panel has said so far about one milestone or acceptance."""

    url: str  # the draw's page (bureau and supervisors)
    pending: int  # panel seats still invited, or accepted without an opinion
    counts: dict = field(default_factory=dict)  # verdict → number of opinions

    @property
    def given(self) -> int:
        return sum(self.counts.values())

    @property
    def complete(self) -> bool:
        return self.pending == 0 and self.given > 0

    @property
    def leading(self) -> set:
        """The verdicts with the most opinions (several on a tie)."""
        if not self.counts:
            return set()
        top = max(self.counts.values())
        return {verdict for verdict, n in self.counts.items() if n == top}


_panel_provider = None


def register_panel_provider(provider):
    """``provider(subject) -> PanelState | None``; subject is a ProjectMilestone (its
    latest report) or a Project (its acceptance)."""
    global _panel_provider
    _panel_provider = provider


def panel_for(subject) -> PanelState | None:
    return _panel_provider(subject) if _panel_provider is not None else None


# The expert assessment of a failing project (尽职免责, "经丙方组织专家评估认定"): a panel
# whose verdicts are "diligent_failure" (= TerminationOutcome.DILIGENT_FAILURE) or
# "not_diligent". ``review`` registers the provider.
_termination_panel_provider = None


def register_termination_panel_provider(provider):
    """``provider(project) -> PanelState | None``."""
    global _termination_panel_provider
    _termination_panel_provider = provider


def termination_panel_for(project) -> PanelState | None:
    if _termination_panel_provider is None:
        return None
    return _termination_panel_provider(project)


# The expert vetting of a need (需求论证): a panel drawn in ``review`` on a challenge being
# vetted, whose experts each answer three questions and recommend publishing, revising or
# not publishing. The challenge's page shows it in the bureau's decision; a need in a call
# is approved only once the panel is complete. ``review`` registers the provider.


@dataclass(frozen=True)
class NeedOpinionRow:
    """One expert's opinion on a need, as the bureau reads it (by name)."""

    expert: str
    recommendation: str  # "publish", "revise" or "reject"
    recommendation_label: str
    real_bottleneck: bool
    indicators_measurable: bool
    bounty_reasonable: bool
    comment: str
    submitted_at: object  # datetime


@dataclass(frozen=True)
class NeedVettingState:
    """What the need-vetting panel of one challenge has said so far."""

    url: str  # the need-vetting page of the challenge (bureau and supervisors)
    pending: int  # panel seats still to be drawn, invited, or accepted without an opinion
    counts: dict = field(default_factory=dict)  # recommendation → number of opinions
    opinions: tuple = ()  # NeedOpinionRow, in seat order
    pending_experts: tuple = ()  # names of the seated experts without an opinion yet

    @property
    def given(self) -> int:
        return sum(self.counts.values())

    @property
    def complete(self) -> bool:
        return self.pending == 0 and self.given > 0


_need_vetting_provider = None


def register_need_vetting_provider(provider):
    """``provider(challenge) -> NeedVettingState | None`` (None: no panel drawn)."""
    global _need_vetting_provider
    _need_vetting_provider = provider


def need_vetting_for(challenge) -> NeedVettingState | None:
    if _need_vetting_provider is None:
        return None
    return _need_vetting_provider(challenge)

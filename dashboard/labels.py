"""The names of the statistics' rows (dashboard/statistics.py), for the page and the export."""

from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_lazy

from bounty.models import ProjectStatus, TerminationOutcome

ORIGIN_LABELS = {
    "local": gettext_lazy("Local"),
    "province": gettext_lazy("Same province"),
    "outside": gettext_lazy("Outside the province"),
}


def _terminated(outcome):
    return gettext("Terminated: %(outcome)s") % {"outcome": outcome.label}


ACCEPTANCE_LABELS = {
    "passed": ProjectStatus.PASSED.label,
    "closed_without_pass": ProjectStatus.CLOSED_WITHOUT_PASS.label,
    "failed": ProjectStatus.FAILED.label,
    "in_notice": ProjectStatus.ACCEPTANCE_NOTICE.label,
    "under_acceptance": ProjectStatus.UNDER_ACCEPTANCE.label,
    "running": ProjectStatus.ACTIVE.label,
    "awaiting_contract": ProjectStatus.AWAITING_CONTRACT.label,
    **{outcome.value: lazy(_terminated, str)(outcome) for outcome in TerminationOutcome},
}

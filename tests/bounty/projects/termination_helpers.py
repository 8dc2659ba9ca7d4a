"""Ending a project in tests the way the law requires (issue 17): a misconduct decision
through due process up to its final effect; diligent failure after a complete panel and a
collective decision (see tests.review.draw.helpers.diligence_panel)."""

from datetime import timedelta

from django.utils import timezone

from bounty.dueprocess import services as dueprocess
from bounty.dueprocess.models import DueProcessCase
from bounty.projects.termination import misconduct_notify
from tests.factories import make_meeting


def misconduct_final(project, officer, *, reasons="数据造假", sanction="both"):
    """Notify an intended misconduct decision, let the response window pass unanswered,
    uphold it citing a meeting, let the review window pass: the decision takes effect.
    Returns the final case."""
    case = misconduct_notify(project=project, by=officer, reasons=reasons, sanction=sanction)
    past = timezone.now() - timedelta(seconds=1)
    DueProcessCase.objects.filter(pk=case.pk).update(response_due_at=past)  # test shaping
    case.refresh_from_db()
    dueprocess.case_decide(
        case=case, by=officer, upheld=True, decision=reasons, meeting=make_meeting(by=officer)
    )
    DueProcessCase.objects.filter(pk=case.pk).update(review_due_at=past)  # test shaping
    case.refresh_from_db()
    return dueprocess.case_current(case)

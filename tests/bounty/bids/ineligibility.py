"""Make a bid finally ineligible the way the law requires (issue 17): the officer records
an intended ineligibility, the response window passes, the bureau decides, the review
window passes with no request — the decision is final and only then the bid is ineligible.
Tests only: the windows are moved into the past instead of waiting."""

from datetime import timedelta

from django.utils import timezone

from bounty.bids import services as bid_services
from bounty.dueprocess import services as cases
from bounty.models import CaseKind, DueProcessCase


def past():
    return timezone.now() - timedelta(minutes=1)


def age_case(case, **moments):
    DueProcessCase.objects.filter(pk=case.pk).update(**moments)
    case.refresh_from_db()
    return case


def intend_ineligible(bid, officer, reasons="缺少承诺书", checklist=None):
    bid_services.bid_formal_check(
        bid=bid, by=officer, checklist=checklist or {}, eligible=False, reasons=reasons
    )
    return cases.open_case(CaseKind.INELIGIBLE, bid)


def find_ineligible(bid, officer, reasons="缺少承诺书", checklist=None):
    """Run the whole due process to a final ineligibility; returns the final case."""
    case = intend_ineligible(bid, officer, reasons, checklist)
    case = age_case(case, response_due_at=past())
    case = cases.case_decide(case=case, by=officer, upheld=True, decision=reasons)
    case = cases.case_current(age_case(case, review_due_at=past()))
    bid.refresh_from_db()
    return case

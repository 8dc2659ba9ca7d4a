from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from audit.services import audit_record
from bounty.models import Challenge
from common.xlsx import xlsx_response

from .permissions import can_view_dashboard
from .selectors import STATUS_GROUPS, bureau_figures, home_sections
from .statistics import call_statistics
from .statistics_views import call_choices, call_filter, statistics_charts

GROUP_LABELS = {
    "preparing": gettext_lazy("Being prepared"),
    "open": gettext_lazy("Open for bids"),
    "reviewing": gettext_lazy("In review"),
    "awarded": gettext_lazy("Awarded"),
    "ended": gettext_lazy("Ended"),
}


@require_safe
def home(request):
    latest = (
        Challenge.objects.open_for_bids()
        .select_related("industry", "issuer")
        .order_by("bid_deadline")[:6]
    )
    sections = home_sections(request.user) if request.user.is_authenticated else {}
    return render(request, "home.html", {"latest": latest, "mine": sections})


def _filters(request):
    year = request.GET.get("year", "")
    industry = request.GET.get("industry", "")
    return (int(year) if year.isdigit() else None), industry


@require_safe
def bureau(request):
    if not can_view_dashboard(request.user):
        raise Http404
    year, industry = _filters(request)
    this_year = timezone.localdate().year
    calls = call_choices()
    call = call_filter(request, calls)
    figures = bureau_figures(call=call, year=year, industry=industry)
    # The statistics reported upward, for the same filter (milestones and funds counted once).
    stats = call_statistics(call=call, year=year, industry=industry, figures=figures)
    return render(
        request,
        "dashboard/bureau.html",
        {
            "figures": figures,
            "stats": stats,
            "charts": statistics_charts(stats),
            "calls": calls,
            "call": call,
            "year": year,
            "industry": industry,
            "years": list(range(this_year, this_year - 6, -1)),
            "industries": figures["industry_choices"],
            "groups": [(g, GROUP_LABELS[g]) for g in STATUS_GROUPS],
        },
    )


@require_safe
def bureau_export(request):
    if not can_view_dashboard(request.user):
        raise Http404
    year, industry = _filters(request)
    call = call_filter(request, call_choices())
    figures = bureau_figures(call=call, year=year, industry=industry)
    audit_record(
        actor=request.user,
        action="dashboard.export",
        payload={"call": call.code if call else None, "year": year, "industry": industry},
    )
    groups = list(STATUS_GROUPS)
    by_industry = (
        _("By industry"),
        [_("Industry"), _("Challenges"), _("Bounty (10k yuan)")]
        + [GROUP_LABELS[g] for g in groups]
        + [_("Committed (10k yuan)"), _("Disbursed (10k yuan)")],
        [
            [
                r["name_zh"],
                r["n"],
                r["amount"],
                *[r[g] for g in groups],
                r["committed"],
                r["disbursed"],
            ]
            for r in figures["industries"]
        ],
    )
    m, e, b = figures["milestones"], figures["experts"], figures["bids"]
    summary = (
        _("Summary"),
        [_("Figure"), _("Value")],
        [
            [_("Submitted bids"), b["bids"]],
            [_("Challenges with bids"), b["challenges"]],
            [_("Bids per challenge"), b["average"]],
            [_("Days from publication to contract (average)"), figures["to_contract"]["days"]],
            [_("Milestones met on time"), m["on_time"]],
            [_("Milestones met late"), m["late"]],
            [_("Milestones overdue"), m["overdue"]],
            [_("On-time rate (%)"), m["rate"]],
            [_("Expert invitations"), e["invited"]],
            [_("Accepted"), e["accepted"]],
            [_("Declined or expired"), e["declined"]],
            [_("Experts taking part"), e["people"]],
        ],
    )
    return xlsx_response([by_industry, summary], f"dashboard-{timezone.localdate():%Y%m%d}.xlsx")

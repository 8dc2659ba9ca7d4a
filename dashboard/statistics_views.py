"""The statistics reported upward on the dashboard: the filter by call, the charts and the
Excel download (bureau officers only, like the rest of the dashboard)."""

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts.models import OrganizationKind
from audit.services import audit_record
from bounty.models import Call, Industry

from .charts import bar_chart
from .labels import ACCEPTANCE_LABELS, ORIGIN_LABELS
from .permissions import can_view_dashboard
from .statistics import call_statistics
from .statistics_export import (
    file_names,
    project_rows,
    scope_label,
    statistics_workbook,
    xlsx_attachment,
)


def call_filter(request, calls):
    """The call chosen in ``?call=<year>-<batch>`` among ``calls`` (None for every call);
    an unknown code is a 404 rather than figures for something else."""
    code = request.GET.get("call", "").strip()
    if not code:
        return None
    for call in calls:
        if call.code == code:
            return call
    raise Http404


def call_choices():
    return list(Call.objects.only("pk", "name", "year", "batch").order_by("-year", "-batch"))


def statistics_charts(stats) -> list:
    """The charts of the statistics section, each with its table."""
    needs, bids, funds = stats["needs"], stats["bids"], stats["funds"]
    m, outcomes = stats["milestones"], stats["projects"]["outcomes"]
    kinds = dict(OrganizationKind.choices)
    count, amount = _("Count"), _("Amount (10k yuan)")
    final = ("passed", "closed_without_pass", "failed")
    return [
        bar_chart(
            _("Needs"),
            [
                (_("Needs collected"), needs["collected"]),
                (_("Recommended by a district"), needs["recommended"]),
                (_("Published"), needs["published"]),
            ],
            label_heading=_("Figure"),
            value_heading=count,
        ),
        bar_chart(
            _("Bounty of the published needs"),
            [
                (_("Enterprise funds"), needs["enterprise"]),
                (_("Government funds"), needs["government"]),
            ],
            unit=_("10k yuan"),
            label_heading=_("Source"),
            value_heading=amount,
        ),
        bar_chart(
            _("Bidders by kind"),
            [(kinds.get(r["kind"], r["kind"]), r["bidders"]) for r in bids["by_kind"]],
            label_heading=_("Kind of organisation"),
            value_heading=_("Bidders (lead units)"),
        ),
        bar_chart(
            _("Bidders by origin"),
            [(ORIGIN_LABELS[r["origin"]], r["bidders"]) for r in bids["by_origin"]],
            label_heading=_("Origin"),
            value_heading=_("Bidders (lead units)"),
        ),
        bar_chart(
            _("Contracts and funds"),
            [
                (_("Technology contract amount"), funds["committed"]["amount"]),
                (_("Committed government funds"), funds["committed"]["government"]),
                (_("Disbursed"), funds["disbursed"]["amount"]),
                (_("Disbursed government funds"), funds["disbursed"]["government"]),
            ],
            unit=_("10k yuan"),
            label_heading=_("Figure"),
            value_heading=amount,
        ),
        bar_chart(
            _("Milestones"),
            [
                (_("Milestones met on time"), m["on_time"]),
                (_("Milestones met late"), m["late"]),
                (_("Milestones overdue"), m["overdue"]),
            ],
            label_heading=_("Figure"),
            value_heading=count,
        ),
        bar_chart(
            _("Acceptance outcomes"),
            [(ACCEPTANCE_LABELS[name], n) for name, n in outcomes.items() if n or name in final],
            label_heading=_("Where the project stands"),
            value_heading=_("Projects"),
        ),
    ]


@require_safe
def statistics_export(request):
    if not can_view_dashboard(request.user):
        raise Http404
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() else None
    industry = request.GET.get("industry", "")
    call = call_filter(request, call_choices())
    industry_name = ""
    if industry:
        found = Industry.objects.filter(code=industry).first()
        industry_name = found.name if found else industry
    stats = call_statistics(call=call, year=year, industry=industry)
    title = _("Open call statistics (揭榜挂帅): %(scope)s · generated on %(date)s") % {
        "scope": scope_label(call=call, year=year, industry_name=industry_name),
        "date": timezone.localdate().isoformat(),
    }
    content = statistics_workbook(
        stats,
        title=title,
        projects=project_rows(call=call, year=year, industry=industry),
    )
    audit_record(
        actor=request.user,
        action="dashboard.statistics_export",
        payload={"call": call.code if call else None, "year": year, "industry": industry},
    )
    return xlsx_attachment(content, *file_names(call=call, year=year, industry=industry))

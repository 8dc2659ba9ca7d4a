"""The statistics as an Excel workbook a bureau can hand upward: one sheet per table, a title
row naming the call or year and the date, the headings with their units (万元), the header
frozen, columns wide enough. Text cells are never formulas (common/xlsx.py)."""

import io
from decimal import Decimal
from urllib.parse import quote

from django.db.models import DecimalField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from accounts.models import OrganizationKind
from bounty.models import Disbursement, PaymentStatus, Project, ProjectStatus, Tranche
from common.xlsx import XLSX_TYPE

from .labels import ACCEPTANCE_LABELS, ORIGIN_LABELS
from .selectors import filtered_challenges

AMOUNT = "#,##0.00"
HEADER_FILL = PatternFill("solid", fgColor="E8ECF0")
FIRST_WIDTH = 30
WIDTH = 16


def _text(value):
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def _sheet(workbook, name, title, headings, rows, *, widths=None):
    """One table: the title row (merged over the table), the headings, the rows; amounts
    (Decimal) in the 万元 format with two decimals."""
    sheet = workbook.create_sheet(str(name)[:31])
    columns = len(headings)
    sheet.cell(row=1, column=1, value=_text(str(title))).data_type = "s"
    sheet.cell(row=1, column=1).font = Font(bold=True, size=13)
    if columns > 1:
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=columns)
    sheet.row_dimensions[1].height = 24
    for col, heading in enumerate(headings, start=1):
        cell = sheet.cell(row=2, column=col, value=_text(str(heading)))
        cell.data_type = "s"
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for r, row in enumerate(rows, start=3):
        for col, value in enumerate(row, start=1):
            if value is not None and not isinstance(value, int | float | Decimal):
                value = _text(str(value))
            cell = sheet.cell(row=r, column=col, value=None if value == "" else value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
            elif isinstance(value, Decimal):
                cell.number_format = AMOUNT
    sheet.freeze_panes = "A3"
    for col in range(1, columns + 1):
        width = (widths or {}).get(col, FIRST_WIDTH if col == 1 else WIDTH)
        sheet.column_dimensions[get_column_letter(col)].width = width
    return sheet


def _or_blank(value):
    return "" if value is None else value


def scope_label(*, call=None, year=None, industry_name=""):
    parts = []
    if call is not None:
        parts.append(call.name)
    if year:
        parts.append(_("Year %(year)s") % {"year": year})
    if industry_name:
        parts.append(industry_name)
    return " · ".join(parts) or _("All calls and years")


def file_names(*, call=None, year=None, industry=""):
    """揭榜挂帅统计_<call code or year>.xlsx (Chinese whatever the language), and its ASCII
    fallback for clients without RFC 5987."""
    key = call.code if call is not None else (str(year) if year else "")
    if call is not None and year and year != call.year:
        key += f"_{year}"
    if industry:
        key += f"_{industry}"
    return f"揭榜挂帅统计_{key or '全部'}.xlsx", f"jiebang-statistics_{key or 'all'}.xlsx"


def project_rows(*, call=None, year=None, industry=None):
    """Every awarded project of the scope with its contract amount and confirmed payments
    (one query: the sums are subqueries)."""
    ids = filtered_challenges(call=call, year=year, industry=industry).values("pk")
    scope = Q(challenge__in=ids) if (call or year or industry) else Q()
    money = DecimalField(max_digits=16, decimal_places=4)
    amount = (
        Tranche.objects.filter(project=OuterRef("pk"))
        .values("project")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    paid = (
        Disbursement.objects.filter(tranche__project=OuterRef("pk"), status=PaymentStatus.CONFIRMED)
        .values("tranche__project")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    return (
        Project.objects.filter(scope)
        .annotate(
            contract_amount=Coalesce(Subquery(amount, output_field=money), Decimal(0)),
            paid=Coalesce(Subquery(paid, output_field=money), Decimal(0)),
        )
        .values(
            "challenge__ocid",
            "challenge__title",
            "bid__lead__name",
            "lead__name",
            "status",
            "outcome",
            "contract_signed_at",
            "contract_amount",
            "paid",
        )
        .order_by("challenge__ocid", "pk")
    )


def statistics_workbook(stats, *, title, projects) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    needs, bids, funds = stats["needs"], stats["bids"], stats["funds"]
    p, m = stats["projects"], stats["milestones"]
    committed, disbursed = funds["committed"], funds["disbursed"]
    summary = [
        (_("Needs collected"), needs["collected"]),
        (_("Needs recommended by a district"), needs["recommended"]),
        (_("Needs published"), needs["published"]),
        (_("Bounty of the published needs (10k yuan)"), needs["bounty"]),
        (_("Of which enterprise funds (10k yuan)"), needs["enterprise"]),
        (_("Of which government funds (10k yuan)"), needs["government"]),
        (_("Leverage ratio (enterprise : government = x : 1)"), _or_blank(needs["leverage"])),
        (_("Submitted bids"), bids["totals"]["bids"]),
        (_("Bidders (lead units)"), bids["totals"]["bidders"]),
        (_("Awards (winning teams)"), p["awards"]),
        (_("Contracts signed"), p["contracts"]),
        (_("Technology contract amount (10k yuan)"), committed["amount"]),
        (_("Committed enterprise funds (10k yuan)"), committed["enterprise"]),
        (_("Committed government funds (10k yuan)"), committed["government"]),
        (_("Disbursed (10k yuan)"), disbursed["amount"]),
        (_("Disbursed enterprise funds (10k yuan)"), disbursed["enterprise"]),
        (_("Disbursed government funds (10k yuan)"), disbursed["government"]),
        (_("Disbursed of committed (%)"), _or_blank(funds["disbursed_rate"])),
        (_("Milestones met on time"), m["on_time"]),
        (_("Milestones met late"), m["late"]),
        (_("Milestones overdue"), m["overdue"]),
        (_("On-time rate (%)"), _or_blank(m["rate"])),
        (_("Acceptances concluded"), p["concluded"]),
        (_("Acceptance pass rate (%)"), _or_blank(p["pass_rate"])),
    ]
    _sheet(workbook, _("Summary"), title, [_("Figure"), _("Value")], summary, widths={1: 46})

    def need_row(label, r):
        return [
            label,
            r["collected"],
            r["recommended"],
            r["published"],
            r["bounty"],
            r["enterprise"],
            r["government"],
            _or_blank(r["leverage"]),
        ]

    need_headings = [
        _("Needs collected"),
        _("Recommended by a district"),
        _("Published"),
        _("Bounty published (10k yuan)"),
        _("Enterprise funds (10k yuan)"),
        _("Government funds (10k yuan)"),
        _("Leverage (x : 1)"),
    ]
    _sheet(
        workbook,
        _("Needs"),
        title,
        [_("Industry"), *need_headings],
        [need_row(r["name_zh"], r) for r in stats["needs_by_industry"]]
        + [need_row(_("Total"), needs)],
    )
    _sheet(
        workbook,
        _("Needs by district"),
        title,
        [_("District"), *need_headings],
        [need_row(r["name"] or _("No district"), r) for r in stats["needs_by_district"]]
        + [need_row(_("Total"), needs)],
    )
    kinds = dict(OrganizationKind.choices)
    origins = {o: 0 for o in ORIGIN_LABELS}
    bidder_rows = []
    for r in bids["by_kind"]:
        for o in origins:
            origins[o] += r["origins"][o]
        bidder_rows.append(
            [
                str(kinds.get(r["kind"], r["kind"])),
                r["bids"],
                r["bidders"],
                *(r["origins"][o] for o in ORIGIN_LABELS),
                r["awards"],
            ]
        )
    total = bids["totals"]
    bidder_rows.append(
        [_("Total"), total["bids"], total["bidders"], *origins.values(), total["awards"]]
    )
    _sheet(
        workbook,
        _("Bidders"),
        title,
        [
            _("Kind of organisation"),
            _("Bids"),
            _("Bidders (lead units)"),
            *(_("Bidders: %(origin)s") % {"origin": label} for label in ORIGIN_LABELS.values()),
            _("Awards"),
        ],
        bidder_rows,
    )
    statuses = dict(ProjectStatus.choices)
    _sheet(
        workbook,
        _("Projects"),
        title,
        [
            _("Public identifier"),
            _("Challenge"),
            _("Lead unit"),
            _("Status"),
            _("Contract signed on"),
            _("Contract amount (10k yuan)"),
            _("Disbursed (10k yuan)"),
        ],
        [
            [
                r["challenge__ocid"],
                r["challenge__title"],
                r["lead__name"] or r["bid__lead__name"],
                str(statuses.get(r["status"], r["status"])),
                timezone.localtime(r["contract_signed_at"]).date().isoformat()
                if r["contract_signed_at"]
                else "",
                r["contract_amount"],
                r["paid"],
            ]
            for r in projects
        ],
        widths={1: 26, 2: 36, 3: 30},
    )
    _sheet(
        workbook,
        _("Technology contracts"),
        title,
        [
            _("Year signed"),
            _("Contracts"),
            _("Technology contract amount (10k yuan)"),
            _("Enterprise funds (10k yuan)"),
            _("Government funds (10k yuan)"),
        ],
        [
            [str(r["year"]), r["contracts"], r["amount"], r["enterprise"], r["government"]]
            for r in funds["contracts_by_year"]
        ]
        + [
            [
                _("Total"),
                p["contracts"],
                committed["amount"],
                committed["enterprise"],
                committed["government"],
            ]
        ],
    )
    _sheet(
        workbook,
        _("Acceptance"),
        title,
        [_("Where the project stands"), _("Projects")],
        [[str(ACCEPTANCE_LABELS[name]), n] for name, n in p["outcomes"].items()]
        + [[_("Total"), p["awards"]]],
        widths={1: 40},
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_attachment(content: bytes, filename: str, fallback: str) -> HttpResponse:
    """The workbook as a download: the Chinese name by RFC 5987 (``filename*``), the ASCII
    ``filename`` for old clients."""
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
    )
    return response

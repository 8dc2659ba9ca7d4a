"""The public challenge board (anyone, signed in or not) and the bureau's exports."""

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from audit.services import audit_record
from bounty.board.selectors import challenge_board, challenge_list_for_bureau
from bounty.models import ChallengeStatus
from bounty.permissions import can_export_challenges
from common.views import paginate
from common.xlsx import XLSX_TYPE, xlsx_cell, xlsx_header

PAGE_SIZE = 20
_DATE_FORMAT = "%Y-%m-%d %H:%M"


@dataclass(frozen=True)
class BoardRow:
    """One result as the board shows it, formatted once here rather than by template
    filters: the page has a 20 ms budget and template tags cost most of it."""

    url: str
    title: str
    issuer: str
    industry: str
    status: str
    status_label: str
    amount: str
    deadline: str
    deadline_iso: str
    days_left: str


def _plain(amount):
    """500.00 → 500, 12.50 → 12.50: whole amounts without decimals."""
    integral = amount.to_integral_value()
    return integral if amount == integral else amount.quantize(Decimal("0.01"))


def _days_left(challenge, now):
    if challenge.shown_status != ChallengeStatus.PUBLISHED or challenge.bid_deadline is None:
        return ""
    days = (challenge.bid_deadline - now).days
    if days < 1:
        return gettext("closes within a day")
    return ngettext("%(days)d day left", "%(days)d days left", days) % {"days": days}


def _row(challenge, now, zone, detail):
    amount = ""
    if challenge.bounty_total is not None:
        value = number_format(_plain(challenge.bounty_total), force_grouping=True)
        amount = gettext("%(amount)s × 10k yuan") % {"amount": value}
    deadline = challenge.bid_deadline
    return BoardRow(
        url=detail.replace("OCID", challenge.ocid),
        title=challenge.title,
        issuer=challenge.issuer.name,
        industry=challenge.industry.name if challenge.industry else "",
        status=challenge.shown_status,
        status_label=ChallengeStatus(challenge.shown_status).label,
        amount=amount,
        deadline=timezone.localtime(deadline, zone).strftime(_DATE_FORMAT) if deadline else "",
        deadline_iso=deadline.isoformat() if deadline else "",
        days_left=_days_left(challenge, now),
    )


@require_safe
def board(request):
    challenges, form = challenge_board(params=request.GET)
    page = paginate(request, challenges, per_page=PAGE_SIZE)
    now, zone = timezone.now(), timezone.get_current_timezone()
    # Row links by substitution: a reverse() per row costs more than the row's query share.
    detail = reverse("bounty:challenge_detail", args=["OCID"])
    page.object_list = [_row(c, now, zone, detail) for c in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "bounty/board.html",
        {
            "form": form,
            # What was typed, for every control (a missing key would make the
            # template try three lookups, each raising, per option).
            "typed": {name: request.GET.get(name, "") for name in form.fields},
            "page": page,
            "filtered": bool(form.filters.keys() - {"sort"}),
            "can_export": can_export_challenges(request.user),
            "export_query": query.urlencode(),
        },
    )


# --- Export -------------------------------------------------------------------------


def _local(value):
    """Naive local wall-clock time (Asia/Shanghai by default), minute precision."""
    if value is None:
        return None
    local = timezone.localtime(value, timezone.get_default_timezone())
    return local.replace(tzinfo=None, second=0, microsecond=0)


# (header, width in characters, value of a row)
COLUMNS = (
    (_("OCID"), 24, lambda c: c.ocid),
    (_("Title"), 48, lambda c: c.title),
    (_("Issuer"), 32, lambda c: c.issuer.name),
    (_("Issuer credit code"), 22, lambda c: c.issuer.credit_code),
    (_("Industry"), 20, lambda c: c.industry.name if c.industry else ""),
    (_("Status"), 16, lambda c: str(ChallengeStatus(c.shown_status).label)),
    (_("Bounty (10k yuan)"), 14, lambda c: c.bounty_total),
    (_("Enterprise funds (10k yuan)"), 14, lambda c: c.enterprise_funds),
    (_("Government funds (10k yuan)"), 14, lambda c: c.government_funds),
    (_("Period (months)"), 10, lambda c: c.period_months),
    (_("Bid deadline"), 17, lambda c: _local(c.bid_deadline)),
    (_("Published at"), 17, lambda c: _local(c.published_at)),
    (_("Indicators"), 10, lambda c: c.indicator_count),
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _rows(challenges):
    for challenge in challenges.iterator(chunk_size=1000):
        yield [value(challenge) for _header, _width, value in COLUMNS]


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime(_DATE_FORMAT)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        # Spreadsheets would run it as a formula (CSV injection): make it text.
        return "'" + value
    return value


class _Echo:
    def write(self, value):
        return value


def _csv_response(challenges, filename):
    language = translation.get_language()

    def lines():
        # Streamed after the view returns: keep the request's language for labels.
        with translation.override(language):
            writer = csv.writer(_Echo())
            yield "\ufeff" + writer.writerow([str(header) for header, _w, _v in COLUMNS])
            for row in _rows(challenges):
                yield writer.writerow([_csv_value(v) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _xlsx_response(challenges, filename):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(_("Challenges")))
    for index, (_header, width, _value) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append(xlsx_header(sheet, [label for label, _width, _value in COLUMNS]))
    for row in _rows(challenges):
        sheet.append([xlsx_cell(sheet, v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


_EXPORTERS = {"csv": _csv_response, "xlsx": _xlsx_response}


@require_safe
def export(request, fmt):
    """The filtered list (the board's parameters + any status) as CSV or XLSX; bureau only."""
    if fmt not in _EXPORTERS or not can_export_challenges(request.user):
        raise Http404
    challenges, _form = challenge_list_for_bureau(params=request.GET)
    filename = f"challenges-{timezone.localdate():%Y%m%d}.{fmt}"
    # Exports leave the system: record who took which slice.
    audit_record(
        actor=request.user,
        action="challenge.export",
        payload={"format": fmt, "params": {k: v for k, v in request.GET.items()}},
    )
    return _EXPORTERS[fmt](challenges, filename)

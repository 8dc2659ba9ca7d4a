"""Exporting the expert pool: CSV (with a BOM, formula-safe) and XLSX (every cell
text), in the columns, headers and terms of the import (``columns``), so that an
exported file imports back unchanged.
"""

import csv
import io
from collections.abc import Iterable, Iterator

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from bounty.models import Industry
from review.pool.columns import _FORMULA_START, COLUMNS, TERMS, export_term

# What an export reads per expert: ``industry_ids`` is the annotation of
# ``pool_selectors.with_industry_ids`` (no model instances, no prefetch: 100,000
# experts export in seconds).
EXPORT_VALUES = (
    "code",
    "name",
    "industry_ids",
    "keywords",
    "employer_name",
    "employer_code",
    "title",
    "expert_type",
    "phone",
    "email",
    "status",
)


def export_rows(values: Iterable[tuple]) -> Iterator[list[str]]:
    """One list of cell texts per expert, in ``COLUMNS`` order, from tuples of
    ``EXPORT_VALUES``. Industries are written as codes in the taxonomy's order."""
    ordered = list(Industry.objects.order_by("sort_order", "code").values_list("pk", "code"))
    position = {pk: index for index, (pk, _code) in enumerate(ordered)}
    codes = dict(ordered)
    terms = {key: {value: export_term(key, value) for value in TERMS[key]} for key in TERMS}
    for (
        code,
        name,
        industry_ids,
        keywords,
        employer_name,
        employer_code,
        title,
        expert_type,
        phone,
        email,
        status,
    ) in values:
        ids = sorted((int(x) for x in (industry_ids or "").split(",") if x), key=position.get)
        yield [
            code,
            name,
            ";".join(codes[i] for i in ids),
            keywords,
            employer_name,
            employer_code,
            terms["title"].get(title, title),
            terms["expert_type"].get(expert_type, expert_type),
            phone,
            email,
            terms["status"].get(status, status),
        ]


def export_header() -> list[str]:
    return [str(c.label) for c in COLUMNS]


def _csv_safe(value: str) -> str:
    # Spreadsheets would run it as a formula (CSV injection); the import removes the quote.
    return "'" + value if value.startswith(_FORMULA_START) else value


class _Echo:
    def write(self, value):
        return value


def csv_lines(values: Iterable[tuple]) -> Iterator[str]:
    """The CSV export of tuples of ``EXPORT_VALUES``, line by line, with a BOM so that
    Excel reads it as UTF-8."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(export_header())
    for row in export_rows(values):
        yield writer.writerow([_csv_safe(v) for v in row])


def xlsx_bytes(values: Iterable[tuple]) -> bytes:
    """The XLSX export of tuples of ``EXPORT_VALUES``; every cell is text."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Experts"))
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"

    def cell(value, *, bold=False):
        c = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
        c.data_type = "s"  # text, never a formula; keeps leading zeros of ids and phones
        if bold:
            c.font = Font(bold=True)
        return c

    def text(value):
        # A plain str is written as text unless it starts with "=" (then openpyxl
        # writes a formula): only those, and illegal characters, need a cell object.
        if value[:1] == "=" or ILLEGAL_CHARACTERS_RE.search(value):
            return cell(value)
        return value

    sheet.append([cell(h, bold=True) for h in export_header()])
    for row in export_rows(values):
        sheet.append([text(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

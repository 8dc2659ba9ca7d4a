"""Excel exports: cells that are never formulas (CSV/Excel injection) and a workbook of
several sheets as one download."""

import io
from datetime import datetime

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_cell(sheet, value):
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.data_type = "s"  # never a formula, whatever the text starts with
    elif isinstance(value, datetime):
        cell.number_format = "yyyy-mm-dd hh:mm"
    return cell


def xlsx_header(sheet, labels):
    bold = Font(bold=True)
    cells = []
    for label in labels:
        cell = xlsx_cell(sheet, str(label))
        cell.font = bold
        cells.append(cell)
    return cells


def xlsx_response(sheets, filename):
    """``sheets``: [(title, header labels, rows)] → an .xlsx attachment."""
    workbook = Workbook(write_only=True)
    for title, labels, rows in sheets:
        sheet = workbook.create_sheet(str(title)[:31])
        sheet.freeze_panes = "A2"
        sheet.append(xlsx_header(sheet, labels))
        for row in rows:
            sheet.append([xlsx_cell(sheet, v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

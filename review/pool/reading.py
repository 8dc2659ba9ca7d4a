"""Reading an expert-pool file: format detection (Excel .xlsx or CSV), the size limits
of a file, and its rows as cell texts. Nothing here knows the columns' meaning
(``parsing`` validates the rows).

* CSV is comma-separated UTF-8 (a BOM is fine); files saved by Chinese Excel as
  "CSV (逗号分隔)" are GB18030 and are read too.
* A file holds at most ``JIEBANG["POOL_IMPORT_MAX_ROWS"]`` experts and unpacks to at
  most ``JIEBANG["POOL_IMPORT_MAX_UNPACKED_BYTES"]`` (the command line too: raise them
  through the environment for a larger file there). A workbook is measured before any
  of its XML is parsed (``_check_workbook``), so an oversized file costs a worker a
  fraction of a second, not the seconds a parse of it would; rows are counted again
  while they are read.
"""

import csv
import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from review.pool.columns import _FORMULA_START

# The size limits of a file are settings (JIEBANG["POOL_IMPORT_MAX_ROWS"] and
# ["POOL_IMPORT_MAX_UNPACKED_BYTES"], see ``import_limits``); these bound the shape of
# a workbook, which no real pool file comes near.
MAX_ZIP_MEMBERS = 1000  # Excel writes about ten; each costs a central-directory entry
# Unpacked : packed size of one member. Sheet XML deflates about 13:1 (20:1 when every
# row is the same); a "zip bomb" reaches 1000:1. Small members (styles, theme) are
# skipped: they cost nothing whatever their ratio.
MAX_COMPRESSION_RATIO = 100
RATIO_CHECKED_FROM = 1024 * 1024
MAX_COLUMNS = 100  # cells further right are not read (a cell at column XFD would make
# every row 16,384 values long)
# XML elements (rows, cells, their values, shared strings, formats…) a workbook may hold
# per allowed row. Parsing costs by the element rather than by the byte (40 MB of
# "<c/>" would be 10 million): 20,000 rows of the import's 11 columns are about 35
# elements a row and 2.5 s of parsing; a file of 150 a row, about 5 s. Cells written
# as rich text (WPS splits mixed Chinese and Latin text into font runs of several
# elements each) can reach 100 a row.
ELEMENTS_PER_ROW = 150
READ_CHUNK = 1024 * 1024
HEADER_SEARCH_ROWS = 10  # a title row or two may sit above the header


class ImportFileError(Exception):
    """The file as a whole cannot be read; ``message`` says why (translated)."""

    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


def detect_format(data: bytes) -> str:
    """Return "xlsx" or "csv" from the content (never from the file name)."""
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise ImportFileError(
            _(
                "This is an old Excel file (.xls): save it as an Excel workbook (.xlsx) "
                "or as CSV UTF-8 and import it again."
            )
        )
    head = data[:4096]
    if b"\x00" in head:
        raise ImportFileError(
            _("The file is neither an Excel workbook (.xlsx) nor a CSV text file.")
        )
    return "csv"


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores a typed phone number or id as a float
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    if text[:1] == "'" and text[1:2] in _FORMULA_START:
        text = text[1:]  # our own CSV export's guard against formula injection
    return text


@dataclass(frozen=True)
class ImportLimits:
    max_rows: int  # data rows (experts)
    max_unpacked_bytes: int  # a CSV file, or the sum of a workbook's unpacked members

    @property
    def sheet_rows(self) -> int:
        """Rows a sheet may number in all: the data rows, the header and title rows above
        it, and blank rows up to a twentieth of the limit."""
        return self.max_rows + self.max_rows // 20 + HEADER_SEARCH_ROWS

    @property
    def elements(self) -> int:
        """XML elements a workbook may hold, all its parts together."""
        return self.sheet_rows * ELEMENTS_PER_ROW


def import_limits() -> ImportLimits:
    return ImportLimits(
        max_rows=settings.JIEBANG["POOL_IMPORT_MAX_ROWS"],
        max_unpacked_bytes=settings.JIEBANG["POOL_IMPORT_MAX_UNPACKED_BYTES"],
    )


def _too_many_rows(limits: ImportLimits) -> ImportFileError:
    return ImportFileError(
        _("The file has more than %(max)d rows; split it into several files.")
        % {"max": limits.max_rows}
    )


def _too_many_elements(limits: ImportLimits) -> ImportFileError:
    return ImportFileError(
        _(
            "The Excel workbook holds too many cells and other entries (more than "
            "%(max)d); keep only the columns the import reads, or split it into several "
            "files."
        )
        % {"max": limits.elements}
    )


def _workbook_too_large(limits: ImportLimits) -> ImportFileError:
    return ImportFileError(
        _(
            "The Excel workbook is too large: it unpacks to more than %(limit)s. "
            "Split it into several files."
        )
        % {"limit": filesizeformat(limits.max_unpacked_bytes)}
    )


def _too_many_members() -> ImportFileError:
    return ImportFileError(_("The Excel workbook is too large; split it into several files."))


def _csv_rows(data: bytes, limits: ImportLimits) -> tuple[Iterator[list], int | None]:
    if len(data) > limits.max_unpacked_bytes:
        raise ImportFileError(
            _("The CSV file is too large: more than %(limit)s. Split it into several files.")
            % {"limit": filesizeformat(limits.max_unpacked_bytes)}
        )
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        break
    else:
        raise ImportFileError(
            _("The CSV file's text encoding was not recognised: save it as “CSV UTF-8”.")
        )
    estimate = text.count("\n") or None
    return csv.reader(io.StringIO(text, newline="")), estimate


def _unreadable_xlsx():
    return ImportFileError(
        _("The Excel workbook could not be read; open it in Excel and save it again.")
    )


# Errors of a damaged zip: zipfile raises BadZipFile (and the CRC mismatch of a member
# whose declared size lies), zlib.error for a broken deflate stream, NotImplementedError
# for an unknown compression, RuntimeError for an encrypted member.
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    NotImplementedError,
    RuntimeError,
    OSError,
    ValueError,
)
_PREFIX = rb"(?:[A-Za-z_][\w.-]{0,15}:)?"  # a namespace prefix, as in <x:row>
_ROW_RE = re.compile(rb"<" + _PREFIX + rb"row[\s/>]")
_ELEMENT_RE = re.compile(rb"<[A-Za-z_]")  # a start tag (not </…, <?…?> or <!…>)
_DIMENSION_RE = re.compile(
    rb"<" + _PREFIX + rb"dimension\s+ref\s*=\s*[\"']\$?[A-Za-z]{0,3}\$?(\d+)"
    rb"(?::\$?[A-Za-z]{0,3}\$?(\d+))?"
)


def _zip_entries_declared(data: bytes) -> int | None:
    """The number of members the zip's end record declares, read without opening it
    (zipfile builds an object per member first); None when there is no end record."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 22 - 0xFFFF))
    if end < 0 or len(data) < end + 22:
        return None
    return int.from_bytes(data[end + 10 : end + 12], "little")  # 0xFFFF: ZIP64, more


@dataclass
class _Budget:
    bytes: int
    elements: int


def _scan_member(stream, budget: _Budget, limits: ImportLimits) -> None:
    """Read one member to its end in chunks, spending ``budget``. Refuse as soon as it
    is spent, or the member has more rows than ``limits.sheet_rows`` (by the used range
    a sheet records, or by its <row> elements counted as they stream by), or declares
    a DTD (none is allowed in a workbook: its entities could make elements the counts
    do not see)."""
    rows = 0
    tail = b""
    first = True
    while chunk := stream.read(READ_CHUNK):
        budget.bytes -= len(chunk)
        if budget.bytes < 0:
            raise _workbook_too_large(limits)
        if first:
            first = False
            dimension = _DIMENSION_RE.search(chunk)
            if dimension and int(dimension[2] or dimension[1]) > limits.sheet_rows:
                raise _too_many_rows(limits)
        text = tail + chunk
        # A tag may be cut by the chunk's end: count up to the last "<" (no match
        # crosses one) and keep the rest for the next chunk.
        split = text.rfind(b"<")
        split = len(text) if split < 0 else split
        tail = text[split:]
        if b"<!DOCTYPE" in text:
            raise _unreadable_xlsx()
        rows += len(_ROW_RE.findall(text, 0, split))
        budget.elements -= len(_ELEMENT_RE.findall(text, 0, split))
        if rows > limits.sheet_rows:
            raise _too_many_rows(limits)
        if budget.elements < 0:
            raise _too_many_elements(limits)
    if _ROW_RE.match(tail):
        rows += 1
    if _ELEMENT_RE.match(tail):
        budget.elements -= 1
    if rows > limits.sheet_rows:
        raise _too_many_rows(limits)
    if budget.elements < 0:
        raise _too_many_elements(limits)


def _check_workbook(data: bytes, limits: ImportLimits) -> None:
    """Refuse a workbook too large to parse, without parsing any of its XML.

    The members' declared sizes are checked first, then every member is unpacked
    once, in chunks, against the same budget of bytes, so a declared size that lies
    changes nothing (zipfile also stops at the declared size and fails the CRC
    check). On the way the XML elements are counted against their own budget, and
    each member's rows (openpyxl reads only the first sheet, but no sheet of a pool
    file is long). This costs about 0.1 s for 20,000 rows; parsing them, 2.5 s.
    """
    declared_entries = _zip_entries_declared(data)
    if declared_entries is not None and declared_entries > MAX_ZIP_MEMBERS:
        raise _too_many_members()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = [info for info in archive.infolist() if not info.is_dir()]
        if len(members) > MAX_ZIP_MEMBERS:
            raise _too_many_members()
        if sum(info.file_size for info in members) > limits.max_unpacked_bytes:
            raise _workbook_too_large(limits)
        for info in members:
            if info.file_size > RATIO_CHECKED_FROM and (
                info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1)
            ):
                raise ImportFileError(
                    _(
                        "The Excel workbook is compressed far more than a spreadsheet can "
                        "be (more than %(ratio)d to 1); open it in Excel and save it again."
                    )
                    % {"ratio": MAX_COMPRESSION_RATIO}
                )
        budget = _Budget(bytes=limits.max_unpacked_bytes, elements=limits.elements)
        for info in members:
            with archive.open(info) as stream:
                _scan_member(stream, budget, limits)


def _xlsx_rows(data: bytes, limits: ImportLimits) -> tuple[Iterator, int | None]:
    try:
        _check_workbook(data, limits)
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (*_ZIP_ERRORS, KeyError, SyntaxError) as exc:
        raise _unreadable_xlsx() from exc
    if not workbook.worksheets:
        workbook.close()
        raise ImportFileError(_("The Excel workbook has no sheet."))
    sheet = workbook.worksheets[0]
    estimate = sheet.max_row
    # Read-only mode trusts the sheet's recorded dimensions, which some programs write
    # wrongly (e.g. "A1:A1"): without this, rows past them would be silently dropped.
    sheet.reset_dimensions()

    def cells():
        try:
            yield from sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
        except (KeyError, ValueError, OSError, SyntaxError, zipfile.BadZipFile) as exc:
            raise _unreadable_xlsx() from exc  # SyntaxError: xml ParseError
        finally:
            workbook.close()

    return cells(), estimate


def read_rows(data: bytes) -> tuple[Iterator[tuple[int, list[str]]], int | None]:
    """(row number, cell texts) for each row of the first sheet; and a row-count estimate.

    Raises ImportFileError for a file beyond ``import_limits()``: a workbook before
    its XML is parsed, and any file as soon as a row's number passes the limit (blank
    rows count here: a sheet may skip to row 1,000,000 in a few bytes)."""
    limits = import_limits()
    fmt = detect_format(data)
    raw, estimate = _xlsx_rows(data, limits) if fmt == "xlsx" else _csv_rows(data, limits)

    def numbered():
        for number, cells in enumerate(raw, start=1):
            if number > limits.sheet_rows:
                raise _too_many_rows(limits)
            yield number, [_cell_text(c) for c in cells]

    return numbered(), estimate

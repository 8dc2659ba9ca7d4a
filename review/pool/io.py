"""Import and export of the expert pool: Excel (.xlsx) and CSV (DOMAIN §4).

The file has one header row and then one expert per row. Bureaus keep these
lists in Excel, so the reader is forgiving about form and strict about content:

* Header names are accepted in English or Chinese, in any case, with or without
  spaces, in any column order (``COLUMNS`` lists them; the import page shows
  them). A title row above the header is skipped. Unknown columns are ignored
  and reported. Optional columns may be left out: an existing expert then keeps
  that value, a new one gets the default.
* CSV is comma-separated UTF-8 (a BOM is fine); files saved by Chinese Excel as
  "CSV (逗号分隔)" are GB18030 and are read too.
* Every row is validated; each problem is reported as (row number as the
  spreadsheet shows it, column, message) in the user's language.
* Existing expert ids are updated, never duplicated. By default nothing is
  imported when any row fails; ``valid_rows_only`` imports the rest.
* The whole import is one transaction of bulk statements (100,000 rows in tens
  of seconds), audited as one ``expert.import`` event with its counts.
* A file holds at most ``JIEBANG["POOL_IMPORT_MAX_ROWS"]`` experts and unpacks to at
  most ``JIEBANG["POOL_IMPORT_MAX_UNPACKED_BYTES"]`` (the command line too: raise them
  through the environment for a larger file there). A workbook is measured before any
  of its XML is parsed (``_check_workbook``), so an oversized file costs a worker a
  fraction of a second, not the seconds a parse of it would; rows are counted again
  while they are read.

| column | headers (any of) | required | values |
|---|---|---|---|
| expert id | Expert ID, 专家编号, 编号, code | yes | letters, digits, - _ . ; ≤ 20 |
| name | Name, 姓名 | yes | ≤ 100 characters |
| industries | Industries, 行业, 行业代码 | yes | industry codes (or names) separated by ; ， 、 or , |
| keywords | Keywords, 关键词, 研究方向 | no | ≤ 300 characters |
| employer | Employer, 工作单位, 单位 | yes | ≤ 200 characters |
| employer credit code | Employer credit code, 单位统一社会信用代码, 统一社会信用代码 | yes | GB 32100-2015, check character verified |
| title | Title, 职称 | yes | 正高 / 副高 / 中级 or senior / associate / intermediate |
| type | Type, 专家类型, 类型 | yes | 技术 / 财务 / 管理 or technical / financial / management |
| phone | Phone, 电话, 手机 | no | ≤ 30 characters |
| email | Email, 电子邮箱, 邮箱 | no | an email address, unique in the file |
| status | Status, 状态 | no | 在库 / 暂停 / 退出 or active / suspended / withdrawn; default active |

Exports write the same columns with headers and terms in the user's language,
so an exported file imports back unchanged.
"""

import csv
import hashlib
import io
import re
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from accounts.credit_code import normalize_credit_code, validate_credit_code
from accounts.exceptions import ActionRefused
from audit.services import audit_record
from bounty.models import Industry
from review.models import Expert, ExpertStatus, ExpertTitle, ExpertType
from review.permissions import can_manage_pool

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
BATCH = 900  # under SQLite's 999 bound parameters for "IN (…)" look-ups
PROGRESS_EVERY = 1000
HEADER_SEARCH_ROWS = 10  # a title row or two may sit above the header
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_INDUSTRY_SEPARATORS = re.compile(r"[;；,，、\n]+")
_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$")
# Paths under /experts/ that an expert id must not shadow (review/urls.py).
RESERVED_CODES = frozenset({"me", "import", "export"})

Progress = Callable[[str, int, int | None], None]  # (stage, done, total or None)


# --- Columns and terms ----------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: object  # lazy English msgid: the export header in the user's language
    aliases: tuple[str, ...]  # further accepted header names
    required: bool
    width: int
    max_length: int | None = None
    help: object = ""


COLUMNS = (
    Column(
        "code",
        gettext_lazy("Expert ID"),
        ("expert id", "id", "code", "专家编号", "专家代码", "编号", "专家id"),
        True,
        14,
        20,
        gettext_lazy("Stable id used by draws: letters, digits, “-”, “_” or “.”, at most 20."),
    ),
    Column(
        "name",
        gettext_lazy("Name"),
        ("name", "姓名", "专家姓名"),
        True,
        12,
        100,
    ),
    Column(
        "industries",
        gettext_lazy("Industries"),
        ("industries", "industry", "industry codes", "行业", "所属行业", "行业代码", "行业领域"),
        True,
        28,
        None,
        gettext_lazy("Industry codes (or names), separated by “;”, “，” or “、”."),
    ),
    Column(
        "keywords",
        gettext_lazy("Keywords"),
        ("keywords", "sub-field keywords", "关键词", "专业关键词", "研究方向", "专业方向"),
        False,
        28,
        300,
    ),
    Column(
        "employer_name",
        gettext_lazy("Employer"),
        ("employer", "employer name", "工作单位", "单位", "所在单位", "单位名称"),
        True,
        28,
        200,
    ),
    Column(
        "employer_code",
        gettext_lazy("Employer credit code"),
        (
            "employer credit code",
            "employer's credit code",
            "credit code",
            "单位统一社会信用代码",
            "工作单位统一社会信用代码",
            "统一社会信用代码",
            "信用代码",
        ),
        True,
        22,
        18,
        gettext_lazy("Unified social credit code (18 characters) of the employer."),
    ),
    Column(
        "title",
        pgettext_lazy("academic or job title", "Title"),
        ("title", "职称", "专业技术职称"),
        True,
        10,
        None,
        gettext_lazy("正高, 副高 or 中级 (senior, associate or intermediate)."),
    ),
    Column(
        "expert_type",
        gettext_lazy("Type"),
        ("type", "expert type", "专家类型", "类型", "类别", "专家类别"),
        True,
        10,
        None,
        gettext_lazy("技术, 财务 or 管理 (technical, financial or management)."),
    ),
    Column(
        "phone",
        gettext_lazy("Phone"),
        ("phone", "mobile", "telephone", "电话", "手机", "联系电话", "手机号码"),
        False,
        16,
        30,
    ),
    Column(
        "email",
        gettext_lazy("Email"),
        ("email", "e-mail", "电子邮箱", "邮箱", "电子邮件"),
        False,
        26,
        254,
        gettext_lazy("Used to link the expert's account; each address once per file."),
    ),
    Column(
        "status",
        gettext_lazy("Status"),
        ("status", "状态", "在库状态"),
        False,
        10,
        None,
        gettext_lazy("在库, 暂停 or 退出 (active, suspended or withdrawn); empty means active."),
    ),
)
COLUMNS_BY_KEY = {c.key: c for c in COLUMNS}
# Model fields a row sets (the industries go through the M2M table).
SCALAR_KEYS = tuple(c.key for c in COLUMNS if c.key not in ("code", "industries"))

# value → (the Chinese term written in Chinese exports, other accepted spellings)
TITLE_TERMS = {
    ExpertTitle.SENIOR: ("正高", ("正高级", "正高职称", "full senior")),
    ExpertTitle.ASSOCIATE: ("副高", ("副高级", "副高职称", "associate senior")),
    ExpertTitle.INTERMEDIATE: ("中级", ("中级职称",)),
}
TYPE_TERMS = {
    ExpertType.TECHNICAL: ("技术", ("技术专家", "技术类")),
    ExpertType.FINANCIAL: ("财务", ("财务专家", "财务类", "finance")),
    ExpertType.MANAGEMENT: ("管理", ("管理专家", "管理类")),
}
STATUS_TERMS = {
    ExpertStatus.ACTIVE: ("在库", ("正常", "有效")),
    ExpertStatus.SUSPENDED: ("暂停", ("暂停使用",)),
    ExpertStatus.WITHDRAWN: ("退出", ("已退出", "出库")),
}
TERMS = {"title": TITLE_TERMS, "expert_type": TYPE_TERMS, "status": STATUS_TERMS}


def _key(text) -> str:
    """Header and term comparison: case, spaces and a required-marker "*" don't matter."""
    return re.sub(r"[\s*＊:：]+", "", str(text)).casefold()


def _in_every_language(lazy_text) -> set[str]:
    names = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names.add(str(lazy_text))
    return names


def header_lookup() -> dict[str, str]:
    """Accepted header name (normalised) → column key."""
    lookup = {}
    for column in COLUMNS:
        for name in (*column.aliases, column.key, *_in_every_language(column.label)):
            lookup[_key(name)] = column.key
    return lookup


def term_lookup(key) -> dict[str, str]:
    """Accepted spelling (normalised) → stored value, for title, type or status."""
    terms = TERMS[key]
    choices = Expert._meta.get_field(key).choices
    lookup = {}
    for value, label in choices:
        zh, others = terms[value]
        for spelling in (value, zh, *others, *_in_every_language(label)):
            lookup[_key(spelling)] = value
    return lookup


def export_term(key, value) -> str:
    """The term an export writes: Chinese in Chinese, the stored value otherwise."""
    if (translation.get_language() or "").startswith("zh"):
        return TERMS[key].get(value, (value,))[0]
    return value


def _term_choices(key) -> str:
    terms = TERMS[key]
    return ", ".join([zh for zh, _others in terms.values()] + [str(v) for v in terms])


def columns_help() -> list[dict]:
    """The column table for the import page, in the user's language."""
    return [
        {
            "label": str(c.label),
            "aliases": [a for a in c.aliases if not a.isascii()][:3],
            "required": c.required,
            "help": str(c.help),
        }
        for c in COLUMNS
    ]


# --- Reading ----------------------------------------------------------------------------


class ImportFileError(Exception):
    """The file as a whole cannot be read; ``message`` says why (translated)."""

    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


@dataclass(frozen=True)
class RowError:
    row: int  # as the spreadsheet numbers it: the header is row 1 (or lower)
    column: str  # the column's label in the user's language ("" for the whole row)
    message: str


@dataclass
class ExpertRow:
    row: int
    code: str
    fields: dict  # model field → value, only for the columns the file has
    industry_ids: frozenset


@dataclass
class ParsedFile:
    columns: set[str] = field(default_factory=set)  # keys of the columns present
    ignored_columns: list[str] = field(default_factory=list)
    rows: list[ExpertRow] = field(default_factory=list)  # valid rows
    errors: list[RowError] = field(default_factory=list)
    total: int = 0  # non-blank data rows
    header_row: int = 1

    @property
    def error_rows(self) -> int:
        return len({e.row for e in self.errors})


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


# --- Validation -------------------------------------------------------------------------


class _Validator:
    """Validates rows one by one; remembers ids and emails to catch duplicates."""

    def __init__(self, columns: dict[int, str]):
        self.columns = columns  # cell index → column key
        self.present = set(columns.values())
        self.labels = {c.key: str(c.label) for c in COLUMNS}
        self.terms = {key: term_lookup(key) for key in TERMS}
        self.term_choices = {key: _term_choices(key) for key in TERMS}
        self.industries = {}
        for pk, code, name_zh, name_en in Industry.objects.values_list(
            "pk", "code", "name_zh", "name_en"
        ):
            for name in (name_en, name_zh, code):  # the code wins over a clashing name
                self.industries[_key(name)] = pk
        self.seen_codes: dict[str, int] = {}
        self.seen_emails: dict[str, int] = {}

    def __call__(self, number, cells) -> tuple[ExpertRow | None, list[RowError]]:
        values = {key: cells[i] if i < len(cells) else "" for i, key in self.columns.items()}
        errors = []

        def error(key, message):
            errors.append(RowError(number, self.labels[key], str(message)))

        for key in self.present:
            column = COLUMNS_BY_KEY[key]
            value = values[key]
            if column.required and not value:
                error(key, _("This field is required."))
            elif column.max_length and len(value) > column.max_length:
                error(
                    key,
                    _("At most %(limit)d characters (this has %(n)d).")
                    % {"limit": column.max_length, "n": len(value)},
                )

        code = values["code"]
        if code and len(code) <= COLUMNS_BY_KEY["code"].max_length:
            if code.casefold() in RESERVED_CODES:
                error(
                    "code",
                    _("“%(code)s” is reserved by the system; choose another expert id.")
                    % {"code": code},
                )
            elif not _CODE_RE.match(code):
                error(
                    "code",
                    _(
                        "Use letters, digits, “-”, “_” or “.” (at most 20, the first a letter or digit)."
                    ),
                )
            if code in self.seen_codes:
                error(
                    "code",
                    _("Expert id “%(code)s” already appears on row %(row)d.")
                    % {"code": code, "row": self.seen_codes[code]},
                )
            else:
                self.seen_codes[code] = number

        employer_code = normalize_credit_code(values["employer_code"])
        if employer_code:
            try:
                validate_credit_code(employer_code)
            except ValidationError as exc:
                error("employer_code", exc.messages[0])

        industry_ids = set()
        parts = [p.strip() for p in _INDUSTRY_SEPARATORS.split(values["industries"])]
        parts = [p for p in parts if p]
        if values["industries"] and not parts:
            error("industries", _("This field is required."))
        for part in parts:
            pk = self.industries.get(_key(part))
            if pk is None:
                error("industries", _("No industry has the code “%(code)s”.") % {"code": part})
            else:
                industry_ids.add(pk)

        data = {}
        for key in TERMS:
            if key not in self.present:
                continue
            raw = values[key]
            if not raw:
                # A required term is already reported; an empty status leaves an
                # existing expert's status alone and makes a new one active.
                continue
            value = self.terms[key].get(_key(raw))
            if value is None:
                message = {
                    "title": _("“%(value)s” is not a title: use one of %(choices)s."),
                    "expert_type": _("“%(value)s” is not an expert type: use one of %(choices)s."),
                    "status": _("“%(value)s” is not a status: use one of %(choices)s."),
                }[key]
                error(key, message % {"value": raw, "choices": self.term_choices[key]})
            else:
                data[key] = value

        if "email" in self.present and values["email"]:
            email = values["email"]
            try:
                validate_email(email)
            except ValidationError as exc:
                error("email", exc.messages[0])
            folded = email.casefold()
            if folded in self.seen_emails:
                error(
                    "email",
                    _("Email “%(email)s” already appears on row %(row)d.")
                    % {"email": email, "row": self.seen_emails[folded]},
                )
            else:
                self.seen_emails[folded] = number

        if errors:
            return None, errors
        for key in ("name", "keywords", "employer_name", "phone", "email"):
            if key in self.present:
                data[key] = values[key]
        data["employer_code"] = employer_code
        return ExpertRow(number, code, data, frozenset(industry_ids)), []


def _find_header(rows, lookup) -> tuple[int, list[str], list[tuple[int, list[str]]]]:
    """The header is the first of the first few non-blank rows naming the expert id
    column and two more known columns; failing that, the first non-blank row."""
    seen = []
    for number, cells in rows:
        if not any(cells):
            continue
        seen.append((number, cells))
        keys = [lookup.get(_key(c)) for c in cells if c]
        if "code" in keys and len({k for k in keys if k}) >= 3:
            return number, cells, seen[:-1]
        if len(seen) >= HEADER_SEARCH_ROWS:
            break
    if not seen:
        raise ImportFileError(_("The file is empty."))
    number, cells = seen[0]
    return number, cells, []


def parse_pool_file(data: bytes, *, progress: Progress | None = None) -> ParsedFile:
    """Read and validate every row. Raises ImportFileError when the file is unreadable."""
    rows, estimate = read_rows(data)
    lookup = header_lookup()
    header_number, header, _skipped = _find_header(rows, lookup)
    parsed = ParsedFile(header_row=header_number)
    columns: dict[int, str] = {}
    for index, name in enumerate(header):
        if not name:
            continue
        key = lookup.get(_key(name))
        if key is None:
            parsed.ignored_columns.append(name)
        elif key in columns.values():
            parsed.errors.append(
                RowError(
                    header_number,
                    str(COLUMNS_BY_KEY[key].label),
                    _("Two columns are both read as “%(column)s”; keep one.")
                    % {"column": COLUMNS_BY_KEY[key].label},
                )
            )
        else:
            columns[index] = key
    for column in COLUMNS:
        if column.required and column.key not in columns.values():
            parsed.errors.append(
                RowError(header_number, str(column.label), _("This column is missing."))
            )
    parsed.columns = set(columns.values())
    if parsed.errors:
        return parsed

    validate = _Validator(columns)
    limits = import_limits()
    total = (estimate - header_number) if estimate else None
    for number, cells in rows:
        if not any(cells):
            continue
        parsed.total += 1
        if parsed.total > limits.max_rows:
            raise _too_many_rows(limits)
        row, errors = validate(number, cells)
        if row is None:
            parsed.errors.extend(errors)
        else:
            parsed.rows.append(row)
        if progress and parsed.total % PROGRESS_EVERY == 0:
            progress("validate", parsed.total, total)
    if progress:
        progress("validate", parsed.total, parsed.total)
    if parsed.total == 0:
        parsed.errors.append(RowError(header_number, "", _("The file has no rows to import.")))
    return parsed


# --- Writing ----------------------------------------------------------------------------


@dataclass
class ImportResult:
    parsed: ParsedFile
    imported: bool = False
    dry_run: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def errors(self) -> list[RowError]:
        return self.parsed.errors

    @property
    def total(self) -> int:
        return self.parsed.total

    @property
    def skipped(self) -> int:
        return self.parsed.error_rows if self.imported else 0

    def counts(self) -> dict:
        return {
            "rows": self.total,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
        }


def _chunks(items, size):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _update_batch_size(fields) -> int:
    limit = connection.features.max_query_params
    return max(1, min(1000, (limit - 1) // (len(fields) + 1))) if limit else 1000


def _bulk_update(experts: list[Expert], fields: list[str]) -> None:
    """``bulk_update`` in effect, as one ``UPDATE … FROM (VALUES …)`` per batch.

    Django's ``bulk_update`` builds a CASE WHEN per object and field: about 1 ms
    per updated expert, so 100 s for 100,000. PostgreSQL and SQLite (3.33+)
    take the whole batch as a table of values instead; other back ends use
    ``bulk_update``.
    """
    vendor = connection.vendor
    if vendor not in ("postgresql", "sqlite") or (
        vendor == "sqlite" and connection.Database.sqlite_version_info < (3, 33)
    ):
        Expert.objects.bulk_update(experts, fields)
        return
    qn = connection.ops.quote_name
    meta = Expert._meta
    columns = [meta.pk, *(meta.get_field(f) for f in fields)]
    if vendor == "postgresql":
        # Literals in VALUES are untyped: cast them to the columns' types.
        slots = ", ".join(f"CAST(%s AS {c.db_type(connection)})" for c in columns)
    else:
        slots = ", ".join(["%s"] * len(columns))  # SQLite: a CAST would change affinity
    names = ", ".join(qn(c.column) for c in columns)
    table, pk = qn(meta.db_table), qn(meta.pk.column)
    assignments = ", ".join(f"{qn(c.column)} = v.{qn(c.column)}" for c in columns[1:])
    values = ", ".join([f"({slots})"] * len(experts))
    params = [
        c.get_db_prep_save(getattr(expert, c.attname), connection)
        for expert in experts
        for c in columns
    ]
    sql = (
        f"WITH v({names}) AS (VALUES {values}) "  # noqa: S608 (identifiers from the model)
        f"UPDATE {table} SET {assignments} FROM v WHERE {table}.{pk} = v.{pk}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _save(rows: list[ExpertRow], progress: Progress | None) -> dict:
    """Create or update the experts of ``rows`` in bulk. Caller holds a transaction."""
    link = Expert.industries.through
    existing: dict[str, Expert] = {}
    for chunk in _chunks([r.code for r in rows], BATCH):
        for expert in (
            Expert.objects.select_for_update()
            .filter(code__in=chunk)
            .only("pk", "code", "updated_at", *SCALAR_KEYS)
        ):
            existing[expert.code] = expert
    links = defaultdict(set)
    for chunk in _chunks([e.pk for e in existing.values()], BATCH):
        for expert_id, industry_id in link.objects.filter(expert_id__in=chunk).values_list(
            "expert_id", "industry_id"
        ):
            links[expert_id].add(industry_id)

    now = timezone.now()
    new, changed, relink = [], [], []
    changed_fields = set()
    unchanged = 0
    for row in rows:
        expert = existing.get(row.code)
        if expert is None:
            expert = Expert(code=row.code, **row.fields)
            new.append((expert, row.industry_ids))
            continue
        # An existing expert keeps the values of columns the file does not have
        # (and its status when the cell is empty: "active" is for new experts).
        diff = [k for k, v in row.fields.items() if getattr(expert, k) != v]
        for k in diff:
            setattr(expert, k, row.fields[k])
        changed_fields.update(diff)
        if links[expert.pk] != row.industry_ids:
            relink.append((expert, row.industry_ids))
        if diff or links[expert.pk] != row.industry_ids:
            expert.updated_at = now
            changed.append(expert)
        else:
            unchanged += 1

    steps = len(new) + len(changed)
    done = 0
    for chunk in _chunks(new, 1000):
        Expert.objects.bulk_create([expert for expert, _ids in chunk])
        done += len(chunk)
        if progress:
            progress("save", done, steps)
    if new and any(expert.pk is None for expert, _ids in new):  # backends without RETURNING
        ids = {}
        for chunk in _chunks([e.code for e, _ids in new], BATCH):
            ids.update(Expert.objects.filter(code__in=chunk).values_list("code", "pk"))
        for expert, _ids in new:
            expert.pk = ids[expert.code]
    fields = [*sorted(changed_fields), "updated_at"]
    size = _update_batch_size(fields)
    for chunk in _chunks(changed, size):
        _bulk_update(chunk, fields)
        done += len(chunk)
        if progress:
            progress("save", done, steps)
    for chunk in _chunks([e.pk for e, _ids in relink], BATCH):
        link.objects.filter(expert_id__in=chunk).delete()
    link.objects.bulk_create(
        (
            link(expert_id=expert.pk, industry_id=industry_id)
            for expert, industry_ids in (*new, *relink)
            for industry_id in sorted(industry_ids)
        ),
        batch_size=5000,
    )
    return {"created": len(new), "updated": len(changed), "unchanged": unchanged}


def expert_import(
    *,
    data: bytes,
    by=None,
    filename: str = "",
    valid_rows_only: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Validate a pool file and import it in one transaction; ``by`` None is the system
    (the management command). Raises ImportFileError for an unreadable file.

    Nothing is written when a row fails, unless ``valid_rows_only``; ``dry_run``
    does all the work and rolls it back (counts are exact, nothing stays).
    """
    if by is not None and not can_manage_pool(by):
        raise ActionRefused()
    parsed = parse_pool_file(data, progress=progress)
    result = ImportResult(parsed=parsed, dry_run=dry_run)
    header_failed = parsed.total == 0 or not parsed.columns
    if header_failed or (parsed.errors and not valid_rows_only) or not parsed.rows:
        return result
    try:
        with transaction.atomic():
            counts = _save(parsed.rows, progress)
            result.created = counts["created"]
            result.updated = counts["updated"]
            result.unchanged = counts["unchanged"]
            result.imported = True
            audit_record(
                actor=by,
                action="expert.import",
                payload={
                    **result.counts(),
                    "valid_rows_only": valid_rows_only,
                    "file": filename[:200],
                    "sha256": hashlib.sha256(data).hexdigest(),
                },
            )
            if dry_run:
                transaction.set_rollback(True)
    except IntegrityError as exc:
        # Another import created one of these ids between our look-up and insert.
        raise ActionRefused(
            _(
                "Another change to the same experts happened at the same time; nothing was "
                "imported. Import the file again."
            )
        ) from exc
    return result


# --- Export -----------------------------------------------------------------------------


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

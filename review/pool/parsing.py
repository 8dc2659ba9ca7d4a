"""Parsing an expert-pool file: the header row found, every row validated into an
``ExpertRow`` or ``RowError``s, the whole into a ``ParsedFile`` (``parse_pool_file``).

Bureaus keep these lists in Excel, so the parser is forgiving about form and strict
about content: a title row above the header is skipped, unknown columns are ignored
and reported, and each problem of a row is reported as (row number as the spreadsheet
shows it, column, message) in the user's language.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from accounts.credit_code import normalize_credit_code, validate_credit_code
from bounty.models import Industry
from review.pool.columns import (
    COLUMNS,
    COLUMNS_BY_KEY,
    TERMS,
    _key,
    _term_choices,
    header_lookup,
    term_lookup,
)
from review.pool.reading import (
    HEADER_SEARCH_ROWS,
    ImportFileError,
    _too_many_rows,
    import_limits,
    read_rows,
)

PROGRESS_EVERY = 1000
_INDUSTRY_SEPARATORS = re.compile(r"[;；,，、\n]+")
_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$")
# Paths under /experts/ that an expert id must not shadow (review/urls.py).
RESERVED_CODES = frozenset({"me", "import", "export"})

Progress = Callable[[str, int, int | None], None]  # (stage, done, total or None)


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

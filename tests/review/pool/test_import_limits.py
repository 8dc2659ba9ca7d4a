"""Size limits of an expert-pool file (attack report: an .xlsx unpacking to 200 MB was
parsed for 11–17 s before being refused). A workbook beyond the limits is refused
before any of its XML is parsed; rows are also counted while they are read."""

import io
import random
import re
import struct
import zipfile
import zlib

import pytest
from django.utils import translation
from openpyxl import Workbook

from review.models import Expert
from review.pool import parsing as pool_parsing
from review.pool import reading as pool_reading
from review.pool.importing import expert_import
from review.pool.reading import ImportFileError, import_limits, read_rows
from tests.factories import bureau_officer
from tests.review.pool.helpers import csv_bytes, row, rows, xlsx_bytes

pytestmark = pytest.mark.django_db
MB = 1024 * 1024
SHEET = "xl/worksheets/sheet1.xml"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def officer():
    return bureau_officer()


@pytest.fixture
def no_parsing(monkeypatch):
    """Fail the test if openpyxl is asked to open the workbook."""

    def refuse(*args, **kwargs):
        raise AssertionError("the workbook was parsed")

    monkeypatch.setattr(pool_reading, "load_workbook", refuse)


@pytest.fixture
def limits(settings):
    def set_limits(**values):
        settings.JIEBANG = {**settings.JIEBANG, **values}

    return set_limits


def rezip(data, *, replace=None, add=None):
    """The same workbook with members replaced or added (deflated)."""
    replace, add = replace or {}, add or {}
    source, target = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename in replace:
                content = replace[item.filename](content)
            out.writestr(item, content)
        for name, content in add.items():
            out.writestr(name, content)
    return target.getvalue()


def sheet_xml(data):
    return zipfile.ZipFile(io.BytesIO(data)).read(SHEET)


def noise(size):
    """Bytes that do not compress (so only the size limit can refuse them)."""
    return random.Random(size).randbytes(size)


def bomb(unpacked):
    """A small workbook with one more member: ``unpacked`` zero bytes, deflated."""
    base = xlsx_bytes(rows(3))
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    crc, packed = 0, []
    chunk = bytes(MB)
    for _ in range(unpacked // MB):
        packed.append(compressor.compress(chunk))
        crc = zlib.crc32(chunk, crc)
    packed.append(compressor.flush())
    return append_raw_member(base, "xl/media/padding.bin", b"".join(packed), crc, unpacked)


def append_raw_member(data, name, packed, crc, size, *, declared_size=None):
    """Add a member from already deflated bytes; ``declared_size`` (default ``size``) is
    what the zip's headers say it unpacks to."""
    declared = size if declared_size is None else declared_size
    source = zipfile.ZipFile(io.BytesIO(data))
    entries = source.infolist()
    out = io.BytesIO()
    central = []
    for item in entries:
        raw = _raw_member(data, item)
        central.append(
            _central(item.filename, item.CRC, item.compress_size, item.file_size, out.tell())
        )
        out.write(raw)
    offset = out.tell()
    encoded = name.encode()
    out.write(
        struct.pack(
            "<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(packed), declared, len(encoded), 0
        )
    )
    out.write(encoded + packed)
    central.append(_central(name, crc, len(packed), declared, offset))
    start = out.tell()
    for entry in central:
        out.write(entry)
    end = out.tell()
    out.write(
        struct.pack(
            "<4s4H2LH", b"PK\x05\x06", 0, 0, len(central), len(central), end - start, start, 0
        )
    )
    return out.getvalue()


def _raw_member(data, item):
    """The local header and packed bytes of ``item`` as they are in ``data``."""
    start = item.header_offset
    name_length, extra_length = struct.unpack("<2H", data[start + 26 : start + 30])
    return data[start : start + 30 + name_length + extra_length + item.compress_size]


def _central(name, crc, packed_size, size, offset):
    encoded = name.encode()
    return (
        struct.pack(
            "<4s6H3L5H2L",
            b"PK\x01\x02",
            20,
            20,
            0,
            8,
            0,
            0,
            crc,
            packed_size,
            size,
            len(encoded),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        + encoded
    )


# --- Unpacked size --------------------------------------------------------------------


def test_the_default_limits_are_the_documented_ones():
    limits = import_limits()
    assert limits.max_rows == 20_000
    assert limits.max_unpacked_bytes == 64 * MB


def test_a_workbook_unpacking_to_200_mb_is_refused_without_parsing(officer, no_parsing):
    data = bomb(200 * MB)  # the attack report's file (with the default limits)
    assert len(data) < MB
    with pytest.raises(ImportFileError) as caught:
        expert_import(data=data, by=officer)
    message = str(caught.value.message)
    assert "too large" in message
    assert "64.0" in message  # the limit is said
    assert Expert.objects.count() == 0


def test_members_beyond_the_limit_together_are_refused_without_parsing(officer, no_parsing, limits):
    limits(POOL_IMPORT_MAX_UNPACKED_BYTES=MB)
    data = rezip(
        xlsx_bytes(rows(3)),
        add={"xl/media/a.bin": noise(MB // 2), "xl/media/b.bin": noise(MB // 2)},
    )
    with pytest.raises(ImportFileError) as caught:
        expert_import(data=data, by=officer)
    assert "1.0 MB" in str(caught.value.message).replace("\xa0", " ")


@pytest.mark.parametrize("declared", [1000, 100 * MB])
def test_a_member_whose_declared_size_lies_is_refused_without_parsing(
    officer, no_parsing, monkeypatch, declared
):
    """Declared small: unpacking stops at the declared size and the CRC check fails;
    declared large: the declared sizes already pass the limit. Either way no more than
    the limit is ever unpacked."""
    read = []
    real_read = zipfile.ZipExtFile.read

    def counting_read(self, n=-1):
        data = real_read(self, n)
        read.append(len(data))
        return data

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counting_read)
    size = 60 * MB
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed = compressor.compress(bytes(size)) + compressor.flush()
    data = append_raw_member(
        xlsx_bytes(rows(3)),
        "xl/media/padding.bin",
        packed,
        zlib.crc32(bytes(size)),
        size,
        declared_size=declared,
    )
    with pytest.raises(ImportFileError):
        expert_import(data=data, by=officer)
    assert sum(read) <= import_limits().max_unpacked_bytes
    assert Expert.objects.count() == 0


def test_a_member_compressed_like_a_zip_bomb_is_refused_without_parsing(officer, no_parsing):
    data = bomb(5 * MB)  # 5 MB of zeros pack into a few kB: far beyond any spreadsheet
    with pytest.raises(ImportFileError) as caught:
        expert_import(data=data, by=officer)
    assert "100 to 1" in str(caught.value.message)


def test_a_zip_of_very_many_members_is_refused_without_parsing(officer, no_parsing):
    data = rezip(xlsx_bytes(rows(1)), add={f"xl/media/{i}.bin": b"" for i in range(1001)})
    with pytest.raises(ImportFileError) as caught:
        expert_import(data=data, by=officer)
    assert "too large" in str(caught.value.message)


def test_a_csv_file_beyond_the_limit_is_refused_before_it_is_read(officer, limits, monkeypatch):
    limits(POOL_IMPORT_MAX_UNPACKED_BYTES=4000)
    monkeypatch.setattr(pool_reading.csv, "reader", lambda *a, **k: pytest.fail("the CSV was read"))
    data = csv_bytes(rows(30))
    assert len(data) > 4000
    with pytest.raises(ImportFileError) as caught:
        expert_import(data=data, by=officer)
    assert "CSV file is too large" in str(caught.value.message)


# --- Rows -----------------------------------------------------------------------------


def test_a_sheet_with_too_many_rows_is_refused_before_parsing(officer, no_parsing, limits):
    limits(POOL_IMPORT_MAX_ROWS=50)
    data = xlsx_bytes(rows(100))
    with pytest.raises(ImportFileError) as caught:
        expert_import(data=data, by=officer)
    assert str(caught.value.message) == (
        "The file has more than 50 rows; split it into several files."
    )


def test_rows_are_counted_even_when_the_sheet_records_a_wrong_size(officer, no_parsing, limits):
    limits(POOL_IMPORT_MAX_ROWS=50)
    data = rezip(
        xlsx_bytes(rows(100)),
        replace={
            SHEET: lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1"', xml)
        },
    )
    assert b'<dimension ref="A1"' in sheet_xml(data)
    with pytest.raises(ImportFileError):
        expert_import(data=data, by=officer)


def test_a_sheet_recording_too_many_rows_is_refused_before_parsing(officer, no_parsing, limits):
    limits(POOL_IMPORT_MAX_ROWS=50)
    data = rezip(
        xlsx_bytes(rows(3)),
        replace={
            SHEET: lambda xml: re.sub(
                rb'<dimension ref="[^"]*"', b'<dimension ref="A1:K90000"', xml
            )
        },
    )
    with pytest.raises(ImportFileError) as caught:
        expert_import(data=data, by=officer)
    assert "more than 50 rows" in str(caught.value.message)


def test_a_workbook_of_too_many_elements_is_refused_before_parsing(officer, no_parsing, limits):
    """Parsing costs by the element: a few rows of very many small cells cost as much
    as many rows."""
    limits(POOL_IMPORT_MAX_ROWS=50)
    wide = b"".join(b'<c r="A%d"><v>1</v></c>' % n for n in range(200))
    data = rezip(
        xlsx_bytes(rows(20)),
        replace={SHEET: lambda xml: xml.replace(b"</row>", wide + b"</row>")},
    )
    with pytest.raises(ImportFileError) as caught:
        expert_import(data=data, by=officer)
    assert str(caught.value.message).startswith(
        "The Excel workbook holds too many cells and other entries (more than "
        f"{import_limits().elements})"
    )


def test_a_workbook_declaring_entities_is_refused_before_parsing(officer, no_parsing):
    """An entity can stand for many elements that no count sees (and a workbook has no
    business declaring one)."""
    entity = b'<!DOCTYPE worksheet [<!ENTITY cells "<c><v>1</v></c><c><v>1</v></c>">]>'
    data = rezip(
        xlsx_bytes(rows(3)),
        replace={SHEET: lambda xml: entity + xml.replace(b"</row>", b"&cells;</row>", 1)},
    )
    with pytest.raises(ImportFileError) as caught:
        expert_import(data=data, by=officer)
    assert "could not be read" in str(caught.value.message)


def test_a_row_far_down_the_sheet_stops_the_reading_at_the_limit(officer, limits, monkeypatch):
    """A few bytes (<row r="1000000">) would have the reader produce a million empty
    rows: reading stops as soon as a row's number passes the limit."""
    limits(POOL_IMPORT_MAX_ROWS=50)
    far = (
        b'<row r="1000000"><c r="A1000000" t="inlineStr"><is><t>E99999</t></is></c></row>'
        b"</sheetData>"
    )
    data = rezip(
        xlsx_bytes(rows(3)),
        replace={
            SHEET: lambda xml: re.sub(
                rb'<dimension ref="[^"]*"', b'<dimension ref="A1"', xml
            ).replace(b"</sheetData>", far)
        },
    )
    seen = []
    real = pool_reading._cell_text
    monkeypatch.setattr(pool_reading, "_cell_text", lambda value: seen.append(1) or real(value))
    with pytest.raises(ImportFileError) as caught:
        expert_import(data=data, by=officer)
    assert "more than 50 rows" in str(caught.value.message)
    assert len(seen) <= import_limits().sheet_rows * pool_reading.MAX_COLUMNS


def test_a_csv_file_with_too_many_rows_is_refused_as_soon_as_they_pass_the_limit(
    officer, limits, monkeypatch
):
    limits(POOL_IMPORT_MAX_ROWS=50)
    validated = []
    real = pool_parsing._Validator.__call__

    def counting(self, number, cells):
        validated.append(number)
        return real(self, number, cells)

    monkeypatch.setattr(pool_parsing._Validator, "__call__", counting)
    with pytest.raises(ImportFileError) as caught:
        expert_import(data=csv_bytes(rows(500)), by=officer)
    assert "more than 50 rows" in str(caught.value.message)
    assert len(validated) == 50
    assert Expert.objects.count() == 0


def test_a_cell_at_the_last_column_does_not_widen_every_row():
    record = row("E00001")
    data = rezip(
        xlsx_bytes([record]),
        replace={
            SHEET: lambda xml: xml.replace(
                b"</row>", b'<c r="XFD1" t="inlineStr"><is><t>x</t></is></c></row>', 1
            )
        },
    )
    numbered, _estimate = read_rows(data)
    assert all(len(cells) <= pool_reading.MAX_COLUMNS for _number, cells in numbered)


# --- Files within the limits ----------------------------------------------------------


@pytest.mark.parametrize("make", [csv_bytes, xlsx_bytes])
def test_a_file_of_exactly_the_maximum_rows_imports(officer, limits, make):
    limits(POOL_IMPORT_MAX_ROWS=50)
    result = expert_import(data=make(rows(50)), by=officer)
    assert result.counts()["created"] == 50
    assert not result.errors


def test_a_normal_workbook_imports_with_the_default_limits(officer):
    result = expert_import(data=xlsx_bytes(rows(3)), by=officer)
    assert result.counts()["created"] == 3
    assert Expert.objects.count() == 3


def test_a_full_size_workbook_passes_the_checks_with_room_to_spare():
    """20,000 experts with long texts (what the default limits are measured on) unpack
    to well under the default limit."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("experts")
    sheet.append(list(row("E00001")))
    for n in range(1, 20_001):
        record = row(
            f"E{n:05d}", Keywords="碳化硅外延、" * 20 + str(n), Employer="某某科技股份有限公司" * 4
        )
        sheet.append(list(record.values()))
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    limits = import_limits()
    unpacked = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist())
    assert unpacked < limits.max_unpacked_bytes * 0.75
    pool_reading._check_workbook(data, limits)  # no error
    budget = pool_reading._Budget(bytes=limits.max_unpacked_bytes, elements=limits.elements)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            with archive.open(info) as stream:
                pool_reading._scan_member(stream, budget, limits)
    assert limits.elements - budget.elements < limits.elements / 3

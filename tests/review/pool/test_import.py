"""Importing the expert pool from Excel and CSV (review/pool/importing.py), at the service level."""

import io
import re
import zipfile

import pytest
from django.utils import translation

from accounts.exceptions import ActionRefused
from audit.models import AuditEvent
from review.models import Expert
from review.pool.importing import expert_import
from review.pool.reading import ImportFileError
from tests.factories import UserFactory, bureau_officer
from tests.review.pool.helpers import (
    HEADER_EN,
    HEADER_ZH,
    credit_code,
    csv_bytes,
    make_expert,
    row,
    rows,
    wrong_check,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def officer():
    return bureau_officer()


def industry_codes(expert):
    return sorted(expert.industries.values_list("code", flat=True))


def errors_of(result):
    return [(e.row, e.column, e.message) for e in result.errors]


def bad_file():
    """Seven data rows (spreadsheet rows 2–8); rows 3, 5 and 7 are wrong."""
    records = rows(7)
    records[1]["Employer credit code"] = wrong_check(credit_code(77))
    records[3]["Industries"] = "new-materials;quantum-foam"
    records[5]["Expert ID"] = records[0]["Expert ID"]
    return records


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_valid_file_creates_experts_with_industries(officer, fmt):
    make = csv_bytes if fmt == "csv" else xlsx_bytes
    result = expert_import(data=make(rows(3)), by=officer, filename=f"pool.{fmt}")

    assert result.imported
    assert not result.errors
    assert result.counts() == {"rows": 3, "created": 3, "updated": 0, "unchanged": 0, "skipped": 0}
    expert = Expert.objects.get(code="E00002")
    assert expert.name == "专家E00002"
    assert industry_codes(expert) == ["integrated-circuits", "new-materials"]
    assert (expert.title, expert.expert_type, expert.status) == ("senior", "technical", "active")
    assert expert.employer_code == credit_code(1002)
    assert expert.phone == "13800000002"
    assert expert.email == "e00002@example.cn"
    event = AuditEvent.objects.get(action="expert.import")
    assert event.actor == officer
    assert event.payload["created"] == 3
    assert event.payload["file"] == f"pool.{fmt}"


def test_chinese_headers_title_row_and_english_terms_are_accepted(officer):
    records = [
        row("Z1", **{"Title": "associate", "Type": "Financial", "Status": "suspended"}),
        row("Z2", **{"Title": "中级", "Type": "管理", "Status": "退出"}),
    ]
    data = xlsx_bytes(records, HEADER_ZH, above=[["2025 年专家库名单"], []])

    result = expert_import(data=data, by=officer)

    assert result.imported, errors_of(result)
    assert result.parsed.header_row == 3
    z1, z2 = Expert.objects.order_by("code")
    assert (z1.title, z1.expert_type, z1.status) == ("associate", "financial", "suspended")
    assert (z2.title, z2.expert_type, z2.status) == ("intermediate", "management", "withdrawn")


def test_bad_rows_import_nothing_and_are_reported_by_row_and_column(officer):
    result = expert_import(data=xlsx_bytes(bad_file()), by=officer)

    assert not result.imported
    assert Expert.objects.count() == 0
    assert not AuditEvent.objects.filter(action="expert.import").exists()
    expected_check = wrong_check(credit_code(77))[17]
    assert errors_of(result) == [
        (
            3,
            "Employer credit code",
            f"The check character (the 18th) is “{expected_check}” but should be "
            f"“{credit_code(77)[17]}”: a character was probably mistyped.",
        ),
        (5, "Industries", "No industry has the code “quantum-foam”."),
        (7, "Expert ID", "Expert id “E00001” already appears on row 2."),
    ]


def test_the_valid_rows_option_imports_only_the_good_rows(officer):
    result = expert_import(data=csv_bytes(bad_file()), by=officer, valid_rows_only=True)

    assert result.imported
    assert sorted(Expert.objects.values_list("code", flat=True)) == [
        "E00001",
        "E00003",
        "E00005",
        "E00007",
    ]
    assert result.counts()["created"] == 4
    assert result.counts()["skipped"] == 3
    assert [e.row for e in result.errors] == [3, 5, 7]
    # Row 2 won the duplicated id, not row 7.
    assert Expert.objects.get(code="E00001").name == "专家E00001"


def test_reimport_updates_existing_experts_instead_of_duplicating(officer):
    expert_import(data=csv_bytes(rows(3)), by=officer)
    records = rows(4)
    records[0].update({"Name": "改名", "Industries": "biomedicine", "Status": "暂停"})

    result = expert_import(data=csv_bytes(records), by=officer)

    assert result.counts() == {"rows": 4, "created": 1, "updated": 1, "unchanged": 2, "skipped": 0}
    assert Expert.objects.count() == 4
    first = Expert.objects.get(code="E00001")
    assert (first.name, first.status) == ("改名", "suspended")
    assert industry_codes(first) == ["biomedicine"]
    assert industry_codes(Expert.objects.get(code="E00002")) == [
        "integrated-circuits",
        "new-materials",
    ]


def test_columns_left_out_and_empty_status_keep_existing_values(officer):
    make_expert("K1", status="suspended", phone="010-1234", keywords="老关键词")
    header = [h for h in HEADER_EN if h not in ("Phone", "Keywords")]
    records = [row("K1", Status=""), row("K2", Status="")]

    result = expert_import(data=csv_bytes(records, header), by=officer)

    assert result.imported, errors_of(result)
    kept = Expert.objects.get(code="K1")
    assert (kept.status, kept.phone, kept.keywords) == ("suspended", "010-1234", "老关键词")
    new = Expert.objects.get(code="K2")
    assert (new.status, new.phone, new.keywords) == ("active", "", "")


@pytest.mark.parametrize(
    ("overrides", "column", "message"),
    [
        ({"Name": ""}, "Name", "This field is required."),
        ({"Industries": " ; "}, "Industries", "This field is required."),
        (
            {"Employer credit code": "9132040012345"},
            "Employer credit code",
            "has 18 characters; this one has 13.",
        ),
        ({"Employer credit code": "9I3204000000000011"}, "Employer credit code", "Character 2"),
        ({"Title": "教授"}, "Title", "“教授” is not a title: use one of 正高, 副高, 中级, senior"),
        ({"Type": "法律"}, "Type", "“法律” is not an expert type"),
        ({"Status": "gone"}, "Status", "“gone” is not a status"),
        ({"Email": "not-an-email"}, "Email", "Enter a valid email address."),
        ({"Expert ID": "me"}, "Expert ID", "reserved"),
        ({"Expert ID": "A/B"}, "Expert ID", "Use letters, digits"),
        ({"Expert ID": "X" * 21}, "Expert ID", "At most 20 characters (this has 21)."),
        ({"Employer": "单" * 201}, "Employer", "At most 200 characters"),
    ],
)
def test_each_rule_names_the_row_and_column(officer, overrides, column, message):
    records = [row("R1"), row("R2", **overrides)]

    result = expert_import(data=csv_bytes(records), by=officer)

    assert not result.imported
    assert [(e.row, e.column) for e in result.errors] == [(3, column)]
    assert message in result.errors[0].message


def test_the_same_email_twice_in_a_file_is_an_error(officer):
    records = [row("M1", Email="Same@example.cn"), row("M2", Email="same@EXAMPLE.cn")]

    result = expert_import(data=csv_bytes(records), by=officer)

    assert errors_of(result) == [(3, "Email", "Email “same@EXAMPLE.cn” already appears on row 2.")]


def test_a_missing_required_column_is_reported_on_the_header_row(officer):
    header = [h for h in HEADER_EN if h != "Title"]

    result = expert_import(data=csv_bytes(rows(2), header), by=officer)

    assert errors_of(result) == [(1, "Title", "This column is missing.")]
    assert Expert.objects.count() == 0


def test_unknown_columns_are_ignored_and_listed(officer):
    header = ["序号", *HEADER_EN]

    result = expert_import(data=csv_bytes(rows(1), header), by=officer)

    assert result.imported
    assert result.parsed.ignored_columns == ["序号"]


def test_industry_names_and_chinese_separators(officer):
    records = [
        row("S1", Industries="新材料、集成电路"),
        row("S2", Industries="new-materials，biomedicine；graphene"),
        row("S3", Industries="Artificial intelligence"),
    ]

    result = expert_import(data=csv_bytes(records), by=officer)

    assert result.imported, errors_of(result)
    assert industry_codes(Expert.objects.get(code="S1")) == ["integrated-circuits", "new-materials"]
    assert industry_codes(Expert.objects.get(code="S2")) == [
        "biomedicine",
        "graphene",
        "new-materials",
    ]
    assert industry_codes(Expert.objects.get(code="S3")) == ["artificial-intelligence"]


def test_csv_saved_by_chinese_excel_in_gb18030_is_read(officer):
    data = csv_bytes(rows(2), HEADER_ZH, bom=False, encoding="gb18030")

    result = expert_import(data=data, by=officer)

    assert result.imported, errors_of(result)
    assert Expert.objects.get(code="E00001").name == "专家E00001"


def test_numbers_typed_into_excel_cells_are_read_as_text(officer):
    record = row("N1", Phone=13912345678)

    expert_import(data=xlsx_bytes([record]), by=officer)

    assert Expert.objects.get(code="N1").phone == "13912345678"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old Excel file (.xls)"),
        (b"\x89PNG\r\n\x1a\n\0\0\0", "neither an Excel workbook"),
        (b"PK\x03\x04 not really a zip", "could not be read"),
        (b"", "The file is empty."),
    ],
)
def test_unreadable_files_are_refused_as_a_whole(officer, data, message):
    with pytest.raises(ImportFileError) as caught:
        expert_import(data=data, by=officer)
    assert message in str(caught.value.message)


def test_dry_run_counts_and_keeps_nothing(officer):
    make_expert("E00001", name="旧名")

    result = expert_import(data=csv_bytes(rows(3)), by=officer, dry_run=True)

    assert (result.created, result.updated) == (2, 1)
    assert Expert.objects.count() == 1
    assert Expert.objects.get(code="E00001").name == "旧名"
    assert not AuditEvent.objects.filter(action="expert.import").exists()


def test_only_the_bureau_may_import():
    with pytest.raises(ActionRefused):
        expert_import(data=csv_bytes(rows(1)), by=UserFactory())
    assert Expert.objects.count() == 0


def test_progress_is_reported_per_thousand_rows(officer):
    seen = []

    expert_import(
        data=csv_bytes(rows(2500)),
        by=officer,
        progress=lambda stage, done, total: seen.append((stage, done)),
    )

    assert [d for s, d in seen if s == "validate"] == [1000, 2000, 2500]
    assert ("save", 2500) in seen
    assert Expert.objects.count() == 2500
    assert Expert.industries.through.objects.count() == 5000


def test_updates_write_every_changed_column_whatever_the_text(officer):
    expert_import(data=csv_bytes(rows(1200)), by=officer)
    records = rows(1200)
    new_code = credit_code(424242)
    for record in records:
        record.update(
            {
                "Name": "O'Brien %s 100% \\ 李",
                "Keywords": "",
                "Employer": "新单位",
                "Employer credit code": new_code,
                "Title": "中级",
                "Type": "管理",
                "Phone": "",
                "Email": record["Email"].upper(),
                "Status": "退出",
            }
        )
    before = Expert.objects.get(code="E00007").updated_at

    result = expert_import(data=csv_bytes(records), by=officer)

    assert result.updated == 1200
    expert = Expert.objects.get(code="E00007")
    assert (expert.name, expert.keywords, expert.employer_name) == (
        "O'Brien %s 100% \\ 李",
        "",
        "新单位",
    )
    assert (expert.employer_code, expert.title, expert.expert_type) == (
        new_code,
        "intermediate",
        "management",
    )
    assert (expert.phone, expert.email, expert.status) == ("", "E00007@EXAMPLE.CN", "withdrawn")
    assert expert.updated_at > before
    assert Expert.objects.filter(status="withdrawn").count() == 1200


def with_wrong_dimension(data):
    """The same workbook claiming its used range is only A1 (as some programs write)."""
    source, target = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1"', content)
                assert b'<dimension ref="A1"' in content
            out.writestr(item, content)
    return target.getvalue()


def test_rows_beyond_a_wrongly_recorded_sheet_size_are_read(officer):
    result = expert_import(data=with_wrong_dimension(xlsx_bytes(rows(3))), by=officer)

    assert result.counts()["created"] == 3


def test_a_workbook_that_unpacks_too_large_is_refused(officer, settings):
    settings.JIEBANG = {**settings.JIEBANG, "POOL_IMPORT_MAX_UNPACKED_BYTES": 1000}
    with pytest.raises(ImportFileError) as caught:
        expert_import(data=xlsx_bytes(rows(3)), by=officer)
    assert "too large" in str(caught.value.message)

"""Exporting the expert pool (CSV with BOM, XLSX): bureau only, filtered like the list,
audited, and in the import's format so that a file round-trips."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from audit.models import AuditEvent
from review.models import Expert
from review.pool.exporting import export_header
from review.pool.importing import expert_import
from tests.factories import UserFactory, bureau_officer
from tests.review.pool.helpers import HEADER_EN, make_expert

pytestmark = pytest.mark.django_db

FIELDS = (
    "code",
    "name",
    "keywords",
    "employer_name",
    "employer_code",
    "title",
    "expert_type",
    "phone",
    "email",
    "status",
)


def export_url(fmt):
    return reverse("review:pool_export", args=[fmt])


def officer_client(client, language="en"):
    officer = bureau_officer()
    officer.language = language
    officer.save(update_fields=["language"])
    client.force_login(officer)
    return client, officer


def read_csv(response):
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    return body, list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def read_xlsx(response):
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    return [[c if c is not None else "" for c in r] for r in sheet.iter_rows(values_only=True)]


def snapshot():
    return {
        e.code: (
            tuple(getattr(e, f) for f in FIELDS),
            tuple(sorted(i.code for i in e.industries.all())),
        )
        for e in Expert.objects.prefetch_related("industries")
    }


@pytest.fixture
def sample():
    return [
        make_expert(
            "A001",
            industries=("new-materials", "graphene"),
            keywords="碳纤维, 复合材料",
            phone="+86 138 0000 0001",
            title="associate",
            expert_type="financial",
        ),
        make_expert("A002", name="=HYPERLINK(1)", status="suspended", title="intermediate"),
        make_expert("B003", industries=("biomedicine",), expert_type="management", email=""),
    ]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_is_for_the_bureau_only(client, fmt):
    assert client.get(export_url(fmt)).status_code == 404
    client.force_login(UserFactory())
    assert client.get(export_url(fmt)).status_code == 404


def test_unknown_format_is_404(client):
    client, _officer = officer_client(client)
    assert client.get(export_url("pdf")).status_code == 404


def test_csv_has_a_bom_the_import_header_and_guards_formulas(client, sample):
    client, officer = officer_client(client)
    response = client.get(export_url("csv"))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment;" in response["Content-Disposition"]
    _body, lines = read_csv(response)
    assert lines[0] == HEADER_EN
    assert lines[1] == [
        "A001",
        sample[0].name,
        "new-materials;graphene",
        "碳纤维, 复合材料",
        sample[0].employer_name,
        sample[0].employer_code,
        "associate",
        "financial",
        "'+86 138 0000 0001",
        "a001@example.cn",
        "active",
    ]
    assert lines[2][1] == "'=HYPERLINK(1)"
    event = AuditEvent.objects.get(action="expert.export")
    assert event.actor == officer
    assert event.payload == {"format": "csv", "params": {}}


def test_xlsx_in_chinese_uses_chinese_headers_and_terms(client, sample):
    client, _officer = officer_client(client, "zh-hans")

    table = read_xlsx(client.get(export_url("xlsx")))

    with translation.override("zh-hans"):
        assert table[0] == export_header()
    assert [r[0] for r in table[1:]] == ["A001", "A002", "B003"]
    assert table[1][6:8] == ["副高", "财务"]
    assert table[2][10] == "暂停"
    assert table[2][1] == "=HYPERLINK(1)"
    response = client.get(export_url("xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet["B3"].data_type == "s"  # text, not a formula
    assert sheet["I2"].value == "+86 138 0000 0001"


def test_export_is_filtered_like_the_list(client, sample):
    client, _officer = officer_client(client)

    _body, lines = read_csv(client.get(export_url("csv") + "?status=suspended"))
    assert [line[0] for line in lines[1:]] == ["A002"]

    table = read_xlsx(client.get(export_url("xlsx") + "?industry=biomedicine&q=B00"))
    assert [r[0] for r in table[1:]] == ["B003"]
    assert AuditEvent.objects.filter(action="expert.export").last().payload["params"] == {
        "industry": "biomedicine",
        "q": "B00",
    }


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_exported_file_imports_back_unchanged(client, sample, fmt, language):
    client, officer = officer_client(client, language)
    before = snapshot()
    response = client.get(export_url(fmt))
    data = b"".join(response.streaming_content) if fmt == "csv" else response.content

    # Into the same pool: nothing changes.
    again = expert_import(data=data, by=officer)
    assert again.counts() == {"rows": 3, "created": 0, "updated": 0, "unchanged": 3, "skipped": 0}

    # Into an empty pool: the same experts.
    Expert.objects.all().delete()
    fresh = expert_import(data=data, by=officer)
    assert fresh.created == 3, fresh.errors
    assert snapshot() == before

"""The bureau's CSV and Excel exports of the filtered challenge list."""

import csv
import io
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.bounty.factories import issuer_org, make_challenge
from tests.factories import UserFactory, bureau_officer, member_of

pytestmark = pytest.mark.django_db

HEADER = [
    "OCID",
    "Title",
    "Issuer",
    "Issuer credit code",
    "Industry",
    "Status",
    "Bounty (10k yuan)",
    "Enterprise funds (10k yuan)",
    "Government funds (10k yuan)",
    "Period (months)",
    "Bid deadline",
    "Published at",
    "Indicators",
]


def export_url(fmt):
    return reverse("bounty:export", args=[fmt])


@pytest.fixture
def officer_client(client):
    officer = bureau_officer()
    officer.language = "en"
    officer.save(update_fields=["language"])
    client.force_login(officer)
    return client


@pytest.fixture
def sample():
    org = issuer_org(name="常州半导体有限公司")
    deadline = datetime(2099, 5, 1, 0, 30, tzinfo=timezone.get_default_timezone())  # 16:30 UTC
    open_one = make_challenge(
        title="碳化硅衬底",
        issuer=org,
        industry_code="integrated-circuits",
        bounty_total=Decimal("800.00"),
        enterprise_funds=Decimal("600.00"),
        government_funds=Decimal("200.00"),
        bid_deadline=deadline,
        indicators=["微管密度", "电阻率", "翘曲度"],
    )
    expired = make_challenge(
        title='=HYPERLINK("http://evil.example")', deadline_in=timedelta(days=-1)
    )
    draft = make_challenge(title="草稿榜单", status="draft")
    return open_one, expired, draft


def read_csv(response):
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_anonymous_gets_404(client, fmt):
    assert client.get(export_url(fmt)).status_code == 404


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_issuer_and_plain_user_get_404(client, fmt):
    org = issuer_org()
    client.force_login(member_of(org, "issuer", is_admin=True))
    assert client.get(export_url(fmt)).status_code == 404
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get(export_url(fmt)).status_code == 404


def test_unknown_format_is_404_even_for_the_bureau(officer_client):
    assert officer_client.get(export_url("pdf")).status_code == 404


def test_csv_has_bom_header_and_every_status(officer_client, sample):
    open_one, expired, draft = sample
    response = officer_client.get(export_url("csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    day = timezone.localdate().strftime("%Y%m%d")
    assert f'filename="challenges-{day}.csv"' in response["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0] == HEADER
    by_ocid = {row[0]: row for row in rows[1:]}
    assert set(by_ocid) == {open_one.ocid, expired.ocid, draft.ocid}
    row = by_ocid[open_one.ocid]
    assert row[1:] == [
        "碳化硅衬底",
        "常州半导体有限公司",
        open_one.issuer.credit_code,
        "Integrated circuits",
        "Open for bids",
        "800.00",
        "600.00",
        "200.00",
        "24",
        "2099-05-01 00:30",  # Asia/Shanghai
        timezone.localtime(open_one.published_at).strftime("%Y-%m-%d %H:%M"),
        "3",
    ]
    assert by_ocid[expired.ocid][5] == "Closed"
    assert by_ocid[draft.ocid][5] == "Draft"
    assert by_ocid[draft.ocid][11] == ""  # never published


def test_csv_neutralises_formulas(officer_client, sample):
    rows = read_csv(officer_client.get(export_url("csv")))
    assert '\'=HYPERLINK("http://evil.example")' in [row[1] for row in rows]


def test_export_applies_the_board_filters_and_any_status(officer_client, sample):
    open_one, expired, draft = sample
    rows = read_csv(officer_client.get(export_url("csv"), {"q": "碳化硅"}))
    assert [row[0] for row in rows[1:]] == [open_one.ocid]
    rows = read_csv(officer_client.get(export_url("csv"), {"status": "draft"}))
    assert [row[0] for row in rows[1:]] == [draft.ocid]
    rows = read_csv(officer_client.get(export_url("csv"), {"status": "closed"}))
    assert [row[0] for row in rows[1:]] == [expired.ocid]
    rows = read_csv(officer_client.get(export_url("csv"), {"status": "open", "page": "3"}))
    assert [row[0] for row in rows[1:]] == [open_one.ocid]
    rows = read_csv(officer_client.get(export_url("csv"), {"amount_min": "bad"}))
    assert len(rows) == 4


def test_export_speaks_the_officers_language(client, sample):
    open_one, _expired, _draft = sample
    client.force_login(bureau_officer())  # zh-hans, the default
    rows = read_csv(client.get(export_url("csv")))
    assert {row[0]: row[4] for row in rows[1:]}[open_one.ocid] == "集成电路"


def test_xlsx_opens_with_bold_header_and_rows(officer_client, sample):
    open_one, expired, draft = sample
    response = officer_client.get(export_url("xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert ".xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    assert sheet["A1"].font.b
    assert sheet.column_dimensions["B"].width > 20
    by_ocid = {row[0]: row for row in rows[1:]}
    assert set(by_ocid) == {open_one.ocid, expired.ocid, draft.ocid}
    row = by_ocid[open_one.ocid]
    assert row[1:6] == (
        "碳化硅衬底",
        "常州半导体有限公司",
        open_one.issuer.credit_code,
        "Integrated circuits",
        "Open for bids",
    )
    assert row[6:10] == (800, 600, 200, 24)
    assert row[10] == datetime(2099, 5, 1, 0, 30)  # noqa: DTZ001  (local wall-clock time)
    assert row[12] == 3
    # A title that looks like a formula stays text.
    formula_cell = next(c for c in sheet["B"] if c.value and c.value.startswith("=HYPERLINK"))
    assert formula_cell.data_type == "s"


def test_export_sorted_by_deadline_lists_open_ones_first(officer_client, sample):
    open_one, expired, draft = sample
    rows = read_csv(officer_client.get(export_url("csv"), {"sort": "deadline"}))
    assert [row[0] for row in rows[1:]] == [open_one.ocid, draft.ocid, expired.ocid]


def test_export_query_count_does_not_grow_with_rows(officer_client, django_assert_max_num_queries):
    for n in range(30):
        make_challenge(title=f"榜单{n}", indicators=["甲", "乙"])
    with django_assert_max_num_queries(11):
        response = officer_client.get(export_url("xlsx"), {"sort": "deadline"})
    assert len(list(load_workbook(io.BytesIO(response.content)).active.iter_rows())) == 31

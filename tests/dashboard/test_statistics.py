"""The statistics reported upward (dashboard/statistics.py): figures per call, per year and
overall checked against the data, the Excel export opened and read cell by cell, who may
download it, and a number of queries that does not grow with the data."""

import io
import itertools
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.credit_code import make_credit_code
from bounty.bids import services as bid_services
from bounty.models import (
    Call,
    Challenge,
    ChallengeStatus,
    Disbursement,
    PaymentStatus,
    Tranche,
)
from dashboard.charts import bar_chart
from dashboard.statistics import call_statistics, origin_of
from tests.bounty.bids.helpers import complete_bid, team
from tests.bounty.helpers import draft, published
from tests.dashboard.test_dashboard import running_project
from tests.factories import OrganizationFactory, UserFactory, member_of

pytestmark = pytest.mark.django_db
THIS_YEAR = timezone.localdate().year
_serial = itertools.count(700000000)


def read(sheet):
    """The rows under the headings, numbers as Decimal (openpyxl reads them as floats)."""
    return [
        tuple(Decimal(str(v)) if isinstance(v, float) else v for v in row)
        for row in sheet.iter_rows(min_row=3, values_only=True)
    ]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.JIEBANG = {**settings.JIEBANG, "CITY_REGION_CODE": "3204"}
    settings.JIEBANG["PROVINCE_REGION_CODE"] = "32"


def make_call(year, batch, by, name):
    opens = timezone.now() - timedelta(days=60)
    return Call.objects.create(
        name=name,
        year=year,
        batch=batch,
        needs_opens_at=opens,
        needs_closes_at=opens + timedelta(days=20),
        bids_close_at=opens + timedelta(days=90),
        created_by=by,
    )


def bidder(kind, region):
    """A verified bidding organisation whose credit code carries ``region``."""
    code = make_credit_code(f"91{region}{next(_serial):09d}")
    org = OrganizationFactory(kind=kind, verified=True, credit_code=code)
    return member_of(org, "bidder", is_admin=True), org


def dataset():
    """Call A (this year): a contracted challenge with its running project (one milestone on
    time, one overdue; some payments confirmed), a draft, a need recommended by 武进区, a
    published need bid for by a university (local), an institute (same province) and a
    firm (outside; its bid withdrawn after another). Call B (last year): one submitted need.
    Outside any call: a need submitted in 2023."""
    project, _team, _issuer, officer = running_project()
    call_a = make_call(THIS_YEAR, 1, officer, "2026年第一批揭榜挂帅")
    call_b = make_call(THIS_YEAR - 1, 1, officer, "上一年揭榜挂帅")
    district = OrganizationFactory(kind="district_bureau", verified=True, name="武进区科技局")
    now = timezone.now()
    Challenge.objects.filter(pk=project.challenge_id).update(call=call_a)

    not_collected = draft()
    recommended = draft(title="精密减速器寿命提升")
    recommended.issuer.district = district
    recommended.issuer.save()
    Challenge.objects.filter(pk__in=[not_collected.pk]).update(call=call_a)
    Challenge.objects.filter(pk=recommended.pk).update(
        call=call_a, status=ChallengeStatus.RECOMMENDED, submitted_at=now, recommended_at=now
    )
    open_need = published(
        officer=officer,
        title="碳化硅功率模块封装",
        bounty_total=Decimal("500.00"),
        enterprise_funds=Decimal("300.00"),
        government_funds=Decimal("200.00"),
    )
    Challenge.objects.filter(pk=open_need.pk).update(call=call_a, recommended_at=now)
    for kind, region in (
        ("university", "320400"),
        ("institute", "320100"),
        ("enterprise", "110000"),
    ):
        bid = complete_bid(open_need, *bidder(kind, region))
        bid_services.bid_submit(bid=bid, by=bid.created_by)
    withdrawn = complete_bid(open_need, *team("enterprise"))
    bid_services.bid_submit(bid=withdrawn, by=withdrawn.created_by)
    bid_services.bid_withdraw(bid=withdrawn, by=withdrawn.created_by)

    last_year = draft(title="上一年的需求")
    Challenge.objects.filter(pk=last_year.pk).update(
        call=call_b, status=ChallengeStatus.SUBMITTED, submitted_at=now
    )
    old = draft(title="2023年的需求")
    Challenge.objects.filter(pk=old.pk).update(
        status=ChallengeStatus.SUBMITTED,
        submitted_at=now,
        created_at=datetime(2023, 5, 1, tzinfo=UTC),
    )
    return project, officer, call_a, call_b


def expected_funds(project):
    tranches = list(Tranche.objects.filter(project=project))
    confirmed = list(
        Disbursement.objects.filter(tranche__project=project, status=PaymentStatus.CONFIRMED)
    )
    return {
        "amount": sum(t.amount for t in tranches),
        "enterprise": sum(t.enterprise_part for t in tranches),
        "government": sum(t.government_part for t in tranches),
        "disbursed": sum(d.amount for d in confirmed),
        "disbursed_government": sum(d.amount for d in confirmed if d.part == "government"),
    }


def test_origin_from_the_credit_code_region():
    assert origin_of("320412") == "local"
    assert origin_of("320100") == "province"
    assert origin_of("110000") == "outside"
    assert origin_of("") == "outside"


def test_chart_is_an_image_with_its_name_and_a_table():
    html = str(bar_chart("需求<数>", [("征集", 3), ("发布", Decimal("2.50"))], value_heading="件"))
    assert 'role="img"' in html
    assert '<title id="' in html
    assert "aria-labelledby=" in html
    assert "需求&lt;数&gt;" in html
    assert "<script" not in html
    assert '<th scope="row">发布</th><td>2.5</td>' in html


def test_figures_per_call_year_and_overall_and_the_export(client, django_assert_max_num_queries):
    # The number of queries does not depend on the data: counted on an empty database, then
    # pinned on the full one.
    with CaptureQueriesContext(connection) as empty:
        call_statistics()
    project, officer, call_a, call_b = dataset()
    with django_assert_max_num_queries(len(empty.captured_queries)):
        stats = call_statistics(call=call_a)
    funds = expected_funds(project)

    n = stats["needs"]
    assert (n["collected"], n["recommended"], n["published"]) == (3, 2, 2)
    assert (n["bounty"], n["enterprise"], n["government"]) == (1300, 900, 400)
    assert n["leverage"] == Decimal("2.25")
    districts = {r["name"]: r for r in stats["needs_by_district"]}
    assert districts["武进区科技局"]["recommended"] == 1
    assert stats["needs_by_industry"][0]["published"] == 2

    b = stats["bids"]
    assert (b["totals"]["bids"], b["totals"]["bidders"], b["totals"]["awards"]) == (4, 4, 1)
    kinds = {r["kind"]: r for r in b["by_kind"]}
    assert (kinds["university"]["bids"], kinds["university"]["awards"]) == (2, 1)
    assert kinds["university"]["origins"] == {"local": 2, "province": 0, "outside": 0}
    assert (kinds["institute"]["bidders"], kinds["enterprise"]["bidders"]) == (1, 1)
    assert kinds["new_rd"]["bids"] == 0
    origins = {r["origin"]: r["bidders"] for r in b["by_origin"]}
    assert origins == {"local": 2, "province": 1, "outside": 1}

    p = stats["projects"]
    assert (p["awards"], p["contracts"], p["outcomes"]["running"], p["pass_rate"]) == (
        1,
        1,
        1,
        None,
    )
    f = stats["funds"]
    assert f["committed"] == {k: funds[k] for k in ("amount", "enterprise", "government")}
    assert f["disbursed"]["amount"] == funds["disbursed"] > 0
    assert f["disbursed"]["government"] == funds["disbursed_government"]
    assert f["contracts_by_year"] == [
        {
            "year": THIS_YEAR,
            "contracts": 1,
            "amount": funds["amount"],
            "enterprise": funds["enterprise"],
            "government": funds["government"],
        }
    ]
    m = stats["milestones"]
    assert (m["on_time"], m["late"], m["overdue"], m["rate"]) == (1, 0, 1, 50)

    # By year: a call's needs count in the call's year, others in the year they were made.
    assert call_statistics(call=call_b)["needs"]["collected"] == 1
    assert call_statistics(year=THIS_YEAR - 1)["needs"]["collected"] == 1
    assert call_statistics(year=2023)["needs"]["collected"] == 1
    assert call_statistics(year=THIS_YEAR)["needs"]["collected"] == 3
    everything = call_statistics()
    assert everything["needs"]["collected"] == 5
    assert everything["bids"]["totals"]["bids"] == 4
    assert call_statistics(call=call_b)["bids"]["totals"]["bids"] == 0

    # The export of call A, cell by cell.
    client.force_login(officer)
    url = reverse("dashboard:statistics_export")
    with django_assert_max_num_queries(25):
        response = client.get(url, {"call": call_a.code})
    assert response.status_code == 200
    name = f"揭榜挂帅统计_{call_a.code}.xlsx"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    assert f"filename*=UTF-8''{quote(name)}" in disposition
    assert f'filename="jiebang-statistics_{call_a.code}.xlsx"' in disposition
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) == 7
    summary, needs, by_district, bidders, projects, contracts, acceptance = book.worksheets
    for sheet in book.worksheets:
        assert call_a.name in sheet["A1"].value
        assert timezone.localdate().isoformat() in sheet["A1"].value
        assert sheet.freeze_panes == "A3"
        assert sheet.column_dimensions["A"].width >= 26
    assert "A1:B1" in {str(r) for r in summary.merged_cells.ranges}
    values = [row[1] for row in read(summary)]
    assert values[:9] == [3, 2, 2, 1300, 900, 400, Decimal("2.25"), 4, 4]
    assert values[9:14] == [1, 1, funds["amount"], funds["enterprise"], funds["government"]]
    assert values[14] == funds["disbursed"]
    assert values[16] == funds["disbursed_government"]
    assert values[18:22] == [1, 0, 1, 50]
    assert summary["B6"].number_format == "#,##0.00"

    need_rows = read(needs)
    assert need_rows[0][1:7] == (3, 2, 2, 1300, 900, 400)  # the one industry
    assert need_rows[-1][1:8] == (3, 2, 2, 1300, 900, 400, Decimal("2.25"))  # total
    district_rows = {r[0]: r for r in read(by_district)}
    assert district_rows["武进区科技局"][1:4] == (1, 1, 0)

    bidder_rows = read(bidders)
    # Kinds in order: university, institute, new-type R&D, enterprise; then the total.
    assert [r[1:] for r in bidder_rows] == [
        (2, 2, 2, 0, 0, 1),
        (1, 1, 0, 1, 0, 0),
        (0, 0, 0, 0, 0, 0),
        (1, 1, 0, 0, 1, 0),
        (4, 4, 2, 1, 1, 1),
    ]
    (project_row,) = read(projects)
    assert project_row[0] == project.challenge.ocid
    assert project_row[2] == project.bid.lead.name
    assert project_row[4] == timezone.localdate().isoformat()
    assert (project_row[5], project_row[6]) == (funds["amount"], funds["disbursed"])
    contract_rows = read(contracts)
    assert contract_rows[0] == (
        str(THIS_YEAR),
        1,
        funds["amount"],
        funds["enterprise"],
        funds["government"],
    )
    assert contract_rows[-1][1:] == (1, funds["amount"], funds["enterprise"], funds["government"])
    outcome_rows = read(acceptance)
    assert [r[1] for r in outcome_rows[:3]] == [0, 0, 0]  # passed, 结题, failed
    assert outcome_rows[5][1] == 1  # running
    assert outcome_rows[-1][1] == 1  # total

    # The whole lot and a year: named by the year, or 全部.
    response = client.get(url, {"year": THIS_YEAR - 1})
    assert quote(f"揭榜挂帅统计_{THIS_YEAR - 1}.xlsx") in response["Content-Disposition"]
    year_book = load_workbook(io.BytesIO(response.content))
    assert year_book.worksheets[0]["B3"].value == 1
    assert quote("揭榜挂帅统计_全部.xlsx") in client.get(url)["Content-Disposition"]
    assert client.get(url, {"call": "1999-9"}).status_code == 404

    # The dashboard shows the call filter, the figures and the charts with their tables.
    page = client.get(reverse("dashboard:bureau"), {"call": call_a.code})
    body = page.content.decode()
    assert f'<option value="{call_a.code}" selected>' in body
    assert body.count('<svg class="chart" role="img"') == 7
    assert body.count("chart-table") == 7
    assert f"{url}?call={call_a.code}&amp;year=&amp;industry=" in body


def test_only_bureau_officers_get_the_statistics(client):
    url = reverse("dashboard:statistics_export")
    assert client.get(url).status_code == 404
    for role in ("bidder", "issuer"):
        client.force_login(member_of(OrganizationFactory(verified=True), role))
        assert client.get(url).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404

"""Expert fees (专家咨询费): recorded per completed panel by the bureau for each expert who
served, computed from the settings (rate per day by title level, later days reduced, a cap),
changed with a reason, exported per panel or per period as .xlsx."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from accounts.exceptions import ActionRefused, StaleState
from audit.models import AuditEvent
from review.fees import services as fees
from review.models import Expert, ExpertFee, FeeLevel, PanelFees
from tests.bounty.projects.test_services import active_project, open_window, report
from tests.review.draw.helpers import run_panel, supervisor

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.JIEBANG = {
        **settings.JIEBANG,
        "EXPERT_FEE_PER_DAY": {"senior": 2000, "other": 1200},
        "EXPERT_FEE_FULL_DAYS": 2,
        "EXPERT_FEE_LATER_DAY_PERCENT": 50,
        "EXPERT_FEE_CAP": 8000,
    }


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def panel():
    """A milestone panel of five: four gave their opinion, one accepted but gave none."""
    project, team, _issuer, officer = active_project()
    milestone = open_window(project.milestones.get(number=1))
    report(milestone, team)
    draw = run_panel(milestone, officer, ["met", "met", "not_met", "met", None])
    seats = list(draw.seats.filter(on_panel=True).order_by("rank"))
    # One expert of an intermediate title (the "other" rate).
    Expert.objects.filter(pk=seats[0].expert_id).update(title="intermediate")
    return draw, officer, seats


def test_fee_rules_from_the_settings():
    assert fees.fee_compute(FeeLevel.SENIOR, Decimal(1)) == Decimal("2000.00")
    assert fees.fee_compute(FeeLevel.OTHER, Decimal("1.5")) == Decimal("1800.00")
    # Third day and later at 50 %: 2 × 2000 + 2 × 1000.
    assert fees.fee_compute(FeeLevel.SENIOR, Decimal(4)) == Decimal("6000.00")
    assert fees.fee_compute(FeeLevel.SENIOR, Decimal(10)) == Decimal("8000.00")  # the cap


def test_bureau_records_the_fees_of_the_experts_who_served(panel):
    draw, officer, seats = panel
    held_on = timezone.localdate()
    fees.panel_fees_record(draw=draw, by=officer, held_on=held_on, days=Decimal(1))
    recorded = {f.seat_id: f for f in ExpertFee.objects.filter(panel__draw=draw)}
    assert set(recorded) == {s.pk for s in seats[:4]}  # not the one without an opinion
    assert (recorded[seats[0].pk].level, recorded[seats[0].pk].amount) == (
        FeeLevel.OTHER,
        Decimal("1200.00"),
    )
    assert recorded[seats[1].pk].amount == Decimal("2000.00")
    assert AuditEvent.objects.filter(action="fees.record", object_id=str(draw.pk)).exists()
    with pytest.raises(StaleState):  # once per panel
        fees.panel_fees_record(draw=draw, by=officer, held_on=held_on, days=Decimal(1))


def test_fee_refusals(panel):
    draw, officer, seats = panel
    today = timezone.localdate()
    for user in (seats[1].expert.user, supervisor()):
        with pytest.raises(ActionRefused, match="Only the bureau"):
            fees.panel_fees_record(draw=draw, by=user, held_on=today, days=Decimal(1))
    for days in (Decimal(0), Decimal("1.3"), Decimal(31)):
        with pytest.raises(ActionRefused, match="days of the meeting"):
            fees.panel_fees_record(draw=draw, by=officer, held_on=today, days=days)
    with pytest.raises(ActionRefused, match="not in the future"):
        fees.panel_fees_record(
            draw=draw, by=officer, held_on=today + timedelta(days=1), days=Decimal(1)
        )
    assert not PanelFees.objects.exists()


def test_no_fees_for_a_panel_where_nobody_served():
    project, team, _issuer, officer = active_project()
    milestone = open_window(project.milestones.get(number=1))
    report(milestone, team)
    draw = run_panel(milestone, officer, [None] * 5)
    with pytest.raises(ActionRefused, match="served"):
        fees.panel_fees_record(draw=draw, by=officer, held_on=timezone.localdate(), days=Decimal(1))


def test_a_fee_is_changed_with_a_reason_within_the_cap(panel):
    draw, officer, seats = panel
    fees.panel_fees_record(draw=draw, by=officer, held_on=timezone.localdate(), days=Decimal(1))
    fee = ExpertFee.objects.get(seat=seats[1])
    with pytest.raises(ActionRefused, match="reason"):
        fees.expert_fee_edit(fee=fee, by=officer, amount=Decimal(1000), reason=" ")
    with pytest.raises(ActionRefused, match="exceed"):
        fees.expert_fee_edit(fee=fee, by=officer, amount=Decimal(8001), reason="x")
    with pytest.raises(ActionRefused, match="negative"):
        fees.expert_fee_edit(fee=fee, by=officer, amount=Decimal(-1), reason="x")
    with pytest.raises(ActionRefused, match="Only the bureau"):
        fees.expert_fee_edit(fee=fee, by=seats[1].expert.user, amount=Decimal(1), reason="x")
    fees.expert_fee_edit(fee=fee, by=officer, amount=Decimal(1000), reason="只参加了半天会议")
    fee.refresh_from_db()
    assert (fee.amount, fee.computed, fee.reason) == (
        Decimal("1000.00"),
        Decimal("2000.00"),
        "只参加了半天会议",
    )
    event = AuditEvent.objects.get(action="fees.edit")
    assert (event.payload["from"], event.payload["to"]) == ("2000.00", "1000.00")


def test_fee_pages_and_exports_are_for_the_bureau(client, panel):
    draw, officer, seats = panel
    page = reverse("review:draw_fees", args=[draw.pk])
    for user in (seats[1].expert.user, supervisor()):
        client.force_login(user)
        assert client.get(page).status_code == 404
        assert client.get(reverse("review:fees")).status_code == 404
        assert client.get(reverse("review:fee_export")).status_code == 404
    officer.language = "en"
    officer.save(update_fields=["language"])
    client.force_login(officer)
    assert "Record the fees" in client.get(page).content.decode()
    # A refused record keeps what was typed.
    response = client.post(page, {"action": "record", "held_on": "2099-01-01", "days": "1.5"})
    assert response.status_code == 400
    assert "2099-01-01" in response.content.decode()
    held_on = timezone.localdate()
    response = client.post(
        page, {"action": "record", "held_on": held_on.isoformat(), "days": "1.5"}
    )
    assert response.status_code == 302
    assert ExpertFee.objects.count() == 4
    fee = ExpertFee.objects.get(seat=seats[2])
    response = client.post(page, {"action": "edit", "fee": fee.pk, "amount": "500", "reason": ""})
    assert response.status_code == 400
    response = client.post(
        page, {"action": "edit", "fee": fee.pk, "amount": "500", "reason": "提前离会"}
    )
    assert response.status_code == 302
    listing = client.get(reverse("review:fees")).content.decode()
    assert f"#{draw.pk}" in listing
    for query in (f"?draw={draw.pk}", f"?start={held_on}&end={held_on}"):
        response = client.get(reverse("review:fee_export") + query)
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][0] == "Meeting date"
        assert len(rows) == 5
        amounts = sorted(r[13] for r in rows[1:])
        assert amounts == [500.0, 1800.0, 3000.0, 3000.0]
    empty = client.get(reverse("review:fee_export") + "?start=2001-01-01&end=2001-12-31")
    assert len(list(load_workbook(io.BytesIO(empty.content)).active.iter_rows())) == 1

"""Money recorded by whoever pays it (DOMAIN §7 "added"): the issuer records its own
payments, the bureau the government's (财政), each with its bank slip; the team confirms
receipt or disputes; the payer corrects a disputed payment; a tranche is disbursed only when
confirmed payments cover it; the enterprise's funds arrive before the first government
payment (JIEBANG["ENTERPRISE_FUNDS_FIRST"])."""

import hashlib
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from accounts.exceptions import ActionRefused, StaleState
from accounts.models import Role
from audit.models import AuditEvent
from bounty.demo_payments import SLIP, pay, slip
from bounty.models import Disbursement, PaymentPart, PaymentStatus, TrancheStatus
from bounty.projects import payment_services as payments
from dashboard.selectors import bureau_figures
from notifications.models import Notification
from tests.bounty.projects.test_services import active_project
from tests.factories import OrganizationFactory, bureau_officer, member_of

pytestmark = pytest.mark.django_db

ENT, GOV = PaymentPart.ENTERPRISE, PaymentPart.GOVERNMENT


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _english():
    """Refusals are asserted in English (zh-Hans is the site's default)."""
    with translation.override("en"):
        yield


@pytest.fixture
def world():
    project, team, issuer, officer = active_project()
    first, second = project.tranches.get(number=0), project.tranches.get(number=1)
    return project, team, issuer, officer, first, second


def record(tranche, part, by, amount, **extra):
    return payments.payment_record(
        tranche=tranche,
        by=by,
        part=part,
        amount=Decimal(amount),
        paid_on=extra.pop("paid_on", timezone.localdate()),
        reference=extra.pop("reference", "BANK-1"),
        slip=extra.pop("slip", slip()),
        **extra,
    )


def enterprise_funds_arrived(world):
    """The issuer pays its part of tranche 1 ahead of its milestone; the team confirms."""
    _project, team, issuer, _officer, _first, second = world
    return pay(second, ENT, by=issuer, confirm_by=team)


# --- Who records what -----------------------------------------------------------------------


def test_issuer_records_its_own_payment_with_slip_and_team_confirms(world):
    _project, team, issuer, _officer, _first, second = world
    assert second.status == TrancheStatus.PENDING  # the enterprise may pay ahead
    payment = record(second, ENT, issuer, "100")
    assert payment.status == PaymentStatus.RECORDED
    assert payment.slip_sha256 == hashlib.sha256(SLIP).hexdigest()
    assert payment.slip_name == "银行回单.pdf"
    assert Notification.objects.filter(recipient=team, kind="project.payment_recorded").exists()
    assert AuditEvent.objects.filter(action="payment.record", object_id=str(payment.pk)).exists()
    payments.payment_confirm(payment=payment, by=team)
    payment.refresh_from_db()
    assert (payment.status, payment.answered_by) == (PaymentStatus.CONFIRMED, team)
    # The confirmation is the OCDS transaction's event, on the tranche.
    event = AuditEvent.objects.get(action="tranche.disburse")
    assert event.object_id == str(second.pk)
    assert event.payload["part"] == ENT
    assert Notification.objects.filter(recipient=issuer, kind="project.payment_confirmed").exists()
    second.refresh_from_db()
    assert second.status == TrancheStatus.PENDING  # not due yet, nothing more


def test_issuer_cannot_record_a_government_payment(world):
    _project, _team, issuer, _officer, first, _second = world
    with pytest.raises(ActionRefused, match="Only the bureau records payments of government"):
        record(first, GOV, issuer, "10")
    assert not Disbursement.objects.exists()


def test_bureau_cannot_record_an_enterprise_payment(world):
    _project, _team, _issuer, officer, _first, second = world
    with pytest.raises(ActionRefused, match="Only the issuing enterprise records"):
        record(second, ENT, officer, "10")
    assert not Disbursement.objects.exists()


def test_the_team_and_outsiders_record_nothing(world):
    _project, team, _issuer, _officer, first, second = world
    outsider = member_of(OrganizationFactory(kind="enterprise", verified=True), Role.ISSUER)
    for user, tranche, part in ((team, first, GOV), (team, second, ENT), (outsider, second, ENT)):
        with pytest.raises(ActionRefused):
            record(tranche, part, user, "1")
    assert not Disbursement.objects.exists()


def test_government_part_only_once_the_tranche_is_due(world, settings):
    settings.JIEBANG = {**settings.JIEBANG, "ENTERPRISE_FUNDS_FIRST": False}
    _project, _team, _issuer, officer, _first, second = world
    with pytest.raises(ActionRefused, match="not payable now"):
        record(second, GOV, officer, "1")


# --- Amounts --------------------------------------------------------------------------------


def test_a_payment_cannot_exceed_what_remains_of_its_part(world, settings):
    settings.JIEBANG = {**settings.JIEBANG, "ENTERPRISE_FUNDS_FIRST": False}
    _project, _team, issuer, officer, first, second = world
    assert first.enterprise_part == 0
    with pytest.raises(ActionRefused, match="remain to be paid"):
        record(first, GOV, officer, str(first.government_part + Decimal("0.0001")))
    with pytest.raises(ActionRefused, match="remain to be paid"):
        record(first, ENT, issuer, "1")  # the first payment has no enterprise part
    record(first, GOV, officer, "100")
    # A recorded payment counts against the part before it is confirmed.
    with pytest.raises(ActionRefused, match="remain to be paid"):
        record(first, GOV, officer, str(first.government_part - 99))
    assert payments.part_remaining(first, GOV) == first.government_part - 100
    half = second.enterprise_part / 2
    record(second, ENT, issuer, str(half))
    with pytest.raises(ActionRefused, match="remain to be paid"):
        record(second, ENT, issuer, str(second.enterprise_part - half + 1))
    for amount in ("0", "-5"):
        with pytest.raises(ActionRefused, match="positive"):
            record(second, ENT, issuer, amount)


def test_the_slip_is_checked_by_content_and_required(world):
    _project, _team, issuer, _officer, _first, second = world
    with pytest.raises(ActionRefused):
        record(second, ENT, issuer, "1", slip=SimpleUploadedFile("回单.pdf", b"MZ not a pdf"))
    with pytest.raises(ActionRefused, match="bank slip"):
        record(second, ENT, issuer, "1", slip=None)
    with pytest.raises(ActionRefused, match="reference"):
        record(second, ENT, issuer, "1", reference="  ")
    with pytest.raises(ActionRefused, match="once it is made"):
        record(second, ENT, issuer, "1", paid_on=timezone.localdate().replace(year=2099))
    assert not Disbursement.objects.exists()


# --- The enterprise's funds first -----------------------------------------------------------


def test_no_government_payment_before_the_enterprise_funds_arrived(world):
    project, team, issuer, officer, first, second = world
    with pytest.raises(ActionRefused, match="enterprise's funds must have arrived first"):
        record(first, GOV, officer, "10")
    ahead = record(second, ENT, issuer, "50")
    with pytest.raises(ActionRefused, match="arrived first"):  # recorded is not arrived
        record(first, GOV, officer, "10")
    payments.payment_confirm(payment=ahead, by=team)
    record(first, GOV, officer, "10")
    # Only the first government payment waits: the next ones do not ask again.
    assert not payments.waits_for_enterprise_funds(project)


def test_enterprise_funds_first_can_be_switched_off(world, settings):
    settings.JIEBANG = {**settings.JIEBANG, "ENTERPRISE_FUNDS_FIRST": False}
    _project, _team, _issuer, officer, first, _second = world
    assert record(first, GOV, officer, "10").status == PaymentStatus.RECORDED


# --- The team's answer ----------------------------------------------------------------------


def test_only_the_team_confirms_or_disputes(world):
    _project, _team, issuer, officer, _first, second = world
    payment = record(second, ENT, issuer, "10")
    other_team = member_of(OrganizationFactory(kind="university", verified=True), Role.BIDDER)
    for user in (issuer, officer, other_team, bureau_officer()):
        with pytest.raises(ActionRefused, match="Only the project team"):
            payments.payment_confirm(payment=payment, by=user)
        with pytest.raises(ActionRefused, match="Only the project team"):
            payments.payment_dispute(payment=payment, by=user, reason="未到账")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.RECORDED


def test_confirming_twice_is_refused(world):
    _project, team, issuer, _officer, _first, second = world
    payment = record(second, ENT, issuer, "10")
    payments.payment_confirm(payment=payment, by=team)
    with pytest.raises(StaleState):
        payments.payment_confirm(payment=payment, by=team)
    with pytest.raises(StaleState):
        payments.payment_dispute(payment=payment, by=team, reason="x")
    assert AuditEvent.objects.filter(action="tranche.disburse").count() == 1


def test_disputed_payment_is_corrected_by_the_payer_with_a_new_record(world):
    _project, team, issuer, officer, first, _second = world
    enterprise_funds_arrived(world)
    wrong = record(first, GOV, officer, str(first.government_part), reference="WRONG")
    with pytest.raises(ActionRefused, match="Say what is wrong"):
        payments.payment_dispute(payment=wrong, by=team, reason=" ")
    payments.payment_dispute(payment=wrong, by=team, reason="账户未收到该笔资金")
    wrong.refresh_from_db()
    assert (wrong.status, wrong.dispute_reason) == (PaymentStatus.DISPUTED, "账户未收到该笔资金")
    assert Notification.objects.filter(recipient=officer, kind="project.payment_disputed").exists()
    # A disputed payment frees its part; the issuer cannot correct the bureau's payment.
    assert payments.part_remaining(first, GOV) == first.government_part
    with pytest.raises(ActionRefused):
        record(first, GOV, issuer, "1", corrects=wrong)
    fixed = record(first, GOV, officer, str(first.government_part), corrects=wrong)
    assert fixed.corrects == wrong
    with pytest.raises(StaleState, match="already corrected"):
        record(first, GOV, officer, "1", corrects=wrong)
    with pytest.raises(StaleState, match="Only a disputed payment"):
        record(first, GOV, officer, "1", corrects=fixed)
    first.refresh_from_db()
    assert first.status == TrancheStatus.ELIGIBLE  # recorded, not yet confirmed
    payments.payment_confirm(payment=fixed, by=team)
    first.refresh_from_db()
    assert first.status == TrancheStatus.DISBURSED


def test_a_tranche_is_disbursed_only_when_confirmed_payments_cover_it(world):
    _project, team, _issuer, officer, first, _second = world
    enterprise_funds_arrived(world)
    a = record(first, GOV, officer, "100")
    b = record(first, GOV, officer, str(first.government_part - 100))
    payments.payment_confirm(payment=a, by=team)
    first.refresh_from_db()
    assert first.status == TrancheStatus.ELIGIBLE
    payments.payment_confirm(payment=b, by=team)
    first.refresh_from_db()
    assert first.status == TrancheStatus.DISBURSED
    with pytest.raises(ActionRefused):  # nothing left, and no longer payable
        record(first, GOV, officer, "1")


def test_enterprise_funds_paid_ahead_settle_the_tranche_when_it_falls_due(world):
    """A tranche with no government part (FIRST_PAYMENT_PERCENT 100) paid ahead by the
    enterprise is disbursed as soon as its milestone is met."""
    from bounty.projects import services as projects
    from tests.bounty.projects.test_services import open_window, report

    project, team, issuer, officer, _first, second = world
    type(second).objects.filter(pk=second.pk).update(
        government_part=0, amount=second.enterprise_part
    )
    second.refresh_from_db()
    pay(second, ENT, by=issuer, confirm_by=team)
    milestone = open_window(project.milestones.get(number=1))
    report(milestone, team)
    projects.milestone_assess(milestone=milestone, by=issuer, met=True, comment="同意")
    projects.milestone_assess(milestone=milestone, by=officer, met=True, comment="达到")
    second.refresh_from_db()
    assert second.status == TrancheStatus.DISBURSED


def test_bureau_figures_count_confirmed_payments_only(world):
    _project, team, _issuer, officer, first, _second = world
    confirmed = enterprise_funds_arrived(world)
    record(first, GOV, officer, "100")  # recorded, awaiting the team
    disputed = record(first, GOV, officer, "5")
    payments.payment_dispute(payment=disputed, by=team, reason="金额不符")
    assert bureau_figures()["totals"]["disbursed"] == confirmed.amount


# --- Pages ----------------------------------------------------------------------------------


def test_project_page_offers_each_party_its_forms_and_keeps_typed_text(client, world):
    project, team, issuer, officer, _first, second = world
    for user in (team, issuer, officer):  # pages in English (the account's language wins)
        type(user).objects.filter(pk=user.pk).update(language="en")
    url = project.get_absolute_url()
    action = reverse("bounty:payment_action", args=[project.pk])
    client.force_login(issuer)
    page = client.get(url).content.decode()
    assert "Record a payment of the enterprise funds" in page
    assert "Record a payment of the government funds" not in page
    # A refused payment: the page again, 400, with what was typed.
    response = client.post(
        action,
        {
            "action": "pay",
            "tranche": second.pk,
            "part": ENT,
            "amount": str(second.enterprise_part + 1),
            "paid_on": timezone.localdate().isoformat(),
            "reference": "TYPED-REF-42",
            "slip": slip(),
        },
    )
    assert response.status_code == 400
    assert "TYPED-REF-42" in response.content.decode()
    assert not Disbursement.objects.exists()
    response = client.post(
        action,
        {
            "action": "pay",
            "tranche": second.pk,
            "part": ENT,
            "amount": "10",
            "paid_on": timezone.localdate().isoformat(),
            "reference": "REF-1",
            "slip": slip(),
        },
    )
    assert response.status_code == 302
    payment = Disbursement.objects.get()
    download = reverse("bounty:payment_slip", args=[payment.pk])
    assert client.get(download).status_code == 200
    client.force_login(officer)
    page = client.get(url).content.decode()
    assert "Record a payment of the government funds" in page
    assert "funds arrive first)" in page
    assert "Confirm receipt" not in page
    client.force_login(team)
    page = client.get(url).content.decode()
    assert "Confirm receipt" in page
    assert "Record a payment" not in page
    assert client.post(action, {"action": "confirm", "payment": payment.pk}).status_code == 302
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CONFIRMED
    response = client.post(action, {"action": "confirm", "payment": payment.pk})
    assert response.status_code == 400  # twice: refused, the page says so
    outsider = member_of(OrganizationFactory(verified=True), Role.BIDDER)
    client.force_login(outsider)
    assert client.get(download).status_code == 404
    assert client.post(action, {"action": "confirm", "payment": payment.pk}).status_code == 404


def test_ocds_transactions_come_from_confirmed_payments_and_name_the_payer():
    from opendata.ocds.packages import release_package
    from opendata.validation import package_errors, release_errors
    from tests.opendata.helpers import contracted, meet_milestone, pay_first_tranche

    challenge, _bids, officer, project = contracted()
    team, issuer = project.bid.created_by, challenge.created_by
    meet_milestone(project.milestones.get(number=1), team=team, issuer=issuer, officer=officer)
    pay_first_tranche(project, officer, amount=Decimal("60.5"))
    recorded = pay(project.tranches.get(number=1), GOV, by=officer)  # not confirmed: no release
    data = release_package(challenge)
    assert package_errors(data) == []
    for release in data["releases"]:
        assert release_errors(release) == []
    transactions = [
        t
        for r in data["releases"]
        for c in r.get("contracts", [])
        for t in c.get("implementation", {}).get("transactions", [])
    ]
    issuer_id = f"CN-USCI-{challenge.issuer.credit_code}"
    assert [t["payer"]["id"] == issuer_id for t in transactions] == [True, False]
    assert transactions[1]["value"] == {"amount": 605000, "currency": "CNY"}
    payments.payment_dispute(payment=recorded, by=team, reason="未到账")
    assert len(release_package(challenge)["releases"]) == len(data["releases"])

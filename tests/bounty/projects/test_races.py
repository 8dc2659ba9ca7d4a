"""Two officers recording the last payment of a tranche at once: one is refused, the total
never exceeds the tranche (PostgreSQL: real concurrent connections)."""

from decimal import Decimal

import pytest
from django.db import connection  # noqa: F401  (read by the skipif condition)
from django.db.models import Sum
from django.utils import timezone

from bounty.demo_payments import slip
from bounty.models import Disbursement, PaymentPart, TrancheStatus
from bounty.projects import payment_services as payments
from tests.bounty.bids.test_races import run_threads
from tests.bounty.projects.test_services import active_project
from tests.factories import bureau_officer

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        "connection.vendor != 'postgresql'", reason="row locks and races need PostgreSQL"
    ),
]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_concurrent_payments_never_exceed_the_tranche(settings):
    project, _team, _issuer, officer = active_project()
    other = bureau_officer()
    settings.JIEBANG = {**settings.JIEBANG, "ENTERPRISE_FUNDS_FIRST": False}
    tranche = project.tranches.get(number=0)
    amount = tranche.amount - Decimal("1")

    def pay(user, reference):
        return lambda: payments.payment_record(
            tranche=tranche,
            by=user,
            part=PaymentPart.GOVERNMENT,
            amount=amount,
            paid_on=timezone.localdate(),
            reference=reference,
            slip=slip(),
        )

    results = run_threads([pay(officer, "A"), pay(other, "B")])
    assert sorted(r[0] for r in results) == ["ok", "refused"]
    paid = Disbursement.objects.filter(tranche=tranche).aggregate(s=Sum("amount"))["s"]
    assert paid == amount <= tranche.amount
    tranche.refresh_from_db()
    assert tranche.status == TrancheStatus.ELIGIBLE  # recorded, not confirmed; 1 still to pay


def test_concurrent_eliminations_give_the_continuation_once_to_the_last_survivor():
    """Review M3: two of three teams eliminated at once. Each elimination locks the challenge
    row first, so the second sees one survivor and gives it the whole continuation (without
    the lock both saw two survivors and the continuation was never given)."""
    from bounty.models import Tranche
    from bounty.projects import closing
    from tests.bounty.projects.test_horse_race import horse_race
    from tests.factories import make_meeting

    (a, b, c), officer = horse_race(teams=3, share=Decimal("200.00"))

    meeting = make_meeting(by=officer)

    def eliminate(project):
        return lambda: closing.project_terminate(
            project=project, by=officer, outcome="eliminated", reason="淘汰", meeting=meeting
        )

    results = run_threads([eliminate(a), eliminate(b)])
    assert [r[0] for r in results] == ["ok", "ok"]
    added = list(Tranche.objects.filter(continuation=True))
    assert [(t.project_id, t.amount) for t in added] == [(c.pk, Decimal("200.0000"))]

"""Two officers recording the last payment of a tranche at once: one is refused, the total
never exceeds the tranche (PostgreSQL: real concurrent connections)."""

from decimal import Decimal

import pytest
from django.db import connection  # noqa: F401  (read by the skipif condition)
from django.db.models import Sum
from django.utils import timezone

from bounty.models import Disbursement, TrancheStatus
from bounty.projects import services as projects
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


def test_concurrent_payments_never_exceed_the_tranche():
    project, _team, _issuer, officer = active_project()
    other = bureau_officer()
    tranche = project.tranches.get(number=0)
    amount = tranche.amount - Decimal("1")

    def pay(user, reference):
        return lambda: projects.disbursement_record(
            tranche=tranche,
            by=user,
            amount=amount,
            paid_on=timezone.localdate(),
            reference=reference,
        )

    results = run_threads([pay(officer, "A"), pay(other, "B")])
    assert sorted(r[0] for r in results) == ["ok", "refused"]
    paid = Disbursement.objects.filter(tranche=tranche).aggregate(s=Sum("amount"))["s"]
    assert paid == amount <= tranche.amount
    tranche.refresh_from_db()
    assert tranche.status == TrancheStatus.ELIGIBLE  # 1 × 10k yuan still to pay

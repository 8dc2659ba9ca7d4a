"""Challenges written straight to the database in any status (board and export tests).

The status FSM field is protected: it is given at construction, never assigned.
Use ``tests/bounty/helpers.py`` when the test is about the services themselves.
"""

import itertools
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from bounty.models import PUBLIC_STATUSES, Challenge, ChallengeStatus, Indicator, Industry
from tests.factories import OrganizationFactory, UserFactory

_numbers = itertools.count(1)

DEFAULT_INDICATORS = ("循环寿命容量保持率", "比容量")


def industry(code="new-materials"):
    """One of the industries migration bounty/0002 seeds."""
    return Industry.objects.get(code=code)


def issuer_org(**kwargs):
    kwargs.setdefault("kind", "enterprise")
    return OrganizationFactory(verified=True, **kwargs)


def make_challenge(
    *,
    status=ChallengeStatus.PUBLISHED,
    title="高镍正极材料循环寿命提升",
    problem="现有高镍三元正极在 45℃ 下循环 1000 次后容量保持率不足 80%。",
    indicators=DEFAULT_INDICATORS,
    issuer=None,
    created_by=None,
    industry_code="new-materials",
    bounty_total=Decimal("500.00"),
    deadline_in=timedelta(days=30),
    published_ago=timedelta(days=10),
    **fields,
):
    """Create a challenge row in ``status`` with its indicators and search text.

    ``deadline_in`` is relative to now (negative: already passed);
    ``published_ago`` is ignored for statuses that were never published.
    """
    now = timezone.now()
    issuer = issuer or issuer_org()
    number = next(_numbers)
    was_published = status in PUBLIC_STATUSES or status == ChallengeStatus.WITHDRAWN
    values = {
        "issuer": issuer,
        "created_by": created_by or UserFactory(),
        "ocid": f"ocds-test-{number:06d}",
        "title": title,
        "industry": industry(industry_code) if industry_code else None,
        "problem": problem,
        "deliverable": "工艺包与样品",
        "bounty_total": bounty_total,
        "enterprise_funds": bounty_total,
        "government_funds": Decimal("0.00") if bounty_total is not None else None,
        "period_months": 24,
        "bid_deadline": now + deadline_in if deadline_in is not None else None,
        "published_at": now - published_ago
        if was_published and published_ago is not None
        else None,
        "status": status,
    }
    values.update(fields)
    values["search_text"] = "\n".join(
        part for part in (title, problem, values["deliverable"], *indicators, issuer.name) if part
    ).lower()
    challenge = Challenge.objects.create(**values)
    Indicator.objects.bulk_create(
        Indicator(challenge=challenge, position=n, name=name, target_value=Decimal("1"))
        for n, name in enumerate(indicators)
    )
    return challenge

"""Property-based: over random pools and relationships, no drawn expert ever violates a
hard rule, the panel constraints hold, and the same inputs give the same panel."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.exceptions import ActionRefused
from review import verify_draw as algo
from review.draw.services import bundle
from review.models import Conflict, Draw, Relationship
from tests.review.draw.helpers import closed_challenge_with_bids, make_expert, run_draw

pytestmark = pytest.mark.django_db


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    links=st.lists(
        st.tuples(st.sampled_from(["employed", "former", "issuer", "free"]), st.integers(0, 1)),
        min_size=14,
        max_size=22,
    ),
    financial=st.integers(0, 3),
)
def test_drawn_experts_never_violate_hard_rules(links, financial):
    from django.db import transaction

    with transaction.atomic():
        challenge, bids, officer = closed_challenge_with_bids(2)
        blocked = set()
        for n, (link, which) in enumerate(links):
            code = bids[which].lead.credit_code
            kind = "financial" if n < financial else "technical"
            if link == "employed":
                blocked.add(make_expert(employer_code=code, kind=kind).pk)
            elif link == "former":
                expert = make_expert(kind=kind)
                Relationship.objects.create(
                    expert=expert, kind="directorship", organization_code=code
                )
                blocked.add(expert.pk)
            elif link == "issuer":
                blocked.add(make_expert(employer_code=challenge.issuer.credit_code, kind=kind).pk)
            else:
                make_expert(kind=kind)
        free = len(links) - len(blocked)
        try:
            draw = run_draw(challenge, officer, params={"size": 5, "alternates": 3})
        except ActionRefused:
            # Refused only when the frozen pool truly cannot fill the panel.
            stuck = Draw.objects.get(challenge=challenge)
            assert stuck.pool_size <= free
            with pytest.raises(ValueError):
                algo.select(
                    stuck.pool,
                    algo.rank("00" * 32, stuck.pool),
                    stuck.params,
                    algorithm=stuck.algorithm,
                )
            transaction.set_rollback(True)
            return
        drawn = set(draw.seats.values_list("expert_id", flat=True))
        assert not drawn & blocked
        assert (
            set(Conflict.objects.filter(challenge=challenge).values_list("expert_id", flat=True))
            >= blocked
        )
        panel, _alternates = algo.select(
            draw.pool, draw.ranked, draw.params, algorithm=draw.algorithm
        )
        assert panel == [s.pseudonym for s in draw.seats.filter(rank__lte=5).order_by("rank")]
        assert algo.verify(bundle(draw)) == []
        transaction.set_rollback(True)

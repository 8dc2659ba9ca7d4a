"""What the benchmark measures. Later issues append scenarios to SCENARIOS.

A scenario is one GET request, repeated; ``user`` names the seeded user it
runs as (None: anonymous). Targets are per request, measured in-process
(server time: middleware, view, queries, template; no network).
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone


@dataclass(frozen=True)
class Scenario:
    name: str
    url_name: str
    params: dict = field(default_factory=dict)
    args: tuple = ()
    user: str | None = None
    target_ms: float = 20.0
    max_queries: int = 6


# Words the seed's lists guarantee (benchmarks/seed.py): "碳化硅" is in about 1 % of
# challenges, "良率" in about 17 %.
SEARCH_WORD = "碳化硅"
TODAY = timezone.localdate()

SCENARIOS = [
    Scenario("board: no filter, page 1", "bounty:board"),
    Scenario("board: no filter, page 50", "bounty:board", {"page": "50"}),
    Scenario("board: search one word", "bounty:board", {"q": SEARCH_WORD}),
    # Two-character words are common in Chinese and no trigram index serves them.
    Scenario("board: search a 2-character word", "bounty:board", {"q": "良率"}),
    Scenario("board: search two words", "bounty:board", {"q": "高性能 良率"}),
    Scenario("board: industry", "bounty:board", {"industry": "new-materials"}),
    Scenario("board: sort by bounty, highest first", "bounty:board", {"sort": "amount_desc"}),
    Scenario(
        "board: open + amount range + sort amount",
        "bounty:board",
        {"status": "open", "amount_min": "100", "amount_max": "1000", "sort": "amount_desc"},
    ),
    Scenario(
        "board: closed, sort deadline", "bounty:board", {"status": "closed", "sort": "deadline"}
    ),
    Scenario("board: all statuses, sort deadline", "bounty:board", {"sort": "deadline"}),
    Scenario(
        "board: all filters combined",
        "bounty:board",
        {
            "q": "材料",
            "industry": "new-materials",
            "status": "open",
            "amount_min": "50",
            "amount_max": "3000",
            "deadline_from": str(TODAY),
            "deadline_to": str(TODAY + timedelta(days=60)),
            "sort": "deadline",
        },
    ),
]

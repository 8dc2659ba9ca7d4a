"""What the benchmark measures: every page and service call timed is a scenario in SCENARIOS.

Two kinds of scenario, each run by its runner in ``run.py`` (``RUNNERS``):

* ``Page``: one GET request with the test client, repeated; ``user`` names the
  seeded user it runs as (None: anonymous). Server time: middleware, view,
  queries, template; no network.
* ``ServiceCall``: one call of a service function. ``prepare(n)`` builds the
  arguments of n calls beforehand (untimed), one set per call, because a
  service that changes state cannot be called twice on the same rows.

Both have ``target_ms`` (median) and ``max_queries`` (None: no query target;
the count is still reported), and optionally ``repeat`` and ``warmup``: timed
and untimed runs of this scenario when fewer than ``--repeat`` / ``--warmup``
(for slow scenarios such as a whole draw). A new kind is a dataclass here plus
a runner in run.py.
"""

from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass, field
from datetime import timedelta

from django.utils import timezone

from bounty.bids.services import bid_submit

from . import seed_bids, seed_experts, seed_scores


@dataclass(frozen=True)
class Scenario:
    name: str
    _: KW_ONLY
    target_ms: float = 20.0
    max_queries: int | None = 6
    repeat: int | None = None  # timed runs (None: --repeat); never more than --repeat
    warmup: int | None = None  # untimed runs first (None: --warmup); never more than --warmup


@dataclass(frozen=True)
class Page(Scenario):
    url_name: str
    params: dict = field(default_factory=dict)
    args: tuple | Callable[[], tuple] = ()  # a callable: called once the data is seeded
    user: str | None = None


@dataclass(frozen=True)
class ServiceCall(Scenario):
    service: Callable[..., object]
    prepare: Callable[[int], list[dict]]  # n → n keyword-argument dicts, one per call


# Words the seed's lists guarantee (benchmarks/seed.py): "碳化硅" is in about 1 % of
# challenges, "良率" in about 17 %.
SEARCH_WORD = "碳化硅"
TODAY = timezone.localdate()

SCENARIOS = [
    Page("board: no filter, page 1", "bounty:board"),
    Page("board: no filter, page 50", "bounty:board", {"page": "50"}),
    Page("board: search one word", "bounty:board", {"q": SEARCH_WORD}),
    # Two-character words are common in Chinese and no trigram index serves them.
    Page("board: search a 2-character word", "bounty:board", {"q": "良率"}),
    Page("board: search two words", "bounty:board", {"q": "高性能 良率"}),
    Page("board: industry", "bounty:board", {"industry": "new-materials"}),
    Page("board: sort by bounty, highest first", "bounty:board", {"sort": "amount_desc"}),
    Page(
        "board: open + amount range + sort amount",
        "bounty:board",
        {"status": "open", "amount_min": "100", "amount_max": "1000", "sort": "amount_desc"},
    ),
    Page("board: closed, sort deadline", "bounty:board", {"status": "closed", "sort": "deadline"}),
    Page("board: all statuses, sort deadline", "bounty:board", {"sort": "deadline"}),
    Page(
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
    # --- Bids (benchmarks/seed_bids.py) ---------------------------------------------------
    Page(
        f"bureau bid list, {seed_bids.LIST_BIDS:,} bids, page 1 (60/page)",
        "bounty:bid_list",
        args=(seed_bids.LIST_OCID,),
        user=seed_bids.OFFICER,
        max_queries=8,
    ),
    Page(
        f"bureau bid list, {seed_bids.LIST_BIDS:,} bids, page 20",
        "bounty:bid_list",
        {"page": "20"},
        args=(seed_bids.LIST_OCID,),
        user=seed_bids.OFFICER,
        max_queries=8,
    ),
    # File hashing happens at attachment_add (prepared), not at submission.
    ServiceCall(
        "bid submit (service, excluding file hashing)",
        bid_submit,
        seed_bids.prepare_submissions,
        target_ms=25.0,
        max_queries=None,
    ),
    # --- Draws (benchmarks/seed_experts.py) -----------------------------------------------
    # A whole draw takes one to a few seconds: 5 timed runs after 1 warm-up run.
    ServiceCall(
        f"draw end to end ({seed_experts.IN_INDUSTRY:,} in industry, "
        f"{seed_experts.DRAW_BIDS} bids)",
        seed_experts.run_draw,
        seed_experts.prepare_draws,
        target_ms=1000.0,
        max_queries=None,
        repeat=5,
        warmup=1,
    ),
    # Pure Python: rank (HMAC per pool entry) and the v2 selection on the frozen pool.
    ServiceCall(
        "draw selection only (rank + select)",
        seed_experts.select_panel,
        seed_experts.prepare_selection,
        target_ms=300.0,
        max_queries=0,
        repeat=5,
        warmup=1,
    ),
    # What a third party runs on the downloaded bundle: interpreter start-up included.
    ServiceCall(
        "draw standalone verifier (subprocess)",
        seed_experts.run_verifier,
        seed_experts.prepare_verifier,
        target_ms=1000.0,
        max_queries=0,
        repeat=5,
        warmup=1,
    ),
    # --- Scoring (benchmarks/seed_scores.py) ----------------------------------------------
    # One aggregate query over 200 × 7 sheets × 6 scores, plus the criteria.
    ServiceCall(
        f"ranking {seed_scores.BIDS} bids × {seed_scores.PANEL} experts × 6 criteria",
        seed_scores.rank_bids,
        seed_scores.prepare_ranking,
        target_ms=50.0,
        max_queries=2,
    ),
    # A panel expert's screen for one bid (their sheet is submitted: the locked form).
    # 12 queries, none growing with the bids or criteria: 5 of any logged-in page (session,
    # user, memberships, expert, unread notifications), seat, declarations, criteria, sheet,
    # its scores, the bid's lead, its attachments.
    Page(
        f"expert scoring screen (1 of {seed_scores.BIDS} bids)",
        "review:score_bid",
        args=seed_scores.score_page_args,
        user=seed_scores.SCORED_EXPERT,
        target_ms=30.0,
        max_queries=12,
    ),
    # --- The REST API's board (benchmarks/api.py has every filter, and a token) ----------
    Page("API board: no filter, page 1", "api:board"),
    Page("API board: search two words", "api:board", {"q": "高性能 良率"}),
    # --- Projects (benchmarks/projects.py): 1,000 active projects, 5,000 milestones -------
    Page(
        "bureau dashboard, all years (1,000 projects)",
        "dashboard:bureau",
        user=seed_bids.OFFICER,
        target_ms=50.0,
        max_queries=14,
    ),
]

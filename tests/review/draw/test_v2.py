"""jiebang-draw-v2: the exact feasibility check fixes v1's known failure on feasible pools."""

import itertools

import pytest

from review import verify_draw as algo

POOL = [
    {"id": "e1", "employer": "A", "type": "management"},
    {"id": "e2", "employer": "A", "type": "technical"},
    {"id": "e3", "employer": "B", "type": "technical"},
    {"id": "e4", "employer": "C", "type": "technical"},
    {"id": "e5", "employer": "D", "type": "technical"},
    {"id": "e6", "employer": "E", "type": "management"},
]
PARAMS = {"size": 5, "alternates": 1, "min_technical_ratio": "2/3", "max_per_employer": 1}


def test_v1_fails_where_v2_succeeds():
    ranked = ["e3", "e4", "e1", "e5", "e2", "e6"]
    with pytest.raises(ValueError):
        algo.select(POOL, ranked, PARAMS, algorithm=algo.ALGORITHM)
    panel, _alternates = algo.select(POOL, ranked, PARAMS, algorithm=algo.V2)
    assert sorted(panel) == ["e2", "e3", "e4", "e5", "e6"]


def test_v2_fills_the_panel_for_every_ranking_of_a_feasible_pool():
    for ranked in itertools.permutations([e["id"] for e in POOL]):
        panel, _ = algo.select(POOL, list(ranked), PARAMS, algorithm=algo.V2)
        assert len(panel) == 5
        assert sum(next(e for e in POOL if e["id"] == i)["type"] == "technical" for i in panel) >= 4


def test_duplicate_ids_are_refused():
    pool = [*POOL, POOL[0]]
    with pytest.raises(ValueError, match="duplicate"):
        algo.select(pool, [e["id"] for e in pool], PARAMS, algorithm=algo.V2)


def test_unreadable_bundle_exits_2(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json")
    assert algo.main(["verify_draw.py", str(path)]) == 2

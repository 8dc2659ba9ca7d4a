"""Algorithm jiebang-draw-v1 (docs/draw-algorithm.md): test vectors and properties.

Pure functions only — no database. The worked example of the specification is pinned
byte for byte; hypothesis checks determinism, the panel constraints, the failure rule
against a brute-force feasibility check, tamper detection and the CLI exit codes.
"""

import copy
import hashlib
import hmac
import itertools
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from review import verify_draw as algo

ROOT = Path(__file__).resolve().parents[3]
DOC = ROOT / "docs" / "draw-algorithm.md"
SCRIPT = ROOT / "review" / "verify_draw.py"

# Modest example counts: the whole file must run in a few seconds.
FAST = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# ---------------------------------------------------------------------------
# Worked example (docs/draw-algorithm.md §12)
# ---------------------------------------------------------------------------

SALT = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
# expert code, employer credit code, type, id pseudonym, employer pseudonym
EXPERTS = [
    (
        "EXP-0001",
        "91370200000000001A",
        "technical",
        "18945e68086c22c036a42f21",
        "12459ea9d5fdf7db0f13c43b",
    ),
    (
        "EXP-0002",
        "91370200000000002B",
        "technical",
        "dc7c3b2905352d11f0a33eda",
        "d19c1cfc7c0da8ed45734197",
    ),
    (
        "EXP-0003",
        "91370200000000002B",
        "technical",
        "278180e2dbc3cd7c36973c4f",
        "d19c1cfc7c0da8ed45734197",
    ),
    (
        "EXP-0004",
        "91370200000000003C",
        "technical",
        "11a08ec301d531e7d8448ff5",
        "01caca03628ad41b4d4d3d47",
    ),
    (
        "EXP-0005",
        "91370200000000004D",
        "technical",
        "b578176535c5daee8a875ab9",
        "1e6d21effa065919d2a1c5d6",
    ),
    (
        "EXP-0006",
        "91370200000000005E",
        "financial",
        "6596a63a06d676a658e0c04b",
        "1d71db21f558efd82f146fe1",
    ),
]
PARAMS = {
    "size": 5,
    "alternates": 1,
    "min_technical_ratio": "2/3",
    "max_per_employer": 1,
    "min_financial": 1,
}
BUREAU = "bureau-secret-2025-001"
SUPERVISOR = "监督方秘密-7f3a"
PUBLIC_VALUE = "双色球 2025001期 03 08 15 21 27 33 + 09"

CANONICAL_POOL = (
    b'[{"employer":"01caca03628ad41b4d4d3d47","id":"11a08ec301d531e7d8448ff5","type":"technical"},'
    b'{"employer":"12459ea9d5fdf7db0f13c43b","id":"18945e68086c22c036a42f21","type":"technical"},'
    b'{"employer":"d19c1cfc7c0da8ed45734197","id":"278180e2dbc3cd7c36973c4f","type":"technical"},'
    b'{"employer":"1d71db21f558efd82f146fe1","id":"6596a63a06d676a658e0c04b","type":"financial"},'
    b'{"employer":"1e6d21effa065919d2a1c5d6","id":"b578176535c5daee8a875ab9","type":"technical"},'
    b'{"employer":"d19c1cfc7c0da8ed45734197","id":"dc7c3b2905352d11f0a33eda","type":"technical"}]'
)
POOL_HASH = "d5782a59edcc0e5aeb80d2c31219277aad32150ca31a2db2e44ef40c2d100a48"
COMMIT_BUREAU = "c9efe390ca377c7d4de0d4bd8f66906e5a567b41c717b9a2621f447dc7da072c"
COMMIT_SUPERVISOR = "710aacefe1a004f034bf49d2bd035eabdb756d52cfc6d96d8173f9db4e6b365b"
SEED_MATERIAL_HEX = (
    "6a696562616e672d647261772d76310a643537383261353965646363306535616562383064326333"
    "313231393237376161643332313530636133316132646232653434656634306332643130306134380a"
    "6275726561752d7365637265742d323032352d3030310ae79b91e79da3e696b9e7a798e5af862d3766"
    "33610ae58f8ce889b2e790832032303235303031e69c9f203033203038203135203231203237203333"
    "202b203039"
)
SEED = "ce68d24b050f1137d3deb283d809aa9c1a2e3d37085d1453ddc1f151493be520"
SCORES = {
    "11a08ec301d531e7d8448ff5": "1a0db91b737736c0c394adbaea316e771f1e50fd6a61cc6208001088b93003b0",
    "278180e2dbc3cd7c36973c4f": "2e7af1f5ff83cd4ebe05aa6f75a16e1c5d2f3c53d6492d89316490a25ada1a1e",
    "18945e68086c22c036a42f21": "8ed8254d5e5f8d53c7af8ebc165cf4ed072a83ea1f16cb0e556040b0e16a25d5",
    "b578176535c5daee8a875ab9": "ae22d5e70713f5693e80ee6aa92b222a3ecc4b0297e3d82f6c7cdace79ecfe23",
    "dc7c3b2905352d11f0a33eda": "d807eb9f4d4bc879dccd9f7510d05ef29a6b31bda3c914b51db0308fd3c0eeea",
    "6596a63a06d676a658e0c04b": "db8a3040fde33ca606efaaeadc90ec8c4bdae9de007e19a256332ca8bf2bbf7b",
}
RANKED = [
    "11a08ec301d531e7d8448ff5",
    "278180e2dbc3cd7c36973c4f",
    "18945e68086c22c036a42f21",
    "b578176535c5daee8a875ab9",
    "dc7c3b2905352d11f0a33eda",
    "6596a63a06d676a658e0c04b",
]
PANEL = [
    "11a08ec301d531e7d8448ff5",
    "278180e2dbc3cd7c36973c4f",
    "18945e68086c22c036a42f21",
    "b578176535c5daee8a875ab9",
    "6596a63a06d676a658e0c04b",
]
ALTERNATES = ["dc7c3b2905352d11f0a33eda"]
# The same draw without a public value.
SEED_NO_PUBLIC = "c2f9fee65730d17bc85ca62663325094428026c77f68570b686b4acff5015d07"
RANKED_NO_PUBLIC = [
    "b578176535c5daee8a875ab9",
    "6596a63a06d676a658e0c04b",
    "dc7c3b2905352d11f0a33eda",
    "18945e68086c22c036a42f21",
    "278180e2dbc3cd7c36973c4f",
    "11a08ec301d531e7d8448ff5",
]
PANEL_NO_PUBLIC = [
    "b578176535c5daee8a875ab9",
    "6596a63a06d676a658e0c04b",
    "dc7c3b2905352d11f0a33eda",
    "18945e68086c22c036a42f21",
    "11a08ec301d531e7d8448ff5",
]
ALTERNATES_NO_PUBLIC = ["278180e2dbc3cd7c36973c4f"]


def example_pool():
    """The worked example's pool, built the way the platform freezes it."""
    return algo.canonical_pool(
        {
            "id": algo.pseudonym(SALT, code),
            "employer": algo.pseudonym(SALT, employer),
            "type": kind,
        }
        for code, employer, kind, _id, _employer in EXPERTS
    )


def make_bundle(pool, params, bureau, supervisor, public_value=""):
    """An honest bundle built with the module (raises ValueError if select() fails)."""
    pool = algo.canonical_pool(pool)
    pool_hash = algo.pool_hash(pool)
    seed = algo.seed(pool_hash, bureau, supervisor, public_value)
    ranked = algo.rank(seed, pool)
    panel, alternates = algo.select(pool, ranked, params)
    return {
        "algorithm": algo.ALGORITHM,
        "draw": 1,
        "challenge": "ocds-test-2025-000001",
        "supplementary_of": None,
        "params": copy.deepcopy(params),
        "pool": pool,
        "pool_hash": pool_hash,
        "exclusions": {},
        "commitments": {
            "bureau": algo.commitment(bureau),
            "supervisor": algo.commitment(supervisor),
        },
        "reveals": {"bureau": bureau, "supervisor": supervisor},
        "public_value_source": "test source" if public_value else "",
        "public_value": public_value,
        "seed": seed,
        "ranked": ranked,
        "panel": panel,
        "alternates": alternates,
        "replacements": [],
        "frozen_at": None,
        "completed_at": None,
    }


def example_bundle():
    return make_bundle(example_pool(), PARAMS, BUREAU, SUPERVISOR, PUBLIC_VALUE)


# ---------------------------------------------------------------------------
# Independent reference checks (no use of select() / required_technical())
# ---------------------------------------------------------------------------


def need_technical(params):
    numerator, denominator = (int(x) for x in params.get("min_technical_ratio", "2/3").split("/"))
    return (params["size"] * numerator + denominator - 1) // denominator  # exact ceiling


def violations(entries, params):
    """Every panel constraint the list of pool entries breaks (empty list: a valid panel)."""
    problems = []
    if len(entries) != params["size"]:
        problems.append(f"size {len(entries)} != {params['size']}")
    if len({e["id"] for e in entries}) != len(entries):
        problems.append("duplicate member")
    per_employer = Counter(e["employer"] for e in entries)
    if per_employer and max(per_employer.values()) > params.get("max_per_employer", 1):
        problems.append("too many members from one employer")
    if sum(e["type"] == "technical" for e in entries) < need_technical(params):
        problems.append("too few technical experts")
    if sum(e["type"] == "financial" for e in entries) < params.get("min_financial", 0):
        problems.append("too few financial experts")
    return problems


def feasible(pool, params):
    """Brute force: does any subset of the pool form a valid panel?"""
    return any(
        not violations(list(combo), params)
        for combo in itertools.combinations(pool, params["size"])
    )


def try_select(pool, ranked, params):
    try:
        return algo.select(pool, ranked, params)
    except ValueError:
        return None


# ---------------------------------------------------------------------------
# Strategies
# ---------------------------------------------------------------------------

TYPES = ("technical", "financial", "management")
texts = st.text(st.characters(codec="utf-8"), max_size=12)  # any valid Unicode, no surrogates
entry_ids = st.text(st.characters(codec="utf-8"), min_size=1, max_size=6)
types = st.sampled_from(("technical", "technical", "technical", "financial", "management"))


@st.composite
def pools(draw, min_size=0, max_size=14, employers="ABCDEFGHIJKL", distinct_employers=False):
    ids = draw(st.lists(entry_ids, min_size=min_size, max_size=max_size, unique=True))
    return [
        {
            "id": entry_id,
            "employer": f"emp:{entry_id}"
            if distinct_employers
            else draw(st.sampled_from(employers)),
            "type": draw(types),
        }
        for entry_id in ids
    ]


params_st = st.fixed_dictionaries(
    {
        "size": st.sampled_from((5, 7, 9)),
        "alternates": st.integers(0, 8),
        "min_technical_ratio": st.just("2/3"),
        "max_per_employer": st.sampled_from((1, 1, 2)),
        "min_financial": st.integers(0, 1),
    }
)
small_params_st = st.fixed_dictionaries(
    {
        "size": st.sampled_from((5, 7)),
        "alternates": st.integers(0, 4),
        "min_technical_ratio": st.just("2/3"),
        "max_per_employer": st.sampled_from((1, 1, 2)),
        "min_financial": st.integers(0, 1),
    }
)


# ---------------------------------------------------------------------------
# 1. The worked example, byte for byte
# ---------------------------------------------------------------------------


def test_example_pseudonyms():
    for code, employer, _kind, expected_id, expected_employer in EXPERTS:
        assert algo.pseudonym(SALT, code) == expected_id
        assert algo.pseudonym(SALT, employer) == expected_employer
        # key = the salt's UTF-8 text, not the 32 bytes it encodes
        assert (
            hmac.new(SALT.encode(), code.encode(), hashlib.sha256).hexdigest()[:24] == expected_id
        )


def test_example_canonical_pool_and_hash():
    pool = example_pool()
    assert algo.canonical(pool) == CANONICAL_POOL
    assert len(CANONICAL_POOL) == 547
    assert hashlib.sha256(CANONICAL_POOL).hexdigest() == POOL_HASH
    assert algo.pool_hash(pool) == POOL_HASH
    assert algo.pool_hash(list(reversed(pool))) == POOL_HASH  # order of the input is irrelevant


def test_example_commitments_and_seed():
    assert algo.commitment(BUREAU) == COMMIT_BUREAU
    assert algo.commitment(SUPERVISOR) == COMMIT_SUPERVISOR
    assert hashlib.sha256(SUPERVISOR.encode("utf-8")).hexdigest() == COMMIT_SUPERVISOR
    material = "jiebang-draw-v1\n" + POOL_HASH + "\n" + BUREAU + "\n" + SUPERVISOR + "\n"
    material = (material + PUBLIC_VALUE).encode("utf-8")
    assert material.hex() == SEED_MATERIAL_HEX
    assert len(material) == 168
    assert hashlib.sha256(material).hexdigest() == SEED
    assert algo.seed(POOL_HASH, BUREAU, SUPERVISOR, PUBLIC_VALUE) == SEED


def test_example_seed_without_public_value_ends_with_newline():
    material = f"jiebang-draw-v1\n{POOL_HASH}\n{BUREAU}\n{SUPERVISOR}\n".encode()
    assert hashlib.sha256(material).hexdigest() == SEED_NO_PUBLIC
    assert algo.seed(POOL_HASH, BUREAU, SUPERVISOR) == SEED_NO_PUBLIC
    assert algo.seed(POOL_HASH, BUREAU, SUPERVISOR, "") == SEED_NO_PUBLIC


def test_example_ranking():
    key = bytes.fromhex(SEED)
    assert len(key) == 32
    for entry_id, score in SCORES.items():
        assert hmac.new(key, entry_id.encode(), hashlib.sha256).hexdigest() == score
    assert sorted(SCORES, key=SCORES.__getitem__) == RANKED
    assert algo.rank(SEED, example_pool()) == RANKED
    assert algo.rank(SEED_NO_PUBLIC, example_pool()) == RANKED_NO_PUBLIC


def test_example_selection():
    assert algo.required_technical(5, "2/3") == 4
    assert algo.select(example_pool(), RANKED, PARAMS) == (PANEL, ALTERNATES)
    assert algo.select(example_pool(), RANKED_NO_PUBLIC, PARAMS) == (
        PANEL_NO_PUBLIC,
        ALTERNATES_NO_PUBLIC,
    )


def test_example_bundle_verifies():
    bundle = example_bundle()
    assert bundle["pool_hash"] == POOL_HASH
    assert bundle["seed"] == SEED
    assert (bundle["ranked"], bundle["panel"], bundle["alternates"]) == (
        RANKED,
        PANEL,
        ALTERNATES,
    )
    assert algo.verify(bundle) == []


def test_specification_matches_the_vectors():
    """The bundle printed in docs/draw-algorithm.md verifies and carries the pinned values."""
    text = DOC.read_text(encoding="utf-8")
    published = json.loads(re.search(r"```json\n(.*?)```", text, re.DOTALL).group(1))
    assert algo.verify(published) == []
    expected = example_bundle()
    for key in ("params", "pool", "pool_hash", "commitments", "reveals", "public_value", "seed"):
        assert published[key] == expected[key], key
    assert (published["ranked"], published["panel"], published["alternates"]) == (
        RANKED,
        PANEL,
        ALTERNATES,
    )
    for value in (POOL_HASH, SEED, SEED_NO_PUBLIC, COMMIT_BUREAU, COMMIT_SUPERVISOR, SALT):
        assert value in text
    assert CANONICAL_POOL.decode() in text


# ---------------------------------------------------------------------------
# Canonical JSON and ordering details
# ---------------------------------------------------------------------------


def test_canonical_json_vector():
    data = {"é": '中"\\\n\x01\x7f\u2028/', "a": ["x", 1]}
    expected = bytes.fromhex(
        "7b2261223a5b2278222c315d2c22c3a9223a22e4b8ad5c225c5c5c6e5c75303030317fe280a82f227d"
    )
    assert algo.canonical(data) == expected
    assert len(expected) == 41


def test_canonical_order_is_code_point_not_utf16():
    pool = [
        {"id": "\U0001f600", "employer": "e", "type": "technical"},
        {"id": "\uff61", "employer": "e", "type": "technical"},
    ]
    assert [e["id"] for e in algo.canonical_pool(pool)] == ["\uff61", "\U0001f600"]


def test_canonical_pool_keeps_only_the_three_fields():
    entry = {"id": "x", "employer": "e", "type": "technical", "name": "张三"}
    assert algo.canonical_pool([entry]) == [{"id": "x", "employer": "e", "type": "technical"}]


@FAST
@given(st.lists(entry_ids, unique=True))
def test_canonical_order_equals_utf8_byte_order(ids):
    pool = [{"id": i, "employer": "e", "type": "technical"} for i in ids]
    assert [e["id"] for e in algo.canonical_pool(pool)] == sorted(ids, key=str.encode)


@pytest.mark.parametrize(
    ("size", "ratio", "expected"),
    [(5, "2/3", 4), (7, "2/3", 5), (9, "2/3", 6), (11, "2/3", 8), (6, "2/3", 4), (5, "1/2", 3)],
)
def test_required_technical(size, ratio, expected):
    assert algo.required_technical(size, ratio) == expected
    assert need_technical({"size": size, "min_technical_ratio": ratio}) == expected


# ---------------------------------------------------------------------------
# (a) Determinism
# ---------------------------------------------------------------------------


@FAST
@given(pools(), params_st, texts, texts, texts, st.randoms(use_true_random=False))
def test_same_inputs_same_draw(pool, params, bureau, supervisor, public_value, rnd):
    shuffled = copy.deepcopy(pool)
    rnd.shuffle(shuffled)

    def run(entries):
        try:
            bundle = make_bundle(entries, params, bureau, supervisor, public_value)
        except ValueError as exc:
            return ("failed", str(exc))
        return tuple(
            json.dumps(bundle[k]) for k in ("pool_hash", "seed", "ranked", "panel", "alternates")
        )

    assert run(pool) == run(copy.deepcopy(pool)) == run(shuffled)


# ---------------------------------------------------------------------------
# (b) Constraints hold whenever select() succeeds
# ---------------------------------------------------------------------------


@FAST
@given(pools(min_size=5, max_size=16), params_st, texts, texts)
def test_panel_constraints_hold(pool, params, bureau, supervisor):
    pool = algo.canonical_pool(pool)
    ranked = algo.rank(algo.seed(algo.pool_hash(pool), bureau, supervisor), pool)
    assert sorted(ranked) == sorted(e["id"] for e in pool)
    result = try_select(pool, ranked, params)
    event("selected" if result else "select() failed")
    if result is None:
        return
    panel, alternates = result
    by_id = {e["id"]: e for e in pool}
    assert violations([by_id[i] for i in panel], params) == []
    assert panel == [i for i in ranked if i in set(panel)]  # panel in rank order
    assert not set(panel) & set(alternates)
    assert len(set(alternates)) == len(alternates)
    assert alternates == [i for i in ranked if i not in panel][: params["alternates"]]


# ---------------------------------------------------------------------------
# (c) select() fails only when the constraints are unsatisfiable — with a known exception
# ---------------------------------------------------------------------------


@FAST
@given(pools(max_size=10, employers="ABCDEF"), small_params_st, st.randoms(use_true_random=False))
def test_select_fails_on_every_infeasible_pool(pool, params, rnd):
    ranked = [e["id"] for e in pool]
    rnd.shuffle(ranked)
    event("feasible" if feasible(pool, params) else "infeasible")
    if not feasible(pool, params):
        with pytest.raises(ValueError, match="pool too small"):
            algo.select(pool, ranked, params)


@FAST
@given(
    pools(min_size=5, max_size=11, distinct_employers=True),
    small_params_st,
    st.randoms(use_true_random=False),
)
def test_select_complete_when_employers_do_not_interfere(pool, params, rnd):
    """Without shared employers the counting rule is exact: failure ⇔ infeasible."""
    ranked = [e["id"] for e in pool]
    rnd.shuffle(ranked)
    event("feasible" if feasible(pool, params) else "infeasible")
    assert (try_select(pool, ranked, params) is not None) == feasible(pool, params)


@FAST
@given(
    pools(min_size=5, max_size=11, employers="ABCDEF"),
    small_params_st.map(lambda p: {**p, "max_per_employer": p["size"]}),
    st.randoms(use_true_random=False),
)
def test_select_complete_when_no_employer_limit_binds(pool, params, rnd):
    ranked = [e["id"] for e in pool]
    rnd.shuffle(ranked)
    event("feasible" if feasible(pool, params) else "infeasible")
    assert (try_select(pool, ranked, params) is not None) == feasible(pool, params)


# Known limitation of v1 (docs/draw-algorithm.md §10): the counting rule ignores the
# employer limit of later candidates, so a feasible pool can fail.
LIMITATION_POOL = [
    {"id": "e1", "employer": "A", "type": "management"},
    {"id": "e2", "employer": "A", "type": "technical"},
    {"id": "e3", "employer": "B", "type": "technical"},
    {"id": "e4", "employer": "C", "type": "technical"},
    {"id": "e5", "employer": "D", "type": "technical"},
    {"id": "e6", "employer": "E", "type": "management"},
]
LIMITATION_PARAMS = {
    "size": 5,
    "alternates": 1,
    "min_technical_ratio": "2/3",
    "max_per_employer": 1,
    "min_financial": 0,
}


def test_v1_limitation_feasible_pool_fails_with_a_real_seed():
    pool_hash = algo.pool_hash(LIMITATION_POOL)
    assert pool_hash == "a7c4d9586d94806aec9039ee1d88ecb365e12f4d630589e043d867c67ba8ae06"
    seed = algo.seed(pool_hash, "bureau-secret", "supervisor-secret-3")
    assert seed == "251e5a54ac19a6f7d5d22945de9bafab271782ca80719b2a83e95609aeade87d"
    ranked = algo.rank(seed, algo.canonical_pool(LIMITATION_POOL))
    assert ranked == ["e3", "e4", "e1", "e5", "e2", "e6"]
    by_id = {e["id"]: e for e in LIMITATION_POOL}
    witness = [by_id[i] for i in ("e2", "e3", "e4", "e5", "e6")]
    assert violations(witness, LIMITATION_PARAMS) == []  # a valid panel exists …
    with pytest.raises(ValueError, match="4 of 5 seats filled"):  # … yet v1 fails
        algo.select(LIMITATION_POOL, ranked, LIMITATION_PARAMS)


def test_v1_limitation_exactly_when_blocking_candidate_comes_first():
    """Over all 720 rankings: v1 fails iff e1 ranks before both e2 and e6 (1/3 of them)."""
    failures = 0
    for ranked in itertools.permutations(e["id"] for e in LIMITATION_POOL):
        ranked = list(ranked)
        fails = try_select(LIMITATION_POOL, ranked, LIMITATION_PARAMS) is None
        blocked = ranked.index("e1") < min(ranked.index("e2"), ranked.index("e6"))
        assert fails == blocked
        failures += fails
    assert failures == 240


def test_v1_limitation_single_financial_expert_sharing_an_employer():
    """Realistic shape: 12 technical experts, the only financial one works with t01."""
    pool = [{"id": f"t{i:02d}", "employer": f"E{i:02d}", "type": "technical"} for i in range(1, 13)]
    pool.append({"id": "f01", "employer": "E01", "type": "financial"})
    params = {**LIMITATION_PARAMS, "size": 7, "alternates": 7, "min_financial": 1}
    seed = algo.seed(algo.pool_hash(pool), "b", "s-3")
    ranked = algo.rank(seed, algo.canonical_pool(pool))
    assert ranked[:5] == ["t11", "t01", "t08", "t09", "f01"]
    by_id = {e["id"]: e for e in pool}
    witness = [by_id[i] for i in ("f01", "t02", "t03", "t04", "t05", "t06", "t07")]
    assert violations(witness, params) == []
    with pytest.raises(ValueError, match="6 of 7 seats filled"):
        algo.select(pool, ranked, params)


# ---------------------------------------------------------------------------
# (d) verify(): honest bundles pass, any single tampered field fails
# ---------------------------------------------------------------------------


def _other(value, choices):
    return next(c for c in choices if c != value)


# Each tamper changes exactly one field; ``pick(n)`` returns an index in range(n).


def tamper_type(bundle, pick):
    entry = bundle["pool"][pick(len(bundle["pool"]))]
    entry["type"] = _other(entry["type"], TYPES)


def tamper_employer(bundle, pick):
    entry = bundle["pool"][pick(len(bundle["pool"]))]
    entry["employer"] += "'"


def tamper_type_and_rehash(bundle, pick):
    """A consistent forger: changes an entry and recomputes the pool hash."""
    tamper_type(bundle, pick)
    bundle["pool_hash"] = algo.pool_hash(bundle["pool"])


def tamper_reveal(bundle, pick):
    bundle["reveals"][("bureau", "supervisor")[pick(2)]] += "x"


def tamper_commitment(bundle, pick):
    party = ("bureau", "supervisor")[pick(2)]
    bundle["commitments"][party] = algo.commitment(bundle["reveals"][party] + "x")


def tamper_public_value(bundle, pick):
    bundle["public_value"] = bundle.get("public_value", "") + "期" * (1 + pick(3))


def tamper_panel_order(bundle, pick):
    panel = bundle["panel"]
    i = pick(len(panel))
    j = (i + 1 + pick(len(panel) - 1)) % len(panel)
    panel[i], panel[j] = panel[j], panel[i]


def tamper_panel_member(bundle, pick):
    """Swap the last panel member with the first alternate (or drop it if there is none)."""
    if bundle["alternates"]:
        bundle["panel"][-1], bundle["alternates"][0] = bundle["alternates"][0], bundle["panel"][-1]
    else:
        bundle["panel"].pop()


def tamper_seed(bundle, pick):
    position = pick(64)
    digit = _other(bundle["seed"][position], "0123456789abcdef")
    bundle["seed"] = bundle["seed"][:position] + digit + bundle["seed"][position + 1 :]


def tamper_ranked(bundle, pick):
    ranked = bundle["ranked"]
    ranked[0], ranked[-1] = ranked[-1], ranked[0]


def tamper_params(bundle, pick):
    bundle["params"]["size"] += 2


TAMPERS = [
    tamper_type,
    tamper_employer,
    tamper_type_and_rehash,
    tamper_reveal,
    tamper_commitment,
    tamper_public_value,
    tamper_panel_order,
    tamper_panel_member,
    tamper_seed,
    tamper_ranked,
    tamper_params,
]


def honest_bundle(pool, params, bureau, supervisor, public_value):
    try:
        return make_bundle(pool, params, bureau, supervisor, public_value)
    except ValueError:
        assume(False)


@FAST
@given(pools(min_size=5, max_size=16), params_st, texts, texts, texts)
def test_honest_bundle_verifies(pool, params, bureau, supervisor, public_value):
    bundle = honest_bundle(pool, params, bureau, supervisor, public_value)
    assert algo.verify(bundle) == []
    assert algo.verify(json.loads(json.dumps(bundle, ensure_ascii=False))) == []


@pytest.mark.parametrize("tamper", TAMPERS, ids=lambda f: f.__name__)
@settings(FAST, max_examples=25)
@given(
    pool=pools(min_size=7, max_size=14),
    params=params_st,
    bureau=texts,
    supervisor=texts,
    public_value=texts,
    data=st.data(),
)
def test_tampered_bundle_fails(tamper, pool, params, bureau, supervisor, public_value, data):
    bundle = honest_bundle(pool, params, bureau, supervisor, public_value)
    tamper(bundle, lambda n: data.draw(st.integers(0, n - 1)))
    assert algo.verify(bundle) != []


@pytest.mark.parametrize("tamper", TAMPERS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("choice", [0, 1])
def test_tampered_example_fails(tamper, choice):
    bundle = example_bundle()
    tamper(bundle, lambda n: min(choice, n - 1))
    assert algo.verify(bundle) != []


def test_verify_reports_each_problem():
    bundle = example_bundle()
    bundle["pool"][0]["employer"] = "0" * 24
    assert algo.verify(bundle) == ["pool hash does not match the pool"]
    bundle = example_bundle()
    bundle["pool"][0]["type"] = "management"  # now only 3 technical experts are eligible
    assert algo.verify(bundle) == [
        "pool hash does not match the pool",
        "pool too small for the constraints: 4 of 5 seats filled",
    ]
    bundle = example_bundle()
    bundle["reveals"]["supervisor"] = "监督方秘密"
    assert "supervisor reveal does not match its commitment" in algo.verify(bundle)
    bundle = example_bundle()
    bundle["public_value"] = ""
    assert algo.verify(bundle)[0] == "seed does not match the reveals"
    bundle = example_bundle()
    bundle["panel"] = list(reversed(bundle["panel"]))
    assert algo.verify(bundle) == ["panel does not match the selection rule"]
    bundle = example_bundle()
    bundle["algorithm"] = "jiebang-draw-v0"
    assert algo.verify(bundle) == ["unknown algorithm 'jiebang-draw-v0'"]


# ---------------------------------------------------------------------------
# (e) The command line
# ---------------------------------------------------------------------------


def write(tmp_path, bundle, name="bundle.json"):
    path = tmp_path / name
    path.write_text(json.dumps(bundle, ensure_ascii=False, indent=1), encoding="utf-8")
    return str(path)


def test_cli_ok(tmp_path, capsys):
    assert algo.main(["verify_draw.py", write(tmp_path, example_bundle())]) == 0
    out = capsys.readouterr().out
    assert out.startswith("OK: draw 1 verified — pool of 6, pool hash d5782a59edcc0e5a…")
    assert "panel of 5, 1 alternates." in out


def test_cli_tampered(tmp_path, capsys):
    bundle = example_bundle()
    bundle["public_value"] = "双色球 2025002期"
    bundle["panel"] = list(reversed(bundle["panel"]))
    assert algo.main(["verify_draw.py", write(tmp_path, bundle)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "FAIL: seed does not match the reveals"
    assert all(line.startswith("FAIL: ") for line in out)


@pytest.mark.parametrize("args", [[], ["a.json", "b.json"]])
def test_cli_usage(args, capsys):
    assert algo.main(["verify_draw.py", *args]) == 2
    assert "usage" in capsys.readouterr().err


def test_cli_standalone_script(tmp_path):
    """The script runs with nothing but the standard library (no Django, no project path)."""
    path = write(tmp_path, example_bundle())
    ok = subprocess.run(
        [sys.executable, "-I", str(SCRIPT), path],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=tmp_path,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    bundle = example_bundle()
    bundle["reveals"]["bureau"] = "guess"
    bad = subprocess.run(
        [sys.executable, "-I", str(SCRIPT), write(tmp_path, bundle, "bad.json")],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=tmp_path,
        check=False,
    )
    assert bad.returncode == 1
    assert "FAIL: bureau reveal does not match its commitment" in bad.stdout

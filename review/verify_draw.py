#!/usr/bin/env python3
"""Verify a review-panel draw of the 揭榜挂帅 platform — Python standard library only.

    python review/verify_draw.py bundle.json

Recomputes the pool hash, the commitments, the seed and the selection from the
bundle and exits 0 only if every one matches what the bundle records. The same
functions perform the draw inside the platform (review/services.py imports
this file), so there is exactly one implementation of the algorithm; it is
specified in docs/draw-algorithm.md so that anyone can write a second one.
"""

import hashlib
import hmac
import json
import math
import sys

ALGORITHM = "jiebang-draw-v1"  # the base specification (docs/draw-algorithm.md)
V2 = "jiebang-draw-v2"  # v1 with an exact feasibility check in select() — used for new draws
CURRENT = V2
SUPPORTED = (ALGORITHM, V2)


def canonical(data) -> bytes:
    """UTF-8 JSON, keys sorted, no spaces: the bytes every hash is taken over."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pseudonym(salt: str, real_id: str) -> str:
    """Stable pseudonymous id of an expert (or employer) within one draw."""
    return hmac.new(salt.encode(), real_id.encode(), hashlib.sha256).hexdigest()[:24]


def canonical_pool(entries):
    """Sort pool entries by id; each is {"id", "employer", "type"}."""
    return sorted(
        ({"id": e["id"], "employer": e["employer"], "type": e["type"]} for e in entries),
        key=lambda e: e["id"],
    )


def pool_hash(pool) -> str:
    return sha256_hex(canonical(canonical_pool(pool)))


def commitment(secret: str) -> str:
    return sha256_hex(secret.encode())


def seed(
    pool_hash_hex: str,
    bureau_secret: str,
    supervisor_secret: str,
    public_value: str = "",
    algorithm: str = ALGORITHM,
) -> str:
    """SHA-256 over the algorithm name, the pool hash, both reveals and the public value,
    joined by newlines. Fixed only after the freeze; no party can choose it alone."""
    material = "\n".join([algorithm, pool_hash_hex, bureau_secret, supervisor_secret, public_value])
    return sha256_hex(material.encode())


def rank(seed_hex: str, pool):
    """Pool ids ordered by HMAC-SHA-256(key=seed, message=id), ties by id (RFC 3797 style)."""
    key = bytes.fromhex(seed_hex)
    scored = [(hmac.new(key, e["id"].encode(), hashlib.sha256).hexdigest(), e["id"]) for e in pool]
    return [entry_id for _score, entry_id in sorted(scored)]


def required_technical(size: int, ratio: str) -> int:
    numerator, denominator = (int(x) for x in ratio.split("/"))
    return math.ceil(size * numerator / denominator)


def _completable(remaining, employers, per_employer, seats, need_technical, need_financial):
    """v2: can ``seats`` more members be chosen from ``remaining`` (entries) with at most
    ``per_employer`` per employer (``employers`` = counts already on the panel), at least
    ``need_technical`` technical and ``need_financial`` financial? Exact (Hall-type counts
    per employer for technical, financial, both, and everyone)."""
    need_technical, need_financial = max(0, need_technical), max(0, need_financial)
    if seats <= 0:
        return need_technical == 0 and need_financial == 0
    if need_technical + need_financial > seats:
        return False
    counts = {}
    for entry in remaining:
        room = per_employer - employers.get(entry["employer"], 0)
        if room <= 0:
            continue
        row = counts.setdefault(entry["employer"], [room, 0, 0, 0])  # room, all, tech, fin
        row[1] += 1
        row[2] += entry["type"] == "technical"
        row[3] += entry["type"] == "financial"
    total = sum(min(r[0], r[1]) for r in counts.values())
    tech = sum(min(r[0], r[2]) for r in counts.values())
    fin = sum(min(r[0], r[3]) for r in counts.values())
    both = sum(min(r[0], r[2] + r[3]) for r in counts.values())
    return (
        total >= seats
        and tech >= need_technical
        and fin >= need_financial
        and both >= need_technical + need_financial
    )


def select(pool, ranked_ids, params, algorithm=ALGORITHM):
    """Greedy selection down the ranked list under the panel constraints.

    Returns (panel ids, alternate ids). A candidate joins the panel unless its
    employer already has ``max_per_employer`` members, or taking it would leave
    too few seats to still reach the required technical and financial counts.
    Alternates are the next ``alternates`` ids in rank order not on the panel.
    """
    by_id = {e["id"]: e for e in pool}
    size = params["size"]
    need_technical = required_technical(size, params.get("min_technical_ratio", "2/3"))
    need_financial = params.get("min_financial", 0)
    per_employer = params.get("max_per_employer", 1)
    panel, employers, technical, financial = [], {}, 0, 0
    if len(set(ranked_ids)) != len(ranked_ids) or len(by_id) != len(pool):
        raise ValueError("duplicate ids in the pool")
    for position, entry_id in enumerate(ranked_ids):
        if len(panel) == size:
            break
        entry = by_id[entry_id]
        if employers.get(entry["employer"], 0) >= per_employer:
            continue
        t = technical + (entry["type"] == "technical")
        f = financial + (entry["type"] == "financial")
        seats_left = size - len(panel) - 1
        if max(0, need_technical - t) + max(0, need_financial - f) > seats_left:
            continue
        if algorithm == V2:
            after = employers.copy()
            after[entry["employer"]] = after.get(entry["employer"], 0) + 1
            later = (by_id[i] for i in ranked_ids[position + 1 :])
            if not _completable(
                later, after, per_employer, seats_left, need_technical - t, need_financial - f
            ):
                continue
        panel.append(entry_id)
        employers[entry["employer"]] = employers.get(entry["employer"], 0) + 1
        technical, financial = t, f
    if len(panel) < size:
        raise ValueError(f"pool too small for the constraints: {len(panel)} of {size} seats filled")
    chosen = set(panel)
    alternates = [i for i in ranked_ids if i not in chosen][: params.get("alternates", size)]
    return panel, alternates


def verify(bundle) -> list[str]:
    """Return the list of mismatches (empty when the bundle verifies)."""
    problems = []
    algorithm = bundle.get("algorithm")
    if algorithm not in SUPPORTED:
        return [f"unknown algorithm {algorithm!r}"]
    pool = bundle["pool"]
    if pool_hash(pool) != bundle["pool_hash"]:
        problems.append("pool hash does not match the pool")
    reveals = bundle["reveals"]
    problems.extend(
        f"{party} reveal does not match its commitment"
        for party in ("bureau", "supervisor")
        if commitment(reveals[party]) != bundle["commitments"][party]
    )
    computed_seed = seed(
        bundle["pool_hash"],
        reveals["bureau"],
        reveals["supervisor"],
        bundle.get("public_value", ""),
        algorithm=algorithm,
    )
    if computed_seed != bundle["seed"]:
        problems.append("seed does not match the reveals")
    ranked = rank(computed_seed, canonical_pool(pool))
    if ranked != bundle["ranked"]:
        problems.append("ranked list does not match the seed")
    try:
        panel, alternates = select(pool, ranked, bundle["params"], algorithm=algorithm)
    except ValueError as exc:
        problems.append(str(exc))
    else:
        if panel != bundle["panel"]:
            problems.append("panel does not match the selection rule")
        if alternates != bundle["alternates"]:
            problems.append("alternates do not match the selection rule")
    return problems


def main(argv=None) -> int:
    args = (argv if argv is not None else sys.argv)[1:]
    if len(args) != 1:
        print("usage: python verify_draw.py bundle.json", file=sys.stderr)
        return 2
    try:
        with open(args[0], encoding="utf-8") as handle:
            bundle = json.load(handle)
        problems = verify(bundle)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(f"ERROR: cannot read the bundle: {exc!r}", file=sys.stderr)
        return 2
    if problems:
        for problem in problems:
            print(f"FAIL: {problem}")
        return 1
    print(
        f"OK: draw {bundle.get('draw')} verified — pool of {len(bundle['pool'])}, "
        f"pool hash {bundle['pool_hash'][:16]}…, seed {bundle['seed'][:16]}…, "
        f"panel of {len(bundle['panel'])}, {len(bundle['alternates'])} alternates."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

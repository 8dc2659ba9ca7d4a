#!/usr/bin/env python3
"""Verify a review-panel draw of the 揭榜挂帅 platform — Python standard library only.

    python review/verify_draw.py bundle.json

Recomputes the pool hash, the commitments, the seed and the selection from the
bundle and exits 0 only if every one matches what the bundle records; 1 when
something does not match; 2 when the file cannot be read or is not a well-formed
bundle (docs/draw-algorithm.md §9). The same functions perform the draw inside
the platform (review/draw/services.py imports this file), so there is exactly one
implementation of the algorithm; it is specified in docs/draw-algorithm.md so
that anyone can write a second one.
"""

import datetime
import hashlib
import hmac
import json
import re
import sys

ALGORITHM = "jiebang-draw-v1"  # the base specification (docs/draw-algorithm.md)
V2 = "jiebang-draw-v2"  # v1 with an exact feasibility check in select()
V3 = "jiebang-draw-v3"  # v2 selection; context-bound commitments and seed (§13) — new draws
CURRENT = V3
SUPPORTED = (ALGORITHM, V2, V3)
PURPOSES = ("bid_review", "milestone", "acceptance", "termination", "need_vetting")
PARTIES = ("bureau", "supervisor")
# v3 named public-value sources: code → number of decimal digits of one result (§13.3).
PUBLIC_SOURCES = {"cwl-3d": 3, "sports-lottery-pl3": 3, "sports-lottery-pl5": 5}
SECRET_V3 = re.compile(r"[0-9a-f]{32,64}")
HEX24 = re.compile(r"[0-9a-f]{24}")
RATIO = re.compile(r"([0-9]{1,6})/([0-9]{1,6})")


class MalformedBundle(ValueError):
    """The input is not a well-formed bundle (exit status 2, never a traceback)."""


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
    """ceil(size × N / D) in exact integer arithmetic; ``ratio`` is ASCII ``N/D``, D > 0."""
    match = RATIO.fullmatch(ratio) if isinstance(ratio, str) else None
    if match is None or int(match.group(2)) == 0:
        raise MalformedBundle(f"min_technical_ratio {ratio!r} is not N/D in ASCII digits, D > 0")
    numerator, denominator = int(match.group(1)), int(match.group(2))
    return -(-size * numerator // denominator)


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
        if algorithm in (V2, V3):
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


# --- v3: the context, bound commitments, the named public value (§13) --------------------

CONTEXT_FIELDS = (
    "algorithm",
    "draw",
    "challenge",
    "purpose",
    "project_bid",
    "milestone",
    "supplementary_of",
    "redraw_reason",
    "params",
    "public_value_source",
)


def context(bundle) -> dict:
    """The members of a v3 bundle fixed when the draw is opened (before any commitment)."""
    return {name: bundle[name] for name in CONTEXT_FIELDS}


def context_id(context_obj) -> str:
    return sha256_hex(canonical(context_obj))


def commitment_v3(context_hex: str, party: str, secret: str) -> str:
    """SHA-256 of ``jiebang-draw-v3 LF context_id LF party LF secret``: bound to one draw."""
    return sha256_hex("\n".join([V3, context_hex, party, secret]).encode())


def seed_v3(context_obj, pool_hash_hex, commitments, parties, reveals, public_value) -> str:
    """SHA-256 of the canonical JSON of everything the draw depends on."""
    material = {
        "context": context_obj,
        "pool_hash": pool_hash_hex,
        "commitments": commitments,
        "parties": parties,
        "reveals": reveals,
        "public_value": public_value,
    }
    return sha256_hex(canonical(material))


def parse_source(source: str):
    """``<code>:<YYYY-MM-DD>`` (ASCII) → (code, date); ValueError when not of that form."""
    code, _, day = source.partition(":") if isinstance(source, str) else ("", "", "")
    if code not in PUBLIC_SOURCES or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", day):
        raise ValueError(f"not a named public value source: {source!r}")
    return code, datetime.date.fromisoformat(day)


def normalise_public_value(source: str, value: str) -> str:
    """The one written form of a result of ``source``: its digits, nothing else.

    Removes every U+0020 SPACE, U+002C COMMA and U+002D HYPHEN-MINUS; what remains must be
    exactly the source's number of ASCII digits 0-9. Anything else (full-width digits,
    other spaces, letters, a period, the issue number) raises ValueError."""
    code, _day = parse_source(source)
    digits = value.replace(" ", "").replace(",", "").replace("-", "")
    if not re.fullmatch(f"[0-9]{{{PUBLIC_SOURCES[code]}}}", digits):
        raise ValueError(
            f"a result of {code} is {PUBLIC_SOURCES[code]} ASCII digits (spaces, commas and "
            f"hyphens between them are ignored): {value!r}"
        )
    return digits


# --- strict reading: exact JSON types, duplicate keys refused (§9.1) --------------------


def _pairs(pairs):
    seen = set()
    for key, _value in pairs:
        if key in seen:
            raise MalformedBundle(f"duplicate key {key!r}")
        seen.add(key)
    return dict(pairs)


def _constant(name):
    raise MalformedBundle(f"{name} is not a JSON number")


def loads(text: str):
    """Parse JSON text strictly: duplicate object keys and NaN/Infinity are refused."""
    return json.loads(text, object_pairs_hook=_pairs, parse_constant=_constant)


def _is_int(value) -> bool:
    return type(value) is int  # not bool (a subclass of int), not 7.0


def _need(ok, message):
    if not ok:
        raise MalformedBundle(message)


def _strings(value, name):
    _need(isinstance(value, list), f"{name} must be an array")
    _need(all(isinstance(x, str) for x in value), f"{name} must hold strings only")


def _optional(bundle, name, check, what, *, required):
    if name not in bundle:
        _need(not required, f"missing member {name!r}")
        return
    _need(check(bundle[name]), f"{name} must be {what}")


def _validate_params(params, v3):
    _need(isinstance(params, dict), "params must be an object")
    known = {"size", "alternates", "min_technical_ratio", "max_per_employer", "min_financial"}
    if v3:
        _need(set(params) == known, f"v3 params must have exactly the members {sorted(known)}")
    _need(_is_int(params.get("size")) and params["size"] >= 1, "size must be an integer ≥ 1")
    for name, least in (("alternates", 0), ("max_per_employer", 1), ("min_financial", 0)):
        if name in params:
            _need(_is_int(params[name]) and params[name] >= least, f"{name} must be an integer")
    if "min_technical_ratio" in params:
        required_technical(params["size"], params["min_technical_ratio"])


def validate(bundle) -> None:
    """Raise MalformedBundle unless every member has its exact JSON type (§9.1)."""
    _need(isinstance(bundle, dict), "the bundle must be a JSON object")
    _need(isinstance(bundle.get("algorithm"), str), "algorithm must be a string")
    v3 = bundle["algorithm"] == V3
    for name in ("pool", "pool_hash", "commitments", "reveals", "seed", "ranked", "panel"):
        _need(name in bundle, f"missing member {name!r}")
    _need(isinstance(bundle.get("params"), dict), "params must be an object")
    _validate_params(bundle["params"], v3)
    _need(isinstance(bundle["pool"], list), "pool must be an array")
    keys = {"id", "employer", "type"}
    for entry in bundle["pool"]:
        _need(isinstance(entry, dict) and keys <= set(entry), "a pool entry lacks id/employer/type")
        _need(all(isinstance(entry[k], str) for k in keys), "pool members must be strings")
        if v3:
            _need(set(entry) == keys, "a v3 pool entry has exactly id, employer, type")
            _need(HEX24.fullmatch(entry["id"]) and HEX24.fullmatch(entry["employer"]), "v3 ids")
    for name in ("pool_hash", "seed"):
        _need(isinstance(bundle[name], str), f"{name} must be a string")
    for name in ("commitments", "reveals"):
        pair = bundle[name]
        _need(isinstance(pair, dict) and set(pair) == set(PARTIES), f"{name}: bureau, supervisor")
        _need(all(isinstance(v, str) for v in pair.values()), f"{name} must hold strings")
    for name in ("ranked", "panel", "alternates"):
        _strings(bundle.get(name, []), name)
    _need("alternates" in bundle, "missing member 'alternates'")

    def int_or_null(v):
        return v is None or _is_int(v)

    def str_or_null(v):
        return v is None or isinstance(v, str)

    _optional(bundle, "draw", _is_int, "an integer", required=v3)
    _optional(bundle, "challenge", lambda v: isinstance(v, str), "a string", required=v3)
    _optional(bundle, "purpose", lambda v: v in PURPOSES, f"one of {PURPOSES}", required=v3)
    _optional(bundle, "project_bid", str_or_null, "a string or null", required=v3)
    _optional(bundle, "milestone", int_or_null, "an integer or null", required=v3)
    _optional(bundle, "supplementary_of", int_or_null, "an integer or null", required=v3)
    _optional(bundle, "redraw_reason", lambda v: isinstance(v, str), "a string", required=v3)
    for name in ("public_value_source", "public_value"):
        _optional(bundle, name, lambda v: isinstance(v, str), "a string", required=v3)
    _optional(bundle, "context_id", lambda v: isinstance(v, str), "a string", required=v3)
    _optional(bundle, "parties", _parties_shape, "bureau and supervisor objects", required=v3)
    _optional(
        bundle,
        "exclusions",
        lambda v: isinstance(v, dict) and all(_is_int(n) for n in v.values()),
        "an object of integers",
        required=False,
    )
    _optional(
        bundle,
        "replacements",
        lambda v: (
            isinstance(v, list)
            and all(
                isinstance(r, dict) and set(r) == {"replaced", "by"} and _strs(r.values())
                for r in v
            )
        ),
        "an array of {replaced, by}",
        required=False,
    )
    for name in ("frozen_at", "completed_at"):
        _optional(bundle, name, str_or_null, "a string or null", required=False)


def _strs(values) -> bool:
    return all(isinstance(v, str) for v in values)


PARTY_KEYS = {"role", "person", "name", "organisation", "organisation_code"}


def _parties_shape(value) -> bool:
    return (
        isinstance(value, dict)
        and set(value) == set(PARTIES)
        and all(
            isinstance(p, dict) and set(p) == PARTY_KEYS and _strs(p.values())
            for p in value.values()
        )
    )


def _verify_v3_rules(bundle) -> list[str]:
    """The v3 checks beyond recomputation: formats fixed in advance and the two parties."""
    problems = [
        f"{party} secret is not 32 to 64 lowercase hex characters"
        for party in PARTIES
        if not SECRET_V3.fullmatch(bundle["reveals"][party])
    ]
    source, value = bundle["public_value_source"], bundle["public_value"]
    if source:
        try:
            if normalise_public_value(source, value) != value:
                problems.append("public value is not written in its normal form")
        except ValueError as exc:
            problems.append(str(exc))
    elif bundle["purpose"] == "bid_review":
        problems.append("a bid-review draw must name a public value source")
    elif value:
        problems.append("a public value without a named source")
    parties = bundle["parties"]
    if (
        parties["bureau"]["role"] != "bureau_officer"
        or parties["supervisor"]["role"] != "supervisor"
    ):
        problems.append("party roles must be bureau_officer and supervisor")
    if parties["bureau"]["person"] == parties["supervisor"]["person"]:
        problems.append("the bureau officer and the supervisor are the same person")
    if parties["bureau"]["organisation_code"] == parties["supervisor"]["organisation_code"]:
        problems.append("the bureau officer and the supervisor belong to the same organisation")
    if bundle["context_id"] != context_id(context(bundle)):
        problems.append("context_id does not match the context")
    return problems


def verify(bundle) -> list[str]:
    """Return the list of mismatches (empty when the bundle verifies). Raise MalformedBundle
    when the bundle is not well-formed (wrong JSON types, missing members, bad ratio)."""
    validate(bundle)
    problems = []
    algorithm = bundle["algorithm"]
    if algorithm not in SUPPORTED:
        return [f"unknown algorithm {algorithm!r}"]
    pool = bundle["pool"]
    if len({e["id"] for e in pool}) != len(pool):
        return ["duplicate ids in the pool"]
    if pool_hash(pool) != bundle["pool_hash"]:
        problems.append("pool hash does not match the pool")
    reveals = bundle["reveals"]
    if algorithm == V3:
        problems.extend(_verify_v3_rules(bundle))
        ctx = context(bundle)
        ctx_hex = context_id(ctx)
        problems.extend(
            f"{party} reveal does not match its commitment for this draw"
            for party in PARTIES
            if commitment_v3(ctx_hex, party, reveals[party]) != bundle["commitments"][party]
        )
        computed_seed = seed_v3(
            ctx,
            bundle["pool_hash"],
            bundle["commitments"],
            bundle["parties"],
            reveals,
            bundle["public_value"],
        )
    else:
        problems.extend(
            f"{party} reveal does not match its commitment"
            for party in PARTIES
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
    except MalformedBundle:
        raise
    except ValueError as exc:
        problems.append(str(exc))
    else:
        if panel != bundle["panel"]:
            problems.append("panel does not match the selection rule")
        if alternates != bundle["alternates"]:
            problems.append("alternates do not match the selection rule")
    return problems


def main(argv=None) -> int:
    """Exit 0: verified; 1: a mismatch (FAIL lines); 2: usage, unreadable or malformed input."""
    args = (argv if argv is not None else sys.argv)[1:]
    if len(args) != 1:
        print("usage: python verify_draw.py bundle.json", file=sys.stderr)
        return 2
    try:
        with open(args[0], encoding="utf-8") as handle:
            bundle = loads(handle.read())
        problems = verify(bundle)
    except MalformedBundle as exc:
        print(f"ERROR: malformed bundle: {exc}", file=sys.stderr)
        return 2
    except (OSError, ValueError, RecursionError) as exc:
        print(f"ERROR: cannot read the bundle: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # any other input problem: a clean exit, never a traceback
        print(f"ERROR: cannot verify the bundle: {exc!r}", file=sys.stderr)
        return 2
    if problems:
        for problem in problems:
            print(f"FAIL: {problem}")
        return 1
    parties = ""
    if bundle["algorithm"] == V3:
        parties = (
            " Parties: "
            + "; ".join(
                f"{p['role']} {p['name']} ({p['organisation']})" for p in bundle["parties"].values()
            )
            + "."
        )
    print(
        f"OK: draw {bundle.get('draw')} verified — pool of {len(bundle['pool'])}, "
        f"pool hash {bundle['pool_hash'][:16]}…, seed {bundle['seed'][:16]}…, "
        f"panel of {len(bundle['panel'])}, {len(bundle['alternates'])} alternates.{parties}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

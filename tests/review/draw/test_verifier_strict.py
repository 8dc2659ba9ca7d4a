"""The reference verifier is as strict as the spec (docs/draw-algorithm.md §9.1): exact JSON
types, ASCII digits, duplicate keys refused, every malformed input a clean exit status 2
(never a traceback), and the v3 worked example of §13.6 recomputed from the document."""

import copy
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from review import verify_draw as algo

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "review" / "verify_draw.py"
SPEC = ROOT / "docs" / "draw-algorithm.md"


def spec_example(heading):
    """The ```json block that follows ``heading`` in the spec."""
    text = SPEC.read_text(encoding="utf-8")
    start = text.index(heading)
    block = re.search(r"```json\n(.*?)\n```", text[start:], re.DOTALL)
    return block.group(1)


def v1_example():
    return json.loads(spec_example("### 12.6 The bundle"))


def v3_example():
    return algo.loads(spec_example("### 13.6 The bundle"))


def run(tmp_path, text, name="bundle.json"):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return subprocess.run(
        [sys.executable, "-I", str(SCRIPT), str(path)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=tmp_path,
        check=False,
    )


def test_the_v1_and_v3_examples_of_the_spec_verify(tmp_path):
    for bundle in (v1_example(), v3_example()):
        assert algo.verify(bundle) == []
        result = run(tmp_path, json.dumps(bundle, ensure_ascii=False))
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("OK: draw ")


def test_v3_worked_example_numbers():
    """Every number printed in §13 of the spec, recomputed."""
    bundle = v3_example()
    context = algo.context(bundle)
    assert algo.canonical(context).decode() == (
        '{"algorithm":"jiebang-draw-v3","challenge":"ocds-jbgs-2026-000012","draw":12,'
        '"milestone":null,"params":{"alternates":1,"max_per_employer":1,"min_financial":1,'
        '"min_technical_ratio":"2/3","size":5},"project_bid":null,'
        '"public_value_source":"cwl-3d:2026-12-10","purpose":"bid_review",'
        '"redraw_reason":"","supplementary_of":null}'
    )
    context_id = "6f7494be7cd73529ee78598ddd56ab17831782b071a30d6a6b4b68b79b1f0d92"
    assert algo.context_id(context) == bundle["context_id"] == context_id
    assert algo.commitment_v3(context_id, "bureau", bundle["reveals"]["bureau"]) == (
        "de760b3e82b777dba6a921efb4c9d8e79fe1512d6d60fb8259c6efbe51b305be"
    )
    assert algo.commitment_v3(context_id, "supervisor", bundle["reveals"]["supervisor"]) == (
        "9feeed7fa06bf0312e34ad89d20586cc2eb979fc9b5ec33c239c7ba17dcddbc8"
    )
    assert algo.pool_hash(bundle["pool"]) == (
        "d5782a59edcc0e5aeb80d2c31219277aad32150ca31a2db2e44ef40c2d100a48"
    )
    assert algo.normalise_public_value(bundle["public_value_source"], "4 8 3") == "483"
    seed = algo.seed_v3(
        context,
        bundle["pool_hash"],
        bundle["commitments"],
        bundle["parties"],
        bundle["reveals"],
        "483",
    )
    assert seed == "2fa2114860b43cffb39b20e6c21bf77db76ac2c2299a40c0702eb7018f090c9a"
    assert algo.rank(seed, bundle["pool"]) == [
        "6596a63a06d676a658e0c04b",
        "11a08ec301d531e7d8448ff5",
        "278180e2dbc3cd7c36973c4f",
        "dc7c3b2905352d11f0a33eda",
        "18945e68086c22c036a42f21",
        "b578176535c5daee8a875ab9",
    ]
    assert algo.select(bundle["pool"], bundle["ranked"], bundle["params"], algo.V3) == (
        [
            "6596a63a06d676a658e0c04b",
            "11a08ec301d531e7d8448ff5",
            "278180e2dbc3cd7c36973c4f",
            "18945e68086c22c036a42f21",
            "b578176535c5daee8a875ab9",
        ],
        ["dc7c3b2905352d11f0a33eda"],
    )


def _set(path, value):
    def change(bundle):
        target = bundle
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


MALFORMED = [
    pytest.param(_set(("params", "min_technical_ratio"), " 2/3"), id="ratio-leading-space"),
    pytest.param(_set(("params", "min_technical_ratio"), "２/3"), id="ratio-full-width-digit"),
    pytest.param(_set(("params", "min_technical_ratio"), "2/0"), id="ratio-zero-denominator"),
    pytest.param(_set(("params", "min_technical_ratio"), "2_0/3"), id="ratio-underscore"),
    pytest.param(_set(("params", "size"), 7.0), id="size-float"),
    pytest.param(_set(("params", "size"), "5"), id="size-string"),
    pytest.param(_set(("params", "min_financial"), False), id="false-as-integer"),
    pytest.param(_set(("params", "max_per_employer"), True), id="true-as-integer"),
    pytest.param(_set(("draw",), 12.0), id="draw-float"),
    pytest.param(_set(("pool",), {}), id="pool-object"),
    pytest.param(_set(("panel",), [1, 2]), id="panel-integers"),
    pytest.param(_set(("reveals",), {"bureau": "x"}), id="reveals-one-party"),
    pytest.param(lambda b: b.pop("seed"), id="missing-seed"),
]


@pytest.mark.parametrize("make", [v1_example, v3_example], ids=["v1", "v3"])
@pytest.mark.parametrize("tamper", MALFORMED)
def test_malformed_bundles_exit_2_without_a_traceback(tmp_path, make, tamper):
    bundle = copy.deepcopy(make())
    tamper(bundle)
    with pytest.raises(algo.MalformedBundle):
        algo.verify(bundle)
    result = run(tmp_path, json.dumps(bundle, ensure_ascii=False))
    assert result.returncode == 2
    assert result.stderr.startswith("ERROR: malformed bundle: ")
    assert "Traceback" not in result.stderr


def test_duplicate_keys_are_refused(tmp_path):
    """A second ``panel`` member used to replace the first silently (only the last checked)."""
    text = json.dumps(v3_example(), ensure_ascii=False, indent=1)
    duplicated = text.replace('"panel": [', '"panel": ["x"],\n "panel": [', 1)
    assert duplicated != text
    with pytest.raises(algo.MalformedBundle, match="duplicate key 'panel'"):
        algo.loads(duplicated)
    result = run(tmp_path, duplicated)
    assert result.returncode == 2
    assert "duplicate key 'panel'" in result.stderr
    nested = text.replace('"size": 5', '"size": 5, "size": 7', 1)
    assert run(tmp_path, nested).returncode == 2


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"[]", id="array"),
        pytest.param(b"{", id="truncated"),
        pytest.param(b'{"algorithm": NaN}', id="nan"),
        pytest.param(b"\xff\xfe{}", id="not-utf8"),
        pytest.param(b"[" * 100000 + b"]" * 100000, id="deeply-nested"),
        pytest.param(b'{"algorithm": 3}', id="algorithm-not-a-string"),
    ],
)
def test_unreadable_input_exits_2_without_a_traceback(tmp_path, text):
    result = run(tmp_path, text)
    assert result.returncode == 2
    assert result.stderr.startswith("ERROR: ")
    assert "Traceback" not in result.stderr


def test_missing_file_and_usage_exit_2(tmp_path):
    missing = subprocess.run(
        [sys.executable, "-I", str(SCRIPT), str(tmp_path / "none.json")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert missing.returncode == 2
    assert "Traceback" not in missing.stderr
    assert algo.main(["verify_draw.py"]) == 2


def test_v3_formats_are_checked():
    bundle = v3_example()
    bundle["reveals"]["bureau"] = "bureau-secret-2026"
    assert "bureau secret is not 32 to 64 lowercase hex characters" in algo.verify(bundle)
    bundle = v3_example()
    bundle["public_value"] = "４８３"
    assert any("ASCII digits" in p for p in algo.verify(bundle))
    bundle = v3_example()
    bundle["public_value_source"] = ""
    bundle["context_id"] = algo.context_id(algo.context(bundle))
    assert "a bid-review draw must name a public value source" in algo.verify(bundle)
    bundle = v3_example()
    bundle["pool"][0]["note"] = "extra"
    with pytest.raises(algo.MalformedBundle):
        algo.verify(bundle)


def test_duplicate_ids_fail_with_exit_1(tmp_path):
    bundle = v1_example()
    bundle["pool"].append(dict(bundle["pool"][0]))
    assert algo.verify(bundle) == ["duplicate ids in the pool"]
    assert run(tmp_path, json.dumps(bundle, ensure_ascii=False)).returncode == 1

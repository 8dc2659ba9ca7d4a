"""The benchmark scripts run only by hand: at least make sure they still import, so a
refactor that moves a helper cannot break them silently."""

import importlib

import pytest

MODULES = [
    "benchmarks.run",
    "benchmarks.scenarios",
    "benchmarks.seed",
    "benchmarks.seed_bids",
    "benchmarks.seed_experts",
    "benchmarks.seed_scores",
    "benchmarks.documents",
    "benchmarks.projects",
    "benchmarks.api",
    "benchmarks.load",
    "benchmarks.report",
    "benchmarks.seed_volume",
]


@pytest.mark.parametrize("name", MODULES)
def test_benchmark_module_imports(name):
    module = importlib.import_module(name)
    assert module.__name__ == name

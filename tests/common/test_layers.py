"""The layer contracts (pyproject [tool.importlinter]) hold, and they are not a test that
cannot fail: a copy of the code where a services module imports a views module breaks."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT = Path(sys.executable).with_name("lint-imports")
PACKAGES = [
    "common", "ops", "audit", "notifications", "accounts", "security", "bounty",
    "documents", "review", "dashboard", "api", "opendata",
]  # fmt: skip


def _lint(root):
    return subprocess.run(
        [str(LINT), "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def copy(tmp_path_factory):
    root = tmp_path_factory.mktemp("layers")
    shutil.copy(ROOT / "pyproject.toml", root)
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, root / package, ignore=shutil.ignore_patterns("*.pyc", "migrations")
        )
    return root


def test_the_layers_hold(copy):
    result = _lint(copy)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_service_importing_a_view_breaks_the_contract(copy):
    services = copy / "bounty" / "bids" / "services.py"
    original = services.read_text()
    services.write_text(original + "\nfrom bounty.bids import views  # a throwaway violation\n")
    try:
        result = _lint(copy)
    finally:
        services.write_text(original)
    assert result.returncode != 0
    assert "Services never import views BROKEN" in result.stdout


def test_no_module_imports_itself_in_a_circle():
    """No two modules of the apps (or of benchmarks/) reach each other through imports."""
    import grimp

    graph = grimp.build_graph(*PACKAGES, "benchmarks", cache_dir=None)  # a stale cache lies
    circles = sorted(
        (a, b)
        for a in graph.modules
        for b in graph.find_modules_directly_imported_by(a)
        if a < b and graph.chain_exists(importer=b, imported=a)
    )
    assert circles == []


def test_no_app_module_over_600_lines():
    """A module that long holds more than one thing (docs/architecture.md)."""
    long = [
        f"{path.relative_to(ROOT)} ({n})"
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
        and (n := len(path.read_text(encoding="utf-8").splitlines())) > 600
    ]
    assert long == []

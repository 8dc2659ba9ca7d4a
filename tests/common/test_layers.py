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

pytestmark = pytest.mark.skipif(not LINT.exists(), reason="import-linter not installed")


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

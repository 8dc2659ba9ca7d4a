"""``manage.py import_experts``: exit status, error table and progress output."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from audit.models import AuditEvent
from review.models import Expert
from tests.review.pool.helpers import credit_code, csv_bytes, row, rows, wrong_check, xlsx_bytes

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    with translation.override("en"):
        call_command("import_experts", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def bad_file(tmp_path):
    records = rows(4)
    records[1]["Employer credit code"] = wrong_check(credit_code(5))
    records[2]["Industries"] = "nowhere"
    path = tmp_path / "pool.xlsx"
    path.write_bytes(xlsx_bytes(records))
    return path


def test_a_valid_file_is_imported_and_counted(tmp_path):
    path = tmp_path / "pool.csv"
    path.write_bytes(csv_bytes(rows(3)))

    out, err = run(str(path))

    assert "Imported: rows 3, created 3, updated 0, unchanged 0, skipped 0." in out
    assert "Checking rows" in err
    assert Expert.objects.count() == 3
    event = AuditEvent.objects.get(action="expert.import")
    assert event.actor is None
    assert event.actor_label == "system"


def test_rows_with_errors_print_a_table_and_exit_1(bad_file):
    out = io.StringIO()
    with pytest.raises(CommandError) as caught, translation.override("en"):
        call_command("import_experts", str(bad_file), stdout=out, stderr=io.StringIO())

    assert caught.value.returncode == 1
    assert "2 row(s) have errors; nothing was imported" in str(caught.value)
    lines = out.getvalue().splitlines()
    assert lines[0].split() == ["row", "column", "problem"]
    assert lines[1].split()[:4] == ["3", "Employer", "credit", "code"]
    assert "check character" in lines[1]
    assert lines[2].split()[:3] == ["4", "Industries", "No"]
    assert Expert.objects.count() == 0


def test_valid_rows_option_imports_the_rest_and_exits_0(bad_file):
    out, _err = run(str(bad_file), "--valid-rows")

    assert "Imported: rows 4, created 2, updated 0, unchanged 0, skipped 2." in out
    assert "No industry has the code “nowhere”." in out
    assert sorted(Expert.objects.values_list("code", flat=True)) == ["E00001", "E00004"]


def test_dry_run_reports_and_keeps_nothing(tmp_path):
    path = tmp_path / "pool.csv"
    path.write_bytes(csv_bytes([row("D1"), row("D2")]))

    out, _err = run(str(path), "--dry-run")

    assert "Dry run (rolled back): rows 2, created 2" in out
    assert Expert.objects.count() == 0
    assert not AuditEvent.objects.exists()


def test_an_unreadable_file_exits_2(tmp_path):
    path = tmp_path / "pool.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64)
    with pytest.raises(CommandError) as caught, translation.override("en"):
        call_command("import_experts", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert caught.value.returncode == 2
    assert "old Excel file" in str(caught.value)

    with pytest.raises(CommandError) as missing:
        call_command("import_experts", str(tmp_path / "nope.csv"))
    assert missing.value.returncode == 2


def test_progress_goes_to_stderr_every_ten_thousand_rows_when_not_a_terminal(tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(csv_bytes(rows(10_500)))

    _out, err = run(str(path))

    lines = err.splitlines()
    assert any(line.startswith("Checking rows [") and "10,000/" in line for line in lines)
    assert any(line.startswith("Saving experts [") and "10,500/10,500" in line for line in lines)
    assert Expert.objects.count() == 10_500

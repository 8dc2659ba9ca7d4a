"""Import an expert pool file: ``manage.py import_experts FILE [--valid-rows] [--dry-run]``.

The columns are those of the import page (review/pool/columns.py). Exit status: 0 when
the file was imported (or would be, with --dry-run); 1 when rows have errors and
nothing was imported; 2 when the file cannot be read.
"""

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from accounts.exceptions import ActionRefused
from review.pool.importing import expert_import
from review.pool.reading import ImportFileError

BAR_WIDTH = 30


def _plain(text):
    return text  # progress is not an error: no red on a terminal


class Command(BaseCommand):
    help = "Import experts from an Excel (.xlsx) or CSV file; existing expert ids are updated."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path of the .xlsx or .csv file.")
        parser.add_argument(
            "--valid-rows",
            action="store_true",
            help="Import the valid rows and skip the rows with errors.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Validate and count, then roll everything back.",
        )
        parser.add_argument(
            "--by",
            metavar="USERNAME",
            help="Bureau officer recorded as the actor (default: the system).",
        )
        parser.add_argument(
            "--language",
            default=None,
            help="Language of the messages and headers (e.g. en, zh-hans).",
        )

    def handle(self, *args, **options):
        language = options["language"] or translation.get_language()
        with translation.override(language):
            return self._import(options)

    def _import(self, options):
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}", returncode=2) from exc
        by = None
        if options["by"]:
            by = get_user_model().objects.filter(username=options["by"]).first()
            if by is None:
                raise CommandError(f"No user {options['by']!r}.", returncode=2)
        self._progress_line = ""
        try:
            result = expert_import(
                data=data,
                by=by,
                filename=path.name,
                valid_rows_only=options["valid_rows"],
                dry_run=options["dry_run"],
                progress=self._progress,
            )
        except ImportFileError as exc:
            self._end_progress()
            raise CommandError(str(exc.message), returncode=2) from exc
        except ActionRefused as exc:
            self._end_progress()
            raise CommandError(str(exc.message), returncode=2) from exc
        self._end_progress()
        self._print_errors(result.errors)
        counts = result.counts()
        summary = (
            f"rows {counts['rows']}, created {counts['created']}, updated {counts['updated']}, "
            f"unchanged {counts['unchanged']}, skipped {counts['skipped']}"
        )
        if result.imported:
            prefix = "Dry run (rolled back)" if result.dry_run else "Imported"
            self.stdout.write(self.style.SUCCESS(f"{prefix}: {summary}."))
            return None
        if not result.errors:
            self.stdout.write("Nothing to import.")
            return None
        raise CommandError(
            f"{result.parsed.error_rows} row(s) have errors; nothing was imported "
            "(use --valid-rows to import the others).",
            returncode=1,
        )

    # Plain-text progress on stderr: a bar redrawn in place on a terminal, one line per
    # 10,000 rows otherwise (log files).
    def _progress(self, stage, done, total):
        label = {"validate": "Checking rows", "save": "Saving experts"}.get(stage, stage)
        if total:
            filled = min(BAR_WIDTH, BAR_WIDTH * done // max(total, 1))
            line = f"{label} [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done:,}/{total:,}"
        else:
            line = f"{label}: {done:,}"
        if sys.stderr.isatty():
            redrawn = "\r" + line.ljust(len(self._progress_line))
            self.stderr.write(redrawn, style_func=_plain, ending="")
            self.stderr.flush()
            self._progress_line = line
        elif done % 10_000 == 0 or done == total:
            self.stderr.write(line, style_func=_plain)

    def _end_progress(self):
        if self._progress_line:
            self.stderr.write("", style_func=_plain)
            self._progress_line = ""

    def _print_errors(self, errors):
        if not errors:
            return
        width = max(len(e.column) for e in errors)
        self.stdout.write(f"{'row':>7}  {'column'.ljust(width)}  problem")
        for e in errors:
            self.stdout.write(f"{e.row:>7}  {e.column.ljust(width)}  {e.message}")

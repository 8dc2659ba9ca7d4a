import json
from itertools import chain

from django.core.management.base import BaseCommand, CommandError

from bounty.models import PUBLIC_CALL_STATUSES, Call, Challenge
from opendata.ocds.packages import OCDS_VERSION, call_package, release_package
from opendata.validation import package_errors


class Command(BaseCommand):
    help = (
        "Print the OCDS release package of a public challenge (or, with --all, of every public "
        "challenge and every published call, one package per line); --validate checks them "
        "against the shipped schema."
    )

    def add_arguments(self, parser):
        parser.add_argument("ocid", nargs="?")
        parser.add_argument(
            "--all", action="store_true", dest="every", help="Every public challenge."
        )
        parser.add_argument(
            "--validate",
            action="store_true",
            help="Validate against the shipped OCDS 1.1 release-package schema (exit 1 if not).",
        )
        parser.add_argument("--indent", type=int, default=2, help="0: one line per package.")

    def handle(self, *args, ocid, every, validate, indent, **options):
        if every == bool(ocid):
            raise CommandError("Give one ocid, or --all.")
        challenges = Challenge.objects.public().order_by("pk")
        if not every:
            challenges = challenges.filter(ocid=ocid)
            if not challenges.exists():
                raise CommandError(f"No public challenge has the ocid {ocid!r}.")
        packages = ((c.ocid, release_package(c)) for c in challenges)
        if every:  # the calls' planning processes (docs/ocds.md, "Calls (批次)")
            calls = Call.objects.filter(status__in=PUBLIC_CALL_STATUSES).order_by("year", "batch")
            packages = chain(packages, ((f"call {c.code}", call_package(c)) for c in calls))
        failed = 0
        for name, data in packages:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=(indent or None)))
            if not validate:
                continue
            errors = package_errors(data)
            for error in errors:
                self.stderr.write(f"{name}: {error}")
            failed += bool(errors)
            if not errors:
                self.stderr.write(
                    self.style.SUCCESS(
                        f"{name}: valid OCDS {OCDS_VERSION} release package "
                        f"({len(data['releases'])} releases)."
                    )
                )
        if failed:
            raise CommandError(f"{failed} package(s) do not validate.")

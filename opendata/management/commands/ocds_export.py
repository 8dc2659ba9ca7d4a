import json

from django.core.management.base import BaseCommand, CommandError

from bounty.models import Challenge
from opendata.ocds.packages import OCDS_VERSION, release_package
from opendata.validation import package_errors


class Command(BaseCommand):
    help = (
        "Print the OCDS release package of a public challenge (or, with --all, of every public "
        "challenge, one package per line); --validate checks them against the shipped schema."
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
        failed = 0
        for challenge in challenges:
            data = release_package(challenge)
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=(indent or None)))
            if not validate:
                continue
            errors = package_errors(data)
            for error in errors:
                self.stderr.write(f"{challenge.ocid}: {error}")
            failed += bool(errors)
            if not errors:
                self.stderr.write(
                    self.style.SUCCESS(
                        f"{challenge.ocid}: valid OCDS {OCDS_VERSION} release package "
                        f"({len(data['releases'])} releases)."
                    )
                )
        if failed:
            raise CommandError(f"{failed} package(s) do not validate.")

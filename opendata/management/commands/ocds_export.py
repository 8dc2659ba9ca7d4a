import json

from django.core.management.base import BaseCommand, CommandError

from bounty.models import Challenge
from opendata import ocds
from opendata.validation import package_errors


class Command(BaseCommand):
    help = "Print the OCDS release package of a public challenge; --validate checks it."

    def add_arguments(self, parser):
        parser.add_argument("ocid")
        parser.add_argument(
            "--validate",
            action="store_true",
            help="Validate against the shipped OCDS 1.1 release-package schema (exit 1 if not).",
        )
        parser.add_argument("--indent", type=int, default=2)

    def handle(self, *args, ocid, validate, indent, **options):
        challenge = Challenge.objects.public().filter(ocid=ocid).first()
        if challenge is None:
            raise CommandError(f"No public challenge has the ocid {ocid!r}.")
        data = ocds.release_package(challenge)
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=indent or None))
        if validate:
            errors = package_errors(data)
            if errors:
                for error in errors:
                    self.stderr.write(error)
                raise CommandError(f"{len(errors)} validation error(s).")
            self.stderr.write(
                self.style.SUCCESS(
                    f"Valid OCDS {ocds.OCDS_VERSION} release package "
                    f"({len(data['releases'])} releases)."
                )
            )

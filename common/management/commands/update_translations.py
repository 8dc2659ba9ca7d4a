from django.core.management import call_command
from django.core.management.base import BaseCommand

IGNORE = [".venv/*", "var/*", "node_modules/*", "tests/*", "benchmarks/*", "static/*"]


class Command(BaseCommand):
    help = "Refresh locale/*/django.po from the source (same options for everybody, so diffs stay small)."

    def handle(self, *args, **options):
        call_command(
            "makemessages",
            locale=["zh_Hans", "en"],
            ignore_patterns=IGNORE,
            no_location=True,
            no_obsolete=True,
            verbosity=0,
        )
        self.stdout.write("Updated locale/zh_Hans and locale/en.")

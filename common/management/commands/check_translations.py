from django.core.management.base import BaseCommand, CommandError

from common.translations import untranslated_entries


class Command(BaseCommand):
    help = "Fail when a zh_Hans message is untranslated or fuzzy (run update_translations first)."

    def handle(self, *args, **options):
        missing = untranslated_entries("zh_Hans")
        if missing:
            lines = "\n".join(f"  - {msgid}" for msgid in missing[:50])
            raise CommandError(f"{len(missing)} zh_Hans message(s) untranslated or fuzzy:\n{lines}")
        self.stdout.write(self.style.SUCCESS("All zh_Hans messages are translated."))

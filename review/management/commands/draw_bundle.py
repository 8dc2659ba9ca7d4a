import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from review.draw.services import bundle
from review.models import Draw, DrawStatus


class Command(BaseCommand):
    help = "Write a draw's verification bundle (the file the bureau downloads)."

    def add_arguments(self, parser):
        parser.add_argument("draw_id", type=int)
        parser.add_argument("path")

    def handle(self, *args, draw_id, path, **options):
        draw = Draw.objects.filter(pk=draw_id).select_related("challenge").first()
        if draw is None or draw.status != DrawStatus.COMPLETED:
            raise CommandError(f"No completed draw {draw_id}.")
        data = json.dumps(bundle(draw), ensure_ascii=False, indent=1, sort_keys=True)
        Path(path).write_text(data, encoding="utf-8")
        self.stdout.write(f"Wrote {path}. Check it with: python review/verify_draw.py {path}")

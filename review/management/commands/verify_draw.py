from django.core.management.base import BaseCommand, CommandError

from review import verify_draw as algo
from review.draw.services import bundle
from review.models import Draw, DrawStatus


class Command(BaseCommand):
    help = "Recompute a draw from the database (pool hash, seed, selection); exit non-zero on mismatch."

    def add_arguments(self, parser):
        parser.add_argument("draw_id", type=int)

    def handle(self, *args, draw_id, **options):
        draw = Draw.objects.filter(pk=draw_id).select_related("challenge").first()
        if draw is None or draw.status != DrawStatus.COMPLETED:
            raise CommandError(f"No completed draw {draw_id}.")
        try:
            problems = algo.verify(bundle(draw))
        except algo.MalformedBundle as exc:
            raise CommandError(f"Draw {draw_id}: malformed record: {exc}") from exc
        if problems:
            raise CommandError("; ".join(problems))
        self.stdout.write(
            self.style.SUCCESS(f"Draw {draw_id} verified: pool hash, seed and panel match.")
        )

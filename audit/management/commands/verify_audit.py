from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from audit.chain import verify_chain
from audit.models import AuditEvent


class Command(BaseCommand):
    help = "Recompute the audit hash chain and name the first broken event."

    def handle(self, *args, **options):
        events = AuditEvent.objects.order_by("seq").iterator(chunk_size=2000)
        count, broken, reason = verify_chain(events)
        if broken is not None:
            raise CommandError(
                _("Audit chain BROKEN at event #%(seq)s (%(action)s, id %(id)s): %(reason)s")
                % {"seq": broken.seq, "action": broken.action, "id": broken.pk, "reason": reason}
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("Audit chain intact: %(count)d events verified.") % {"count": count}
            )
        )
        head = AuditEvent.objects.order_by("-seq").only("seq", "hash").first()
        if head is not None:
            # Write the head down now and then (or publish it): cutting off the
            # newest events leaves a valid prefix, detectable only against a known head.
            self.stdout.write(_("Head: #%(seq)d %(hash)s") % {"seq": head.seq, "hash": head.hash})

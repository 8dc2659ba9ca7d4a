from django.core.management.base import BaseCommand, CommandError

from accounts.exceptions import ActionRefused
from accounts.models import User
from security.duties import duty_grant, duty_revoke
from security.models import Duty, StaffDuty


class Command(BaseCommand):
    help = (
        "Installation: give an account one of the three administrator duties (system, "
        "security, audit), take it back, or list who holds them. After installation the "
        "security administrator grants duties in the admin."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        grant = sub.add_parser("grant")
        grant.add_argument("username")
        grant.add_argument("duty", choices=Duty.values)
        revoke = sub.add_parser("revoke")
        revoke.add_argument("username")
        sub.add_parser("list")

    def handle(self, *args, verb, **options):
        if verb == "list":
            for record in StaffDuty.objects.select_related("user"):
                self.stdout.write(f"{record.user.username}\t{record.duty}")
            return
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user {options['username']!r}.")
        try:
            if verb == "grant":
                duty_grant(user=user, duty=options["duty"])
            else:
                record = StaffDuty.objects.filter(user=user).first()
                if record is None:
                    raise CommandError(f"{user.username} holds no duty.")
                duty_revoke(record=record)
        except ActionRefused as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(self.style.SUCCESS(f"{verb}: {user.username} done."))

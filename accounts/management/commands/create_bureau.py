from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.services import bureau_bootstrap


class Command(BaseCommand):
    help = "Create the bureau organisation and make an existing user its first officer (production bootstrap)."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True)
        parser.add_argument("--credit-code", required=True)
        parser.add_argument("--officer", required=True, help="username of the first bureau officer")

    def handle(self, *args, name, credit_code, officer, **options):
        user = User.objects.filter(username=officer).first()
        if user is None:
            raise CommandError(
                f"No user {officer!r}: create it first (createsuperuser or sign-up)."
            )
        try:
            org = bureau_bootstrap(name=name, credit_code=credit_code, officer=user)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(
            self.style.SUCCESS(f"Bureau {org.name} ({org.credit_code}) ready; officer {user}.")
        )

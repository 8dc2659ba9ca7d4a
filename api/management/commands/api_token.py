"""Personal API tokens from the command line (CI, scripts): create (prints the key once),
list, revoke. ``manage.py api_token create --user alice --scope read``."""

from django.core.management.base import BaseCommand, CommandError

from accounts.exceptions import ActionRefused
from accounts.models import User
from api.models import ApiToken, Scope
from api.services import token_create, token_revoke


class Command(BaseCommand):
    help = "Create, list or revoke a user's personal API tokens."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a token and print its key (once)")
        create.add_argument("--user", required=True)
        create.add_argument("--scope", choices=Scope.values, default=Scope.READ)
        create.add_argument("--name", default="command line")
        listing = sub.add_parser("list", help="list a user's tokens")
        listing.add_argument("--user", required=True)
        revoke = sub.add_parser("revoke", help="revoke a token by its key prefix")
        revoke.add_argument("--user", required=True)
        revoke.add_argument("--prefix", required=True)

    def handle(self, *args, action, user, **options):
        account = User.objects.filter(username=user).first()
        if account is None:
            raise CommandError(f"No user named {user!r}.")
        try:
            if action == "create":
                _token, key = token_create(by=account, name=options["name"], scope=options["scope"])
                self.stdout.write(key)
            elif action == "list":
                for token in ApiToken.objects.filter(user=account):
                    state = "revoked" if token.revoked_at else "active"
                    self.stdout.write(f"{token.prefix}…\t{token.scope}\t{state}\t{token.name}")
            else:
                token = ApiToken.objects.filter(user=account, prefix=options["prefix"]).first()
                if token is None:
                    raise CommandError("No such token.")
                token_revoke(token=token, by=account)
                self.stdout.write(f"Revoked {token.prefix}…")
        except ActionRefused as exc:
            raise CommandError(str(exc.message)) from exc

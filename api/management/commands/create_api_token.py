"""Make a personal API token for a script: prints the token and nothing else on stdout."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from api import services
from api.models import Scope
from practices.models import User, canonical_email


class Command(BaseCommand):
    help = "Create a personal API token; only the token is printed (on stdout)."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="The person's email address.")
        parser.add_argument("--name", required=True, help="What will use the token.")
        parser.add_argument("--scope", required=True, choices=Scope.values)
        parser.add_argument(
            "--days", type=int, default=services.DEFAULT_DAYS, help="Days until it expires."
        )

    def handle(self, *args, **options):
        user = User.objects.filter(email=canonical_email(options["user"]), is_active=True).first()
        if user is None:
            raise CommandError(f"No active account has the email {options['user']}.")
        try:
            new = services.token_create(
                user=user, name=options["name"], scope=options["scope"], days=options["days"]
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(new.token)

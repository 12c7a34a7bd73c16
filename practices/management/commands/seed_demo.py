"""Load the fictional back-pain demo programme (idempotent; refused in production)."""

from importlib import import_module
from importlib.util import find_spec

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from practices import demo

# Each app that has demo content provides `<app>.demo.seed(programme)`; order matters.
DEMO_APPS = ["evidence", "pdsa", "audits", "workshops"]


class Command(BaseCommand):
    help = "Load the back-pain demo programme. Running it twice changes nothing."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("seed_demo refuses to run in production mode (DJANGO_ENV).")
        programme = demo.seed_people()
        demo.seed_visits(programme)
        for app in DEMO_APPS:
            if find_spec(f"{app}.demo") is not None:
                import_module(f"{app}.demo").seed(programme)
        self.stdout.write(self.style.SUCCESS(f"Demo programme ready: {programme.name}"))
        self.stdout.write(f"Demo logins (password {demo.DEMO_PASSWORD}):")
        for login in demo.LOGINS:
            self.stdout.write(f"  {login.email:<26} {login.description}")

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from registry import demo
from registry.demo import demo_allow_in_production
from registry.errors import DomainError


class Command(BaseCommand):
    help = (
        "Create the demo city 示范市 (districts, streets, communities, departments) and one "
        "login per role. Safe to run again: it only adds what is missing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even with DEBUG off. The demo logins share a published password.",
        )
        parser.add_argument(
            "--port",
            type=int,
            default=8000,
            help="The port the demo is served on (make demo PORT=8001), for the address shown.",
        )

    def handle(self, *args, allow_production: bool = False, port: int = 8000, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "DEBUG is off: this looks like production, and the demo logins have a "
                "published password. Pass --allow-production if you really mean it."
            )
        try:
            context = demo.seed(write=self.stdout.write)
        except (DomainError, RuntimeError) as exc:
            raise CommandError(f"Seeding the demo failed: {exc}") from exc
        if not settings.DEBUG:
            # Without this record the demo logins are refused with DEBUG off
            # (registry.auth.LoginGuardBackend); with it the sign-in page warns in red.
            demo_allow_in_production(actor=context.actor)
            self.stdout.write(
                self.style.WARNING(
                    "Demo logins are now allowed on this production server; the sign-in "
                    "page says so in red."
                )
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo ready: {context.created} created, {context.existing} already there."
            )
        )
        self.stdout.write(f"\n演示账号 Demo logins (http://127.0.0.1:{port}/)\n")
        self.stdout.write(demo.login_table(context.logins))
        if not all(login.password_unchanged for login in context.logins):
            self.stdout.write(
                self.style.WARNING(
                    "\nSome demo accounts already existed with another password; "
                    "it was left as it was."
                )
            )

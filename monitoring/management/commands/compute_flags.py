import json

from django.core.management.base import BaseCommand

from monitoring import services


class Command(BaseCommand):
    help = "Compute every flag now (the same work as the Celery beat job)."

    def add_arguments(self, parser):
        parser.add_argument("--kind", action="append", help="only this flag kind (repeatable)")

    def handle(self, *args, **options):
        summary = services.flags_compute(kinds=options["kind"])
        self.stdout.write(json.dumps(summary.as_dict(), ensure_ascii=False, indent=2))

from django.core.management.base import BaseCommand, CommandError

from registry import services
from registry.errors import DomainError
from registry.models import User


class Command(BaseCommand):
    help = (
        "Import a year's holidays and adjusted working days (调休) from a sheet with the "
        "columns 日期, 类型 (放假 / 上班), 名称: the State Council's notice, typed in."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="an .xlsx workbook")
        parser.add_argument("--actor", default="", help="administrator recorded in the audit log")

    def handle(self, *args, **options):
        actor = (
            User.objects.filter(username=options["actor"]).first()
            if options["actor"]
            else User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        )
        if actor is None:
            raise CommandError("No administrator to record the import as (--actor USERNAME).")
        try:
            with open(options["file"], "rb") as upload:
                changed = services.calendar_import(actor=actor, upload=upload)
        except DomainError as exc:
            rows = exc.extra.get("rows", [])
            details = "".join(f"\n  row {r['row']} {r['column']}: {r['message']}" for r in rows)
            raise CommandError(f"{exc.message}{details}") from exc
        self.stdout.write(self.style.SUCCESS(f"{changed} calendar days imported or changed."))

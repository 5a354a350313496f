from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from registry import excel, services
from registry.errors import DomainError
from registry.models import User
from registry.services.accounts import credentials_sheet


class Command(BaseCommand):
    help = (
        "Import accounts from an Excel sheet (姓名,手机号码,组织机构代码,角色) and write the "
        "generated one-time credentials, a sheet per street, to --out (never stored)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--out", required=True, help="where to write the credentials (.xlsx)")
        parser.add_argument("--actor", default="", help="administrator recorded in the audit log")

    def handle(self, *args, **options):
        out = Path(options["out"])
        if out.exists():
            raise CommandError(f"{out} exists; credentials are never overwritten.")
        actor = (
            User.objects.filter(username=options["actor"]).first()
            if options["actor"]
            else User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        )
        if actor is None:
            raise CommandError("No administrator to record the import as (--actor USERNAME).")
        try:
            with open(options["file"], "rb") as upload:
                result = services.accounts_import(actor=actor, upload=upload)
        except OSError as exc:
            raise CommandError(f"Cannot read {options['file']}: {exc}") from exc
        except DomainError as exc:
            rows = exc.extra.get("rows", [])
            details = "".join(f"\n  row {r['row']} {r['column']}: {r['message']}" for r in rows)
            raise CommandError(f"{exc.message}{details}") from exc
        sheets = [
            credentials_sheet(credentials, title=source_title(street))
            for street, credentials in result.by_street().items()
        ] or [credentials_sheet([], title="无新账号")]
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(excel.workbook_bytes(*sheets))
        out.chmod(0o600)
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(result.credentials)} accounts created, {result.memberships_added} "
                f"memberships added, {result.unchanged} unchanged; credentials in {out}."
            )
        )


def source_title(street: str) -> str:
    return (street or "accounts")[:31].translate(str.maketrans("[]:*?/\\", "_______"))

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from registry import divisions, services
from registry.errors import DomainError
from registry.models import Organisation, User

SHOWN = 50  # lines per kind of change; the rest is counted


def print_summary(write, summary: dict) -> None:
    """The preview, as the import page shows it: each kind of change, then the totals."""
    sections = [
        ("added", "Added", lambda e: f"{e['code']} {e['name']}"),
        ("renamed", "Renamed", lambda e: f"{e['code']} {e['old']} -> {e['new']}"),
        (
            "moved",
            "Moved",
            lambda e: f"{e['old_code']} -> {e['code']} {e['name']}: {e['from']} -> {e['to']}",
        ),
        ("abolished", "Abolished (closed, kept)", lambda e: f"{e['code']} {e['name']}"),
        ("reopened", "Reopened", lambda e: f"{e['code']} {e['name']}"),
    ]
    for key, title, line in sections:
        entries = summary[key]
        if not entries:
            continue
        write(f"{title}: {len(entries)}")
        for entry in entries[:SHOWN]:
            write(f"  {line(entry)}")
        if len(entries) > SHOWN:
            write(f"  ... and {len(entries) - SHOWN} more")
    counts = ", ".join(f"{key} {len(summary[key])}" for key, _t, _l in sections)
    write(f"{summary['rows']} rows: {counts}.")


class Command(BaseCommand):
    help = (
        "Import the official 统计用区划和城乡划分代码 (CSV in UTF-8 or GB18030, or .xlsx). "
        "Prints what would change and changes nothing; --apply applies it."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--apply", action="store_true", help="apply the changes")
        parser.add_argument(
            "--parent", default="", help="attach the file's top level under this area's code"
        )
        parser.add_argument("--actor", default="", help="administrator recorded in the audit log")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        parent = None
        if options["parent"]:
            parent = Organisation.objects.filter(code=options["parent"]).first()
            if parent is None:
                raise CommandError(f"No organisation has the code {options['parent']}.")
        try:
            if not options["apply"]:
                plan = divisions.plan(divisions.parse(data), parent=parent)
                print_summary(self.stdout.write, plan.summary())
                self.stdout.write("Nothing was changed (use --apply to apply).")
                return
            actor = (
                User.objects.filter(username=options["actor"]).first()
                if options["actor"]
                else User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
            )
            if actor is None:
                raise CommandError("No administrator to record the import as (--actor USERNAME).")
            record = services.division_import_preview(
                actor=actor, data=data, file_name=path.name, parent=parent
            )
            print_summary(self.stdout.write, record.summary)
            services.division_import_apply(
                import_id=record.pk,
                progress=lambda done, total: self.stdout.write(f"  applied {done}/{total} rows"),
            )
        except DomainError as exc:
            rows = exc.extra.get("rows", [])
            details = "".join(f"\n  row {r['row']} {r['column']}: {r['message']}" for r in rows)
            raise CommandError(f"{exc.message}{details}") from exc
        self.stdout.write(self.style.SUCCESS("Applied."))

from django.core.management.base import BaseCommand, CommandError

from registry.audit import audit_chain_verify


class Command(BaseCommand):
    help = "Check the audit log's hash chain and name the first broken entry."

    def handle(self, *args, **options):
        report = audit_chain_verify()
        if not report.ok:
            raise CommandError(
                f"Audit chain broken at entry {report.first_broken_id}: {report.problem} "
                f"({report.checked} entries before it are intact)."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {report.checked} entries."))

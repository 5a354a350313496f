from django.core.management.base import BaseCommand, CommandError

from registry.audit import HeadInvalid, audit_chain_verify, head_read, head_write


class Command(BaseCommand):
    help = (
        "Check the audit log's hash chain against the signed head (AUDIT_HEAD_FILE) and "
        "name the first broken entry; --write-head records the verified head."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--head-file",
            help="Compare with (and with --write-head, write) this head file instead of "
            "AUDIT_HEAD_FILE, e.g. the one saved with a backup.",
        )
        parser.add_argument(
            "--write-head",
            action="store_true",
            help="After a successful check, record the chain's head (backups and the nightly job).",
        )

    def handle(self, *args, **options):
        path = options["head_file"]
        try:
            head = head_read(path)
        except HeadInvalid as exc:
            raise CommandError(f"Audit head refused: {exc}.") from exc
        report = audit_chain_verify(head=head)
        if not report.ok:
            raise CommandError(
                f"Audit chain broken at entry {report.first_broken_id}: {report.problem} "
                f"({report.checked} entries before it are intact)."
            )
        message = f"Audit chain intact: {report.checked} entries."
        if head is not None:
            message += f" It reaches the signed head of {head.written_at} ({head.count} entries)."
        self.stdout.write(self.style.SUCCESS(message))
        if options["write_head"]:
            written = head_write(report, path)
            if written is not None:
                self.stdout.write(f"Audit head written: {written.count} entries.")

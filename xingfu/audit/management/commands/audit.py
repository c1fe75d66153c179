from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xingfu.audit.verify import audit_chain_verify


class Command(BaseCommand):
    help = "Audit trail tools. `xingfu audit verify` checks the hash chain and names the first broken link."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        report = audit_chain_verify()
        if not report.ok:
            raise CommandError(f"audit chain BROKEN at event #{report.broken_seq}: {report.problem}")
        self.stdout.write(f"audit chain OK: {report.checked} events verified")

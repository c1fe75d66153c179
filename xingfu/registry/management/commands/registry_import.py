import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from xingfu.core.errors import XingfuError
from xingfu.registry.imports.report import report_xlsx
from xingfu.registry.imports.services import import_create, import_run
from xingfu.registry.models_imports import ImportStatus


class Command(BaseCommand):
    help = (
        "Import a registry spreadsheet (docs/import.md) as USERNAME, into the villages of that user's scope. "
        "All rows or none; exits with status 1 and lists the problems when the file is rejected."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="an .xlsx or .csv file (UTF-8 or GBK) laid out as the template")
        parser.add_argument("--user", required=True, help="the account the import is made as (it is audited)")
        parser.add_argument("--report", help="where to write the report of a rejected file (.xlsx)")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"No user {options['user']!r}.")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No file {path}.")
        try:
            batch = import_create(actor=user, file_name=path.name, content=path.read_bytes())
        except XingfuError as exc:
            raise CommandError(str(exc.message)) from None
        batch = import_run(batch=batch)
        if batch.status == ImportStatus.DONE:
            self.stdout.write(
                f"import #{batch.pk}: {batch.persons_created} persons added, {batch.households_created} households "
                f"registered, {batch.households_extended} existing households given new members"
            )
            return
        self.stderr.write(f"import #{batch.pk}: {batch.get_status_display()}. {batch.message}")
        for entry in (batch.report or [])[:50]:
            where = f"row {entry['row']}" if entry.get("row") else "file"
            column = f", {entry['column']}" if entry.get("column") else ""
            self.stderr.write(f"  {where}{column}: {entry['reason']}")
        if batch.error_count > 50:
            self.stderr.write(f"  ... {batch.error_count - 50} more")
        if options.get("report") and batch.report:
            Path(options["report"]).write_bytes(report_xlsx(batch))
            self.stderr.write(f"report written to {options['report']}")
        sys.exit(1)

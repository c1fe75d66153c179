from typing import Any

from django.core.management.base import BaseCommand

from xingfu.accounts.roles import permission_table_markdown


class Command(BaseCommand):
    help = "Print the role × permission table as Markdown (it is pasted into docs/architecture.md)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(permission_table_markdown())

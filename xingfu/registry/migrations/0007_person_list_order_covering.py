"""On PostgreSQL, the list-order index also carries each person's pinyin initials and status.

A page of a broad search ("dh": five thousand persons in a district) is then found by walking the index in
the list's order and testing each entry there, reading no table rows until the page's 50 are known (the
person list asks for the page's ids first). Without them every candidate's row is read, thousands of pages.
Same name and key columns as in ``Person.Meta.indexes``; Django does not declare the included columns there
because SQLite cannot have them (and its system check would warn).
"""

from collections.abc import Callable
from typing import Any

from django.db import migrations

COVERING = [
    "DROP INDEX IF EXISTS person_list_order",
    "CREATE INDEX person_list_order ON registry_person (orgunit_id, pinyin, id) INCLUDE (pinyin_initials, status)",
]
PLAIN = [
    "DROP INDEX IF EXISTS person_list_order",
    "CREATE INDEX person_list_order ON registry_person (orgunit_id, pinyin, id)",
]


def _run(statements: list[str]) -> Callable[[Any, Any], None]:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0006_person_search_indexes"),
    ]

    operations = [
        migrations.RunPython(_run(COVERING), _run(PLAIN)),
    ]

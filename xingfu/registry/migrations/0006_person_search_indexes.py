"""Indexes for searching persons (``registry.selectors.person_search``) on PostgreSQL.

The searches are substring and suffix matches, which no plain b-tree serves: the three prefix indexes go, and
on PostgreSQL come
- one GIN trigram index (pg_trgm) over name, pinyin initials and the pinyin without spaces: names and
  pinyin containing the query, and their starts and ends (pg_trgm pads each word, so even two characters
  at the start or end of a field make a trigram);
- a b-tree on reverse(id_number): the last digits of a resident-ID number as a prefix;
- a partial index of the few names longer than three characters, where two characters of a query can sit
  in the middle and so form no trigram;
- finer statistics for the searched columns and statistics on the length of names, so that the planner tells
  a rare name from a common one and does not walk the list order hoping to meet 50 matches soon.
Django's own ``..._like`` index on ``id_number`` (prefix searches) is dropped: the unique index answers whole
numbers, the reversed one answers tails. Together these replace four b-trees, which keeps imports' index
upkeep about where it was. SQLite keeps plain LIKE scans.

Building the indexes reads the whole table once (about half a minute for a million persons) and holds off
writes to ``registry_person`` meanwhile.
"""

from collections.abc import Callable
from typing import Any

from django.db import migrations

TABLE = "registry_person"
ID_NUMBER_LIKE = "registry_person_id_number_91906e7b_like"  # Django's name for it, the same in every database

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"""CREATE INDEX person_search_trgm ON {TABLE} USING gin (
        name gin_trgm_ops, pinyin_initials gin_trgm_ops, (replace(pinyin, ' ', '')) gin_trgm_ops)""",
    f"CREATE INDEX person_id_number_reversed ON {TABLE} (reverse(id_number) text_pattern_ops)",
    f"CREATE INDEX person_long_name ON {TABLE} (id) WHERE length(name) > 3",
    f"DROP INDEX IF EXISTS {ID_NUMBER_LIKE}",
    f"ALTER TABLE {TABLE} ALTER COLUMN name SET STATISTICS 1000, ALTER COLUMN pinyin_initials SET STATISTICS 1000",
    # Statistics on an expression come from its index: column 3 of the GIN index is the pinyin without spaces.
    "ALTER INDEX person_search_trgm ALTER COLUMN 3 SET STATISTICS 1000",
    "ALTER INDEX person_id_number_reversed ALTER COLUMN 1 SET STATISTICS 1000",
    # Without it the planner guesses that a third of all names are long.
    f"CREATE STATISTICS person_name_length ON (length(name)) FROM {TABLE}",
    f"ANALYZE {TABLE}",
]

DROP = [
    "DROP INDEX IF EXISTS person_search_trgm",
    "DROP INDEX IF EXISTS person_id_number_reversed",
    "DROP INDEX IF EXISTS person_long_name",
    "DROP STATISTICS IF EXISTS person_name_length",
    f"CREATE INDEX IF NOT EXISTS {ID_NUMBER_LIKE} ON {TABLE} (id_number varchar_pattern_ops)",
    f"ALTER TABLE {TABLE} ALTER COLUMN name SET STATISTICS -1, ALTER COLUMN pinyin_initials SET STATISTICS -1",
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
        ("registry", "0005_lifeevent_divorce"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="person", name="person_initials_prefix"),
        migrations.RemoveIndex(model_name="person", name="person_name_prefix"),
        migrations.RemoveIndex(model_name="person", name="person_pinyin_prefix"),
        migrations.RunPython(_run(CREATE), _run(DROP)),
    ]

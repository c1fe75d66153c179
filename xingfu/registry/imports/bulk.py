"""Writing many rows at once, for the import and the demo generator.

The ORM's ``bulk_create`` builds a model instance per row; at a million persons that costs more than the
database does. Here rows are plain tuples: PostgreSQL takes them through ``COPY`` (psycopg 3), other databases
through one ``executemany``. Primary keys are reserved first (``reserve_ids``) so that memberships and events
can point at persons and households without reading anything back.
"""

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.db import connection, models


def _table(model: type[models.Model]) -> str:
    return model._meta.db_table


def _columns(model: type[models.Model], fields: Sequence[str]) -> list[str]:
    return [str(model._meta.get_field(name).column) for name in fields]  # type: ignore[union-attr]


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` primary keys for new rows of ``model``, taken so that no concurrent insert can take them too.

    PostgreSQL hands them out from the table's sequence (non-transactional, so nobody else gets them even
    before we commit). SQLite runs one writer at a time (our transactions start IMMEDIATE), so the keys
    after the largest one in use are ours until we commit; must be called inside the writing transaction.
    """
    if count <= 0:
        return []
    table = connection.ops.quote_name(_table(model))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The sequence's name is looked up once: asked for each key, the lookup costs ten times the key.
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [_table(model)])
            sequence = cursor.fetchone()[0]
            # Usually nobody else takes keys meanwhile and they are one run: then only its ends are sent back.
            cursor.execute(
                "SELECT min(id), max(id), CASE WHEN max(id) - min(id) + 1 = count(*) THEN NULL ELSE array_agg(id) END"
                " FROM (SELECT nextval(%s::regclass) AS id FROM generate_series(1, %s)) AS taken",
                [sequence, count],
            )
            first, last, scattered = cursor.fetchone()
            return scattered or list(range(first, last + 1))
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
        start = int(cursor.fetchone()[0]) + 1
        if connection.vendor == "sqlite":
            # AUTOINCREMENT never reuses a key, even of a deleted row: start after the highest ever handed out.
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [_table(model)])
            row = cursor.fetchone()
            if row is not None:
                start = max(start, int(row[0]) + 1)
    return list(range(start, start + count))


def timestamp(value: datetime) -> Any:
    """A timestamp as the database takes it in a raw insert (SQLite stores naive local text)."""
    return connection.ops.adapt_datetimefield_value(value)


def insert_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert ``rows`` (tuples of values in the order of ``fields``, primary key included) into ``model``'s
    table; returns how many. Runs in the caller's transaction."""
    table = connection.ops.quote_name(_table(model))
    columns = ", ".join(connection.ops.quote_name(c) for c in _columns(model, fields))
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608
        batch: list[Sequence[Any]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= 50_000:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def existing_values(model: type[models.Model], field: str, values: list[str]) -> list[str]:
    """Which of ``values`` are already in ``model.field``, in one query with one parameter (an array on
    PostgreSQL, a JSON list on SQLite), so that checking thousands of keys costs no SQL building."""
    if not values:
        return []
    table = connection.ops.quote_name(_table(model))
    column = connection.ops.quote_name(_columns(model, [field])[0])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT {column} FROM {table} WHERE {column} = ANY(%s)", [values])  # noqa: S608
        elif connection.vendor == "sqlite":
            cursor.execute(
                f"SELECT {column} FROM {table} WHERE {column} IN (SELECT value FROM json_each(%s))",  # noqa: S608
                [json.dumps(values)],
            )
        else:
            return [
                str(v) for v in model._default_manager.filter(**{f"{field}__in": values}).values_list(field, flat=True)
            ]
        return [row[0] for row in cursor.fetchall()]

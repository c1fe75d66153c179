"""Writing many rows at once, for the import and the demo generator.

The ORM's ``bulk_create`` builds a model instance per row; at a million persons that costs more than the
database does. Here rows are plain tuples: PostgreSQL takes them through ``COPY`` (psycopg 3), other databases
through one ``executemany``; a caller that knows its rows' types may hand ``COPY`` lines of its text format
instead (``CopyIn.lines``). Primary keys are reserved first (``reserve_ids``) so that memberships and events
can point at persons and households without reading anything back.
"""

import json
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
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


def bulk_write_settings() -> None:
    """For a transaction that writes many rows (PostgreSQL): its commit does not wait for the write-ahead log
    to reach the disk. A crash in the moment after the commit may lose the whole transaction, never part of it;
    the batch's status is written in the same transaction, so it would show the import as not done."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")


def foreign_key_triggers_off(*tables: type[models.Model]) -> bool:
    """Stop PostgreSQL checking, row by row, the foreign keys of the rows this transaction writes into
    ``tables`` from here on, when the caller checks the references itself (``lock_existing``) and the
    database allows it; returns whether it did. ``foreign_key_triggers_on`` turns the checks back on.

    PostgreSQL checks a foreign key with a trigger per written row and reference, run at commit (Django's
    constraints are deferred): for a million persons with their households and memberships that is a few
    million lookups, about a third of the database's work. The constraints stay; only the per-row triggers are
    off, through ``session_replication_role = replica`` for this transaction. That setting turns off every
    trigger, so it is used only if the tables have no trigger other than those of their foreign keys (a
    deferrable unique constraint or a trigger of our own would be turned off too), and only if the role may
    set it: a superuser, or on PostgreSQL 15 and later a role granted
    ``GRANT SET ON PARAMETER session_replication_role TO ...``. Otherwise nothing changes and the triggers
    check the references at commit, as always.
    """
    if not foreign_key_triggers_may_be_off(*tables):
        return False
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
    return True


def foreign_key_triggers_may_be_off(*tables: type[models.Model]) -> bool:
    """Whether ``foreign_key_triggers_off`` would turn them off for these tables."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        if connection.pg_version >= 150000:  # type: ignore[attr-defined]
            cursor.execute("SELECT has_parameter_privilege('session_replication_role', 'SET')")
        else:
            cursor.execute("SELECT current_setting('is_superuser') = 'on'")
        if not cursor.fetchone()[0]:
            return False
        cursor.execute(
            "SELECT count(*) FROM pg_trigger t LEFT JOIN pg_constraint c ON c.oid = t.tgconstraint"
            " WHERE t.tgrelid = ANY(%s::regclass[]) AND c.contype IS DISTINCT FROM 'f'",
            [[_table(model) for model in tables]],
        )
        return not cursor.fetchone()[0]


def foreign_key_triggers_on() -> None:
    """The triggers are on again for the rest of the transaction (after ``foreign_key_triggers_off``)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = origin")


def lock_existing(model: type[models.Model], ids: Collection[int]) -> int:
    """PostgreSQL: how many of ``ids`` are rows of ``model``, locking them until the end of the transaction
    against being deleted or renumbered (``FOR KEY SHARE``, the lock PostgreSQL's foreign-key check takes)."""
    if not ids:
        return 0
    table = connection.ops.quote_name(_table(model))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {table} WHERE id = ANY(%s) FOR KEY SHARE", [list(ids)])  # noqa: S608
        return len(cursor.fetchall())


def timestamp(value: datetime) -> Any:
    """A timestamp as the database takes it in a raw insert (SQLite stores naive local text)."""
    return connection.ops.adapt_datetimefield_value(value)


# What COPY's text format writes for a backslash, tab, newline and carriage return inside a value.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_text(value: str) -> str:
    """``value`` as a field of a line in COPY's text format (``CopyIn.lines``)."""
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:  # seldom: faster to ask first
        return value.translate(_COPY_ESCAPES)
    return value


class CopyIn:
    """An open ``COPY ... FROM STDIN`` (``copy_rows``)."""

    def __init__(self, copy: Any) -> None:
        self._copy = copy

    def rows(self, rows: Iterable[Sequence[Any]]) -> int:
        """Write ``rows`` (tuples in the order of the fields); returns how many."""
        write_row = self._copy.write_row
        count = 0
        for row in rows:
            write_row(row)
            count += 1
        return count

    def lines(self, text: str) -> None:
        """Write rows already in COPY's text format: one line each, fields separated by tabs, ``\\N`` for
        null, text through ``copy_text``. Cheaper than ``rows`` for a million rows of known types."""
        self._copy.write(text)


@contextmanager
def copy_rows(model: type[models.Model], fields: Sequence[str]) -> Iterator[CopyIn]:
    """PostgreSQL only: a ``COPY`` into ``model``'s table that stays open while rows come, so that the server
    stores them while the caller prepares the next ones. A row the table refuses (a constraint, a unique index)
    makes the block raise, at the latest when it ends."""
    table = connection.ops.quote_name(_table(model))
    columns = ", ".join(connection.ops.quote_name(c) for c in _columns(model, fields))
    with (
        connection.wrap_database_errors,  # psycopg's errors as Django's (IntegrityError, DataError, ...)
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        yield CopyIn(copy)


def insert_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert ``rows`` (tuples of values in the order of ``fields``) into ``model``'s table; returns how many.
    Runs in the caller's transaction. A primary key left out of ``fields`` is given by the database."""
    if connection.vendor == "postgresql":
        with copy_rows(model, fields) as copy:
            return copy.rows(rows)
    table = connection.ops.quote_name(_table(model))
    columns = ", ".join(connection.ops.quote_name(c) for c in _columns(model, fields))
    count = 0
    with connection.cursor() as cursor:
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

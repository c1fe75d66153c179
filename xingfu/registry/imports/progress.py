"""The progress of a batch whose rows are checked inside its writing transaction (see ``services``)."""

from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections

from xingfu.registry.models_imports import ImportBatch, ImportStatus


class ProgressAside:
    """Progress of a batch being checked inside its writing transaction: set through a connection of its own,
    so that the page polling the batch sees it before that transaction commits."""

    def __init__(self, batch: ImportBatch) -> None:
        self.batch = batch
        self.connection: Any = None

    def _set(self, **fields: Any) -> None:
        if self.connection is None:
            default = connections[DEFAULT_DB_ALIAS]
            self.connection = type(default)(default.settings_dict, DEFAULT_DB_ALIAS)
        quote = self.connection.ops.quote_name
        table = quote(ImportBatch._meta.db_table)
        assignments = ", ".join(f"{quote(name)} = %s" for name in fields)
        with self.connection.cursor() as cursor:
            # Never waiting for the row: should a transaction around the import hold it, waiting would be
            # waiting for ourselves. The progress is then not shown, as it would not be anyway.
            cursor.execute(
                f"UPDATE {table} SET {assignments}"  # noqa: S608
                f" WHERE id = (SELECT id FROM {table} WHERE id = %s FOR UPDATE SKIP LOCKED)",
                [*fields.values(), self.batch.pk],
            )
        for name, value in fields.items():
            setattr(self.batch, name, value)

    def checked(self, rows: int) -> None:
        self._set(rows_checked=rows)

    def writing(self, rows: int) -> None:
        self._set(status=ImportStatus.WRITING, rows_total=rows, rows_checked=rows)

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

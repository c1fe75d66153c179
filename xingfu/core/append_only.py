"""Rows written once: the audit trail, the benefits ledger and decisions, a device's history, linkage decisions.

``AppendOnlyModel`` refuses ``save`` of an existing row and ``delete``; its queryset refuses ``update`` and
``delete``. Corrections are new rows (a reversal entry, a later event), never edits. The audit trail adds a
database trigger on top, since its integrity is what every other record's history rests on.
"""

from typing import Any, NoReturn

from django.db import models


class AppendOnlyError(Exception):
    """Code tried to change or delete a row of an append-only table."""


def _refuse(model: type[models.Model]) -> NoReturn:
    raise AppendOnlyError(f"{model.__name__} rows are append-only: add a new row instead")


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> NoReturn:
        _refuse(self.model)

    def delete(self) -> NoReturn:  # type: ignore[override]
        _refuse(self.model)


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            _refuse(type(self))
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse(type(self))

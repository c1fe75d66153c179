"""What an indicator counts: registered, set-based *sources*, and the expressions (source + filters + measure)
an indicator's numerator and denominator are made of.

A source is one kind of row (a birth, a pregnancy, a payment, a woman of the resident population) with a
village and a date. It declares the fields an indicator may filter on and the measures it may take (count, a
sum), and it writes one SQL ``SELECT`` grouped by village and period for any number of (filters, measure)
columns at once — so a ratio whose two halves come from one source is one pass over the data.

Definitions are data (``{"source": "births", "filters": [{"field": "birth_order", "op": "gte", "value": 3}]}``);
``parse_expression`` refuses an unknown source, field, operator, value or measure with a message naming what
exists, so a typo is an error at definition time, not a silent zero.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.db.models import Count, DateField, Expression, F, Func, Max, Model, Q, QuerySet, Sum
from django.db.models.functions import Trunc
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from xingfu.core.errors import ValidationFailed
from xingfu.core.periods import Period, PeriodType

# --- fields, measures, filters ----------------------------------------------------------------------------

OPS: dict[str, tuple[str, ...]] = {
    "str": ("eq", "ne", "in"),
    "age": ("eq", "gt", "gte", "lt", "lte"),
    "int": ("eq", "ne", "in", "gt", "gte", "lt", "lte"),
    "decimal": ("eq", "ne", "gt", "gte", "lt", "lte"),
    "bool": ("eq",),
}
_LOOKUP = {"eq": "exact", "in": "in", "gt": "gt", "gte": "gte", "lt": "lt", "lte": "lte"}


@dataclass(frozen=True)
class Field:
    """A field of a source's rows that filters may name. ``lookup`` is the ORM path on the source's queryset;
    ``expr`` (if given) builds an annotation for fields that are not columns (an EXISTS, a count)."""

    name: str
    label: str | Promise
    kind: str
    choices: tuple[str, ...] = ()
    lookup: str = ""
    expr: Callable[[], Any] | None = None
    # Choices read from the data when a definition is checked (programme codes).
    choices_from: Callable[[], Sequence[str]] | None = None

    @property
    def path(self) -> str:
        if self.expr is not None:
            return f"f_{self.name}"
        return self.lookup or self.name


@dataclass(frozen=True)
class Measure:
    """What a column takes of the matching rows: ``count`` them, count distinct ``path``, or ``sum`` ``path``
    (a field path, or a callable building an expression); ``where`` limits the rows it takes."""

    name: str
    label: str | Promise
    how: str = "count"  # count | distinct | sum
    path: str | Callable[[], Any] = "pk"
    where: Q | None = None

    def aggregate(self, condition: Q) -> Any:
        if self.where is not None:
            condition = condition & self.where
        target = self.path() if callable(self.path) else self.path
        if self.how == "sum":
            return Sum(target, filter=condition, default=0)
        if self.how == "distinct":
            return Count(target, filter=condition, distinct=True)
        return Count("pk", filter=condition)


COUNT = Measure("count", "rows")


@dataclass(frozen=True)
class Filter:
    field: str
    op: str
    value: Any

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "op": self.op, "value": self.value}


@dataclass(frozen=True)
class SourceExpr:
    """A validated numerator or denominator: rows of ``source`` matching every filter, measured."""

    source: Source
    filters: tuple[Filter, ...]
    measure: str

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source.code, "filters": [f.as_dict() for f in self.filters], "measure": self.measure}


# --- sources ----------------------------------------------------------------------------------------------


@dataclass(eq=False)
class Source:
    """A registered source of rows. Subclasses write ``grouped_sql``."""

    code: str
    label: str | Promise
    description: str | Promise
    app_label: str
    fields: Mapping[str, Field] = field(default_factory=dict)
    measures: Mapping[str, Measure] = field(default_factory=lambda: {"count": COUNT})
    # Rows are births or living people: an indicator counting them is never a target ("service, not coercion").
    demographic: bool = False
    # Rows are births seen from a service (a pregnancy, a birth record): only shares of them may be targets.
    share_only: bool = False
    # Models (and their column that changes on update, if any) whose change means the values are stale.
    watches: Sequence[tuple[str, str | None]] = ()
    required_fields: Sequence[tuple[str, str]] = ()  # ("care.Enrollment", "lmp") the queries need

    def unavailable_reason(self) -> str | None:
        """Why this source cannot be computed now (its app's tables are not there yet), or None."""
        if not apps.is_installed(f"xingfu.{self.app_label}"):
            return _("The %(app)s module is not installed.") % {"app": self.app_label}
        tables = _table_names()
        for model_name, field_name in [*((m, None) for m, _f in self.watches), *self.required_fields]:
            try:
                model = apps.get_model(model_name)
            except LookupError:
                return _("The %(app)s module has no %(model)s data yet.") % {"app": self.app_label, "model": model_name}
            if model._meta.db_table not in tables:
                return _("The %(app)s module's tables are not created yet (migrate).") % {"app": self.app_label}
            if field_name:
                try:
                    model._meta.get_field(field_name)
                except FieldDoesNotExist:
                    return _("The %(app)s module has no field %(field)s on %(model)s yet.") % {
                        "app": self.app_label,
                        "field": field_name,
                        "model": model_name,
                    }
        return None

    def signature(self) -> list[Any]:
        """Cheap figures that change whenever the rows do: per watched table, its count, highest id and latest
        update."""
        out: list[Any] = []
        for model_name, updated in self.watches:
            model = apps.get_model(model_name)
            agg: dict[str, Any] = {"n": Count("pk"), "m": Max("pk")}
            if updated:
                agg["u"] = Max(updated)
            row = model._default_manager.order_by().aggregate(**agg)
            out.append([row["n"], row["m"], str(row.get("u") or "")])
        return out

    def grouped_sql(
        self,
        *,
        period_type: PeriodType,
        periods: Sequence[Period],
        until: dt.date,
        columns: Sequence[tuple[str, SourceExpr]],
    ) -> tuple[str, list[Any]]:
        """``SELECT g_village, g_period, <alias>... GROUP BY g_village, g_period`` for the periods given (a
        contiguous run of one type, the last one cut at ``until``), one column per (alias, expression)."""
        raise NotImplementedError


def _table_names() -> set[str]:
    return set(connection.introspection.table_names())


class QuerySetSource(Source):
    """A source whose rows are a Django queryset with a village and a date column."""

    def __init__(
        self,
        *,
        queryset: Callable[[], QuerySet[Any]],
        date_field: str,
        village_field: str,
        date_is_datetime: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.queryset = queryset
        self.date_field = date_field
        self.village_field = village_field
        self.date_is_datetime = date_is_datetime

    def grouped_sql(
        self,
        *,
        period_type: PeriodType,
        periods: Sequence[Period],
        until: dt.date,
        columns: Sequence[tuple[str, SourceExpr]],
    ) -> tuple[str, list[Any]]:
        start, end = periods[0].start, min(periods[-1].end, until)
        date_lookup = f"{self.date_field}__date" if self.date_is_datetime else self.date_field
        qs = self.queryset().filter(**{f"{date_lookup}__gte": start, f"{date_lookup}__lte": end})
        needed = {f.field for _alias, e in columns for f in e.filters}
        annotations = {self.fields[n].path: self.fields[n].expr() for n in needed if self.fields[n].expr is not None}  # type: ignore[misc]
        if annotations:
            qs = qs.annotate(**annotations)
        period: Expression = (
            Trunc(self.date_field, period_type.value, output_field=DateField())
            if self.date_is_datetime
            else PeriodStart(self.date_field, kind=period_type.value)
        )
        aggregates = {alias: self.measures[e.measure].aggregate(condition(self, e.filters)) for alias, e in columns}
        grouped = qs.order_by().values(g_village=F(self.village_field), g_period=period).annotate(**aggregates)
        sql, params = grouped.query.sql_with_params()
        return sql, list(params)


class PeriodStart(Func):
    """The first day of the period a date falls in. Django's Trunc casts a date to ``timestamptz`` on
    PostgreSQL, converting time zones row by row for nothing; a plain timestamp is several times cheaper."""

    output_field = DateField()

    def __init__(self, expression: str, *, kind: str) -> None:
        if kind not in ("month", "quarter", "year"):
            raise ValueError(kind)
        self.kind = kind
        super().__init__(F(expression))

    def as_sql(self, compiler: Any, connection: Any, *args: Any, **extra: Any) -> Any:  # type: ignore[override]
        return (
            Trunc(self.source_expressions[0], self.kind, output_field=DateField())
            .resolve_expression(compiler.query)
            .as_sql(compiler, connection)
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"DATE_TRUNC('{self.kind}', ({sql})::timestamp)::date", params


def condition(source: Source, filters: Sequence[Filter]) -> Q:
    """The filters as one ORM condition on the source's (annotated) rows."""
    q = Q()
    for f in filters:
        path = source.fields[f.field].path
        if f.op == "ne":
            q &= ~Q(**{path: f.value})
        else:
            q &= Q(**{f"{path}__{_LOOKUP[f.op]}": f.value})
    return q


class SqlSource(Source):
    """A source written as SQL because its rows are not one per table row: the resident population in each
    period (a woman counts in every year she lives in the village at the right age), or every village in
    every period. ``build(period_type, periods, columns)`` returns the grouped SELECT."""

    def __init__(self, *, build: Callable[..., tuple[str, list[Any]]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.build = build

    def grouped_sql(
        self,
        *,
        period_type: PeriodType,
        periods: Sequence[Period],
        until: dt.date,
        columns: Sequence[tuple[str, SourceExpr]],
    ) -> tuple[str, list[Any]]:
        return self.build(period_type=period_type, periods=periods, until=until, columns=columns)


# --- parsing definitions ----------------------------------------------------------------------------------


def _coerce(field_: Field, op: str, value: Any, where: str) -> Any:
    if op == "in":
        if not isinstance(value, list) or not value:
            raise ValidationFailed(
                _("%(where)s: the operator “in” needs a non-empty list of values.") % {"where": where}, field=where
            )
        return [_coerce(field_, "eq", v, where) for v in value]
    if field_.kind == "bool":
        if not isinstance(value, bool):
            raise ValidationFailed(
                _("%(where)s: %(field)s takes true or false.") % {"where": where, "field": field_.name}, field=where
            )
        return value
    if field_.kind in ("int", "age"):
        if isinstance(value, bool) or not isinstance(value, int) or not -(10**9) < value < 10**9:
            raise ValidationFailed(
                _("%(where)s: %(field)s takes a whole number.") % {"where": where, "field": field_.name}, field=where
            )
        return value
    if field_.kind == "decimal":
        try:
            number = Decimal(str(value))
        except (InvalidOperation, ValueError):
            number = None
        if isinstance(value, bool) or number is None or not number.is_finite():
            raise ValidationFailed(
                _("%(where)s: %(field)s takes a number.") % {"where": where, "field": field_.name}, field=where
            )
        return str(number)
    if not isinstance(value, str) or not value or len(value) > 100:
        raise ValidationFailed(
            _("%(where)s: %(field)s takes a text value.") % {"where": where, "field": field_.name}, field=where
        )
    choices = tuple(field_.choices_from()) if field_.choices_from is not None else field_.choices
    if (choices or field_.choices_from is not None) and value not in choices:
        raise ValidationFailed(
            _("%(where)s: %(value)s is not a value of %(field)s; it takes one of: %(choices)s.")
            % {"where": where, "value": value, "field": field_.name, "choices": ", ".join(choices) or _("none yet")},
            field=where,
        )
    return value


def parse_expression(raw: Any, *, where: str, sources: Mapping[str, Source]) -> SourceExpr:
    """A numerator or denominator definition checked against the registered sources.

    Raises ValidationFailed (field ``where``) naming what is wrong and what would be right."""
    if not isinstance(raw, dict):
        raise ValidationFailed(
            _("%(where)s must be an object with a source, filters and a measure.") % {"where": where}, field=where
        )
    unknown_keys = set(raw) - {"source", "filters", "measure"}
    if unknown_keys:
        raise ValidationFailed(
            _("%(where)s: unknown key(s) %(keys)s; use source, filters and measure.")
            % {"where": where, "keys": ", ".join(sorted(map(str, unknown_keys)))},
            field=where,
        )
    code = raw.get("source")
    source = sources.get(code) if isinstance(code, str) else None
    if source is None:
        raise ValidationFailed(
            _("%(where)s: unknown source %(source)s; the sources are: %(known)s.")
            % {"where": where, "source": repr(code), "known": ", ".join(sorted(sources))},
            field=where,
        )
    filters_raw = raw.get("filters", [])
    if not isinstance(filters_raw, list) or len(filters_raw) > 20:
        raise ValidationFailed(_("%(where)s: filters must be a list (at most 20).") % {"where": where}, field=where)
    filters: list[Filter] = []
    for item in filters_raw:
        if not isinstance(item, dict) or set(item) != {"field", "op", "value"}:
            raise ValidationFailed(
                _("%(where)s: each filter is an object with exactly field, op and value.") % {"where": where},
                field=where,
            )
        name, op = item["field"], item["op"]
        field_ = source.fields.get(name) if isinstance(name, str) else None
        if field_ is None:
            known = ", ".join(sorted(source.fields)) or _("none")
            raise ValidationFailed(
                _("%(where)s: source %(source)s has no field %(field)s; its fields are: %(known)s.")
                % {"where": where, "source": source.code, "field": repr(name), "known": known},
                field=where,
            )
        if op not in OPS[field_.kind]:
            raise ValidationFailed(
                _("%(where)s: operator %(op)s does not apply to %(field)s; use one of: %(ops)s.")
                % {"where": where, "op": repr(op), "field": field_.name, "ops": ", ".join(OPS[field_.kind])},
                field=where,
            )
        filters.append(Filter(name, op, _coerce(field_, op, item["value"], where)))
    measure = raw.get("measure", "count")
    if not isinstance(measure, str) or measure not in source.measures:
        raise ValidationFailed(
            _("%(where)s: source %(source)s has no measure %(measure)s; its measures are: %(known)s.")
            % {"where": where, "source": source.code, "measure": repr(measure), "known": ", ".join(source.measures)},
            field=where,
        )
    return SourceExpr(source=source, filters=tuple(filters), measure=measure)


# --- SQL helpers for SqlSources ---------------------------------------------------------------------------


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def qn(name: str) -> str:
    return connection.ops.quote_name(name)


def table(model: str) -> str:
    return qn(apps.get_model(model)._meta.db_table)


def model_of(label: str) -> type[Model]:
    return apps.get_model(label)

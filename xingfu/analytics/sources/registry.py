"""Sources over the registry (births, birth records, the resident population) and over the org units (every
village in every period, the denominator of "per village" indicators)."""

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xingfu.analytics.sources.base import (
    Field,
    QuerySetSource,
    SourceExpr,
    SqlSource,
    qn,
    table,
    years_before,
)
from xingfu.core.periods import Period, PeriodType
from xingfu.registry.models import EventKind, LifeEvent, PersonStatus, Sex

SEXES = tuple(Sex.values)


def _births() -> QuerySet[Any]:
    return LifeEvent.objects.filter(kind=EventKind.BIRTH)


def _flag(condition: Q) -> Callable[[], ExpressionWrapper]:
    return lambda: ExpressionWrapper(condition, output_field=BooleanField())


def periods_cte(
    periods: Sequence[Period], until: dt.date, bounds: Sequence[Callable[[dt.date], dt.date]] = ()
) -> tuple[str, list[Any]]:
    """``WITH periods(g_period, period_end, b0, b1, ...) AS (VALUES ...)``: one row per period, its last day
    (cut at ``until``) and the dates ``bounds`` derive from that day (age limits)."""
    names = ["g_period", "period_end", *(f"b{k}" for k in range(len(bounds)))]
    rows, params = [], []
    for p in periods:
        if p.start > until:
            continue
        end = min(p.end, until)
        rows.append("(" + ", ".join(["%s"] * len(names)) + ")")
        params += [p.start, end, *(b(end) for b in bounds)]
    if not rows:
        raise ValueError("no period to compute")
    return f"WITH periods({', '.join(names)}) AS (VALUES {', '.join(rows)})", params


def _age_range(op: str, value: int) -> tuple[int | None, int | None]:
    """Completed years as inclusive bounds (low, high)."""
    return {
        "eq": (value, value),
        "gt": (value + 1, None),
        "gte": (value, None),
        "lt": (None, value - 1),
        "lte": (None, value),
    }[op]


def _born_by(years: int) -> Callable[[dt.date], dt.date]:
    """The last birth date of someone ``years`` old on a given day."""
    return lambda end: years_before(end, years)


def _population_sql(
    *, period_type: PeriodType, periods: Sequence[Period], until: dt.date, columns: Sequence[tuple[str, SourceExpr]]
) -> tuple[str, list[Any]]:
    """Residents on the last day of each period: born by then, not dead by then, not moved away, counted in the
    village they are registered in now (the registry keeps no history of a person's village).

    Each column's conditions are split in two: those on the person alone (sex, and the widest range of birth
    dates its ages allow over all the periods), which go in the WHERE clause so the index on birth dates and
    the sex filter cut the persons before they meet the periods; and the per-period age limits, which go in
    the join."""
    ends = [min(p.end, until) for p in periods if p.start <= until]
    bounds: list[Callable[[dt.date], dt.date]] = []
    selects, select_params = [], []
    person_conds, person_params, period_conds = [], [], []
    for alias, expr in columns:
        static, sparams, per_period = [], [], []
        for f in expr.filters:
            if f.field == "sex":
                if f.op == "in":
                    static.append("p.sex IN (" + ", ".join(["%s"] * len(f.value)) + ")")
                    sparams += f.value
                else:
                    static.append("p.sex <> %s" if f.op == "ne" else "p.sex = %s")
                    sparams.append(f.value)
            elif f.field == "age":
                low, high = _age_range(f.op, f.value)
                if low is not None:
                    per_period.append(f"p.birth_date <= periods.b{len(bounds)}")
                    bounds.append(_born_by(low))
                    static.append("p.birth_date <= %s")
                    sparams.append(years_before(max(ends), low))
                if high is not None:
                    per_period.append(f"p.birth_date > periods.b{len(bounds)}")
                    bounds.append(_born_by(high + 1))
                    static.append("p.birth_date > %s")
                    sparams.append(years_before(min(ends), high + 1))
        whole = " AND ".join(static + per_period) or "1 = 1"
        selects.append(f"SUM(CASE WHEN {whole} THEN 1 ELSE 0 END) AS {qn(alias)}")
        select_params += sparams
        person_conds.append("(" + (" AND ".join(static) or "1 = 1") + ")")
        person_params += sparams
        period_conds.append("(" + (" AND ".join(per_period) or "1 = 1") + ")")
    cte, cte_params = periods_cte(periods, until, bounds)
    # The persons the columns can count, read once (an optimisation fence on PostgreSQL: otherwise it walks
    # the birth-date index once per period), then met with the periods.
    materialized = "MATERIALIZED " if connection.vendor == "postgresql" else ""
    sql = (
        f"{cte}, people AS {materialized}(SELECT orgunit_id, sex, birth_date, death_date "  # noqa: S608 - as above
        f"FROM {table('registry.Person')} p WHERE p.status NOT IN (%s, %s) AND ({' OR '.join(person_conds)})) "
        f"SELECT p.orgunit_id AS g_village, periods.g_period AS g_period, {', '.join(selects)} "
        "FROM people p JOIN periods ON p.birth_date <= periods.period_end "
        "AND (p.death_date IS NULL OR p.death_date > periods.period_end) "
        f"AND ({' OR '.join(period_conds)}) GROUP BY p.orgunit_id, periods.g_period"
    )
    # Residents only: not those who moved their registration away, nor duplicates merged into another record.
    excluded = [PersonStatus.MOVED_OUT.value, PersonStatus.MERGED.value]
    return sql, [*cte_params, *excluded, *person_params, *select_params]


def _villages_sql(
    *, period_type: PeriodType, periods: Sequence[Period], until: dt.date, columns: Sequence[tuple[str, SourceExpr]]
) -> tuple[str, list[Any]]:
    cte, params = periods_cte(periods, until)
    selects = ", ".join(f"COUNT(*) AS {qn(alias)}" for alias, _e in columns)
    sql = (
        f"{cte} SELECT v.id AS g_village, periods.g_period AS g_period, {selects} "  # noqa: S608 - identifiers and fixed fragments only; values are parameters
        f"FROM {table('orgunits.OrgUnit')} v CROSS JOIN periods WHERE v.level = %s GROUP BY v.id, periods.g_period"
    )
    return sql, [*params, "village"]


BIRTH_FIELDS = {
    "sex": Field("sex", _("sex of the child"), "str", choices=SEXES),
    "birth_order": Field("birth_order", _("birth order"), "int"),
}

births = QuerySetSource(
    code="births",
    label=_("Live births"),
    description=_("Births recorded in the registry, by the mother's village and the date of birth."),
    app_label="registry",
    queryset=_births,
    date_field="date",
    village_field="orgunit_id",
    fields=BIRTH_FIELDS,
    demographic=True,
    watches=[("registry.LifeEvent", None)],
)

birth_records = QuerySetSource(
    code="birth_records",
    label=_("Birth records (registry quality)"),
    description=_("The same births seen as records: whether each is linked to its mother, father and household."),
    app_label="registry",
    queryset=_births,
    date_field="date",
    village_field="orgunit_id",
    fields={
        "mother_linked": Field("mother_linked", _("linked to the mother"), "bool", expr=_flag(Q(mother__isnull=False))),
        "father_linked": Field("father_linked", _("linked to the father"), "bool", expr=_flag(Q(father__isnull=False))),
        "in_household": Field(
            "in_household", _("entered in a household"), "bool", expr=_flag(Q(household__isnull=False))
        ),
        "child_has_id_number": Field(
            "child_has_id_number",
            _("the child has a resident-ID number"),
            "bool",
            expr=_flag(Q(child__id_number__isnull=False)),
        ),
    },
    share_only=True,
    watches=[("registry.LifeEvent", None)],
)

population = SqlSource(
    code="population",
    label=_("Resident population"),
    description=_(
        "Residents alive and not moved away on the last day of each period, in the village they are registered "
        "in now; age in completed years on that day."
    ),
    app_label="registry",
    build=_population_sql,
    fields={
        "sex": Field("sex", _("sex"), "str", choices=SEXES),
        "age": Field("age", _("age on the last day of the period"), "age"),
    },
    demographic=True,
    watches=[("registry.Person", "updated_at")],
)

villages = SqlSource(
    code="villages",
    label=pgettext_lazy("analytics source", "Villages"),
    description=_("Every village, once in every period: the denominator of figures per village."),
    app_label="orgunits",
    build=_villages_sql,
    fields={},
    watches=[("orgunits.OrgUnit", None)],
)

SOURCES = [births, birth_records, population, villages]

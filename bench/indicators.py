"""Indicator refresh: every demo indicator, for every org unit (268 villages, 10 towns, the district) and every
month, quarter and year from 2014 to now, computed set-based (one statement per indicator and period type,
writing villages, towns and the district), beside a naive baseline that asks one query per indicator × org
unit × period — measured on a random sample in the same run, extrapolated to the full count, and checked
against the refresh's figures.

``xingfu bench indicators --persons 500000`` (an empty registry is filled with the demo generator first).
"""

import argparse
import random
from typing import Any

from django.db import connection
from django.db.models import Q

from bench.common import stopwatch
from xingfu.analytics.definitions import Definition, definition_of
from xingfu.analytics.demo import _indicators as demo_indicators
from xingfu.analytics.models import DataValue, Indicator, RefreshBatch
from xingfu.analytics.services.refresh import first_year, periods_between, refresh_run, today
from xingfu.analytics.sources.base import QuerySetSource, SourceExpr, condition, years_before
from xingfu.analytics.sources.registry import _age_range
from xingfu.core.periods import Period, PeriodType
from xingfu.orgunits.models import Level, OrgUnit
from xingfu.registry.models import Person, PersonStatus


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--persons", type=int, default=20_000, help="registry size when it has to be generated")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--sample", type=int, default=300, help="naive-baseline queries to time")


def _ensure_registry(*, persons: int, seed: int) -> int:
    if not Person.objects.exists():
        from xingfu.demo.loader import demo_villages
        from xingfu.registry.demo import demo_registry

        demo_villages(seed=seed)
        demo_registry(seed=seed, persons=persons)
    return Person.objects.count()


def _naive(expr: SourceExpr, unit: OrgUnit, period: Period) -> Any:
    """One figure of one expression for one unit and period: what a first attempt would ask, once per cell."""
    end = min(period.end, today())
    source = expr.source
    if isinstance(source, QuerySetSource):
        lookup = f"{source.date_field}__date" if source.date_is_datetime else source.date_field
        path = source.village_field.removesuffix("_id") + "__path__startswith"
        qs = source.queryset().filter(**{f"{lookup}__gte": period.start, f"{lookup}__lte": end, path: unit.path})
        needed = {f.field for f in expr.filters}
        annotations = {source.fields[n].path: source.fields[n].expr() for n in needed if source.fields[n].expr}  # type: ignore[misc]
        if annotations:
            qs = qs.annotate(**annotations)
        return qs.aggregate(v=source.measures[expr.measure].aggregate(condition(source, expr.filters)))["v"] or 0
    if source.code == "villages":
        return OrgUnit.objects.filter(level=Level.VILLAGE, path__startswith=unit.path).count()
    people = Person.objects.filter(orgunit__path__startswith=unit.path, birth_date__lte=end).exclude(
        status=PersonStatus.MOVED_OUT
    )
    people = people.filter(Q(death_date__isnull=True) | Q(death_date__gt=end))
    for f in expr.filters:
        if f.field == "sex":
            people = people.filter(sex__in=f.value) if f.op == "in" else people.filter(sex=f.value)
        else:
            low, high = _age_range(f.op, f.value)
            if low is not None:
                people = people.filter(birth_date__lte=years_before(end, low))
            if high is not None:
                people = people.filter(birth_date__gt=years_before(end, high + 1))
    return people.count()


def _cells(
    indicators: list[tuple[Indicator, Definition]], until: Any
) -> list[tuple[Indicator, Definition, str, Period]]:
    out = []
    for indicator, definition in indicators:
        for ptype in indicator.period_types:
            for period in periods_between(PeriodType(ptype), indicator.first_year or first_year(), until):
                out.append((indicator, definition, ptype, period))
    return out


def run(*, persons: int, seed: int, sample: int, **_: Any) -> dict[str, Any]:
    registry = _ensure_registry(persons=persons, seed=seed)
    demo_indicators()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    with stopwatch() as refresh:
        batch: RefreshBatch = refresh_run(reason="bench")
    computed = [
        (i, definition_of(i))
        for i in Indicator.objects.filter(active=True).order_by("order")
        if batch.indicators.get(i.code) == "ok"
    ]
    units = list(OrgUnit.objects.order_by("path"))
    cells = _cells(computed, batch.last_period)
    total = len(cells) * len(units)
    rng = random.Random(seed)
    picks = [(*rng.choice(cells), rng.choice(units)) for _ in range(sample)]
    mismatches = 0
    with stopwatch() as naive:
        answers = []
        for _indicator, definition, _ptype, period, unit in picks:
            n = _naive(definition.numerator, unit, period)
            d = _naive(definition.denominator, unit, period) if definition.denominator else None
            answers.append((n, d))
    for (indicator, _definition, ptype, period, unit), (n, d) in zip(picks, answers, strict=True):
        row = DataValue.objects.filter(
            batch=batch, indicator=indicator, orgunit=unit, period_type=ptype, period_start=period.start
        ).first()
        stored = (row.numerator, row.denominator) if row else (0, 0 if indicator.denominator else None)
        if stored[0] != n or (d is not None and (stored[1] or 0) != d):
            mismatches += 1
    queries_per_cell = sum(2 if d is not None else 1 for _n, d in answers) / max(len(answers), 1)
    baseline = naive["seconds"] / max(sample, 1) * total
    return {
        "persons": registry,
        "indicators": len(computed),
        "not_available": [code for code, state in batch.indicators.items() if state != "ok"],
        "cells": total,
        "rows": batch.rows,
        "seconds": round(refresh["seconds"], 2),
        "statements": sum(len(i.period_types) for i, _d in computed),
        "baseline_seconds": round(baseline, 1),
        "baseline_queries": round(total * queries_per_cell),
        "baseline_sample": sample,
        "sample_mismatches": mismatches,
        "speedup": round(baseline / refresh["seconds"], 1),
    }

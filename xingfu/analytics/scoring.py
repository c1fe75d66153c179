"""Scoring a scorecard for its year from the same indicator values the dashboards show.

A line scores its indicator's yearly value: *linear* — nothing at the floor, the full weight at the target,
in proportion between, capped at both ends (a target below its floor means lower is better); *threshold* — the
full weight once the target is reached. A value that does not exist ("no data") scores nothing and says so.
Towns are scored on their own values; a department on the district's value of its own lines.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from xingfu.accounts.access import scope_path
from xingfu.analytics.models import DataValue, Scorecard, ScorecardLine, ScorecardSubject, ScoringRule
from xingfu.analytics.services.refresh import current_batch
from xingfu.orgunits.models import Level, OrgUnit

TWO = Decimal("0.01")


def line_score(line: ScorecardLine, value: Decimal | None) -> Decimal:
    """Points for ``value`` on ``line`` (0 without a value)."""
    if value is None:
        return Decimal(0)
    weight, target = line.weight, line.target
    if line.rule == ScoringRule.THRESHOLD:
        lower_better = (line.floor is not None and line.floor > target) or line.indicator.higher_is_better is False
        reached = value <= target if lower_better else value >= target
        return weight if reached else Decimal(0)
    floor = line.floor if line.floor is not None else Decimal(0)
    span = target - floor
    if span == 0:
        return weight if value >= target else Decimal(0)
    fraction = (value - floor) / span
    fraction = min(max(fraction, Decimal(0)), Decimal(1))
    return (weight * fraction).quantize(TWO, rounding=ROUND_HALF_UP)


@dataclass
class LineResult:
    line: ScorecardLine
    numerator: Decimal | None
    denominator: Decimal | None
    value: Decimal | None
    score: Decimal

    def evidence(self) -> dict[str, Any]:
        ind = self.line.indicator
        return {
            "indicator": ind.code,
            "indicator_name": ind.name_zh,
            "numerator": _s(self.numerator),
            "denominator": _s(self.denominator),
            "value": _s(self.value),
            "target": _s(self.line.target),
            "floor": _s(self.line.floor),
            "rule": self.line.rule,
            "weight": _s(self.line.weight),
            "score": _s(self.score),
        }


def _s(v: Decimal | None) -> str | None:
    return None if v is None else str(v)


@dataclass
class SubjectResult:
    label: str
    town: OrgUnit | None = None
    department: str = ""
    lines: list[LineResult] = field(default_factory=list)
    rank: int = 0

    @property
    def total(self) -> Decimal:
        return sum((r.score for r in self.lines), Decimal(0))

    @property
    def maximum(self) -> Decimal:
        return sum((r.line.weight for r in self.lines), Decimal(0))

    @property
    def percent(self) -> Decimal:
        if not self.maximum:
            return Decimal(0)
        return (self.total * 100 / self.maximum).quantize(TWO, rounding=ROUND_HALF_UP)

    def evidence(self, *, as_of: dt.datetime | None, year: int) -> dict[str, Any]:
        return {
            "year": year,
            "as_of": as_of.isoformat() if as_of else None,
            "total": str(self.total),
            "maximum": str(self.maximum),
            "percent": str(self.percent),
            "rank": self.rank,
            "lines": [r.evidence() for r in self.lines],
        }


def _values(batch_id: int, lines: list[ScorecardLine], units: list[OrgUnit], year: int) -> dict[tuple[int, int], Any]:
    qs = DataValue.objects.filter(
        batch_id=batch_id,
        indicator__in={ln.indicator_id for ln in lines},
        orgunit__in=[u.pk for u in units],
        period_type="year",
        period_start=dt.date(year, 1, 1),
    ).values("indicator_id", "orgunit_id", "numerator", "denominator", "value")
    return {(r["indicator_id"], r["orgunit_id"]): r for r in qs}


def _result(line: ScorecardLine, hit: dict[str, Any] | None) -> LineResult:
    if hit is None:
        # Nothing counted: a count is zero, a ratio has no data.
        value = None if line.indicator.has_denominator else Decimal(0)
        return LineResult(line, None, None, value, line_score(line, value))
    return LineResult(line, hit["numerator"], hit["denominator"], hit["value"], line_score(line, hit["value"]))


def _rank(results: list[SubjectResult]) -> list[SubjectResult]:
    ordered = sorted(results, key=lambda r: (-r.percent, r.label))
    previous, rank = None, 0
    for i, r in enumerate(ordered, start=1):
        if r.percent != previous:
            rank, previous = i, r.percent
        r.rank = rank
    return ordered


def scorecard_results(scorecard: Scorecard) -> list[SubjectResult]:
    """Every assessed town or department with its lines' values and scores, ranked (ties share a rank)."""
    lines = list(scorecard.lines.select_related("indicator").order_by("order", "id"))
    batch = current_batch()
    results: list[SubjectResult] = []
    if scorecard.subject == ScorecardSubject.TOWN:
        towns = list(OrgUnit.objects.filter(level=Level.TOWN).order_by("code"))
        found = _values(batch.pk, lines, towns, scorecard.year) if batch and lines else {}
        for town in towns:
            res = SubjectResult(label=town.name, town=town)
            res.lines = [_result(ln, found.get((ln.indicator_id, town.pk))) for ln in lines]
            results.append(res)
    else:
        district = OrgUnit.objects.filter(level=Level.DISTRICT).first()
        found = _values(batch.pk, lines, [district], scorecard.year) if batch and lines and district else {}
        departments: dict[str, SubjectResult] = {}
        for ln in lines:
            res = departments.setdefault(ln.department, SubjectResult(label=ln.department, department=ln.department))
            res.lines.append(_result(ln, found.get((ln.indicator_id, district.pk)) if district else None))
        results = list(departments.values())
    return _rank(results)


def results_for_user(user: Any, results: list[SubjectResult]) -> list[SubjectResult]:
    """What the user may see of a ranking: all of it from the district; a town officer her own town's row (with
    its rank, as published); nothing from a village, whose scope holds no town."""
    prefix = scope_path(user)
    if prefix is None:
        return []
    if prefix.count("/") <= 2:  # "/370406/": the district
        return results
    return [r for r in results if r.town is not None and r.town.path.startswith(prefix)]

"""The sex ratio at birth by town, village, period and birth order, with honest uncertainty (``stats``).

Counts come from the analytics table (the yearly rows of the ``srb*`` indicators: numerator boys, denominator
girls), pooled over the chosen years. The empirical-Bayes prior of a level is fitted over *all* its units in
the district, so every user sees the same estimate for the same place; only the rows shown are cut by scope.
Alerts point at places — a town, a village — never at anyone; nothing here lists a woman or a birth.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.core.cache import cache
from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xingfu.accounts.access import access_orgunits, scope_path
from xingfu.analytics import stats
from xingfu.analytics.models import DataValue, Indicator, RefreshBatch
from xingfu.analytics.services.refresh import current_batch, first_year, today
from xingfu.core.errors import ValidationFailed
from xingfu.orgunits.models import Level, OrgUnit

# The indicators the page reads, by birth order ("3" stands for third and later births).
SRB_CODES = {"all": "srb", "1": "srb_order1", "2": "srb_order2", "3": "srb_order3plus"}
ESTIMATES_CACHE_SECONDS = 3600
ORDER_LABELS = {
    "all": gettext_lazy("All births"),
    "1": gettext_lazy("First births"),
    "2": gettext_lazy("Second births"),
    "3": gettext_lazy("Third and later births"),
}


def srb_indicators() -> dict[str, Indicator]:
    found = {i.code: i for i in Indicator.objects.filter(code__in=SRB_CODES.values(), active=True)}
    return {order: found[code] for order, code in SRB_CODES.items() if code in found}


def earliest_year() -> int:
    years = [i.first_year or first_year() for i in srb_indicators().values()]
    return min(years) if years else first_year()


@dataclass
class SrbRow:
    unit: OrgUnit
    boys: int
    girls: int
    wilson_low: float
    wilson_high: float
    eb_median: float
    eb_low: float
    eb_high: float
    p_above: float
    alert: bool
    p_above_rest: float | None = None

    @property
    def births(self) -> int:
        return self.boys + self.girls

    @property
    def too_few(self) -> bool:
        return self.births < stats.TOO_FEW_BIRTHS

    @property
    def observed(self) -> float | None:
        """The observed ratio, or None where it would mislead: too few births, or no girls (a bare ∞)."""
        if self.too_few or self.girls == 0:
            return None
        return 100.0 * self.boys / self.girls

    @property
    def high_is_infinite(self) -> bool:
        return math.isinf(self.wilson_high)


@dataclass
class SrbTable:
    order: str
    year_from: int
    year_to: int
    level: str
    prior: stats.BetaPrior
    rows: list[SrbRow]
    district: SrbRow | None
    batch: RefreshBatch | None
    missing: bool = False  # the sex-ratio indicators are not defined or not computed

    @property
    def alerts(self) -> list[SrbRow]:
        return [r for r in self.rows if r.alert]


@dataclass
class SrbWindow:
    order: str
    year_from: int
    year_to: int
    level: str


def parse_window(*, order: str, year_from: str, year_to: str, level: str) -> SrbWindow:
    """Check the page's choices; a year that has not begun is refused with a clear message."""
    if order not in SRB_CODES:
        raise ValidationFailed(_("order takes one of: %(orders)s.") % {"orders": ", ".join(SRB_CODES)}, field="order")
    if level not in (Level.TOWN, Level.VILLAGE):
        raise ValidationFailed(_("level is town or village."), field="level")
    this_year = today().year
    first = earliest_year()
    parsed = []
    for name, raw, default in (("year_from", year_from, first_year()), ("year_to", year_to, this_year)):
        if not raw:
            parsed.append(default)
            continue
        if not raw.isdigit() or len(raw) != 4:
            raise ValidationFailed(_("%(name)s is a year such as 2025.") % {"name": name}, field=name)
        year = int(raw)
        if year > this_year:
            raise ValidationFailed(
                _("%(year)s is in the future: births are counted up to %(now)s.") % {"year": year, "now": this_year},
                field=name,
            )
        if year < first:
            raise ValidationFailed(_("The sex-ratio series start in %(first)s.") % {"first": first}, field=name)
        parsed.append(year)
    if parsed[0] > parsed[1]:
        raise ValidationFailed(_("The first year comes after the last one."), field="year_from")
    return SrbWindow(order=order, year_from=parsed[0], year_to=parsed[1], level=level)


def _counts(
    batch: RefreshBatch, indicator: Indicator, level: str, years: tuple[int, int]
) -> dict[int, tuple[int, int]]:
    qs = (
        DataValue.objects.filter(
            batch=batch,
            indicator=indicator,
            period_type="year",
            level=level,
            period_start__gte=dt.date(years[0], 1, 1),
            period_start__lte=dt.date(years[1], 1, 1),
        )
        .values("orgunit_id")
        .annotate(b=Sum("numerator"), g=Sum("denominator"))
    )
    return {r["orgunit_id"]: (int(r["b"] or 0), int(r["g"] or 0)) for r in qs}


def _own_row(unit: OrgUnit, boys: int, girls: int) -> SrbRow:
    """A row from the unit's own births alone (the district: nothing to borrow from), Jeffreys prior."""
    lo, hi = stats.srb_interval([boys], [boys + girls])
    post = stats.posterior(stats.JEFFREYS, [boys], [boys + girls])
    return SrbRow(
        unit=unit,
        boys=boys,
        girls=girls,
        wilson_low=float(lo[0]),
        wilson_high=float(hi[0]),
        eb_median=float(post.median_srb[0]),
        eb_low=float(post.low_srb[0]),
        eb_high=float(post.high_srb[0]),
        p_above=float(post.p_above[0]),
        alert=bool(stats.alerts(post.p_above, [boys + girls])[0]),
    )


def _estimates(batch: RefreshBatch, indicator: Indicator, level: str, years: tuple[int, int]) -> dict[str, Any]:
    """The fitted prior and every unit's figures for one level, window and birth order: computed once per
    refresh batch (cached), as they are the same for every user."""
    key = f"analytics:srb:{batch.pk}:{indicator.pk}:{level}:{years[0]}:{years[1]}"
    cached = cache.get(key)
    if cached is not None:
        return dict(cached)
    unit_ids = list(OrgUnit.objects.filter(level=level).order_by("path").values_list("pk", flat=True))
    counts = _counts(batch, indicator, level, years)
    boys = np.array([counts.get(pk, (0, 0))[0] for pk in unit_ids], dtype=float)
    girls = np.array([counts.get(pk, (0, 0))[1] for pk in unit_ids], dtype=float)
    births = boys + girls
    prior = stats.fit_beta_prior(boys, births)
    post = stats.posterior(prior, boys, births)
    w_lo, w_hi = stats.srb_interval(boys, births)
    alert = stats.alerts(post.p_above, births)
    total_b, total_g = int(boys.sum()), int(girls.sum())
    figures: dict[int, tuple[Any, ...]] = {}
    for i, pk in enumerate(unit_ids):
        b, g = int(boys[i]), int(girls[i])
        rest = None
        if b + g >= stats.TOO_FEW_BIRTHS and total_b + total_g - b - g > 0:
            rest = stats.prob_greater(0.5 + b, 0.5 + g, 0.5 + total_b - b, 0.5 + total_g - g)
        figures[pk] = (
            b,
            g,
            float(w_lo[i]),
            float(w_hi[i]),
            float(post.median_srb[i]),
            float(post.low_srb[i]),
            float(post.high_srb[i]),
            float(post.p_above[i]),
            bool(alert[i]),
            rest,
        )
    result = {"prior": prior, "figures": figures}
    cache.set(key, result, ESTIMATES_CACHE_SECONDS)
    return result


def srb_table(user: Any, window: SrbWindow, *, within: OrgUnit | None = None) -> SrbTable:
    """Every unit of ``window.level`` in the user's scope (and under ``within``), with its births, observed
    ratio, Wilson interval, empirical-Bayes estimate, P(SRB > 107) and alert; the district's own figures."""
    batch = current_batch()
    indicator = srb_indicators().get(window.order)
    years = (window.year_from, window.year_to)
    if batch is None or indicator is None or batch.indicators.get(indicator.code) != "ok":
        return SrbTable(window.order, *years, window.level, stats.JEFFREYS, [], None, batch, missing=True)
    estimates = _estimates(batch, indicator, window.level, years)
    prefix = scope_path(user) or "\x00"
    units = access_orgunits(user).filter(level=window.level)
    if within is not None:
        units = units.filter(path__startswith=within.path)
    rows = []
    for unit in units.select_related("parent").order_by("path"):
        figures = estimates["figures"].get(unit.pk)
        if figures is None:  # a unit created since the refresh
            continue
        b, g, w_lo, w_hi, median, low, high, p_above, alert, rest = figures
        rows.append(
            SrbRow(
                unit=unit,
                boys=b,
                girls=g,
                wilson_low=w_lo,
                wilson_high=w_hi,
                eb_median=median,
                eb_low=low,
                eb_high=high,
                p_above=p_above,
                alert=alert,
                p_above_rest=rest,
            )
        )
    district = None
    district_unit = OrgUnit.objects.filter(level=Level.DISTRICT).first()
    if district_unit is not None and district_unit.path.startswith(prefix):
        d_counts = _counts(batch, indicator, Level.DISTRICT, years).get(district_unit.pk, (0, 0))
        district = _own_row(district_unit, *d_counts)
    return SrbTable(window.order, *years, window.level, estimates["prior"], rows, district, batch)


@dataclass
class TrendPoint:
    year: int
    boys: int
    girls: int
    low: float
    high: float

    @property
    def births(self) -> int:
        return self.boys + self.girls

    @property
    def srb(self) -> float | None:
        if self.births < stats.TOO_FEW_BIRTHS or self.girls == 0:
            return None
        return 100.0 * self.boys / self.girls


@dataclass
class Trend:
    unit: OrgUnit
    series: dict[str, list[TrendPoint]] = field(default_factory=dict)


def srb_trend(unit: OrgUnit, *, year_from: int, year_to: int) -> Trend:
    """Observed SRB and Wilson interval by year and birth order for one unit (the caller checked scope)."""
    batch = current_batch()
    trend = Trend(unit)
    indicators = srb_indicators()
    if batch is None or not indicators:
        return trend
    by_id = {i.pk: order for order, i in indicators.items()}
    qs = DataValue.objects.filter(
        batch=batch,
        indicator__in=list(by_id),
        orgunit=unit,
        period_type="year",
        period_start__gte=dt.date(year_from, 1, 1),
        period_start__lte=dt.date(year_to, 1, 1),
    ).values("indicator_id", "period_start", "numerator", "denominator")
    found = {(by_id[r["indicator_id"]], r["period_start"].year): r for r in qs}
    for order in SRB_CODES:
        if order not in indicators:
            continue
        points = []
        for year in range(year_from, year_to + 1):
            r = found.get((order, year))
            b, g = (int(r["numerator"]), int(r["denominator"] or 0)) if r else (0, 0)
            lo, hi = stats.srb_interval([b], [b + g])
            points.append(TrendPoint(year, b, g, float(lo[0]), float(hi[0])))
        trend.series[order] = points
    return trend

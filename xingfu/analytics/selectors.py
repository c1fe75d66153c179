"""Reads of the analytics tables, always cut by the user's scope.

Everything reads the current batch (the latest complete refresh). A cell missing from the table means "nothing
counted": zero for a count, "no data" for a ratio (its denominator was zero). Periods before an indicator's
first year or after the refresh's last day are "not computed", never zero.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from xingfu.accounts.access import access_orgunit_by_code, access_orgunits, scope_of
from xingfu.analytics.models import DataValue, Indicator, IndicatorPeriodType, RefreshBatch
from xingfu.analytics.services.refresh import current_batch, first_year, pending_batch, today
from xingfu.core.errors import NotFound, ValidationFailed
from xingfu.core.periods import Period, PeriodType
from xingfu.orgunits.models import Level, OrgUnit

MAX_INDICATORS = 6
MAX_PERIODS = 160
MAX_UNITS = 300

OK, NO_DATA, NOT_COMPUTED, NOT_AVAILABLE = "ok", "no_data", "not_computed", "not_available"


def indicators_visible() -> QuerySet[Indicator]:
    """Indicators are definitions, not data about anyone: every analytics user may read them."""
    return Indicator.objects.filter(active=True).order_by("order", "code")


def indicator_by_code(code: str) -> Indicator:
    indicator = indicators_visible().filter(code=code).first()
    if indicator is None:
        raise NotFound(_("No indicator with code %(code)s.") % {"code": code})
    return indicator


# --- status ---------------------------------------------------------------------------------------------


@dataclass
class Status:
    """What the pages say about freshness: the values are as of ``batch.finished_at``."""

    batch: RefreshBatch | None
    pending: RefreshBatch | None
    last_failed: RefreshBatch | None

    @property
    def stale(self) -> bool:
        """The data changed since these figures were computed (a refresh will follow)."""
        from xingfu.analytics.services.refresh import is_stale

        return self.batch is not None and self.pending is None and is_stale(self.batch)

    @property
    def as_of(self) -> dt.datetime | None:
        return self.batch.started_at if self.batch else None

    def availability(self, indicator: Indicator) -> str:
        """ "ok", or why the indicator has no values (its source app is not there yet, or never refreshed)."""
        if self.batch is None:
            return _("Not computed yet: no refresh has run.")
        state = self.batch.indicators.get(indicator.code)
        if state is None:
            return _("Not computed yet: defined after the last refresh.")
        return str(state)


def analytics_status() -> Status:
    from xingfu.analytics.models import BatchStatus

    batch = current_batch()
    failed = RefreshBatch.objects.order_by("-id").first()
    if failed is not None and failed.status != BatchStatus.FAILED:
        failed = None
    return Status(batch=batch, pending=pending_batch(), last_failed=failed)


# --- cells ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    status: str
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    value: Decimal | None = None

    @property
    def ok(self) -> bool:
        return self.status == OK

    @property
    def number(self) -> float | None:
        """The value as a float for a chart, or None where there is none."""
        return float(self.value) if self.status == OK and self.value is not None else None


@dataclass
class Row:
    indicator: Indicator
    unit: OrgUnit
    cells: list[Cell] = field(default_factory=list)


def _empty_cell(indicator: Indicator, period: Period, status: Status) -> Cell:
    batch = status.batch
    if status.availability(indicator) != OK or batch is None:
        return Cell(NOT_AVAILABLE)
    start_year = indicator.first_year or first_year()
    if period.start < dt.date(start_year, 1, 1) or batch.last_period is None or period.start > batch.last_period:
        return Cell(NOT_COMPUTED)
    if indicator.has_denominator:
        return Cell(NO_DATA, Decimal(0), Decimal(0), None)
    return Cell(OK, Decimal(0), None, Decimal(0))


def _cell(row: dict[str, Any]) -> Cell:
    if row["value"] is None:
        return Cell(NO_DATA, row["numerator"], row["denominator"], None)
    return Cell(OK, row["numerator"], row["denominator"], row["value"])


def values_grid(
    *,
    status: Status,
    indicators: Sequence[Indicator],
    units: Sequence[OrgUnit],
    period_type: str,
    periods: Sequence[Period],
) -> list[Row]:
    """One row per (indicator, unit), one cell per period: one query. The caller has cut ``units`` to the
    user's scope."""
    found: dict[tuple[int, int, dt.date], dict[str, Any]] = {}
    if status.batch is not None and indicators and units and periods:
        qs = DataValue.objects.filter(
            batch=status.batch,
            indicator__in=[i.pk for i in indicators],
            period_type=period_type,
            orgunit__in=[u.pk for u in units],
            period_start__in=[p.start for p in periods],
        ).values("indicator_id", "orgunit_id", "period_start", "numerator", "denominator", "value")
        found = {(r["indicator_id"], r["orgunit_id"], r["period_start"]): dict(r) for r in qs}
    rows = []
    for indicator in indicators:
        for unit in units:
            row = Row(indicator, unit)
            for period in periods:
                hit = found.get((indicator.pk, unit.pk, period.start))
                row.cells.append(_cell(hit) if hit else _empty_cell(indicator, period, status))
            rows.append(row)
    return rows


# --- what the user asked for ----------------------------------------------------------------------------


@dataclass
class Query:
    indicators: list[Indicator]
    unit: OrgUnit
    units: list[OrgUnit]  # the unit's children (or the unit itself for a village / "self")
    period_type: str
    periods: list[Period]


DEFAULT_SPAN = {PeriodType.MONTH: 12, PeriodType.QUARTER: 8, PeriodType.YEAR: 6}


def _period(text: str, name: str, period_type: str) -> Period:
    try:
        period = Period.parse(text)
    except ValueError:
        raise ValidationFailed(
            _("%(name)s: %(text)s is not a period (write 2025, 2025Q3 or 202507).") % {"name": name, "text": text[:20]},
            field=name,
        ) from None
    if period.type.value != period_type:
        raise ValidationFailed(
            _("%(name)s: %(text)s is not a %(type)s; the period type chosen is %(type)s.")
            % {"name": name, "text": period.code, "type": IndicatorPeriodType(period_type).label},
            field=name,
        )
    return period


def periods_range(period_type: str, period_from: str, period_to: str, *, on: dt.date | None = None) -> list[Period]:
    """The periods from ``period_from`` to ``period_to`` (codes; blank for the last few up to today). A period
    that has not begun is refused with a clear message rather than shown as zeros."""
    on = on or today()
    ptype = PeriodType(period_type)
    current = Period.containing(on, ptype)
    last = _period(period_to, "period_to", period_type) if period_to else current
    if last.start > on:
        raise ValidationFailed(
            _("%(period)s is in the future: values exist up to %(current)s.")
            % {"period": last.code, "current": current.code},
            field="period_to",
        )
    if period_from:
        first = _period(period_from, "period_from", period_type)
        if first.start > on:
            raise ValidationFailed(
                _("%(period)s is in the future: values exist up to %(current)s.")
                % {"period": first.code, "current": current.code},
                field="period_from",
            )
    else:
        first = last
        for _i in range(DEFAULT_SPAN[ptype] - 1):
            first = Period.containing(first.start - dt.timedelta(days=1), ptype)
    if first > last:
        raise ValidationFailed(_("The first period comes after the last one."), field="period_from")
    if first.start.year < 1950:
        raise ValidationFailed(_("Periods start in 1950 at the earliest."), field="period_from")
    out = [first]
    while out[-1] < last:
        out.append(out[-1].next())
        if len(out) > MAX_PERIODS:
            raise ValidationFailed(
                _("At most %(n)s periods at once; choose a shorter span or a longer period type.") % {"n": MAX_PERIODS},
                field="period_from",
            )
    return out


def parse_query(
    user: Any,
    *,
    indicator_codes: Sequence[str],
    orgunit: str,
    show: str,
    period_type: str,
    period_from: str,
    period_to: str,
) -> Query:
    """Check what the user asked for: known indicators, a unit in her scope (404 otherwise, as for any unit
    outside it), a period type every indicator has, and periods that have begun."""
    codes = [c for c in dict.fromkeys(indicator_codes) if c]
    if not codes:
        raise ValidationFailed(_("Choose at least one indicator."), field="indicator")
    if len(codes) > MAX_INDICATORS:
        raise ValidationFailed(_("At most %(n)s indicators at once.") % {"n": MAX_INDICATORS}, field="indicator")
    known = {i.code: i for i in indicators_visible().filter(code__in=codes)}
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise ValidationFailed(
            _("Unknown indicator: %(codes)s.") % {"codes": ", ".join(unknown)[:200]}, field="indicator"
        )
    indicators = [known[c] for c in codes]
    if period_type not in IndicatorPeriodType.values:
        raise ValidationFailed(
            _("period_type takes one of: %(types)s.") % {"types": ", ".join(IndicatorPeriodType.values)},
            field="period_type",
        )
    lacking = [i for i in indicators if period_type not in i.period_types]
    if lacking:
        raise ValidationFailed(
            _("%(indicator)s is computed by %(types)s only.")
            % {
                "indicator": lacking[0].name,
                "types": ", ".join(str(IndicatorPeriodType(t).label) for t in lacking[0].period_types),
            },
            field="period_type",
        )
    unit = access_orgunit_by_code(user, orgunit) if orgunit else scope_of(user)
    if show == "self" or unit.level == Level.VILLAGE:
        units = [unit]
    else:
        units = list(access_orgunits(user).filter(parent=unit).order_by("code")[:MAX_UNITS])
    periods = periods_range(period_type, period_from, period_to)
    return Query(indicators=indicators, unit=unit, units=units, period_type=period_type, periods=periods)


def ancestors(user: Any, unit: OrgUnit) -> list[OrgUnit]:
    """The unit's ancestors the user may see, top first (for the drill-down breadcrumb)."""
    codes = [c for c in unit.path.strip("/").split("/")[:-1] if c]
    return list(access_orgunits(user).filter(code__in=codes).order_by("path"))


def villages_under(user: Any, unit: OrgUnit) -> list[OrgUnit]:
    return list(
        access_orgunits(user)
        .filter(Q(path__startswith=unit.path), level=Level.VILLAGE)
        .select_related("parent")
        .order_by("path")[:MAX_UNITS]
    )

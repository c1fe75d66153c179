"""How figures are shown: a value with its indicator's decimals and unit, and words — never a number — where
there is none ("no data" for a zero denominator, "not computed", "not available")."""

import math
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from xingfu.analytics.models import Indicator, IndicatorUnit
from xingfu.analytics.selectors import NO_DATA, NOT_AVAILABLE, NOT_COMPUTED, Cell
from xingfu.analytics.stats import TOO_FEW_BIRTHS


def number(value: Decimal | float | int | None, decimals: int = 0) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and not math.isfinite(value):
        return "∞" if value > 0 else ""
    return number_format(round(Decimal(str(value)), decimals), decimal_pos=decimals, force_grouping=True)


def value_text(indicator: Indicator, value: Decimal | float | None) -> str:
    if value is None:
        return _("no data")
    text = number(value, indicator.decimals)
    return f"{text} %" if indicator.unit == IndicatorUnit.PERCENT else text


def is_sex_ratio(indicator: Indicator) -> bool:
    """Boys per 100 girls: a ratio of two counts of births (its small numbers mislead most)."""
    num, den = indicator.numerator or {}, indicator.denominator or {}
    return indicator.unit == IndicatorUnit.PER_100 and num.get("source") == den.get("source") == "births"


def _too_few(indicator: Indicator, cell: Cell) -> int | None:
    """The births behind a sex-ratio cell when they are too few to show a ratio (else None)."""
    if not is_sex_ratio(indicator) or cell.numerator is None:
        return None
    births = int(cell.numerator + (cell.denominator or 0))
    return births if 0 < births < TOO_FEW_BIRTHS else None


def cell_text(indicator: Indicator, cell: Cell) -> str:
    if cell.status == NOT_AVAILABLE:
        return _("not available")
    if cell.status == NOT_COMPUTED:
        return _("not computed")
    few = _too_few(indicator, cell)
    if few is not None:
        return _("too few births (%(n)s)") % {"n": few}
    if cell.status == NO_DATA:
        return _("no girls") if is_sex_ratio(indicator) and cell.numerator else _("no data")
    return value_text(indicator, cell.value)


def chart_number(indicator: Indicator, cell: Cell) -> float | None:
    """The value to draw, or None: no value, or a sex ratio over too few births (a bar would mislead)."""
    return None if _too_few(indicator, cell) is not None else cell.number


def cell_detail(indicator: Indicator, cell: Cell) -> str:
    """Numerator and denominator, for a cell's tooltip and the exports."""
    if cell.numerator is None:
        return ""
    if not indicator.has_denominator:
        return number(cell.numerator, 2 if indicator.unit == IndicatorUnit.YUAN else 0)
    return f"{number(cell.numerator)} / {number(cell.denominator)}"


def unit_label(indicator: Indicator) -> str:
    return str(IndicatorUnit(indicator.unit).label)

"""How figures are shown: a value with its indicator's decimals and unit, and words — never a number — where
there is none ("no data" for a zero denominator, "not computed", "not available")."""

import math
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from xingfu.analytics.models import Indicator, IndicatorUnit
from xingfu.analytics.selectors import NO_DATA, NOT_AVAILABLE, NOT_COMPUTED, Cell


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


def cell_text(indicator: Indicator, cell: Cell) -> str:
    if cell.status == NOT_AVAILABLE:
        return _("not available")
    if cell.status == NOT_COMPUTED:
        return _("not computed")
    if cell.status == NO_DATA:
        return _("no data")
    return value_text(indicator, cell.value)


def cell_detail(indicator: Indicator, cell: Cell) -> str:
    """Numerator and denominator, for a cell's tooltip and the exports."""
    if cell.numerator is None:
        return ""
    if not indicator.has_denominator:
        return number(cell.numerator, 2 if indicator.unit == IndicatorUnit.YUAN else 0)
    return f"{number(cell.numerator)} / {number(cell.denominator)}"


def unit_label(indicator: Indicator) -> str:
    return str(IndicatorUnit(indicator.unit).label)

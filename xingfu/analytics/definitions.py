"""An indicator's definition checked against the registered sources, and the rule that keeps scorecards to
service targets.

"Service, not coercion": a target on how many children are born, of which sex, or how many people live
somewhere is a population-control target, and Xingfu sets none. So an indicator may be a scorecard target only
if its numerator is not a count of births or residents (``Source.demographic``), and a source whose rows are
births seen from a service (a pregnancy, a birth record; ``Source.share_only``) only as a share of itself —
"visits per pregnancy" is a service figure, "pregnancies per village" is not.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from xingfu.analytics.models import Indicator, IndicatorPeriodType
from xingfu.analytics.sources import SOURCES, Source, SourceExpr, parse_expression
from xingfu.core.errors import ValidationFailed


@dataclass(frozen=True)
class Definition:
    numerator: SourceExpr
    denominator: SourceExpr | None

    @property
    def sources(self) -> list[Source]:
        return [self.numerator.source] + ([self.denominator.source] if self.denominator else [])


def parse_definition(numerator: Any, denominator: Any, *, sources: Mapping[str, Source] | None = None) -> Definition:
    known = SOURCES if sources is None else sources
    num = parse_expression(numerator, where="numerator", sources=known)
    den = None if denominator in (None, {}) else parse_expression(denominator, where="denominator", sources=known)
    return Definition(numerator=num, denominator=den)


def definition_of(indicator: Indicator) -> Definition:
    return parse_definition(indicator.numerator, indicator.denominator)


def why_not_targetable(definition: Definition) -> str | None:
    """Why an indicator so defined may not be a scorecard target, or None if it may."""
    num, den = definition.numerator, definition.denominator
    if num.source.demographic:
        return _(
            "It counts births or residents (source “%(source)s”): Xingfu sets no birth-number or population "
            "targets, only service targets."
        ) % {"source": num.source.code}
    if num.source.share_only and (den is None or den.source is not num.source):
        return _(
            "Its numerator counts %(source)s, which may only be a target as a share of %(source)s "
            "(e.g. visits done per pregnancy), never as a number."
        ) % {"source": num.source.code}
    return None


def parse_period_types(value: Any) -> list[str]:
    if not isinstance(value, list) or not value:
        raise ValidationFailed(
            _("period_types must be a non-empty list of: %(types)s.")
            % {"types": ", ".join(IndicatorPeriodType.values)},
            field="period_types",
        )
    bad = [v for v in value if v not in IndicatorPeriodType.values]
    if bad or len(set(value)) != len(value):
        raise ValidationFailed(
            _("period_types takes each of %(types)s at most once.") % {"types": ", ".join(IndicatorPeriodType.values)},
            field="period_types",
        )
    return [t for t in IndicatorPeriodType.values if t in value]

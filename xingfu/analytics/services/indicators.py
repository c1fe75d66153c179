"""Defining indicators: data, checked against the registered sources before it is stored."""

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from xingfu.accounts.access import require
from xingfu.accounts.roles import Perm
from xingfu.analytics.definitions import parse_definition, parse_period_types, why_not_targetable
from xingfu.analytics.models import Indicator, IndicatorUnit
from xingfu.audit.services import audit_record
from xingfu.core.errors import Conflict, ValidationFailed

EDITABLE = (
    "name_zh",
    "name_en",
    "description",
    "numerator",
    "denominator",
    "scale",
    "unit",
    "decimals",
    "period_types",
    "first_year",
    "higher_is_better",
    "targetable",
    "active",
    "order",
)


def indicator_fields_checked(fields: dict[str, Any]) -> dict[str, Any]:
    """The fields of a definition, checked; raises ValidationFailed naming the first problem."""
    if not str(fields.get("name_zh") or "").strip():
        raise ValidationFailed(_("An indicator needs a Chinese name."), field="name_zh")
    definition = parse_definition(fields.get("numerator"), fields.get("denominator"))
    fields["numerator"] = definition.numerator.as_dict()
    fields["denominator"] = definition.denominator.as_dict() if definition.denominator else None
    fields["period_types"] = parse_period_types(fields.get("period_types"))
    if fields.get("unit", IndicatorUnit.COUNT) not in IndicatorUnit.values:
        raise ValidationFailed(
            _("unit takes one of: %(units)s.") % {"units": ", ".join(IndicatorUnit.values)}, field="unit"
        )
    scale = fields.get("scale", 1)
    if isinstance(scale, bool) or not isinstance(scale, int) or not 1 <= scale <= 100_000:
        raise ValidationFailed(_("scale is a whole number from 1 to 100000."), field="scale")
    year = fields.get("first_year")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int) or not 1950 <= year <= 2100):
        raise ValidationFailed(_("first_year is a year from 1950 to 2100."), field="first_year")
    if fields.get("targetable"):
        reason = why_not_targetable(definition)
        if reason:
            raise ValidationFailed(
                _("This indicator cannot be a target. %(reason)s") % {"reason": reason}, field="targetable"
            )
    if not fields.get("denominator") and fields.get("unit") == IndicatorUnit.PERCENT:
        raise ValidationFailed(_("A percentage needs a denominator."), field="denominator")
    return fields


@transaction.atomic
def indicator_define(*, actor: Any, code: str, **fields: Any) -> Indicator:
    """Define a new indicator. Its values appear after the next refresh (which the analytics pages start when
    they notice the definitions changed)."""
    require(actor, Perm.SCORECARDS_MANAGE)
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValidationFailed(_("Unknown field(s): %(f)s.") % {"f": ", ".join(sorted(unknown))})
    if Indicator.objects.filter(code=code).exists():
        raise Conflict(_("An indicator with code %(code)s exists already.") % {"code": code}, field="code")
    indicator = Indicator(code=code, created_by=actor, **indicator_fields_checked(dict(fields)))
    indicator.save()
    audit_record(
        actor=actor,
        action="analytics.indicator_define",
        object_type="indicator",
        object_id=indicator.code,
        changes={k: {"before": None, "after": _plain(getattr(indicator, k))} for k in EDITABLE},
    )
    return indicator


@transaction.atomic
def indicator_update(*, actor: Any, indicator: Indicator, **fields: Any) -> Indicator:
    """Change an indicator's definition or names; the whole definition is checked again."""
    require(actor, Perm.SCORECARDS_MANAGE)
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValidationFailed(_("Unknown field(s): %(f)s.") % {"f": ", ".join(sorted(unknown))})
    before = {k: _plain(getattr(indicator, k)) for k in EDITABLE}
    merged = {**before, **fields}
    checked = indicator_fields_checked(merged)
    for k in EDITABLE:
        setattr(indicator, k, checked[k])
    indicator.save()
    after = {k: _plain(getattr(indicator, k)) for k in EDITABLE}
    audit_record(
        actor=actor,
        action="analytics.indicator_update",
        object_type="indicator",
        object_id=indicator.code,
        changes={k: {"before": before[k], "after": after[k]} for k in EDITABLE if before[k] != after[k]},
    )
    return indicator


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value

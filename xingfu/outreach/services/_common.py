"""Checks the outreach services share: each turns bad input into a ValidationFailed naming the field."""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from xingfu.accounts.access import may_see_unit, require
from xingfu.accounts.roles import Perm
from xingfu.core.errors import PermissionDenied, ValidationFailed
from xingfu.orgunits.models import OrgUnit

# Records before the system's time, or more than two years ahead, are typing errors.
EARLIEST = dt.date(2000, 1, 1)
PLANNING_HORIZON_DAYS = 730
# More than this many people at one village event, or materials of one kind, is a typing error.
MAX_COUNT = 1_000_000


def today() -> dt.date:
    return timezone.localdate()


def require_record_in(actor: Any, unit: OrgUnit) -> None:
    """The actor may record outreach, and ``unit`` lies in her scope."""
    require(actor, Perm.OUTREACH_RECORD)
    if not may_see_unit(actor, unit):
        raise PermissionDenied(_("%(unit)s is outside your scope.") % {"unit": unit.name})


def clean_text(
    value: Any, *, field: str, label: str, required: bool = False, max_length: int = 200, multiline: bool = False
) -> str:
    """Text with surrounding space removed (and, on one line, runs of space made one)."""
    text = str(value or "").strip() if multiline else " ".join(str(value or "").split())
    if "\x00" in text:
        raise ValidationFailed(_("%(label)s contains a character that is not allowed.") % {"label": label}, field=field)
    if required and not text:
        raise ValidationFailed(_("%(label)s is required.") % {"label": label}, field=field)
    if len(text) > max_length:
        raise ValidationFailed(
            _("%(label)s is too long (at most %(n)d characters).") % {"label": label, "n": max_length}, field=field
        )
    return text


def check_date(value: Any, *, field: str, label: str, not_future: bool = False) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise ValidationFailed(_("%(label)s must be a date.") % {"label": label}, field=field)
    if value < EARLIEST:
        raise ValidationFailed(
            _("%(label)s %(date)s lies before %(earliest)s.")
            % {"label": label, "date": value.isoformat(), "earliest": EARLIEST.isoformat()},
            field=field,
        )
    if not_future and value > today():
        raise ValidationFailed(
            _("%(label)s %(date)s lies in the future.") % {"label": label, "date": value.isoformat()}, field=field
        )
    if value > today() + dt.timedelta(days=PLANNING_HORIZON_DAYS):
        raise ValidationFailed(
            _("%(label)s %(date)s lies more than two years ahead.") % {"label": label, "date": value.isoformat()},
            field=field,
        )
    return value


def check_count(value: Any, *, field: str, label: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationFailed(_("%(label)s must be a whole number.") % {"label": label}, field=field)
    if value < 0:
        raise ValidationFailed(_("%(label)s cannot be negative.") % {"label": label}, field=field)
    if value > MAX_COUNT:
        raise ValidationFailed(
            _("%(label)s is implausibly large (at most %(n)d).") % {"label": label, "n": MAX_COUNT}, field=field
        )
    return value


def check_hours(value: Any, *, field: str = "hours") -> Decimal:
    """Training hours: more than 0, at most 999.9, to one decimal place (e.g. 1.5)."""
    try:
        hours = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(_("Hours must be a number such as 2 or 1.5."), field=field) from None
    if not hours.is_finite():
        raise ValidationFailed(_("Hours must be a number such as 2 or 1.5."), field=field)
    if hours <= 0:
        raise ValidationFailed(_("Hours must be more than 0."), field=field)
    if hours > Decimal("999.9"):
        raise ValidationFailed(_("Hours must be at most 999.9."), field=field)
    if hours != hours.quantize(Decimal("0.1")):
        raise ValidationFailed(_("Hours are recorded to one decimal place (e.g. 1.5)."), field=field)
    return hours.quantize(Decimal("0.1"))


def check_choice(value: Any, choices: Iterable[tuple[str, Any]], *, field: str, label: str) -> str:
    pairs = list(choices)
    if value not in [v for v, _label in pairs]:
        raise ValidationFailed(
            _("%(label)s: %(value)s is not one of %(allowed)s.")
            % {"label": label, "value": repr(value), "allowed": ", ".join(v for v, _label in pairs)},
            field=field,
        )
    return str(value)


def snapshot(instance: Model, fields: Iterable[str]) -> dict[str, Any]:
    """The values of ``fields`` as the audit trail records them (foreign keys by id)."""
    out: dict[str, Any] = {}
    for name in fields:
        field = instance._meta.get_field(name)
        out[name] = getattr(instance, getattr(field, "attname", name))
    return out

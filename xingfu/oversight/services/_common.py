"""Small helpers the oversight services share."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from xingfu.core.errors import ValidationFailed


def today() -> dt.date:
    return timezone.localdate()


def clean_text(value: Any, *, field: str, label: str, required: bool = False, max_length: int = 200) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationFailed(_("%(label)s is required.") % {"label": label}, field=field)
    if len(text) > max_length:
        raise ValidationFailed(
            _("%(label)s is too long (at most %(n)d characters).") % {"label": label, "n": max_length}, field=field
        )
    return text


def check_choice(value: Any, choices: Iterable[str], *, field: str) -> str:
    allowed = list(choices)
    if value not in allowed:
        raise ValidationFailed(
            _("%(value)s is not one of the allowed values (%(allowed)s).")
            % {"value": repr(value), "allowed": ", ".join(allowed)},
            field=field,
        )
    return str(value)


def check_not_future(day: dt.date | None, *, field: str, label: str) -> None:
    if day is not None and day > today():
        raise ValidationFailed(_("%(label)s cannot be in the future.") % {"label": label}, field=field)


def snapshot(instance: Model, fields: Iterable[str]) -> dict[str, Any]:
    """The values of ``fields`` as the audit trail records them (foreign keys by id)."""
    out: dict[str, Any] = {}
    for name in fields:
        field = instance._meta.get_field(name)
        out[name] = getattr(instance, getattr(field, "attname", name))
    return out

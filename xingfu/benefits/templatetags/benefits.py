"""Template helpers of the benefits pages."""

from typing import Any

from django import template

from xingfu.accounts.roles import Perm
from xingfu.core.masking import mask_id_number

register = template.Library()


@register.filter
def can(user: Any, perm: str) -> bool:
    """``{% if user|can:"benefits.view" %}``: whether the user's role grants the permission."""
    try:
        return bool(user.can(Perm(perm)))
    except (ValueError, AttributeError):
        return False


@register.filter
def masked_id(value: str | None) -> str:
    return mask_id_number(value)


@register.filter
def fact_value(value: Any) -> Any:
    """A fact's value as a clerk reads it (unknown for None)."""
    if value is None:
        return "—"
    if value is True:
        return "✓"
    if value is False:
        return "✗"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return value

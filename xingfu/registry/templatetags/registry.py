"""Template filters for the registry pages: sensitive numbers are shown masked unless revealed."""

from django import template

from xingfu.core.masking import mask_id_number, mask_phone

register = template.Library()


@register.filter
def masked_id(value: str | None) -> str:
    return mask_id_number(value)


@register.filter
def masked_phone(value: str | None) -> str:
    return mask_phone(value)

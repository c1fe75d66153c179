"""Template helpers for the care pages: masked numbers and the colour badge of a grade."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from xingfu.care.models import RiskColour
from xingfu.core.masking import mask_id_number

register = template.Library()


@register.filter
def masked_id(value: str | None) -> str:
    return mask_id_number(value)


@register.simple_tag
def grade_badge(colour: str, infectious: bool = False) -> SafeString:
    """The grade as colour badges ("orange" + "purple"), or a dash when never assessed."""
    if not colour:
        return format_html('<span class="muted">{}</span>', "—")
    colours = [colour, RiskColour.PURPLE.value] if infectious else [colour]
    return format_html_join(
        " ",
        '<span class="grade grade-{}" data-colour="{}">{}</span>',
        ((c, c, str(RiskColour(c).label).split(" (")[0]) for c in colours),
    )

"""The five-colour pregnancy risk grading (孕产妇妊娠风险评估与管理, 2017), as rules a test can read.

At one assessment every risk factor found has a colour. The grade is the highest of green, yellow, orange and
red among them ("where several apply, the highest counts"); purple (an infectious disease) does not rank
against the others but combines with whichever of them applies: "orange + purple". Purple found alone is
"green + purple". The grade is reassessed at later visits; the current grade is the latest assessment's.

Yellow and above, or purple, means case management and referral to a secondary or higher facility.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from xingfu.care.models import COLOUR_RANK, RiskColour
from xingfu.core.errors import ValidationFailed


@dataclass(frozen=True)
class Grade:
    colour: str  # one of green, yellow, orange, red
    infectious: bool = False

    @property
    def rank(self) -> int:
        """Order on worklists: the colour first; purple before no purple within a colour."""
        return COLOUR_RANK[self.colour] * 2 + int(self.infectious)

    @property
    def case_managed(self) -> bool:
        return self.colour != RiskColour.GREEN or self.infectious

    @property
    def colours(self) -> list[str]:
        return [self.colour, RiskColour.PURPLE] if self.infectious else [self.colour]

    def __str__(self) -> str:
        return " + ".join(self.colours)


def grade_combine(colours: Iterable[str], *, field: str = "colours") -> Grade:
    """The grade for the colours of the risk factors found at one assessment.

    ValidationFailed for an empty list or for anything that is not one of the five colours.
    """
    values = [str(c).strip().lower() for c in colours]
    if not values:
        raise ValidationFailed(_("Give at least one risk colour."), field=field)
    unknown = sorted({c for c in values if c not in RiskColour.values})
    if unknown:
        raise ValidationFailed(
            _("%(colours)s is not a risk colour; the five colours are green, yellow, orange, red and purple.")
            % {"colours": ", ".join(repr(c) for c in unknown)},
            field=field,
        )
    ranked = [c for c in values if c != RiskColour.PURPLE]
    colour = max(ranked, key=COLOUR_RANK.__getitem__) if ranked else RiskColour.GREEN.value
    return Grade(colour=colour, infectious=RiskColour.PURPLE in values)


def grade_of(colour: str, infectious: bool) -> Grade | None:
    """The stored grade (``risk_colour``, ``infectious``) as a Grade, or None when never assessed."""
    return Grade(colour=colour, infectious=infectious) if colour else None

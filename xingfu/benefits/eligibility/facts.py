"""The facts a programme's conditions may name: their types, labels and whether they can be unknown.

Most facts are the registry's (``xingfu.registry.facts``: ``persons_with_facts`` and ``households_with_facts``,
same names, same meaning); a few that the registry does not derive are added here:

- person: ``household_family_type`` (the family type of the household the person belongs to on the date),
  ``age_at_first_marriage``, ``age_at_first_birth`` (as a parent), ``couple_wife_age`` (the age of the woman of
  the couple heading the person's household), ``has_living_child_under_3``, ``disability_grade`` (the person's
  own certificate grade, ``Person.disability_grade``);
- household: ``husband_marriage_age``, ``wife_marriage_age`` and ``wife_first_birth_age`` of the couple heading
  it on the date (the late-marriage-and-late-childbearing reward);
- both, with the child counts: ``child_disability_grade``, the most severe (lowest) grade among the living
  children (the special assistance's disabled-child branch: grade 3 or above is ``lte 3``); unknown when no
  living child holds a certificate. Both are ``sensitive`` (health information): an explanation says whether a
  condition on them held, not the grade.

A condition on a name that is not in ``FACTS`` is refused when the rule is saved. The values are computed
set-based into fact tables by ``xingfu.benefits.eligibility.tables``.
"""

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from xingfu.registry.facts import FamilyType
from xingfu.registry.models import PersonStatus, Relation, Residence, Sex


class FactType(StrEnum):
    INTEGER = "integer"
    CHOICE = "choice"
    BOOLEAN = "boolean"
    DATE = "date"


@dataclass(frozen=True)
class Fact:
    name: str
    label: str | Promise
    type: FactType
    choices: tuple[tuple[str, Any], ...] = ()
    # Whether the fact can be unknown (no household that day, never married): a condition on an unknown
    # fact does not hold.
    nullable: bool = False
    # Health information (PIPL art. 28), masked in the registry: an explanation shows whether a condition on
    # it held, never the value (the registry's person page reveals it, with an audited read).
    sensitive: bool = False

    @property
    def choice_values(self) -> tuple[str, ...]:
        return tuple(value for value, _label in self.choices)


def _choices(enum: Any) -> tuple[tuple[str, Any], ...]:
    return tuple((str(value), label) for value, label in enum.choices)


_FAMILY = _choices(FamilyType)
_RESIDENCE = _choices(Residence)

_COUNTS = (
    Fact("sons_ever", _("Sons ever born or adopted"), FactType.INTEGER),
    Fact("daughters_ever", _("Daughters ever born or adopted"), FactType.INTEGER),
    Fact("children_ever", _("Children ever born or adopted"), FactType.INTEGER),
    Fact("living_sons", _("Living sons"), FactType.INTEGER),
    Fact("living_daughters", _("Living daughters"), FactType.INTEGER),
    Fact("living_children", _("Living children"), FactType.INTEGER),
    Fact("family_type", _("Family type"), FactType.CHOICE, _FAMILY),
    # Grade 1 is the most severe, so "grade 3 or above" is ``lte 3``; no living child with a certificate: unknown.
    Fact(
        "child_disability_grade",
        _("Most severe disability grade of a living child (1 most severe)"),
        FactType.INTEGER,
        nullable=True,
        sensitive=True,
    ),
)

PERSON_FACTS: dict[str, Fact] = {
    f.name: f
    for f in (
        Fact("age", _("Age"), FactType.INTEGER),
        Fact("sex", _("Sex"), FactType.CHOICE, _choices(Sex)),
        Fact("alive", _("Alive on the date"), FactType.BOOLEAN),
        Fact("status", _("Registry status"), FactType.CHOICE, _choices(PersonStatus)),
        Fact("birth_date", _("Birth date"), FactType.DATE),
        Fact("residence", _("Residence of the household"), FactType.CHOICE, _RESIDENCE, nullable=True),
        Fact("relation", _("Relation to the head of household"), FactType.CHOICE, _choices(Relation), nullable=True),
        *_COUNTS,
        Fact("first_marriage_date", _("Date of first marriage"), FactType.DATE, nullable=True),
        Fact("first_child_birth_date", _("Birth date of the first child"), FactType.DATE, nullable=True),
        Fact("household_family_type", _("Family type of the household"), FactType.CHOICE, _FAMILY, nullable=True),
        Fact("age_at_first_marriage", _("Age at first marriage"), FactType.INTEGER, nullable=True),
        Fact("age_at_first_birth", _("Age at the first child's birth"), FactType.INTEGER, nullable=True),
        Fact("couple_wife_age", _("Age of the wife of the household's couple"), FactType.INTEGER, nullable=True),
        Fact("has_living_child_under_3", _("Has a living child under 3"), FactType.BOOLEAN),
        Fact(
            "disability_grade", _("Disability grade (1 most severe)"), FactType.INTEGER, nullable=True, sensitive=True
        ),
    )
}

HOUSEHOLD_FACTS: dict[str, Fact] = {
    f.name: f
    for f in (
        Fact("residence", _("Residence"), FactType.CHOICE, _RESIDENCE),
        Fact("members", _("Members on the date"), FactType.INTEGER),
        *_COUNTS,
        Fact("husband_marriage_age", _("Husband's age at marriage"), FactType.INTEGER, nullable=True),
        Fact("wife_marriage_age", _("Wife's age at marriage"), FactType.INTEGER, nullable=True),
        Fact("wife_first_birth_age", _("Wife's age at her first child's birth"), FactType.INTEGER, nullable=True),
    )
}

FACTS: dict[str, dict[str, Fact]] = {"person": PERSON_FACTS, "household": HOUSEHOLD_FACTS}


def fact_for(unit: str, name: str) -> Fact | None:
    return FACTS.get(unit, {}).get(name)

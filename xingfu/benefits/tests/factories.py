"""Hand-made families for benefits tests, built through the registry's services."""

import datetime
import itertools
from dataclasses import dataclass, field
from typing import Any

from xingfu.orgunits.models import OrgUnit
from xingfu.registry.models import Household, Person, Relation
from xingfu.registry.services import birth_record, marriage_record
from xingfu.registry.tests import factories as registry

D = datetime.date
_names = itertools.count(1)
HUSBAND_BORN = D(1970, 3, 2)
WIFE_BORN = D(1972, 8, 9)
MARRIED = D(2000, 5, 1)


@dataclass
class Family:
    household: Household
    husband: Person
    wife: Person
    children: list[Person] = field(default_factory=list)


def family(
    actor: Any,
    village: OrgUnit,
    children: list[tuple[str, datetime.date]],
    *,
    residence: str = "rural",
    husband_born: datetime.date = HUSBAND_BORN,
    wife_born: datetime.date = WIFE_BORN,
    married: datetime.date | None = MARRIED,
) -> Family:
    """A couple heading a new household in ``village`` with ``children`` [(sex, birth date), ...] born to them.

    The couple join the household on 1 January 2000 (or at birth), so use dates from then on."""
    n = next(_names)
    home = registry.household(actor, village, f"F{n:05d}", residence=residence)
    husband = registry.person(actor, home, f"王{n}强", sex="M", birth_date=husband_born, relation=Relation.HEAD)
    wife = registry.person(actor, home, f"李{n}娜", sex="F", birth_date=wife_born, relation=Relation.SPOUSE)
    if married is not None:
        marriage_record(actor=actor, person=husband, spouse=wife, date=married)
    result = Family(home, husband, wife)
    for i, (sex, born) in enumerate(children):
        event = birth_record(actor=actor, mother=wife, father=husband, date=born, sex=sex, name=f"王{n}子{i}")
        assert event.child is not None
        result.children.append(event.child)
    home.refresh_from_db()
    return result

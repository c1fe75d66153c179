"""Building registry rows for tests through the real services (so every row obeys the rules)."""

import datetime
import itertools
from typing import Any

from stdnum.cn import ric

from xingfu.orgunits.models import OrgUnit
from xingfu.registry.models import Household, Person, Relation
from xingfu.registry.services import household_register, person_add

_sequence = itertools.count(1)


def resident_id(birth_date: datetime.date, sex: str, *, address: str = "370406") -> str:
    """A valid, fictional resident-ID number (address code of Shanting District by default)."""
    seq = next(_sequence) % 500
    order = seq * 2 + (1 if sex == "M" else 0)
    body = f"{address}{birth_date:%Y%m%d}{order:03d}"
    return body + ric.calc_check_digit(body + "0")


def household(actor: Any, village: OrgUnit, number: str | None = None, *, residence: str = "rural") -> Household:
    return household_register(
        actor=actor,
        village=village,
        number=number or f"H{next(_sequence):05d}",
        residence=residence,
        registered_on=datetime.date(2000, 1, 1),
        address="",
    )


def person(
    actor: Any,
    home: Household,
    name: str = "张伟",
    *,
    sex: str = "M",
    birth_date: datetime.date = datetime.date(1980, 5, 1),
    relation: str = Relation.OTHER,
    with_id: bool = True,
    phone: str = "",
) -> Person:
    return person_add(
        actor=actor,
        household=home,
        name=name,
        sex=sex,
        birth_date=birth_date,
        relation=relation,
        id_number=resident_id(birth_date, sex) if with_id else None,
        phone=phone,
        start_date=max(birth_date, datetime.date(2000, 1, 1)),
    )


def couple(actor: Any, home: Household) -> tuple[Person, Person]:
    """A married couple heading ``home``: 王强 (head, b. 1975) and 李娜 (spouse, b. 1978)."""
    husband = person(actor, home, "王强", sex="M", birth_date=datetime.date(1975, 3, 2), relation=Relation.HEAD)
    wife = person(actor, home, "李娜", sex="F", birth_date=datetime.date(1978, 8, 9), relation=Relation.SPOUSE)
    return husband, wife

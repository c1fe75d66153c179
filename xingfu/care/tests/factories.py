"""Building registry rows and care records for tests, through the real services."""

import datetime
import itertools
from typing import Any

from stdnum.cn import ric

from xingfu.care import services
from xingfu.care.models import Enrollment
from xingfu.orgunits.models import OrgUnit
from xingfu.registry.models import Household, Person, Relation
from xingfu.registry.services import household_register, person_add

_sequence = itertools.count(1)


def resident_id(birth_date: datetime.date, sex: str) -> str:
    """A valid, fictional resident-ID number of Shanting District."""
    seq = next(_sequence) % 500
    body = f"370406{birth_date:%Y%m%d}{seq * 2 + (1 if sex == 'M' else 0):03d}"
    return body + ric.calc_check_digit(body + "0")


def household(actor: Any, village: OrgUnit) -> Household:
    return household_register(
        actor=actor,
        village=village,
        number=f"H{next(_sequence):06d}",
        residence="rural",
        registered_on=datetime.date(2000, 1, 1),
    )


def resident(
    actor: Any,
    village: OrgUnit,
    name: str = "李娜",
    *,
    sex: str = "F",
    birth_date: datetime.date = datetime.date(1995, 4, 12),
    home: Household | None = None,
    relation: str = Relation.HEAD,
) -> Person:
    """A resident with a resident-ID number, heading her own household unless ``home`` is given."""
    if home is None:
        home = household(actor, village)
    return person_add(
        actor=actor,
        household=home,
        name=name,
        sex=sex,
        birth_date=birth_date,
        relation=relation,
        id_number=resident_id(birth_date, sex),
        start_date=max(birth_date, datetime.date(2000, 1, 1)),
    )


def pregnancy(
    actor: Any, woman: Person, *, lmp: datetime.date, enrolled_on: datetime.date | None = None, responsible: Any = None
) -> Enrollment:
    return services.pregnancy_register(
        actor=actor, person=woman, lmp=lmp, enrolled_on=enrolled_on or lmp + datetime.timedelta(days=42),
        responsible=responsible,
    )  # fmt: skip


def caseload(
    worker: Any, village: OrgUnit, n: int, *, today: datetime.date, colours: tuple[str, ...] = ("",)
) -> list[Any]:
    """``n`` pregnant women of ``village`` in ``worker``'s care, each with one visit due, written straight to
    the tables (fast, for query-count and ordering tests). Colours cycle through ``colours``."""
    from xingfu.care.models import DueVisit, Programme, Stage

    programme = Programme.objects.get(kind="maternal")
    stage = Stage.objects.get(programme=programme, code="anc4")
    items = []
    for i in range(n):
        person = Person.objects.create(
            name=f"孕妇{i:03d}", sex="F", birth_date=datetime.date(1994, 1, 1), orgunit=village, pinyin=f"yun fu {i}"
        )
        lmp = today - datetime.timedelta(weeks=28, days=i % 20)
        enrollment = Enrollment.objects.create(
            programme=programme,
            person=person,
            orgunit=village,
            responsible=worker,
            enrolled_on=lmp + datetime.timedelta(weeks=8),
            lmp=lmp,
            risk_colour=colours[i % len(colours)],
        )
        due_on = lmp + datetime.timedelta(days=stage.offset_days)
        items.append(
            DueVisit.objects.create(
                enrollment=enrollment, stage=stage, due_on=due_on, due_by=due_on + datetime.timedelta(stage.window_days)
            )
        )
    return items

"""Builders for analytics tests: births and residents written directly (the registry's services are not ours,
and a sex-ratio test needs thousands of births), and the demo's indicator definitions."""

import datetime as dt
import itertools
from typing import Any

from xingfu.analytics.demo import INDICATORS
from xingfu.analytics.models import Indicator
from xingfu.analytics.services.indicators import indicator_fields_checked
from xingfu.orgunits.models import OrgUnit
from xingfu.registry.models import LifeEvent, Person

_names = itertools.count(1)


def indicator(code: str) -> Indicator:
    """The demo's definition of ``code`` (created once)."""
    existing = Indicator.objects.filter(code=code).first()
    if existing:
        return existing
    spec = next(s for s in INDICATORS if s["code"] == code)
    fields = indicator_fields_checked({k: v for k, v in spec.items() if k != "code"})
    return Indicator.objects.create(code=code, **fields)


def define(code: str, **fields: Any) -> Indicator:
    fields.setdefault("name_zh", code)
    fields.setdefault("period_types", ["month", "quarter", "year"])
    return Indicator.objects.create(code=code, **indicator_fields_checked(fields))


def mother(village: OrgUnit, *, born: dt.date = dt.date(1990, 1, 1)) -> Person:
    return Person.objects.create(name=f"母{next(_names)}", sex="F", birth_date=born, orgunit=village)


def births(
    village: OrgUnit, *, on: dt.date, boys: int = 0, girls: int = 0, order: int = 1, with_mother: Person | None = None
) -> None:
    """``boys`` + ``girls`` live births in ``village`` on ``on`` at birth order ``order`` (one mother for all:
    the analytics count births, not families)."""
    mum = with_mother or mother(village)
    sexes = ["M"] * boys + ["F"] * girls
    children = Person.objects.bulk_create(
        [Person(name=f"孩{next(_names)}", sex=s, birth_date=on, orgunit=village) for s in sexes]
    )
    LifeEvent.objects.bulk_create(
        [
            LifeEvent(
                kind="birth", date=on, person=c, child=c, mother=mum, sex=c.sex, birth_order=order, orgunit=village
            )
            for c in children
        ]
    )


def women(village: OrgUnit, *, n: int, born: dt.date) -> None:
    Person.objects.bulk_create(
        [Person(name=f"女{next(_names)}", sex="F", birth_date=born, orgunit=village) for _ in range(n)]
    )

"""Small builders for outreach tests. Residents are made directly (the registry's services are not ours)."""

import datetime as dt
from decimal import Decimal
from typing import Any

from xingfu.orgunits.models import OrgUnit
from xingfu.outreach import services
from xingfu.outreach.models import Campaign, Event, Training
from xingfu.registry.models import Person
from xingfu.registry.pinyin import name_pinyin

# Valid resident-ID numbers (GB 11643 check characters) for test residents.
ID_NUMBERS = ["370406199001011235", "370406198505052227", "37040619920312002X", "370406197811300012"]

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
PDF = b"%PDF-1.4\n" + b"\x00" * 64


def make_campaign(
    actor: Any, unit: OrgUnit, *, start: dt.date, end: dt.date, theme: str = "关爱女孩 性别平等宣传月"
) -> Campaign:
    return services.campaign_create(actor=actor, theme=theme, orgunit=unit, start_date=start, end_date=end)


def make_event(
    actor: Any,
    campaign: Campaign,
    village: OrgUnit,
    *,
    date: dt.date | None = None,
    kind: str = "stall",
    people_reached: int = 100,
    materials: dict[str, int] | None = None,
) -> Event:
    return services.event_create(
        actor=actor,
        campaign=campaign,
        village=village,
        date=date or campaign.start_date,
        kind=kind,
        channel="boards",
        people_reached=people_reached,
        materials=materials or {},
    )


def make_training(
    actor: Any,
    unit: OrgUnit,
    *,
    date: dt.date = dt.date(2025, 4, 10),
    hours: str = "2.5",
    topic: str = "优生优育知识讲座",
) -> Training:
    return services.training_create(
        actor=actor, topic=topic, audience="residents", orgunit=unit, date=date, hours=Decimal(hours), trainer="刘医生"
    )


def make_person(village: OrgUnit, *, name: str = "王秀英", id_number: str | None = None, sex: str = "F") -> Person:
    pinyin, initials = name_pinyin(name)
    return Person.objects.create(
        name=name,
        pinyin=pinyin,
        pinyin_initials=initials,
        sex=sex,
        birth_date=dt.date(1990, 1, 1),
        id_number=id_number,
        orgunit=village,
    )

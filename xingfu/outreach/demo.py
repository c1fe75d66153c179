"""Demo outreach for the current year: campaigns of the district and the towns with their events in most
(not all) villages, trainings at three levels with staff (and, where the registry has residents, resident)
attendance, and media pieces. Deterministic from the seed and safe to run again: a record that exists
(same unit, theme or topic or title, and date) is kept, never duplicated.

Everything goes through the services, as the district administrator, so the audit trail holds it too.
"""

import datetime as dt
import random
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from xingfu.accounts.roles import Role
from xingfu.orgunits.models import Level, OrgUnit
from xingfu.outreach import services
from xingfu.outreach.models import (
    Audience,
    Campaign,
    Channel,
    EventKind,
    MaterialKind,
    MediaPiece,
    Outlet,
    Training,
)
from xingfu.registry.models import Person, PersonStatus

# (theme, first day (month, day), last day (month, day), kinds used)
CAMPAIGNS = [
    ("春节返乡人员健康服务宣传", (1, 20), (2, 28), [EventKind.ROVING, EventKind.STALL]),
    ("关爱女孩 性别平等宣传月", (3, 1), (3, 31), [EventKind.STALL, EventKind.LECTURE, EventKind.PERFORMANCE]),
    ("5·29 计生协会会员活动日", (5, 15), (6, 5), [EventKind.COMMEMORATIVE, EventKind.STALL]),
    ("7·11 世界人口日主题宣传", (7, 1), (7, 20), [EventKind.COMMEMORATIVE, EventKind.ROVING]),
    ("夏季露天电影进村", (7, 1), (8, 31), [EventKind.FILM]),
    ("免费孕前优生健康检查宣传", (9, 1), (10, 31), [EventKind.LECTURE, EventKind.STALL, EventKind.ROVING]),
    ("幸福家庭 文艺下乡", (11, 1), (12, 20), [EventKind.PERFORMANCE, EventKind.FILM]),
]
DISTRICT_CAMPAIGNS = [
    ("幸福家庭创建活动", (1, 1), (12, 31), [EventKind.LECTURE, EventKind.PERFORMANCE]),
]
CHANNEL_FOR = {
    EventKind.ROVING: Channel.VEHICLE,
    EventKind.STALL: Channel.BOARDS,
    EventKind.PERFORMANCE: Channel.STAGE,
    EventKind.FILM: Channel.SCREEN,
    EventKind.LECTURE: Channel.IN_PERSON,
    EventKind.COMMEMORATIVE: Channel.BANNERS,
}
PLACES = ["村委会广场", "村卫生室", "集市路口", "村文化大院", "人口学校教室", "村小学操场"]

DISTRICT_TRAININGS = [
    ("基层计生干部业务培训", Audience.CADRES, (3, 12), "6.0", "区卫健局 培训中心"),
    ("村级卫生员 孕产妇健康管理培训", Audience.VILLAGE_WORKERS, (4, 18), "4.5", "区妇幼保健院"),
    ("出生人口信息登记与数据质量", Audience.CADRES, (6, 20), "3.0", "区卫健局 信息科"),
    ("性别平等与家庭发展政策解读", Audience.VILLAGE_WORKERS, (9, 25), "3.5", "区计生协会"),
    ("年终业务考核前集中培训", Audience.CADRES, (12, 15), "4.0", "区卫健局"),
]
TOWN_TRAININGS = [
    ("村级卫生员例会培训", Audience.VILLAGE_WORKERS, (2, 26), "2.0"),
    ("优生优育知识讲座", Audience.RESIDENTS, (5, 8), "1.5"),
    ("备孕夫妇健康课堂", Audience.COUPLES, (10, 16), "2.0"),
]
VILLAGE_TOPICS = [
    ("人口学校：科学育儿", Audience.RESIDENTS, "1.5"),
    ("人口学校：孕前优生知识", Audience.COUPLES, "1.0"),
    ("人口学校：老年健康与家庭照护", Audience.RESIDENTS, "1.0"),
]
MEDIA = [
    (Outlet.NEWSPAPER, "枣庄日报", "山亭区：免费孕前优生健康检查惠及万户家庭", (3, 6)),
    (Outlet.NEWSPAPER, "枣庄日报", "关爱女孩行动走进山村", (3, 21)),
    (Outlet.TV, "山亭电视台", "访谈：区卫健局负责人谈幸福家庭创建", (4, 9)),
    (Outlet.RADIO, "山亭人民广播电台", "健康山亭：孕期保健问答", (5, 30)),
    (Outlet.ONLINE, "幸福山亭 微信公众号", "世界人口日：十个镇街同步开展主题宣传", (7, 11)),
    (Outlet.TV, "枣庄电视台", "露天电影进村 群众家门口看电影学知识", (8, 2)),
    (Outlet.NEWSPAPER, "大众日报", "山亭区计生家庭奖励扶助资金按时足额发放", (9, 18)),
    (Outlet.ONLINE, "幸福山亭 微信公众号", "备孕夫妇健康课堂开课了", (10, 17)),
    (Outlet.RADIO, "山亭人民广播电台", "文艺下乡：幸福家庭故事会", (11, 14)),
]


def _day(year: int, month_day: tuple[int, int]) -> dt.date:
    return dt.date(year, *month_day)


def _materials(rng: random.Random) -> dict[str, int]:
    out = {MaterialKind.LEAFLET.value: rng.randrange(50, 400, 10), MaterialKind.POSTER.value: rng.randint(2, 20)}
    if rng.random() < 0.5:
        out[MaterialKind.BOOKLET.value] = rng.randrange(20, 120, 5)
    if rng.random() < 0.2:
        out[MaterialKind.KIT.value] = rng.randint(10, 60)
    return out


@transaction.atomic
def demo_outreach(*, seed: int) -> dict[str, int]:
    """Create the demo outreach of the current year that does not exist yet; returns what was created."""
    admin = get_user_model().objects.filter(role=Role.DISTRICT_ADMIN, scope__level=Level.DISTRICT).first()
    if admin is None:
        raise RuntimeError("demo_outreach needs a district administrator (run demo_logins first)")

    def rng_for(*parts: object) -> random.Random:
        # One generator per decision, so a second run (which skips what exists) decides the same way.
        return random.Random(":".join(str(p) for p in (seed, *parts)))

    year = timezone.localdate().year
    today = timezone.localdate()
    district = OrgUnit.objects.get(level=Level.DISTRICT)
    towns = list(OrgUnit.objects.filter(level=Level.TOWN).order_by("code"))
    villages_by_town: dict[int, list[OrgUnit]] = {t.pk: [] for t in towns}
    for v in OrgUnit.objects.filter(level=Level.VILLAGE).order_by("code"):
        villages_by_town.setdefault(v.parent_id or 0, []).append(v)
    all_villages = [v for vs in villages_by_town.values() for v in vs]
    # About one village in twelve is left unreached, so the coverage view has something to show (never the
    # demo village worker's own).
    pick = rng_for("unreached")
    unreached = {v.pk for v in all_villages if pick.random() < 0.08 and not v.code.endswith("101001")}
    created = {"campaigns": 0, "events": 0, "trainings": 0, "attendances": 0, "media_pieces": 0}

    def campaign(unit: OrgUnit, theme: str, start: dt.date, end: dt.date) -> Campaign | None:
        if Campaign.objects.filter(orgunit=unit, theme=theme, start_date=start).exists():
            return None
        created["campaigns"] += 1
        return services.campaign_create(
            actor=admin,
            theme=theme,
            orgunit=unit,
            start_date=start,
            end_date=end,
            description="宣传健康知识与惠民政策，倡导性别平等、婚育新风。",
        )

    def events(c: Campaign, villages: list[OrgUnit], kinds: Sequence[str], per_village: tuple[int, int]) -> None:
        span = (c.end_date - c.start_date).days
        rng = rng_for("events", c.orgunit.code, c.theme, len(villages))
        for village in villages:
            if village.pk in unreached:
                continue
            for _i in range(rng.randint(*per_village)):
                kind = rng.choice(kinds)
                day = c.start_date + dt.timedelta(days=rng.randint(0, span))
                done = day <= today
                services.event_create(
                    actor=admin,
                    campaign=c,
                    village=village,
                    date=day,
                    kind=kind,
                    channel=CHANNEL_FOR[EventKind(kind)],
                    place=rng.choice(PLACES),
                    people_reached=rng.randrange(30, 400, 5) if done else 0,
                    materials=_materials(rng) if done else {},
                )
                created["events"] += 1

    for theme, start, end, kinds in DISTRICT_CAMPAIGNS:
        c = campaign(district, theme, _day(year, start), _day(year, end))
        if c is not None:
            events(c, rng_for("district", theme).sample(all_villages, k=min(25, len(all_villages))), kinds, (1, 1))
    for town in towns:
        for theme, start, end, kinds in rng_for("campaigns", town.code).sample(CAMPAIGNS, k=3):
            c = campaign(town, theme, _day(year, start), _day(year, end))
            if c is not None:
                villages = villages_by_town.get(town.pk, [])
                events(c, villages, kinds, (0, 1) if len(villages) > 20 else (1, 2))
    # A last sweep: every village not meant to be unreached gets at least one event from its town.
    reached = set(OrgUnit.objects.filter(outreach_events__date__year=year).values_list("pk", flat=True).distinct())
    for town in towns:
        first = Campaign.objects.filter(orgunit=town, start_date__year=year).order_by("start_date").first()
        if first is None:
            continue
        missing = [v for v in villages_by_town.get(town.pk, []) if v.pk not in reached and v.pk not in unreached]
        events(first, missing, [EventKind.STALL], (1, 1))

    staff = list(get_user_model().objects.filter(role__in=[Role.TOWN_OFFICER, Role.VILLAGE_WORKER], is_active=True))

    def training(unit: OrgUnit, topic: str, audience: str, day: dt.date, hours: str, trainer: str) -> Training | None:
        if Training.objects.filter(orgunit=unit, topic=topic, date=day).exists():
            return None
        created["trainings"] += 1
        return services.training_create(
            actor=admin,
            topic=topic,
            audience=audience,
            orgunit=unit,
            date=day,
            hours=Decimal(hours),
            trainer=trainer,
            place="培训教室",
        )

    def attend(t: Training, *, people: list[Any], residents: list[Person]) -> None:
        if t.date > today:
            return
        for user in people:
            if user.scope is not None and user.scope.is_within(t.orgunit):
                services.attendance_add(actor=admin, training=t, user=user)
                created["attendances"] += 1
        for person in residents:
            services.attendance_add(actor=admin, training=t, person=person)
            created["attendances"] += 1

    for topic, audience, when, hours, trainer in DISTRICT_TRAININGS:
        t = training(district, topic, audience, _day(year, when), hours, trainer)
        if t is not None:
            attend(t, people=staff, residents=[])
    for town in towns:
        for topic, audience, when, hours in TOWN_TRAININGS:
            t = training(town, topic, audience, _day(year, when), hours, f"{town.name_zh}卫生院")
            if t is not None:
                attend(t, people=staff if audience == Audience.VILLAGE_WORKERS else [], residents=[])
    for village in rng_for("village-trainings").sample(all_villages, k=min(30, len(all_villages))):
        rng = rng_for("village-training", village.code)
        topic, audience, hours = rng.choice(VILLAGE_TOPICS)
        day = _day(year, (rng.randint(1, 11), rng.randint(1, 28)))
        t = training(village, topic, audience, day, hours, "村卫生员")
        if t is not None:
            residents = list(
                Person.objects.filter(orgunit=village, status=PersonStatus.ALIVE, birth_date__lte=day).order_by("id")[
                    : rng.randint(5, 15)
                ]
            )
            attend(t, people=staff, residents=residents)

    for outlet, name, title, when in MEDIA:
        day = _day(year, when)
        if day > today or MediaPiece.objects.filter(title=title, date=day).exists():
            continue
        services.media_piece_create(
            actor=admin, outlet=outlet, outlet_name=name, title=title, date=day, orgunit=district
        )
        created["media_pieces"] += 1
    return created

"""The demo registry: a synthetic Shanting District population, deterministic from a seed (docs/demo.md).

Families are simulated village by village. A root couple (the husband born 1936–1966) marries and has
children; a grown son marries and sets up his own household in the same village, his wife a daughter of
another family of the same town when one of a fitting age is waiting, otherwise a woman from outside the
district; his children follow in turn. Daughters nobody in the town marries move out of the district on
marrying, or stay at home. Then deaths (mostly of the old) and some young people moving away for work are
dated 2014 onwards. Every child in the registry has a birth event naming mother, father, sex and birth
order, so the order is the rank among the mother's births that the services keep.

Sex at birth follows parameters by birth order (``SRB_BY_ORDER``), with two towns markedly higher at third
and later births (``HIGH_SRB_TOWNS``): the pattern the district's sex-ratio monitoring has to find.

Rows are generated as plain tuples and written with ``imports.bulk`` (COPY on PostgreSQL), so that the whole
district (500,000 persons) loads in about a minute.
"""

import datetime
import itertools
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from stdnum.cn import ric

from xingfu.audit.services import audit_record
from xingfu.orgunits.models import Level, OrgUnit
from xingfu.registry.imports.bulk import insert_rows, reserve_ids, timestamp
from xingfu.registry.models import (
    EventKind,
    Household,
    LifeEvent,
    Membership,
    Person,
    PersonStatus,
    Relation,
    Residence,
    Sex,
)
from xingfu.registry.pinyin import name_pinyin

# Plain strings, not the TextChoices members: psycopg's COPY would write an Enum member by its name.
MALE, FEMALE = Sex.MALE.value, Sex.FEMALE.value
ALIVE, DEAD, MOVED_OUT = PersonStatus.ALIVE.value, PersonStatus.DEAD.value, PersonStatus.MOVED_OUT.value
URBAN, RURAL = Residence.URBAN.value, Residence.RURAL.value
HEAD, SPOUSE, CHILD = Relation.HEAD.value, Relation.SPOUSE.value, Relation.CHILD.value
BIRTH, MARRIAGE, DEATH = EventKind.BIRTH.value, EventKind.MARRIAGE.value, EventKind.DEATH.value
MOVE_IN, MOVE_OUT = EventKind.MOVE_IN.value, EventKind.MOVE_OUT.value

# The day the demo population is "as of": fixed, so that a seed always gives the same data.
AS_OF = datetime.date(2026, 10, 31)
EVENTS_FROM = datetime.date(2014, 1, 1)  # deaths and work migration are dated from here on
ADDRESS_CODE = "370406"

SUBDISTRICT = "370406001"  # 山城街道: its communities' households are urban
HIGH_SRB_TOWNS = frozenset({"370406105", "370406108"})  # 城头镇, 冯卯镇
# Boys per 100 girls; 3 stands for third and later. First births at the natural East-Asian level (106.3
# [105.4; 107.2], Chao et al. 2019); third births in the eight ordinary towns at 105, the textbook natural
# ratio, inside the normal range 103–107 and far enough below the sex-ratio page's alert line of 107 that an
# ordinary town of a few hundred third births is seldom alerted by chance (at 106 one of the eight was, on the
# 500,000-person demo). Second births somewhat high; third births in the two towns markedly so. The district
# then rises with birth order (106, 110, about 110 with the two towns) and comes to about 108 overall (China
# 2021: 108.3; statistics.md). An overall 110 would take second births at about 116: above the third births,
# and an alert in every town at second births.
SRB_BY_ORDER = {1: 106.0, 2: 110.0, 3: 105.0}
SRB_HIGH_TOWNS_THIRD = 150.0

# Common surnames of southern Shandong, repeated by rough frequency; given-name characters by generation.
_SURNAMES = (
    "王王王王王张张张张李李李李刘刘刘孙孙孙陈陈杨杨赵赵徐徐褚褚颜孔孟"
    "吴周胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶"
    "阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹金陆郝白崔康毛邱秦江史顾侯邵龙万段"
)
_MALE_OLD = "德福贵祥山海国建军明华成文志庆春林发义忠兴友长金荣宝永"
_MALE_NEW = "伟强磊勇杰涛超刚辉鹏飞鑫波斌宇浩凯健俊帆帅旭宁龙阳博轩睿泽晨航铭诚瑞昊"
_FEMALE_OLD = "秀英兰桂凤玉珍芳霞梅荣华淑云翠春花琴爱美"
_FEMALE_NEW = "娜敏静丽艳娟燕玲婷颖慧莉倩洁欣怡萱涵诗雨梦佳悦思语可馨彤琪瑶璐"
_DESTINATIONS = ("济南市", "青岛市", "枣庄市市中区", "滕州市", "上海市", "江苏省苏州市", "北京市")
_ORIGINS = ("滕州市", "薛城区", "峄城区", "台儿庄区", "临沂市", "江苏省徐州市")


@dataclass(slots=True)
class _Person:
    idx: int
    name: str
    sex: str
    birth: datetime.date
    village: int
    status: str = ALIVE
    death: datetime.date | None = None
    # The last day something happened to the person (joined a household, married, had a child).
    busy_until: datetime.date = datetime.date.min
    household: int | None = None  # index of the household of the open membership
    membership: int | None = None  # index of the open membership
    spouse: "_Person | None" = None


@dataclass
class Generated:
    """The demo population as rows with 0-based cross references (list indices), before keys are reserved."""

    # (name, sex, birth_date, id_number, phone, status, death_date, village_id)
    persons: list[tuple[Any, ...]] = field(default_factory=list)
    # (village_id, number, address, residence, registered_on, head index or None)
    households: list[list[Any]] = field(default_factory=list)
    # (person, household, relation, start_date, end_date)
    memberships: list[list[Any]] = field(default_factory=list)
    # (kind, date, person, other_person, mother, father, child, sex, place, birth_order, household, village_id)
    events: list[tuple[Any, ...]] = field(default_factory=list)


@dataclass(frozen=True)
class Village:
    id: int
    code: str
    name: str

    @property
    def town(self) -> str:
        return self.code[:9]


def _years(d: datetime.date, years: float) -> datetime.date:
    return d + datetime.timedelta(days=int(years * 365.25))


def _boy_probability(order: int, town: str) -> float:
    srb = SRB_BY_ORDER[min(order, 3)]
    if order >= 3 and town in HIGH_SRB_TOWNS:
        srb = SRB_HIGH_TOWNS_THIRD
    return srb / (100.0 + srb)


def _next_birth_probability(order: int, sons: int, year: int) -> float:
    """How likely a mother with ``order`` children (``sons`` of them boys) is to have another, given the
    birth policy of the time: high fertility before 1980; in rural Shandong from 1980 a second child
    mostly after a daughter; two children for everyone from 2016 and three from 2021."""
    if year < 1980:
        return (0.9, 0.75, 0.5, 0.3)[min(order, 4) - 1]
    no_son = sons == 0
    if order == 1:
        if year < 2016:
            return 0.75 if no_son else 0.15
        return 0.55 if no_son else 0.4
    if order == 2:
        if year < 2016:
            return 0.1 if no_son else 0.02
        return 0.5 if no_son else 0.2
    return 0.15 if no_son else 0.04


class _Generator:
    def __init__(self, *, seed: int, villages: list[Village], quotas: list[int], seq_base: int, prefix: str) -> None:
        self.rng = random.Random(seed)
        self.villages = villages
        self.quotas = quotas
        self.seq_base = seq_base
        self.prefix = prefix
        self.out = Generated()
        self.people: list[_Person] = []
        self.ids: dict[tuple[datetime.date, str], int] = {}
        self.phones = 0
        self.budget = 0  # persons the current village may still create
        self.household_numbers: dict[int, int] = defaultdict(int)
        # Grown daughters of the current town waiting to marry, by birth year.
        self.pool: dict[int, list[_Person]] = defaultdict(list)
        self.names = {v.id: v.name for v in villages}
        self.members: dict[int, list[_Person]] = defaultdict(list)

    # --- persons ----------------------------------------------------------------------------------------

    def _given(self, sex: str, birth: datetime.date) -> str:
        old = birth.year < 1975
        chars = (_MALE_OLD if old else _MALE_NEW) if sex == MALE else (_FEMALE_OLD if old else _FEMALE_NEW)
        n = 1 if self.rng.random() < 0.3 else 2
        return "".join(self.rng.choice(chars) for _ in range(n))

    def _new(self, *, sex: str, birth: datetime.date, village: Village, surname: str | None = None) -> _Person | None:
        if self.budget <= 0:
            return None
        self.budget -= 1
        name = (surname or self.rng.choice(_SURNAMES)) + self._given(sex, birth)
        person = _Person(len(self.people), name, sex, birth, village.id, busy_until=birth)
        self.people.append(person)
        return person

    def _id_number(self, person: _Person) -> str:
        key = (person.birth, person.sex)
        k = self.ids.get(key, 0)
        self.ids[key] = k + 1
        seq = self.seq_base + 2 * k + (1 if person.sex == MALE else 2)
        if seq > self.seq_base + 499:
            raise RuntimeError(f"more than 250 demo persons of one sex born on {person.birth}")
        body = f"{ADDRESS_CODE}{person.birth:%Y%m%d}{seq:03d}"
        return body + ric.calc_check_digit(body + "0")

    # --- households and events --------------------------------------------------------------------------

    def _household(self, village: Village, head: _Person, on: datetime.date) -> int:
        self.household_numbers[village.id] += 1
        n = self.household_numbers[village.id]
        # The subdistrict's communities are urban; a few town households (the town seats') are too.
        residence = URBAN if village.town == SUBDISTRICT or self.rng.random() < 0.04 else RURAL
        address = f"{village.name}{self.rng.randint(1, 12)}组{n}号"
        self.out.households.append([village.id, f"{self.prefix}{n:04d}", address, residence, on, head.idx])
        return len(self.out.households) - 1

    def _join(self, person: _Person, household: int, relation: str, on: datetime.date) -> None:
        if person.membership is not None:
            self.out.memberships[person.membership][4] = on
        self.out.memberships.append([person.idx, household, relation, on, None])
        person.membership = len(self.out.memberships) - 1
        person.household = household
        self.members[household].append(person)
        person.village = self.out.households[household][0]
        person.busy_until = max(person.busy_until, on)

    def _leave(self, person: _Person, on: datetime.date) -> int | None:
        household = person.household
        if person.membership is not None:
            self.out.memberships[person.membership][4] = on
        person.membership = None
        person.household = None
        return household

    def _event(self, kind: str, on: datetime.date, person: _Person, **kw: Any) -> None:
        self.out.events.append(
            (
                kind,
                on,
                person.idx,
                kw.get("other"),
                kw.get("mother"),
                kw.get("father"),
                kw.get("child"),
                kw.get("sex", ""),
                kw.get("place", ""),
                kw.get("order"),
                kw.get("household"),
                kw.get("village", person.village),
            )
        )

    # --- families ---------------------------------------------------------------------------------------

    def _root_husband_year(self) -> int:
        # Older cohorts are thinner (mortality before the registry's records begin).
        return 1936 + int(30 * (self.rng.random() ** 0.6))

    def _wife_for(self, husband: _Person, village: Village, married: datetime.date) -> tuple[_Person | None, str]:
        """A grown daughter of the town waiting to marry, 0–5 years younger than the husband and at least
        20 on the day; otherwise a woman from outside the district. Returns her and where she came from."""
        for year in range(husband.birth.year, husband.birth.year + 6):
            candidates = self.pool.get(year, [])
            for i, bride in enumerate(candidates):
                if bride.busy_until <= married and bride.household is not None:
                    del candidates[i]
                    return bride, self.names[bride.village]
        birth = _years(husband.birth, self.rng.uniform(0, 5))
        if _years(birth, 20) > married:
            birth = _years(married, -20 - self.rng.random())
        return self._new(sex=FEMALE, birth=birth, village=village), self.rng.choice(_ORIGINS)

    def _couple(self, husband: _Person, village: Village, married: datetime.date) -> None:
        """``husband`` marries on ``married``, heads a new household in ``village``, and has children."""
        wife, origin = self._wife_for(husband, village, married)
        household = self._household(village, husband, married)
        self._join(husband, household, HEAD, married)
        if wife is None:
            return
        self._join(wife, household, SPOUSE, married)
        if married >= EVENTS_FROM:
            self._event(MOVE_IN, married, wife, place=origin, household=household)
        husband.spouse, wife.spouse = wife, husband
        self._event(MARRIAGE, married, husband, other=wife.idx)
        self._births(wife, husband, household, village, married)

    def _births(
        self, mother: _Person, father: _Person, household: int, village: Village, married: datetime.date
    ) -> None:
        rng = self.rng
        on = married + datetime.timedelta(days=rng.randint(240, 900))
        order = sons = 0
        children: list[_Person] = []
        while on <= AS_OF and on <= _years(mother.birth, 44):
            order += 1
            sex = MALE if rng.random() < _boy_probability(order, village.town) else FEMALE
            surname = father.name[0]
            child = self._new(sex=sex, birth=on, village=village, surname=surname)
            if child is None:
                break
            sons += sex == MALE
            children.append(child)
            self._join(child, household, CHILD, on)
            mother.busy_until = father.busy_until = on
            self._event(
                BIRTH,
                on,
                child,
                mother=mother.idx,
                father=father.idx,
                child=child.idx,
                sex=sex,
                order=order,
                household=household,
            )
            if rng.random() >= _next_birth_probability(order, sons, on.year):
                break
            on = _years(on, rng.uniform(1.5, 7))
        for child in children:
            self._grown(child, village)

    def _grown(self, child: _Person, village: Village) -> None:
        """What became of a child once grown: a son marries (or not), a daughter waits to marry in the town."""
        rng = self.rng
        if child.sex == MALE:
            married = _years(child.birth, rng.uniform(22.5, 30))
            if married > AS_OF:
                return
            if rng.random() < 0.9:
                self._couple(child, village, married)
            elif rng.random() < 0.4:
                self._move_out(child, _years(child.birth, rng.uniform(18, 30)))
            return
        married = _years(child.birth, rng.uniform(20.5, 28))
        if married <= AS_OF:
            child.busy_until = max(child.busy_until, married)
            self.pool[child.birth.year].append(child)

    def _move_out(self, person: _Person, on: datetime.date) -> None:
        on = min(max(on, person.busy_until), AS_OF)
        household = self._leave(person, on)
        person.status = MOVED_OUT
        self._event(MOVE_OUT, on, person, household=household, place=self.rng.choice(_DESTINATIONS))

    def village(self, village: Village, quota: int) -> None:
        rng = self.rng
        self.budget = quota
        while self.budget > 0:
            year = self._root_husband_year()
            husband = self._new(
                sex=MALE, birth=datetime.date(year, rng.randint(1, 12), rng.randint(1, 28)), village=village
            )
            if husband is None:
                break
            self._couple(husband, village, _years(husband.birth, rng.uniform(21, 27)))

    def town_end(self) -> None:
        """Daughters nobody in the town married: most married out of the district, some stay at home."""
        for year in sorted(self.pool):
            for daughter in self.pool[year]:
                if daughter.household is None:
                    continue
                if self.rng.random() < 0.75:
                    self._move_out(daughter, daughter.busy_until)
        self.pool.clear()

    def deaths(self) -> None:
        """Deaths since 2014, mostly of the old; a head's spouse becomes the head."""
        rng = self.rng
        for person in self.people:
            if person.status != ALIVE:
                continue
            y = person.birth.year
            p = 0.4 if y < 1945 else 0.15 if y < 1955 else 0.05 if y < 1965 else 0.01 if y < 1985 else 0.002
            if rng.random() >= p:
                continue
            earliest = max(EVENTS_FROM, person.busy_until)
            if earliest > AS_OF:
                continue
            on = earliest + datetime.timedelta(days=rng.randint(0, (AS_OF - earliest).days))
            household = self._leave(person, on)
            person.status, person.death = DEAD, on
            self._event(DEATH, on, person, household=household)
            if household is None or self.out.households[household][5] != person.idx:
                continue
            # The spouse heads the household now; failing one, the eldest member left; failing any, nobody.
            heirs = [m for m in self.members[household] if m.household == household and m.status == ALIVE]
            heirs.sort(key=lambda m: (m is not person.spouse, m.birth))
            if heirs:
                self._join(heirs[0], household, HEAD, max(on, heirs[0].busy_until))
            self.out.households[household][5] = heirs[0].idx if heirs else None

    def rows(self) -> None:
        """Persons as rows, with pinyin, resident-ID numbers and phones."""
        rng = self.rng
        adult = _years(AS_OF, -18)
        for p in self.people:
            phone = ""
            if p.status == ALIVE and p.birth <= adult and rng.random() < 0.9:
                phone = f"1{rng.choice('35789')}{rng.randrange(10**9):09d}"
            self.out.persons.append((p.name, p.sex, p.birth, self._id_number(p), phone, p.status, p.death, p.village))

    def run(self) -> Generated:
        for _town, group in itertools.groupby(zip(self.villages, self.quotas, strict=True), key=lambda vq: vq[0].town):
            for village, quota in group:
                self.village(village, quota)
            self.town_end()
        self.deaths()
        self.rows()
        return self.out


def _quotas(rng: random.Random, villages: list[Village], persons: int) -> list[int]:
    """``persons`` shared over the villages by random weights (communities of the subdistrict are larger),
    largest remainder first, so that they add up exactly."""
    weights = [rng.uniform(0.6, 1.4) * (1.6 if v.town == SUBDISTRICT else 1.0) for v in villages]
    total = sum(weights)
    shares = [persons * w / total for w in weights]
    quotas = [int(s) for s in shares]
    by_remainder = sorted(range(len(villages)), key=lambda i: shares[i] - quotas[i], reverse=True)
    for i in by_remainder[: persons - sum(quotas)]:
        quotas[i] += 1
    return quotas


def demo_villages_in_db() -> list[Village]:
    return [
        Village(v.id, v.code, v.name_zh)
        for v in OrgUnit.objects.filter(level=Level.VILLAGE, code__startswith=ADDRESS_CODE).order_by("code")
    ]


def generate(
    *, seed: int, persons: int, villages: list[Village], seq_base: int = 0, number_prefix: str = ""
) -> Generated:
    """The demo population for ``villages``: exactly ``persons`` persons. ``seq_base`` (0 or 500) and
    ``number_prefix`` keep a second generated population (the import benchmark's) clear of the first one's
    resident-ID numbers and household numbers."""
    if not villages:
        raise ValueError("no villages to put the demo registry in; run the village part of the demo first")
    rng = random.Random(seed)
    quotas = _quotas(rng, villages, persons)
    generator = _Generator(
        seed=rng.randrange(2**32), villages=villages, quotas=quotas, seq_base=seq_base, prefix=number_prefix
    )
    return generator.run()


def _mapped(ids: list[int]) -> Callable[[int | None], int | None]:
    return lambda i: None if i is None else ids[i]


def write(generated: Generated, *, actor: Any = None) -> dict[str, int]:
    """Write a generated population in the caller's transaction; returns the counts."""
    now = timestamp(timezone.now())
    pids = reserve_ids(Person, len(generated.persons))
    hids = reserve_ids(Household, len(generated.households))
    mids = reserve_ids(Membership, len(generated.memberships))
    eids = reserve_ids(LifeEvent, len(generated.events))
    pid, hid = _mapped(pids), _mapped(hids)
    pinyin_cache: dict[str, tuple[str, str]] = {}

    def persons() -> Iterable[tuple[Any, ...]]:
        for key, (name, sex, birth, number, phone, status, death, village) in zip(pids, generated.persons, strict=True):
            py = pinyin_cache.get(name)
            if py is None:
                py = pinyin_cache[name] = name_pinyin(name)
            yield (key, name, py[0], py[1], sex, birth, number, phone, status, death, village, now, now)

    insert_rows(Person, PERSON_FIELDS, persons())
    insert_rows(
        Household,
        HOUSEHOLD_FIELDS,
        (
            (key, v, n, a, r, on, pid(h), now, now)
            for key, (v, n, a, r, on, h) in zip(hids, generated.households, strict=True)
        ),
    )
    insert_rows(
        Membership,
        ("id", "person", "household", "relation", "start_date", "end_date"),
        (
            (key, pids[p], hids[h], rel, s, e)
            for key, (p, h, rel, s, e) in zip(mids, generated.memberships, strict=True)
        ),
    )
    insert_rows(
        LifeEvent,
        EVENT_FIELDS,
        (
            (key, kind, on, pids[p], pid(o), pid(m), pid(f), pid(c), sex, place, order, hid(h), v, None, "", now)
            for key, (kind, on, p, o, m, f, c, sex, place, order, h, v) in zip(eids, generated.events, strict=True)
        ),
    )
    return {
        "persons": len(generated.persons),
        "households": len(generated.households),
        "memberships": len(generated.memberships),
        "events": len(generated.events),
    }


PERSON_FIELDS = (
    "id", "name", "pinyin", "pinyin_initials", "sex", "birth_date", "id_number", "phone", "status", "death_date",
    "orgunit", "created_at", "updated_at",
)  # fmt: skip
HOUSEHOLD_FIELDS = (
    "id", "orgunit", "number", "address", "residence", "registered_on", "head", "created_at", "updated_at",
)  # fmt: skip
EVENT_FIELDS = (
    "id", "kind", "date", "person", "other_person", "mother", "father", "child", "sex", "place", "birth_order",
    "household", "orgunit", "recorded_by", "note", "created_at",
)  # fmt: skip


def _analyze(*models: Any) -> None:
    """Fresh planner statistics after a bulk load on PostgreSQL: until autovacuum gets round to it, the
    planner takes a table of a million rows for an empty one and picks scans that take seconds."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def demo_registry(*, seed: int, persons: int) -> dict[str, Any]:
    """Fill an empty registry with ``persons`` generated persons over the demo villages, in one
    transaction with one audit event. A registry that already has persons is left alone."""
    if Person.objects.exists():
        return {"created": False, "persons": Person.objects.count()}
    started = time.perf_counter()
    villages = demo_villages_in_db()
    generated = generate(seed=seed, persons=persons, villages=villages)
    with transaction.atomic():
        counts = write(generated)
        births = [e for e in generated.events if e[0] == BIRTH]
        audit_record(
            actor=None,
            action="demo.registry",
            object_type="registry",
            orgunit=OrgUnit.objects.filter(level=Level.DISTRICT).first(),
            changes={name: {"before": 0, "after": n} for name, n in counts.items()},
            reason=f"demo seed {seed}",
        )
    _analyze(Person, Household, Membership, LifeEvent)
    return {"created": True, **counts, "births": len(births), "seconds": round(time.perf_counter() - started, 1)}


def registry_summary(result: dict[str, Any]) -> str:
    """The one line ``xingfu demo`` prints about the registry."""
    if not result["created"]:
        return f"registry: already has {result['persons']} persons; left as it is"
    return (
        f"registry: {result['persons']} persons in {result['households']} households, "
        f"{result['events']} life events ({result['births']} births) in {result['seconds']} s"
    )

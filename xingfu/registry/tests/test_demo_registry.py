from collections import Counter, defaultdict
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from xingfu.audit.models import AuditEvent
from xingfu.audit.verify import audit_chain_verify
from xingfu.demo.loader import demo_villages
from xingfu.orgunits.district import TOWNS
from xingfu.registry import resident_id
from xingfu.registry.demo import (
    AS_OF,
    HIGH_SRB_TOWNS,
    SUBDISTRICT,
    Generated,
    Village,
    _boy_probability,
    demo_registry,
    generate,
)
from xingfu.registry.models import EventKind, Household, LifeEvent, Membership, Person, PersonStatus, Relation


@pytest.fixture
def villages(district: Any) -> None:
    demo_villages(seed=2026)


def _srb(births: list[tuple[Any, ...]]) -> float:
    boys = sum(1 for e in births if e[7] == "M")
    return 100 * boys / (len(births) - boys)


def _fake_villages() -> list[Village]:
    """Eight villages in each town, in memory: the generator needs no database."""
    return [
        Village(id=t * 100 + i, code=f"{code}{i:03d}", name=f"村{t}-{i}")
        for t, (code, _zh, _en) in enumerate(TOWNS)
        for i in range(1, 9)
    ]


def test_it_creates_exactly_the_persons_asked_for_with_valid_unique_resident_ids(villages: None) -> None:
    result = demo_registry(seed=7, persons=3000)

    assert result["created"] and result["persons"] == 3000
    assert Person.objects.count() == 3000
    numbers = list(Person.objects.values_list("id_number", "birth_date", "sex"))
    assert len({n for n, _, _ in numbers}) == 3000
    for number, birth_date, sex in numbers:
        assert number is not None and number.startswith("370406")
        assert resident_id.normalise(number) == number
        resident_id.check_agrees(number, birth_date=birth_date, sex=sex)
    assert not Person.objects.filter(pinyin="").exists()


def test_it_leaves_a_registry_with_persons_alone(villages: None) -> None:
    demo_registry(seed=7, persons=500)
    counts = (Person.objects.count(), Household.objects.count(), LifeEvent.objects.count())

    again = demo_registry(seed=7, persons=500)

    assert again == {"created": False, "persons": 500}
    assert (Person.objects.count(), Household.objects.count(), LifeEvent.objects.count()) == counts


def test_it_is_the_same_for_the_same_seed_and_differs_for_another() -> None:
    villages = _fake_villages()
    first, again, other = (generate(seed=s, persons=2000, villages=villages) for s in (3, 3, 4))
    assert first == again
    assert first.persons != other.persons


def test_every_household_has_its_head_as_the_one_open_head_membership(villages: None) -> None:
    demo_registry(seed=11, persons=3000)

    heads = dict(Household.objects.filter(head__isnull=False).values_list("id", "head_id"))
    open_heads = dict(
        Membership.objects.filter(relation=Relation.HEAD, end_date__isnull=True).values_list(
            "household_id", "person_id"
        )
    )
    assert heads == open_heads
    assert Household.objects.count() > 800
    # Living persons belong to exactly one household; the dead and the moved-out to none.
    open_members = set(Membership.objects.filter(end_date__isnull=True).values_list("person_id", flat=True))
    alive = set(Person.objects.filter(status=PersonStatus.ALIVE).values_list("id", flat=True))
    assert open_members == alive


def test_births_name_both_parents_and_number_the_mothers_children_in_order(villages: None) -> None:
    demo_registry(seed=11, persons=3000)

    by_mother: dict[Any, list[tuple[Any, Any]]] = defaultdict(list)
    births = LifeEvent.objects.filter(kind=EventKind.BIRTH).select_related("mother", "father", "child")
    assert births.count() > 500
    for birth in births:
        assert birth.mother is not None and birth.father is not None and birth.child is not None
        assert birth.mother.sex == "F" and birth.father.sex == "M"
        assert birth.child_id == birth.person_id and birth.sex == birth.child.sex
        assert birth.date == birth.child.birth_date and birth.household_id is not None
        by_mother[birth.mother_id].append((birth.date, birth.birth_order))
    for children in by_mother.values():
        assert [order for _, order in sorted(children)] == list(range(1, len(children) + 1))
    assert LifeEvent.objects.filter(kind=EventKind.BIRTH, date__year__gte=2014).exists()


def test_couples_are_married_and_some_persons_died_or_moved_away(villages: None) -> None:
    demo_registry(seed=11, persons=3000)

    kinds = Counter(LifeEvent.objects.values_list("kind", flat=True))
    assert kinds[EventKind.MARRIAGE] == Membership.objects.filter(relation=Relation.SPOUSE).count()
    assert kinds[EventKind.DEATH] == Person.objects.filter(status=PersonStatus.DEAD).count() > 0
    assert kinds[EventKind.MOVE_OUT] == Person.objects.filter(status=PersonStatus.MOVED_OUT).count() > 0
    # A few percent (more moves at this size: a village of a dozen persons has few grooms for its daughters).
    assert kinds[EventKind.DEATH] < 0.1 * 3000 and kinds[EventKind.MOVE_OUT] < 0.1 * 3000
    assert not LifeEvent.objects.filter(date__gt=AS_OF).exists()
    for event in LifeEvent.objects.filter(kind=EventKind.MARRIAGE).select_related("person", "other_person")[:200]:
        assert event.other_person is not None
        assert {event.person.sex, event.other_person.sex} == {"M", "F"}


def test_adults_have_phones_and_subdistrict_households_are_urban(villages: None) -> None:
    demo_registry(seed=11, persons=3000)

    adults = Person.objects.filter(status=PersonStatus.ALIVE, birth_date__lte="2000-01-01")
    assert adults.exclude(phone="").count() > 0.8 * adults.count()
    assert not Person.objects.filter(birth_date__gt="2010-01-01").exclude(phone="").exists()
    urban = set(Household.objects.filter(orgunit__code__startswith=SUBDISTRICT).values_list("residence", flat=True))
    assert urban == {"urban"}
    assert Household.objects.filter(residence="rural").count() > 0.7 * Household.objects.count()


def test_sex_at_birth_is_normal_but_at_second_births_and_at_third_births_in_the_two_towns() -> None:
    town = "370406101"
    assert _boy_probability(1, town) == pytest.approx(106 / 206)
    assert _boy_probability(2, town) == pytest.approx(110 / 210)
    assert _boy_probability(4, town) == pytest.approx(105 / 205)  # normal: not alerted at third births
    for high in HIGH_SRB_TOWNS:
        assert _boy_probability(1, high) == _boy_probability(1, town)
        assert _boy_probability(2, high) == _boy_probability(2, town)
        assert _boy_probability(3, high) == pytest.approx(150 / 250)


def test_generated_births_show_the_pattern_for_this_seed() -> None:
    """Deterministic (fixed seed): the generated births carry the pattern the parameters describe."""
    villages = _fake_villages()
    town_of = {v.id: v.town for v in villages}
    generated: Generated = generate(seed=2026, persons=60_000, villages=villages)
    births = [e for e in generated.events if e[0] == EventKind.BIRTH]
    by_order = {o: [e for e in births if min(e[9], 3) == o] for o in (1, 2, 3)}

    assert _srb(by_order[1]) < _srb(by_order[2]) < _srb(by_order[3])
    assert 104 < _srb(births) < 116
    third_high = [e for e in by_order[3] if town_of[e[11]] in HIGH_SRB_TOWNS]
    third_rest = [e for e in by_order[3] if town_of[e[11]] not in HIGH_SRB_TOWNS]
    assert _srb(third_high) > _srb(third_rest) + 10


def test_the_demo_command_loads_the_registry_with_one_audit_event(district: Any) -> None:
    out = StringIO()
    call_command("demo", persons=400, stdout=out)

    assert "registry: 400 persons in" in out.getvalue()
    assert Person.objects.count() == 400
    assert AuditEvent.objects.filter(action="demo.registry").count() == 1
    assert audit_chain_verify().ok

    again = StringIO()
    call_command("demo", persons=400, stdout=again)
    assert "registry: already has 400 persons" in again.getvalue()

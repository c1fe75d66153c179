"""The set-based fact tables give exactly the registry's facts (``xingfu.registry.facts``), person by person and
household by household, over a generated population and over hand-made families with adoptions and deaths."""

import datetime
from typing import Any

import pytest
from django.db import transaction

from xingfu.benefits.eligibility.tables import fact_table
from xingfu.benefits.tests.factories import D, family
from xingfu.registry.demo import Village, generate, write
from xingfu.registry.facts import households_with_facts, persons_with_facts
from xingfu.registry.models import Household, Person
from xingfu.registry.services import adoption_record, death_record
from xingfu.registry.tests import factories as registry

PERSON_FACTS = [
    "age",
    "alive",
    "household_id",
    "residence",
    "relation",
    "sons_ever",
    "daughters_ever",
    "children_ever",
    "living_sons",
    "living_daughters",
    "living_children",
    "family_type",
    "first_marriage_date",
    "first_child_birth_date",
]
HOUSEHOLD_FACTS = [
    "members",
    "residence",
    "sons_ever",
    "daughters_ever",
    "children_ever",
    "living_sons",
    "living_daughters",
    "living_children",
    "family_type",
]


def _registry_persons(on: datetime.date) -> dict[int, dict[str, Any]]:
    qs = persons_with_facts(Person.objects.all(), on=on).values("pk", *PERSON_FACTS)
    return {row.pop("pk"): {k: (bool(v) if k == "alive" else v) for k, v in row.items()} for row in qs}


def _table_persons(on: datetime.date) -> dict[int, dict[str, Any]]:
    with fact_table("person", Person.objects.all(), on=on) as facts:
        return {row.pop("id"): row for row in facts.objects.values("id", *PERSON_FACTS)}


def _registry_households(on: datetime.date) -> dict[int, dict[str, Any]]:
    qs = households_with_facts(Household.objects.all(), on=on).values("pk", *HOUSEHOLD_FACTS)
    return {row.pop("pk"): row for row in qs}


def _table_households(on: datetime.date) -> dict[int, dict[str, Any]]:
    with fact_table("household", Household.objects.all(), on=on) as facts:
        return {row.pop("id"): row for row in facts.objects.values("id", *HOUSEHOLD_FACTS)}


def _assert_same(expected: dict[int, dict[str, Any]], actual: dict[int, dict[str, Any]]) -> None:
    assert expected.keys() == actual.keys()
    differing = {pk: (expected[pk], actual[pk]) for pk in expected if expected[pk] != actual[pk]}
    assert not differing, list(differing.items())[:3]


@pytest.fixture
def population(village: Any, sibling_village: Any, other_village: Any) -> None:
    villages = [Village(v.id, v.code, v.name_zh) for v in (village, sibling_village, other_village)]
    with transaction.atomic():
        write(generate(seed=11, persons=900, villages=villages))


@pytest.mark.parametrize("on", [D(2026, 10, 31), D(2015, 6, 30), D(1990, 1, 1)])
def test_person_facts_agree_with_the_registry_over_a_generated_population(population: None, on: datetime.date) -> None:
    _assert_same(_registry_persons(on), _table_persons(on))


@pytest.mark.parametrize("on", [D(2026, 10, 31), D(2015, 6, 30)])
def test_household_facts_agree_with_the_registry_over_a_generated_population(
    population: None, on: datetime.date
) -> None:
    _assert_same(_registry_households(on), _table_households(on))


def test_adoptions_deaths_and_a_remarriage_count_as_the_registry_counts_them(village_worker: Any, village: Any) -> None:
    first = family(village_worker, village, [("F", D(2003, 1, 1)), ("M", D(2006, 4, 1))])
    death_record(actor=village_worker, person=first.children[1], date=D(2015, 1, 1))
    # An adopted daughter who was also born to the couple counts once; a stranger adopted counts too.
    adoption_record(actor=village_worker, child=first.children[0], date=D(2008, 1, 1), mother=first.wife)
    stranger = registry.person(
        village_worker, first.household, "王乐", sex="F", birth_date=D(2012, 1, 1), with_id=False
    )
    adoption_record(actor=village_worker, child=stranger, date=D(2013, 1, 1), father=first.husband)
    second = family(village_worker, village, [("F", D(2010, 2, 2))], married=None)
    for on in (D(2012, 6, 1), D(2020, 1, 1)):
        _assert_same(_registry_persons(on), _table_persons(on))
        _assert_same(_registry_households(on), _table_households(on))
    assert second.household.pk in _table_households(D(2020, 1, 1))


def test_the_extra_facts_of_a_late_married_couple(village_worker: Any, village: Any) -> None:
    fam = family(
        village_worker,
        village,
        [("F", D(2004, 7, 1))],
        husband_born=D(1974, 6, 1),
        wife_born=D(1977, 3, 15),
        married=D(2000, 5, 31),
    )
    on = D(2026, 10, 31)
    with fact_table("household", Household.objects.filter(pk=fam.household.pk), on=on) as facts:
        row = facts.objects.values("husband_marriage_age", "wife_marriage_age", "wife_first_birth_age").get()
    assert row == {"husband_marriage_age": 25, "wife_marriage_age": 23, "wife_first_birth_age": 27}
    with fact_table("person", Person.objects.filter(pk__in=[fam.wife.pk, fam.children[0].pk]), on=on) as facts:
        rows = {r["id"]: r for r in facts.objects.values()}
    wife, daughter = rows[fam.wife.pk], rows[fam.children[0].pk]
    assert (wife["age_at_first_marriage"], wife["age_at_first_birth"], wife["couple_wife_age"]) == (23, 27, 49)
    assert daughter["household_family_type"] == "only_daughter" and daughter["couple_wife_age"] == 49
    assert daughter["age_at_first_marriage"] is None and not wife["has_living_child_under_3"]


def test_the_most_severe_grade_of_a_living_child_counts_births_and_adoptions_not_the_dead(
    village_worker: Any, village: Any
) -> None:
    fam = family(village_worker, village, [("F", D(2003, 1, 1)), ("M", D(2006, 4, 1)), ("M", D(2009, 4, 1))])
    daughter, son, younger = fam.children
    stranger = registry.person(village_worker, fam.household, "王乐", sex="F", birth_date=D(2012, 1, 1), with_id=False)
    adoption_record(actor=village_worker, child=stranger, date=D(2013, 1, 1), father=fam.husband)
    for person, grade in ((daughter, 3), (son, 1), (stranger, 2)):
        Person.objects.filter(pk=person.pk).update(disability_grade=grade)
    death_record(actor=village_worker, person=son, date=D(2020, 1, 1))
    on = D(2026, 10, 31)
    ids = [fam.husband.pk, fam.wife.pk, daughter.pk, younger.pk]
    with fact_table("person", Person.objects.filter(pk__in=ids), on=on) as facts:
        rows = {r["id"]: r for r in facts.objects.values("id", "disability_grade", "child_disability_grade")}
    # The son (grade 1) has died: the most severe living grade is the adopted daughter's 2 for her father, and
    # the born daughter's 3 for her mother, who did not adopt.
    assert rows[fam.husband.pk]["child_disability_grade"] == 2
    assert rows[fam.wife.pk]["child_disability_grade"] == 3
    assert (rows[daughter.pk]["disability_grade"], rows[daughter.pk]["child_disability_grade"]) == (3, None)
    assert rows[younger.pk]["disability_grade"] is None
    with fact_table("household", Household.objects.filter(pk=fam.household.pk), on=on) as facts:
        assert facts.objects.values_list("child_disability_grade", flat=True).get() == 2
    with fact_table("household", Household.objects.filter(pk=fam.household.pk), on=D(2015, 1, 1)) as facts:
        assert facts.objects.values_list("child_disability_grade", flat=True).get() == 1  # the son was alive

"""Derived facts on a reference date, computed in SQL for whole querysets (what benefits filter on)."""

import datetime
from typing import Any

from xingfu.registry.facts import ONLY_CHILD, FamilyType, age_between, households_with_facts, persons_with_facts
from xingfu.registry.models import Household, Person, Relation
from xingfu.registry.services import adoption_record, birth_record, death_record, marriage_record
from xingfu.registry.tests import factories

D = datetime.date


def _facts(person: Person, on: datetime.date) -> Any:
    return persons_with_facts(Person.objects.filter(pk=person.pk), on=on).get()


def test_age_counts_completed_years_on_the_date(village_worker: Any, home: Household) -> None:
    person = factories.person(village_worker, home, "张伟", birth_date=D(1980, 5, 1))
    assert _facts(person, D(2020, 4, 30)).age == 39
    assert _facts(person, D(2020, 5, 1)).age == 40


def test_someone_born_on_29_february_ages_on_1_march(village_worker: Any, home: Household) -> None:
    person = factories.person(village_worker, home, "闰生", birth_date=D(2000, 2, 29))
    assert _facts(person, D(2021, 2, 28)).age == 20
    assert _facts(person, D(2021, 3, 1)).age == 21


def test_age_between_agrees_with_age(village_worker: Any, home: Household) -> None:
    person = factories.person(village_worker, home, "张伟", birth_date=D(1980, 5, 1))
    on = D(2020, 5, 1)
    assert Person.objects.filter(age_between(on=on, age_min=40, age_max=40), pk=person.pk).exists()
    assert not Person.objects.filter(age_between(on=on, age_min=41), pk=person.pk).exists()
    assert not Person.objects.filter(age_between(on=D(2020, 4, 30), age_min=40), pk=person.pk).exists()


def test_an_only_daughter_family(village_worker: Any, home: Household, family: Any) -> None:
    husband, wife = family
    birth_record(actor=village_worker, mother=wife, father=husband, date=D(2005, 1, 1), sex="F", name="王芳")
    h = households_with_facts(Household.objects.filter(pk=home.pk), on=D(2024, 1, 1)).get()
    assert h.family_type == FamilyType.ONLY_DAUGHTER
    assert (h.living_daughters, h.living_sons, h.children_ever, h.members) == (1, 0, 1, 3)
    father = _facts(husband, D(2024, 1, 1))
    assert father.family_type == FamilyType.ONLY_DAUGHTER and father.residence == "rural"


def test_two_daughters_and_a_son_make_other_families(village_worker: Any, home: Household, family: Any) -> None:
    husband, wife = family
    birth_record(actor=village_worker, mother=wife, father=husband, date=D(2003, 1, 1), sex="F", name="王一")
    birth_record(actor=village_worker, mother=wife, father=husband, date=D(2006, 1, 1), sex="F", name="王二")
    qs = Household.objects.filter(pk=home.pk)
    assert households_with_facts(qs, on=D(2010, 1, 1)).get().family_type == FamilyType.TWO_DAUGHTERS
    birth_record(actor=village_worker, mother=wife, father=husband, date=D(2012, 1, 1), sex="M", name="王三")
    assert households_with_facts(qs, on=D(2010, 1, 1)).get().family_type == FamilyType.TWO_DAUGHTERS
    assert households_with_facts(qs, on=D(2013, 1, 1)).get().family_type == FamilyType.OTHER


def test_a_child_who_died_still_makes_an_only_child_family_but_is_not_living(
    village_worker: Any, home: Household, family: Any
) -> None:
    husband, wife = family
    child = birth_record(actor=village_worker, mother=wife, father=husband, date=D(2000, 1, 1), sex="M", name="王一")
    assert child.child is not None
    death_record(actor=village_worker, person=child.child, date=D(2015, 1, 1))
    mother = _facts(wife, D(2020, 1, 1))
    assert mother.family_type == FamilyType.ONLY_SON and mother.family_type in ONLY_CHILD
    assert (mother.children_ever, mother.living_children) == (1, 0)
    assert _facts(wife, D(2014, 1, 1)).living_sons == 1


def test_adopted_children_count_with_born_ones(village_worker: Any, home: Household, family: Any) -> None:
    husband, wife = family
    adopted = factories.person(village_worker, home, "王乐", sex="F", birth_date=D(2012, 1, 1), with_id=False)
    adoption_record(actor=village_worker, child=adopted, mother=wife, father=husband, date=D(2013, 1, 1))
    assert _facts(husband, D(2012, 6, 1)).family_type == FamilyType.NO_CHILD
    assert _facts(husband, D(2014, 1, 1)).family_type == FamilyType.ONLY_DAUGHTER


def test_a_households_children_are_the_couples_counted_once(village_worker: Any, home: Household, family: Any) -> None:
    husband, wife = family
    birth_record(actor=village_worker, mother=wife, father=husband, date=D(2005, 1, 1), sex="M", name="王一")
    h = households_with_facts(Household.objects.filter(pk=home.pk), on=D(2024, 1, 1)).get()
    assert (h.sons_ever, h.children_ever, h.family_type) == (1, 1, FamilyType.ONLY_SON)


def test_marriage_and_first_birth_dates_are_facts(village_worker: Any, home: Household, family: Any) -> None:
    husband, wife = family
    marriage_record(actor=village_worker, person=husband, spouse=wife, date=D(2001, 10, 1))
    birth_record(actor=village_worker, mother=wife, father=husband, date=D(2003, 4, 4), sex="F", name="王一")
    facts = _facts(wife, D(2024, 1, 1))
    assert (facts.first_marriage_date, facts.first_child_birth_date) == (D(2001, 10, 1), D(2003, 4, 4))
    assert _facts(wife, D(2000, 1, 1)).first_marriage_date is None


def test_facts_are_filterable_in_one_query(
    village_worker: Any, home: Household, family: Any, django_assert_num_queries: Any
) -> None:
    husband, wife = family
    birth_record(actor=village_worker, mother=wife, father=husband, date=D(2005, 1, 1), sex="F", name="王芳")
    with django_assert_num_queries(1):
        parents = list(
            persons_with_facts(Person.objects.all(), on=D(2040, 1, 1))
            .filter(age__gte=60, family_type__in=ONLY_CHILD, residence="rural")
            .values_list("name", flat=True)
        )
    assert sorted(parents) == ["李娜", "王强"]
    with django_assert_num_queries(1):
        assert (
            households_with_facts(Household.objects.all(), on=D(2040, 1, 1))
            .filter(family_type=FamilyType.ONLY_DAUGHTER)
            .count()
            == 1
        )


def test_a_person_who_moved_away_has_no_residence_after_leaving(
    village_worker: Any, home: Household, family: Any
) -> None:
    from xingfu.registry.services import move_out_record

    husband, _wife = family
    move_out_record(actor=village_worker, person=husband, date=D(2019, 1, 1))
    assert _facts(husband, D(2018, 1, 1)).residence == "rural"
    assert _facts(husband, D(2020, 1, 1)).residence is None
    assert _facts(husband, D(2018, 1, 1)).relation == Relation.HEAD

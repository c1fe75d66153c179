"""The registry's writes: each rule a clerk can run into, and what the record looks like afterwards."""

import datetime
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from xingfu.audit.models import AuditEvent
from xingfu.core.errors import PermissionDenied, ValidationFailed
from xingfu.registry.models import EventKind, Household, LifeEvent, Membership, Person, PersonStatus, Relation
from xingfu.registry.services import (
    adoption_record,
    birth_record,
    death_record,
    household_register,
    marriage_record,
    move_in_record,
    move_out_record,
    person_add,
    person_reveal,
    person_update,
)
from xingfu.registry.tests import factories

D = datetime.date
TOMORROW = datetime.date.today() + datetime.timedelta(days=2)


# --- households -------------------------------------------------------------------------------------------


def test_registering_a_household_records_it_and_audits_it(village_worker: Any, village: Any) -> None:
    home = household_register(
        actor=village_worker, village=village, number="WZ-9", residence="urban", registered_on=D(2010, 1, 1)
    )
    assert home.orgunit == village and home.residence == "urban"
    event = AuditEvent.objects.get(action="registry.household.register")
    assert event.orgunit_path == village.path
    assert event.changes["number"]["after"] == "WZ-9"


def test_a_household_number_is_unique_within_its_village(village_worker: Any, village: Any, home: Household) -> None:
    with pytest.raises(ValidationFailed) as err:
        factories.household(village_worker, village, "WZ-001")
    assert err.value.field == "number"


def test_the_same_household_number_may_be_used_in_another_village(
    town_officer: Any, home: Household, sibling_village: Any
) -> None:
    other = factories.household(town_officer, sibling_village, "WZ-001")
    assert other.number == home.number


def test_a_household_belongs_to_a_village_not_a_town(town_officer: Any, town: Any) -> None:
    with pytest.raises(ValidationFailed) as err:
        factories.household(town_officer, town)
    assert err.value.field == "village"


def test_a_household_cannot_be_registered_in_the_future(village_worker: Any, village: Any) -> None:
    with pytest.raises(ValidationFailed) as err:
        household_register(actor=village_worker, village=village, number="X", residence="rural", registered_on=TOMORROW)
    assert err.value.field == "registered_on"


# --- persons ----------------------------------------------------------------------------------------------


def test_adding_the_head_makes_her_the_households_head(village_worker: Any, home: Household) -> None:
    head = factories.person(village_worker, home, "赵敏", sex="F", relation=Relation.HEAD)
    home.refresh_from_db()
    assert home.head == head
    assert head.orgunit == home.orgunit


def test_a_person_gets_pinyin_and_initials_for_search(village_worker: Any, home: Household) -> None:
    person = factories.person(village_worker, home, "张伟")
    assert (person.pinyin, person.pinyin_initials) == ("zhang wei", "zw")


def test_a_common_polyphonic_surname_is_read_as_a_surname(village_worker: Any, home: Household) -> None:
    person = factories.person(village_worker, home, "曾小贤")
    assert person.pinyin == "zeng xiao xian"


def test_an_empty_name_is_refused(village_worker: Any, home: Household) -> None:
    with pytest.raises(ValidationFailed) as err:
        factories.person(village_worker, home, "   ")
    assert err.value.field == "name"
    assert not Person.objects.exists()


def test_a_future_birth_date_is_refused(village_worker: Any, home: Household) -> None:
    with pytest.raises(ValidationFailed) as err:
        person_add(actor=village_worker, household=home, name="张三", sex="M", birth_date=TOMORROW, relation="other")
    assert err.value.field == "birth_date"


def test_an_id_with_a_bad_check_digit_is_refused(village_worker: Any, home: Household) -> None:
    with pytest.raises(ValidationFailed) as err:
        person_add(
            actor=village_worker,
            household=home,
            name="张三",
            sex="F",
            birth_date=D(1949, 12, 31),
            relation="other",
            id_number="110105194912310021",
        )
    assert "check character" in str(err.value.message)
    assert not Person.objects.exists()


def test_an_id_disagreeing_with_the_birth_date_is_refused(village_worker: Any, home: Household) -> None:
    with pytest.raises(ValidationFailed) as err:
        person_add(
            actor=village_worker,
            household=home,
            name="张三",
            sex="F",
            birth_date=D(1950, 1, 1),
            relation="other",
            id_number="11010519491231002X",
        )
    assert err.value.field == "birth_date"


def test_an_id_disagreeing_with_the_sex_is_refused(village_worker: Any, home: Household) -> None:
    with pytest.raises(ValidationFailed) as err:
        person_add(
            actor=village_worker,
            household=home,
            name="张三",
            sex="M",
            birth_date=D(1949, 12, 31),
            relation="other",
            id_number="11010519491231002X",
        )
    assert err.value.field == "sex"


def test_an_id_already_registered_is_refused(village_worker: Any, home: Household) -> None:
    kwargs: dict[str, Any] = dict(sex="F", birth_date=D(1949, 12, 31), relation="other", id_number="11010519491231002X")
    person_add(actor=village_worker, household=home, name="张三", **kwargs)
    with pytest.raises(ValidationFailed) as err:
        person_add(actor=village_worker, household=home, name="李四", **kwargs)
    assert "already registered" in str(err.value.message)
    assert Person.objects.count() == 1


def test_a_legacy_15_digit_id_is_stored_in_its_18_digit_form(village_worker: Any, home: Household) -> None:
    person = person_add(
        actor=village_worker,
        household=home,
        name="张三",
        sex="F",
        birth_date=D(1949, 12, 31),
        relation="other",
        id_number="110105491231002",
    )
    assert person.id_number == "11010519491231002X"


def test_a_newborn_may_have_no_id_number_yet(village_worker: Any, home: Household) -> None:
    a = factories.person(village_worker, home, "小一", with_id=False)
    b = factories.person(village_worker, home, "小二", with_id=False)
    assert a.id_number is None and b.id_number is None


def test_the_audit_row_masks_the_id_number_and_phone(village_worker: Any, home: Household) -> None:
    person = factories.person(village_worker, home, "张伟", phone="13812345678")
    changes = AuditEvent.objects.get(action="registry.person.add").changes
    assert person.id_number is not None
    assert changes["id_number"]["after"] == person.id_number[:6] + "********" + person.id_number[-4:]
    assert changes["phone"]["after"] == "138****5678"


def test_a_household_has_one_head_at_a_time(village_worker: Any, home: Household, family: Any) -> None:
    with pytest.raises(ValidationFailed) as err:
        factories.person(village_worker, home, "钱七", relation=Relation.HEAD)
    assert err.value.field == "relation"


def test_the_database_refuses_a_second_open_household_membership(
    village_worker: Any, home: Household, village: Any
) -> None:
    person = factories.person(village_worker, home, "张伟")
    other = factories.household(village_worker, village)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(person=person, household=other, relation="other", start_date=D(2020, 1, 1))


def test_updating_a_person_recomputes_pinyin_and_keeps_the_id_consistent(village_worker: Any, home: Household) -> None:
    person = factories.person(village_worker, home, "张伟")
    person_update(actor=village_worker, person=person, name="章卫", phone="13900001111")
    person.refresh_from_db()
    assert person.pinyin == "zhang wei" and person.phone == "13900001111"
    with pytest.raises(ValidationFailed) as err:
        person_update(actor=village_worker, person=person, birth_date=D(1981, 1, 1))
    assert err.value.field == "birth_date"
    person.refresh_from_db()
    assert person.birth_date == D(1980, 5, 1)


def test_an_update_may_not_take_someone_elses_id(village_worker: Any, home: Household) -> None:
    a = factories.person(village_worker, home, "张伟")
    b = factories.person(village_worker, home, "张伟")
    with pytest.raises(ValidationFailed):
        person_update(actor=village_worker, person=b, id_number=a.id_number)


# --- scope and permissions --------------------------------------------------------------------------------


def test_a_village_worker_cannot_register_a_household_in_another_village(
    village_worker: Any, sibling_village: Any
) -> None:
    with pytest.raises(PermissionDenied):
        factories.household(village_worker, sibling_village)


def test_a_village_worker_cannot_edit_a_person_of_another_village(
    village_worker: Any, town_officer: Any, sibling_village: Any
) -> None:
    elsewhere = factories.household(town_officer, sibling_village)
    person = factories.person(town_officer, elsewhere, "张伟")
    with pytest.raises(PermissionDenied):
        person_update(actor=village_worker, person=person, phone="13800000000")


def test_a_town_officer_edits_in_his_town_but_not_in_another(
    town_officer: Any, other_town_officer: Any, village: Any, other_village: Any
) -> None:
    factories.household(town_officer, village)
    with pytest.raises(PermissionDenied):
        factories.household(town_officer, other_village)


@pytest.mark.parametrize("role_fixture", ["auditor", "inspector", "department_liaison"])
def test_roles_without_registry_edit_cannot_register(role_fixture: str, request: Any, village: Any) -> None:
    with pytest.raises(PermissionDenied):
        factories.household(request.getfixturevalue(role_fixture), village)


# --- marriage ---------------------------------------------------------------------------------------------


def test_a_marriage_is_one_event_for_the_couple(village_worker: Any, family: Any) -> None:
    husband, wife = family
    event = marriage_record(actor=village_worker, person=husband, spouse=wife, date=D(2000, 10, 1))
    assert event.kind == EventKind.MARRIAGE and event.other_person == wife
    assert LifeEvent.objects.filter(kind=EventKind.MARRIAGE).count() == 1
    with pytest.raises(ValidationFailed):
        marriage_record(actor=village_worker, person=wife, spouse=husband, date=D(2000, 10, 1))


def test_a_marriage_in_the_future_is_refused(village_worker: Any, family: Any) -> None:
    husband, wife = family
    with pytest.raises(ValidationFailed) as err:
        marriage_record(actor=village_worker, person=husband, spouse=wife, date=TOMORROW)
    assert "future" in str(err.value.message)


def test_a_marriage_before_a_spouse_was_born_is_refused(village_worker: Any, family: Any) -> None:
    husband, wife = family
    with pytest.raises(ValidationFailed):
        marriage_record(actor=village_worker, person=husband, spouse=wife, date=D(1977, 1, 1))


# --- birth ------------------------------------------------------------------------------------------------


def test_a_birth_adds_the_child_to_the_mothers_household_as_the_heads_child(
    village_worker: Any, home: Household, family: Any
) -> None:
    husband, wife = family
    event = birth_record(
        actor=village_worker, mother=wife, father=husband, date=D(2005, 6, 1), sex="F", name="王芳", place="区医院"
    )
    child = event.child
    assert child is not None and child.sex == "F" and child.birth_date == D(2005, 6, 1)
    membership = Membership.objects.get(person=child, end_date__isnull=True)
    assert membership.household == home and membership.relation == Relation.CHILD
    assert event.birth_order == 1 and event.household == home
    assert AuditEvent.objects.filter(action="registry.event.birth").count() == 1


def test_birth_order_counts_the_mothers_births_by_date_even_when_recorded_late(
    village_worker: Any, family: Any
) -> None:
    husband, wife = family
    second = birth_record(actor=village_worker, mother=wife, father=husband, date=D(2008, 1, 1), sex="M", name="王二")
    first = birth_record(actor=village_worker, mother=wife, father=husband, date=D(2004, 1, 1), sex="F", name="王大")
    second.refresh_from_db()
    assert (first.birth_order, second.birth_order) == (1, 2)


def test_a_grandchild_born_to_a_daughter_of_the_head_is_recorded_as_other(
    village_worker: Any, home: Household, family: Any
) -> None:
    daughter = factories.person(
        village_worker, home, "王丽", sex="F", birth_date=D(1998, 1, 1), relation=Relation.CHILD
    )
    event = birth_record(actor=village_worker, mother=daughter, date=D(2022, 3, 3), sex="M", name="王小")
    assert Membership.objects.get(person=event.child).relation == Relation.OTHER


def test_the_mother_must_be_a_woman(village_worker: Any, family: Any) -> None:
    husband, _wife = family
    with pytest.raises(ValidationFailed) as err:
        birth_record(actor=village_worker, mother=husband, date=D(2005, 1, 1), sex="M", name="王二")
    assert err.value.field == "mother"
    assert not LifeEvent.objects.filter(kind=EventKind.BIRTH).exists()


def test_a_mother_who_died_before_the_birth_date_is_refused(village_worker: Any, family: Any) -> None:
    _husband, wife = family
    death_record(actor=village_worker, person=wife, date=D(2010, 1, 1))
    wife.refresh_from_db()
    with pytest.raises(ValidationFailed) as err:
        birth_record(actor=village_worker, mother=wife, date=D(2012, 1, 1), sex="M", name="王二")
    assert err.value.field == "mother"
    assert "deceased" in str(err.value.message)


def test_a_birth_in_the_future_is_refused(village_worker: Any, family: Any) -> None:
    _husband, wife = family
    with pytest.raises(ValidationFailed):
        birth_record(actor=village_worker, mother=wife, date=TOMORROW, sex="M", name="王二")


def test_a_birth_with_an_id_number_checks_it_against_the_birth(village_worker: Any, family: Any) -> None:
    _husband, wife = family
    with pytest.raises(ValidationFailed) as err:
        birth_record(
            actor=village_worker,
            mother=wife,
            date=D(2010, 1, 1),
            sex="F",
            name="王二",
            id_number=factories.resident_id(D(2010, 1, 2), "F"),
        )
    assert err.value.field == "birth_date"
    assert Person.objects.count() == 2


def test_the_father_must_be_a_man(village_worker: Any, family: Any, home: Household) -> None:
    _husband, wife = family
    aunt = factories.person(village_worker, home, "李梅", sex="F")
    with pytest.raises(ValidationFailed) as err:
        birth_record(actor=village_worker, mother=wife, father=aunt, date=D(2010, 1, 1), sex="F", name="王二")
    assert err.value.field == "father"


# --- death and moves --------------------------------------------------------------------------------------


def test_a_death_marks_the_person_and_ends_her_membership(village_worker: Any, home: Household, family: Any) -> None:
    husband, _wife = family
    death_record(actor=village_worker, person=husband, date=D(2020, 2, 2), place="家中")
    husband.refresh_from_db()
    home.refresh_from_db()
    assert husband.status == PersonStatus.DEAD and husband.death_date == D(2020, 2, 2)
    assert not Membership.objects.filter(person=husband, end_date__isnull=True).exists()
    assert home.head is None


def test_a_dead_person_gets_no_new_events(village_worker: Any, family: Any) -> None:
    husband, wife = family
    death_record(actor=village_worker, person=husband, date=D(2020, 2, 2))
    husband.refresh_from_db()
    for record in (
        lambda: death_record(actor=village_worker, person=husband, date=D(2021, 1, 1)),
        lambda: move_out_record(actor=village_worker, person=husband, date=D(2021, 1, 1)),
        lambda: marriage_record(actor=village_worker, person=husband, spouse=wife, date=D(2021, 1, 1)),
    ):
        with pytest.raises(ValidationFailed) as err:
            record()
        assert "deceased" in str(err.value.message)
    assert LifeEvent.objects.filter(person=husband).count() == 1


def test_a_move_within_the_town_changes_household_and_village(
    town_officer: Any, home: Household, family: Any, sibling_village: Any
) -> None:
    husband, _wife = family
    target = factories.household(town_officer, sibling_village, "LJ-1")
    move_in_record(actor=town_officer, person=husband, household=target, relation="head", date=D(2021, 5, 5))
    husband.refresh_from_db()
    assert husband.orgunit == sibling_village
    current = Membership.objects.get(person=husband, end_date__isnull=True)
    assert current.household == target
    assert Membership.objects.get(person=husband, household=home).end_date == D(2021, 5, 5)
    assert LifeEvent.objects.get(kind=EventKind.MOVE_IN).place.endswith("WZ-001")


def test_a_village_worker_cannot_move_someone_into_another_village(
    village_worker: Any, town_officer: Any, family: Any, sibling_village: Any
) -> None:
    husband, _wife = family
    target = factories.household(town_officer, sibling_village, "LJ-1")
    with pytest.raises(PermissionDenied):
        move_in_record(actor=village_worker, person=husband, household=target, relation="other", date=D(2021, 5, 5))
    assert Membership.objects.get(person=husband, end_date__isnull=True).household != target


def test_moving_out_of_the_district_ends_the_membership(village_worker: Any, family: Any) -> None:
    husband, _wife = family
    move_out_record(actor=village_worker, person=husband, date=D(2019, 9, 9), destination="济南市")
    husband.refresh_from_db()
    assert husband.status == PersonStatus.MOVED_OUT
    assert not Membership.objects.filter(person=husband, end_date__isnull=True).exists()


def test_someone_who_moved_out_may_move_back_in(village_worker: Any, family: Any, home: Household) -> None:
    husband, _wife = family
    move_out_record(actor=village_worker, person=husband, date=D(2019, 9, 9))
    husband.refresh_from_db()
    move_in_record(actor=village_worker, person=husband, household=home, relation="other", date=D(2020, 9, 9))
    husband.refresh_from_db()
    assert husband.status == PersonStatus.ALIVE


def test_an_adoption_makes_the_adoptive_parents_parents(village_worker: Any, family: Any, home: Household) -> None:
    husband, wife = family
    child = factories.person(village_worker, home, "王乐", sex="F", birth_date=D(2012, 1, 1), with_id=False)
    event = adoption_record(actor=village_worker, child=child, mother=wife, father=husband, date=D(2013, 1, 1))
    assert event.child == child and event.mother == wife


# --- reveal -----------------------------------------------------------------------------------------------


def test_revealing_an_id_number_is_audited(village_worker: Any, home: Household) -> None:
    person = factories.person(village_worker, home, "张伟")
    assert person_reveal(actor=village_worker, person=person, what="id_number") == person.id_number
    event = AuditEvent.objects.get(action="read.id_number")
    assert event.object_id == str(person.pk) and event.actor_username == village_worker.username


def test_an_auditor_may_not_reveal_an_id_number(auditor: Any, village_worker: Any, home: Household) -> None:
    person = factories.person(village_worker, home, "张伟")
    with pytest.raises(PermissionDenied):
        person_reveal(actor=auditor, person=person, what="id_number")
    assert not AuditEvent.objects.filter(action="read.id_number").exists()


def test_households_are_not_created_when_a_rule_fails(village_worker: Any, village: Any) -> None:
    with pytest.raises(ValidationFailed):
        household_register(
            actor=village_worker, village=village, number="", residence="rural", registered_on=D(2000, 1, 1)
        )
    assert not Household.objects.exists()

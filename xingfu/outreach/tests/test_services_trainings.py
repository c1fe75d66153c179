"""Trainings, attendance by resident-ID number or staff account, and a person's training record."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from xingfu.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from xingfu.outreach import services
from xingfu.outreach.access import access_person_by_id_number
from xingfu.outreach.models import Attendance, Training
from xingfu.outreach.selectors import training_record
from xingfu.outreach.tests.factories import ID_NUMBERS, make_person, make_training


def test_a_training_takes_the_level_of_the_unit_that_holds_it(
    district_admin: Any, district: Any, town: Any, village: Any
) -> None:
    levels = [make_training(district_admin, unit).level for unit in (district, town, village)]
    assert levels == ["district", "town", "village"]


@pytest.mark.parametrize("hours", ["0", "-2", "1.25", "1000"])
def test_implausible_hours_are_refused(town_officer: Any, town: Any, hours: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        make_training(town_officer, town, hours=hours)
    assert refused.value.field == "hours"
    assert not Training.objects.exists()


def test_a_resident_is_added_by_resident_id_number(town_officer: Any, town: Any, village: Any) -> None:
    person = make_person(village, id_number=ID_NUMBERS[0])
    training = make_training(town_officer, town)
    found = access_person_by_id_number(town_officer, " 3704 0619 9001 0112 35 ")
    attendance = services.attendance_add(actor=town_officer, training=training, person=found)
    assert attendance.person == person and attendance.recorded_by == town_officer


def test_an_unknown_resident_id_number_is_a_clear_error(town_officer: Any, village: Any) -> None:
    make_person(village, id_number=ID_NUMBERS[0])
    with pytest.raises(NotFound) as refused:
        access_person_by_id_number(town_officer, ID_NUMBERS[1])
    assert refused.value.field == "id_number"
    assert ID_NUMBERS[1] not in str(refused.value.message)  # the number is not echoed back


def test_a_resident_outside_the_scope_answers_like_an_unknown_one(town_officer: Any, other_village: Any) -> None:
    make_person(other_village, id_number=ID_NUMBERS[0])
    with pytest.raises(NotFound):
        access_person_by_id_number(town_officer, ID_NUMBERS[0])


def test_the_service_itself_refuses_a_resident_outside_the_scope(
    town_officer: Any, town: Any, other_village: Any
) -> None:
    outsider = make_person(other_village, id_number=ID_NUMBERS[0])
    training = make_training(town_officer, town)
    with pytest.raises(PermissionDenied):
        services.attendance_add(actor=town_officer, training=training, person=outsider)
    assert not Attendance.objects.exists()


def test_a_staff_member_is_added_once(town_officer: Any, village_worker: Any, town: Any) -> None:
    training = make_training(town_officer, town)
    services.attendance_add(actor=town_officer, training=training, user=village_worker)
    with pytest.raises(Conflict):
        services.attendance_add(actor=town_officer, training=training, user=village_worker)
    assert training.attendances.count() == 1


def test_a_staff_member_of_another_town_is_refused(town_officer: Any, other_town_officer: Any, town: Any) -> None:
    training = make_training(town_officer, town)
    with pytest.raises(PermissionDenied):
        services.attendance_add(actor=town_officer, training=training, user=other_town_officer)


def test_attendance_waits_until_the_training_has_taken_place(town_officer: Any, town: Any, village: Any) -> None:
    person = make_person(village, id_number=ID_NUMBERS[0])
    training = make_training(town_officer, town, date=timezone.localdate() + dt.timedelta(days=10))
    with pytest.raises(ValidationFailed) as refused:
        services.attendance_add(actor=town_officer, training=training, person=person)
    assert refused.value.field == "training"


def test_a_village_worker_cannot_record_attendance_at_a_town_training(
    town_officer: Any, village_worker: Any, town: Any, village: Any
) -> None:
    person = make_person(village, id_number=ID_NUMBERS[0])
    training = make_training(town_officer, town)
    with pytest.raises(PermissionDenied):
        services.attendance_add(actor=village_worker, training=training, person=person)


def test_a_persons_training_record_lists_every_training_with_the_total_hours(
    district_admin: Any, town_officer: Any, district: Any, town: Any, village: Any
) -> None:
    person = make_person(village, id_number=ID_NUMBERS[0])
    first = make_training(district_admin, district, date=dt.date(2025, 3, 12), hours="6.0", topic="基层干部培训")
    second = make_training(town_officer, village, date=dt.date(2025, 5, 8), hours="1.5", topic="人口学校：科学育儿")
    make_training(town_officer, town, date=dt.date(2025, 6, 1), hours="3.0", topic="没有参加的培训")
    services.attendance_add(actor=district_admin, training=first, person=person)
    services.attendance_add(actor=town_officer, training=second, person=person)

    record = training_record(person=person)
    assert record.total_hours == Decimal("7.5") and record.count == 2
    assert [a.training.topic for a in record.attendances] == ["人口学校：科学育儿", "基层干部培训"]  # newest first


def test_a_staff_members_training_record_counts_only_her_own_trainings(
    district_admin: Any, village_worker: Any, town_officer: Any, district: Any
) -> None:
    training = make_training(district_admin, district, hours="4.5")
    services.attendance_add(actor=district_admin, training=training, user=village_worker)
    assert training_record(staff=village_worker).total_hours == Decimal("4.5")
    assert training_record(staff=town_officer).total_hours == Decimal("0")


def test_taking_back_an_attendance_is_audited(town_officer: Any, village_worker: Any, town: Any) -> None:
    from xingfu.audit.models import AuditEvent

    training = make_training(town_officer, town)
    attendance = services.attendance_add(actor=town_officer, training=training, user=village_worker)
    services.attendance_remove(actor=town_officer, attendance=attendance)
    assert not training.attendances.exists()
    assert AuditEvent.objects.filter(action="outreach.attendance.remove").count() == 1

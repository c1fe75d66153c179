"""A woman registered twice and merged: her care records follow the record that stays."""

import datetime
from typing import Any

from xingfu.care import services
from xingfu.care.models import CareDueStatus, DueVisit, Enrollment, EnrollmentStatus
from xingfu.care.tests import factories
from xingfu.linkage.services import person_merge
from xingfu.registry.models import Person
from xingfu.registry.services import person_add


def _twice(village_worker: Any, village: Any, woman: Person) -> Person:
    """The same woman registered again, in another household and without her number."""
    return person_add(
        actor=village_worker,
        household=factories.household(village_worker, village),
        name=woman.name,
        sex=woman.sex,
        birth_date=woman.birth_date,
        relation="head",
        start_date=datetime.date(2020, 1, 1),
    )


def test_an_enrolment_of_the_merged_record_moves_to_the_survivor(
    town_officer: Any, village_worker: Any, village: Any, woman: Person, today: datetime.date
) -> None:
    duplicate = _twice(village_worker, village, woman)
    pregnancy = services.pregnancy_register(
        actor=village_worker, person=duplicate, lmp=today - datetime.timedelta(weeks=8)
    )

    merge = person_merge(actor=town_officer, survivor=woman, merged=duplicate, reason="registered twice")

    pregnancy.refresh_from_db()
    assert pregnancy.person == woman and pregnancy.status == EnrollmentStatus.OPEN
    assert merge.moved["elsewhere"]["xingfu.care.services.merge"]["enrollments"] == [pregnancy.pk]


def test_a_pregnancy_enrolled_on_both_records_keeps_the_survivors_and_closes_the_other(
    town_officer: Any, village_worker: Any, village: Any, woman: Person, today: datetime.date
) -> None:
    duplicate = _twice(village_worker, village, woman)
    lmp = today - datetime.timedelta(weeks=8)
    kept = services.pregnancy_register(actor=village_worker, person=woman, lmp=lmp)
    twin = services.pregnancy_register(actor=village_worker, person=duplicate, lmp=lmp)

    person_merge(actor=town_officer, survivor=woman, merged=duplicate, reason="registered twice")

    twin.refresh_from_db()
    assert twin.status == EnrollmentStatus.CLOSED and twin.person == duplicate
    assert not DueVisit.objects.filter(enrollment=twin, status=CareDueStatus.DUE).exists()
    assert list(Enrollment.objects.filter(person=woman, status=EnrollmentStatus.OPEN)) == [kept]
    assert DueVisit.objects.filter(enrollment=kept, status=CareDueStatus.DUE).exists()

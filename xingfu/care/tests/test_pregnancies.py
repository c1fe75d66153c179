"""Registering a pregnancy, her responsible worker, and recording how it ended."""

import datetime
from typing import Any

import pytest

from xingfu.audit.models import AuditEvent
from xingfu.care import services
from xingfu.care.models import CareDueStatus, DueVisit, Enrollment, EnrollmentStatus
from xingfu.care.tests import factories
from xingfu.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from xingfu.registry.models import EventKind, LifeEvent, Person


def _weeks_ago(today: datetime.date, weeks: int) -> datetime.date:
    return today - datetime.timedelta(weeks=weeks)


def test_a_village_worker_registers_a_pregnancy_and_looks_after_her(
    village_worker: Any, woman: Person, today: datetime.date
) -> None:
    enrollment = services.pregnancy_register(actor=village_worker, person=woman, lmp=_weeks_ago(today, 8))
    assert enrollment.responsible == village_worker
    assert enrollment.orgunit == woman.orgunit
    assert DueVisit.objects.filter(enrollment=enrollment, stage__code="anc1", status=CareDueStatus.DUE).exists()
    event = AuditEvent.objects.filter(action="care.pregnancy.register").get()
    assert event.changes["lmp"]["after"] == "******"  # health data is masked in the trail


def test_a_pregnancy_is_not_registered_for_a_man(village_worker: Any, village: Any, today: datetime.date) -> None:
    man = factories.resident(village_worker, village, "张伟", sex="M", birth_date=datetime.date(1990, 1, 1))
    with pytest.raises(ValidationFailed, match="recorded as a man") as error:
        services.pregnancy_register(actor=village_worker, person=man, lmp=_weeks_ago(today, 8))
    assert error.value.field == "person"
    assert not Enrollment.objects.exists()


def test_a_pregnancy_is_not_registered_for_a_girl_under_14(
    village_worker: Any, village: Any, today: datetime.date
) -> None:
    girl = factories.resident(village_worker, village, "小红", birth_date=today.replace(year=today.year - 13))
    with pytest.raises(ValidationFailed, match="enrols from age 14"):
        services.pregnancy_register(actor=village_worker, person=girl, lmp=_weeks_ago(today, 8))
    assert not Enrollment.objects.exists()


def test_a_14_year_old_is_registered_and_cared_for(village_worker: Any, village: Any, today: datetime.date) -> None:
    girl = factories.resident(village_worker, village, "小兰", birth_date=today.replace(year=today.year - 14))
    assert services.pregnancy_register(actor=village_worker, person=girl, lmp=_weeks_ago(today, 8)).pk


def test_a_second_ongoing_pregnancy_is_refused(village_worker: Any, woman: Person, today: datetime.date) -> None:
    services.pregnancy_register(actor=village_worker, person=woman, lmp=_weeks_ago(today, 8))
    with pytest.raises(Conflict, match="already has an ongoing pregnancy"):
        services.pregnancy_register(actor=village_worker, person=woman, lmp=_weeks_ago(today, 6))
    assert Enrollment.objects.count() == 1


@pytest.mark.parametrize(
    ("lmp_weeks_ago", "field", "message"),
    [(-1, "lmp", "future"), (50, "lmp", "more than 44 weeks")],
)
def test_impossible_dates_are_refused(
    village_worker: Any, woman: Person, today: datetime.date, lmp_weeks_ago: int, field: str, message: str
) -> None:
    with pytest.raises(ValidationFailed, match=message) as error:
        services.pregnancy_register(actor=village_worker, person=woman, lmp=_weeks_ago(today, lmp_weeks_ago))
    assert error.value.field == field


def test_a_worker_cannot_register_a_woman_of_another_village(
    village_worker: Any, other_village: Any, district_admin: Any, today: datetime.date
) -> None:
    stranger = factories.resident(district_admin, other_village, "赵敏")
    with pytest.raises(PermissionDenied):
        services.pregnancy_register(actor=village_worker, person=stranger, lmp=_weeks_ago(today, 8))


def test_a_town_officer_names_the_responsible_worker(
    town_officer: Any, village_worker: Any, woman: Person, today: datetime.date
) -> None:
    enrollment = services.pregnancy_register(actor=town_officer, person=woman, lmp=_weeks_ago(today, 8))
    assert enrollment.responsible is None  # registered at the town: nobody yet
    services.responsible_assign(actor=town_officer, enrollment=enrollment, worker=village_worker)
    enrollment.refresh_from_db()
    assert enrollment.responsible == village_worker


def test_a_worker_of_another_village_cannot_be_responsible(
    town_officer: Any, woman: Person, sibling_village: Any, today: datetime.date
) -> None:
    from xingfu.accounts.roles import Role
    from xingfu.core.testing import make_user

    neighbour = make_user(Role.VILLAGE_WORKER, sibling_village, "neighbour")
    enrollment = services.pregnancy_register(actor=town_officer, person=woman, lmp=_weeks_ago(today, 8))
    with pytest.raises(ValidationFailed, match="does not work in"):
        services.responsible_assign(actor=town_officer, enrollment=enrollment, worker=neighbour)


def test_a_live_birth_creates_the_child_in_the_registry(
    village_worker: Any, woman: Person, partner: Person, today: datetime.date
) -> None:
    enrollment = factories.pregnancy(
        village_worker, woman, lmp=_weeks_ago(today, 40), enrolled_on=_weeks_ago(today, 30)
    )
    born = today - datetime.timedelta(days=2)
    services.outcome_record(
        actor=village_worker,
        enrollment=enrollment,
        outcome="live_birth",
        date=born,
        place="区妇幼保健院",
        children=[services.Child(name="王小宝", sex="M")],
        father=partner,
    )
    child = Person.objects.get(name="王小宝")
    assert child.birth_date == born
    event = LifeEvent.objects.get(kind=EventKind.BIRTH, child=child)
    assert event.mother_id == woman.pk and event.father_id == partner.pk
    assert list(enrollment.children.all()) == [child]
    codes = dict(DueVisit.objects.filter(enrollment=enrollment).values_list("stage__code", "status"))
    assert codes["pnc_home"] == CareDueStatus.DUE
    assert codes.get("anc5") in (None, CareDueStatus.CANCELLED)


@pytest.mark.parametrize("outcome", ["stillbirth", "miscarriage", "termination"])
def test_other_outcomes_are_health_facts_followed_only_by_the_same_postnatal_care(
    village_worker: Any, woman: Person, today: datetime.date, outcome: str
) -> None:
    enrollment = factories.pregnancy(village_worker, woman, lmp=_weeks_ago(today, 12), enrolled_on=_weeks_ago(today, 6))
    services.outcome_record(actor=village_worker, enrollment=enrollment, outcome=outcome, date=today)
    due = set(
        DueVisit.objects.filter(enrollment=enrollment, status=CareDueStatus.DUE).values_list("stage__code", flat=True)
    )
    assert due == {"pnc_home", "pnc42"}  # post-loss care like anyone's postnatal care; nothing else follows her up
    assert not Person.objects.filter(name__contains="小").exists()


def test_a_live_birth_needs_a_child_and_a_miscarriage_has_none(
    village_worker: Any, woman: Person, today: datetime.date
) -> None:
    enrollment = factories.pregnancy(
        village_worker, woman, lmp=_weeks_ago(today, 39), enrolled_on=_weeks_ago(today, 30)
    )
    with pytest.raises(ValidationFailed, match="at least one child"):
        services.outcome_record(actor=village_worker, enrollment=enrollment, outcome="live_birth", date=today)
    with pytest.raises(ValidationFailed, match="only for a live birth"):
        services.outcome_record(
            actor=village_worker,
            enrollment=enrollment,
            outcome="miscarriage",
            date=today,
            children=[services.Child(name="x", sex="F")],
        )
    enrollment.refresh_from_db()
    assert enrollment.outcome == ""


def test_a_registry_refusal_leaves_no_outcome(village_worker: Any, woman: Person, today: datetime.date) -> None:
    enrollment = factories.pregnancy(
        village_worker, woman, lmp=_weeks_ago(today, 39), enrolled_on=_weeks_ago(today, 30)
    )
    with pytest.raises(ValidationFailed):
        services.outcome_record(
            actor=village_worker,
            enrollment=enrollment,
            outcome="live_birth",
            date=today,
            children=[services.Child(name="王一", sex="F"), services.Child(name="王二", sex="Q")],
        )
    enrollment.refresh_from_db()
    assert enrollment.outcome == "" and not Person.objects.filter(name="王一").exists()


def test_a_new_pregnancy_may_be_registered_once_the_last_one_ended(
    village_worker: Any, woman: Person, today: datetime.date
) -> None:
    first = factories.pregnancy(village_worker, woman, lmp=_weeks_ago(today, 20), enrolled_on=_weeks_ago(today, 14))
    services.outcome_record(actor=village_worker, enrollment=first, outcome="miscarriage", date=_weeks_ago(today, 12))
    second = services.pregnancy_register(actor=village_worker, person=woman, lmp=_weeks_ago(today, 6))
    assert second.status == EnrollmentStatus.OPEN


def test_unknown_enrollment_ids_answer_not_found(village_worker: Any) -> None:
    from xingfu.care.access import access_enrollment

    with pytest.raises(NotFound):
        access_enrollment(village_worker, "99999999999999999999")

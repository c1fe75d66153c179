"""Recording visits: findings, grade, referral; what was due is done."""

import datetime
from typing import Any

import pytest

from xingfu.care import services
from xingfu.care.models import CareDueKind, CareDueStatus, DueVisit, Enrollment, Stage, Visit
from xingfu.care.tests import factories
from xingfu.core.errors import Conflict, ValidationFailed


@pytest.fixture
def pregnancy(village_worker: Any, woman: Any, today: datetime.date) -> Enrollment:
    """李娜 at 10 weeks, registered two weeks ago: the first visit is due."""
    return factories.pregnancy(
        village_worker, woman, lmp=today - datetime.timedelta(weeks=10), enrolled_on=today - datetime.timedelta(weeks=2)
    )


def _due(enrollment: Enrollment, code: str) -> DueVisit:
    return DueVisit.objects.get(enrollment=enrollment, stage__code=code)


def test_recording_the_due_visit_marks_it_done_and_grades_her(
    village_worker: Any, pregnancy: Enrollment, today: datetime.date
) -> None:
    visit = services.visit_record(
        actor=village_worker,
        enrollment=pregnancy,
        date=today,
        due=_due(pregnancy, "anc1"),
        findings="建册，血压正常",
        colours=["yellow"],
        bp_systolic=118,
        bp_diastolic=76,
    )
    item = _due(pregnancy, "anc1")
    assert item.status == CareDueStatus.DONE and item.visit == visit
    pregnancy.refresh_from_db()
    assert (pregnancy.risk_colour, pregnancy.infectious, pregnancy.case_managed) == ("yellow", False, True)


def test_the_grade_can_change_and_the_latest_assessment_is_current(
    village_worker: Any, pregnancy: Enrollment, today: datetime.date
) -> None:
    services.visit_record(
        actor=village_worker,
        enrollment=pregnancy,
        date=today - datetime.timedelta(days=3),
        colours=["orange", "purple"],
    )
    pregnancy.refresh_from_db()
    assert (pregnancy.risk_colour, pregnancy.infectious) == ("orange", True)
    services.visit_record(actor=village_worker, enrollment=pregnancy, date=today, colours=["yellow"])
    pregnancy.refresh_from_db()
    assert (pregnancy.risk_colour, pregnancy.infectious) == ("yellow", False)
    # A visit recorded late does not override the later assessment.
    services.visit_record(
        actor=village_worker, enrollment=pregnancy, date=today - datetime.timedelta(days=10), colours=["red"]
    )
    pregnancy.refresh_from_db()
    assert pregnancy.risk_colour == "yellow"


def test_a_grade_outside_the_five_colours_is_refused(
    village_worker: Any, pregnancy: Enrollment, today: datetime.date
) -> None:
    with pytest.raises(ValidationFailed, match="not a risk colour") as error:
        services.visit_record(actor=village_worker, enrollment=pregnancy, date=today, colours=["blue"])
    assert error.value.field == "colours"
    assert not Visit.objects.exists()


def test_a_visit_before_the_enrolment_is_refused(
    village_worker: Any, pregnancy: Enrollment, today: datetime.date
) -> None:
    with pytest.raises(ValidationFailed, match="cannot be before the enrolment") as error:
        services.visit_record(actor=village_worker, enrollment=pregnancy, date=today - datetime.timedelta(weeks=3))
    assert error.value.field == "date"
    assert not Visit.objects.exists()


def test_a_visit_in_the_future_is_refused(village_worker: Any, pregnancy: Enrollment, today: datetime.date) -> None:
    with pytest.raises(ValidationFailed, match="future"):
        services.visit_record(actor=village_worker, enrollment=pregnancy, date=today + datetime.timedelta(days=1))
    assert not Visit.objects.exists()


def test_a_referral_is_followed_up_within_two_weeks(
    village_worker: Any, pregnancy: Enrollment, today: datetime.date
) -> None:
    visit = services.visit_record(
        actor=village_worker, enrollment=pregnancy, date=today, colours=["orange"], referral_to="区妇幼保健院产科"
    )
    follow_up = DueVisit.objects.get(kind=CareDueKind.REFERRAL, referral=visit)
    assert follow_up.status == CareDueStatus.DUE
    assert follow_up.due_by == today + datetime.timedelta(days=14)
    assert follow_up.due_on == today + datetime.timedelta(days=1)
    done = services.visit_record(
        actor=village_worker,
        enrollment=pregnancy,
        date=today,
        due=follow_up,
        findings="已到区妇幼就诊",
    )
    follow_up.refresh_from_db()
    assert follow_up.status == CareDueStatus.DONE and follow_up.visit == done


def test_a_visit_already_recorded_is_not_recorded_twice(
    village_worker: Any, pregnancy: Enrollment, today: datetime.date
) -> None:
    due = _due(pregnancy, "anc1")
    services.visit_record(actor=village_worker, enrollment=pregnancy, date=today, due=due)
    due.refresh_from_db()
    with pytest.raises(Conflict):
        services.visit_record(actor=village_worker, enrollment=pregnancy, date=today, due=due)


def test_a_visit_ahead_of_the_horizon_is_not_asked_for_again(
    village_worker: Any, pregnancy: Enrollment, today: datetime.date
) -> None:
    from xingfu.care.schedule import schedule_run

    stage = Stage.objects.get(programme__kind="maternal", code="anc2")
    services.visit_record(actor=village_worker, enrollment=pregnancy, date=today, stage=stage)
    schedule_run(today=today + datetime.timedelta(weeks=8))
    assert list(DueVisit.objects.filter(enrollment=pregnancy, stage=stage).values_list("status", flat=True)) == ["done"]


def test_the_42_day_check_closes_the_enrolment(village_worker: Any, woman: Any, today: datetime.date) -> None:
    enrollment = factories.pregnancy(
        village_worker,
        woman,
        lmp=today - datetime.timedelta(weeks=46),
        enrolled_on=today - datetime.timedelta(weeks=36),
    )
    services.outcome_record(
        actor=village_worker,
        enrollment=enrollment,
        outcome="live_birth",
        date=today - datetime.timedelta(days=43),
        children=[services.Child(name="王小妹", sex="F")],
    )
    services.visit_record(
        actor=village_worker, enrollment=enrollment, date=today, stage=_due(enrollment, "pnc42").stage
    )
    enrollment.refresh_from_db()
    assert enrollment.status == "closed"
    assert not DueVisit.objects.filter(enrollment=enrollment, status=CareDueStatus.DUE).exists()
    with pytest.raises(ValidationFailed, match="closed"):
        services.visit_record(actor=village_worker, enrollment=enrollment, date=today)


def test_an_antenatal_visit_after_the_birth_is_refused(
    village_worker: Any, pregnancy: Enrollment, today: datetime.date
) -> None:
    services.outcome_record(actor=village_worker, enrollment=pregnancy, outcome="miscarriage", date=today)
    stage = Stage.objects.get(programme__kind="maternal", code="anc2")
    with pytest.raises(ValidationFailed, match="antenatal"):
        services.visit_record(actor=village_worker, enrollment=pregnancy, date=today, stage=stage)


def test_blood_pressure_must_make_sense(village_worker: Any, pregnancy: Enrollment, today: datetime.date) -> None:
    with pytest.raises(ValidationFailed) as error:
        services.visit_record(actor=village_worker, enrollment=pregnancy, date=today, bp_systolic=80, bp_diastolic=120)
    assert error.value.field == "bp_diastolic"

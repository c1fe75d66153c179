"""The schedule: national antenatal windows from the last menstrual period, materialised within a horizon."""

import datetime
from typing import Any

from xingfu.care.models import CareAnchor, CareDueStatus, DueVisit, Programme, Stage
from xingfu.care.schedule import expected_delivery, schedule_run, stage_occurrences
from xingfu.care.tests import factories

LMP = datetime.date(2026, 1, 5)


def _maternal_stages() -> list[Stage]:
    return list(Stage.objects.filter(programme__kind="maternal").order_by("order"))


def test_antenatal_windows_are_counted_from_the_lmp() -> None:
    far = datetime.date(2030, 1, 1)
    windows = {
        s.code: [(o.due_on, o.due_by) for o in stage_occurrences(s, {CareAnchor.LMP: LMP}, until=far)]
        for s in _maternal_stages()
    }
    assert windows["anc1"] == [(LMP + datetime.timedelta(weeks=6), LMP + datetime.timedelta(days=90))]
    assert windows["anc2"] == [(datetime.date(2026, 4, 27), datetime.date(2026, 5, 31))]  # 16w0d – 20w6d
    assert windows["anc3"] == [(LMP + datetime.timedelta(weeks=21), LMP + datetime.timedelta(days=174))]
    assert windows["anc4"] == [(LMP + datetime.timedelta(weeks=28), LMP + datetime.timedelta(days=258))]
    assert windows["anc5"] == [(LMP + datetime.timedelta(weeks=37), LMP + datetime.timedelta(days=286))]
    # Postnatal visits are counted from the end of the pregnancy, unknown until it is recorded.
    assert windows["pnc_home"] == [] and windows["pnc42"] == []
    assert expected_delivery(LMP) == datetime.date(2026, 10, 12)


def test_postnatal_windows_follow_the_outcome_and_antenatal_ones_stop_there() -> None:
    birth = datetime.date(2026, 8, 1)  # at 29 weeks
    anchors: dict[str, datetime.date | None] = {CareAnchor.LMP: LMP, CareAnchor.OUTCOME: birth}
    by_code = {s.code: stage_occurrences(s, anchors, until=datetime.date(2030, 1, 1)) for s in _maternal_stages()}
    assert by_code["anc4"] and not by_code["anc5"]
    assert [(o.due_on, o.due_by) for o in by_code["pnc_home"]] == [
        (datetime.date(2026, 8, 4), datetime.date(2026, 8, 8))
    ]
    assert by_code["pnc42"][0].due_on == datetime.date(2026, 9, 12)


def test_a_repeatable_stage_comes_round_until_its_end() -> None:
    programme = Programme.objects.create(code="monthly", kind="screening", name_zh="月访", active=False)
    stage = Stage.objects.create(
        programme=programme, code="m", name_zh="月访", kind="followup", order=1, anchor="enrolment",
        offset_days=0, window_days=6, repeatable=True, repeat_interval_days=30, repeat_until_days=90,
    )  # fmt: skip
    start = datetime.date(2026, 3, 1)
    got = stage_occurrences(stage, {CareAnchor.ENROLMENT: start}, until=datetime.date(2027, 1, 1))
    assert [(o.occurrence, o.due_on) for o in got] == [
        (1, start),
        (2, start + datetime.timedelta(days=30)),
        (3, start + datetime.timedelta(days=60)),
        (4, start + datetime.timedelta(days=90)),
    ]


def test_only_visits_within_the_horizon_are_materialised(village_worker: Any, woman: Any, today: datetime.date) -> None:
    lmp = today - datetime.timedelta(weeks=8)
    enrollment = factories.pregnancy(village_worker, woman, lmp=lmp, enrolled_on=today)
    due = list(DueVisit.objects.filter(enrollment=enrollment).values_list("stage__code", flat=True))
    assert due == ["anc1"]  # 16 weeks is beyond six weeks from now
    schedule_run(today=today + datetime.timedelta(weeks=3))
    assert set(DueVisit.objects.filter(enrollment=enrollment).values_list("stage__code", flat=True)) == {"anc1", "anc2"}
    # Running again creates nothing twice.
    assert schedule_run(today=today + datetime.timedelta(weeks=3))["created"] == 0


def test_a_late_registration_is_not_handed_visits_long_past(
    village_worker: Any, woman: Any, today: datetime.date
) -> None:
    enrollment = factories.pregnancy(village_worker, woman, lmp=today - datetime.timedelta(weeks=30), enrolled_on=today)
    codes = set(DueVisit.objects.filter(enrollment=enrollment).values_list("stage__code", flat=True))
    assert codes == {"anc4"}  # 28–36 weeks is open now; 37 weeks is beyond the horizon


def test_long_overdue_visits_are_marked_missed(village_worker: Any, woman: Any, today: datetime.date) -> None:
    enrollment = factories.pregnancy(village_worker, woman, lmp=today - datetime.timedelta(weeks=8), enrolled_on=today)
    schedule_run(today=today + datetime.timedelta(weeks=18))
    anc1 = DueVisit.objects.get(enrollment=enrollment, stage__code="anc1")
    assert anc1.status == CareDueStatus.MISSED


def test_an_enrolment_whose_last_contact_is_long_past_ends(
    village_worker: Any, woman: Any, today: datetime.date
) -> None:
    from xingfu.care import services

    enrollment = factories.pregnancy(village_worker, woman, lmp=today - datetime.timedelta(weeks=20), enrolled_on=today)
    services.outcome_record(actor=village_worker, enrollment=enrollment, outcome="miscarriage", date=today)
    counts = schedule_run(today=today + datetime.timedelta(days=130))
    enrollment.refresh_from_db()
    assert enrollment.status == "closed" and counts["closed"] == 1
    assert not DueVisit.objects.filter(enrollment=enrollment, status=CareDueStatus.DUE).exists()


def test_an_enrolment_of_a_woman_who_moved_away_ends(village_worker: Any, woman: Any, today: datetime.date) -> None:
    from xingfu.registry.services import move_out_record

    enrollment = factories.pregnancy(village_worker, woman, lmp=today - datetime.timedelta(weeks=10), enrolled_on=today)
    move_out_record(actor=village_worker, person=woman, date=today, destination="济南市")
    schedule_run(today=today)
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.close_reason) == ("closed", "moved out of the district")
    assert not DueVisit.objects.filter(enrollment=enrollment, status=CareDueStatus.DUE).exists()

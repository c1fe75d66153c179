"""When visits are due, and the materialised rows of what is due (``DueVisit``).

Due visits are *materialised* within a short horizon rather than computed on every read (docs/care.md
explains the choice): a new enrolment, a recorded check-up or an outcome schedules its own near-term visits
at once, and ``xingfu care_schedule`` (nightly, or the ``care_schedule_task``) rolls the horizon forward for
everyone in one pass of set-based statements, one per programme stage, never one per woman.

The same pass keeps the rows bounded: an item left undone ``MISSED_AFTER_DAYS`` past its window is marked
missed, items of enrolments that ended are cancelled, and an enrolment ends when its closing stage (the
42-day postnatal check) is done or missed, or when the registry records the woman dead or moved away.
"""

import datetime
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Exists, F, OuterRef, QuerySet, Subquery
from django.utils import timezone

from xingfu.audit.services import audit_record
from xingfu.care.models import (
    ANCHOR_FIELDS,
    CareAnchor,
    CareDueKind,
    CareDueStatus,
    DueVisit,
    Enrollment,
    EnrollmentStatus,
    Stage,
)
from xingfu.registry.models import Person, PersonStatus

HORIZON_DAYS = 42  # materialise six weeks ahead ...
WORKLIST_DAYS = 28  # ... of which a worklist shows four
MISSED_AFTER_DAYS = 56  # undone this long after its window closed: missed, off the worklist
REFERRAL_FOLLOWUP_DAYS = 14  # a referral is followed up within two weeks (care.md)
GESTATION_DAYS = 280  # Naegele: the expected date of delivery is LMP + 280 days

_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Occurrence:
    stage: Stage
    occurrence: int
    due_on: datetime.date
    due_by: datetime.date


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def stage_occurrences(
    stage: Stage,
    anchors: Mapping[str, datetime.date | None],
    *,
    until: datetime.date,
    first: int = 1,
    max_occurrences: int = 60,
) -> list[Occurrence]:
    """The occurrences of ``stage`` (numbered from ``first``) whose window opens on or before ``until``.

    ``anchors`` maps each anchor (``lmp``, ``check``, ``outcome``, ``enrolment``) to its date or None; a
    stage whose anchor date is unknown is not due yet. A stage that stops at the outcome is not due on or
    after the day the pregnancy ended.
    """
    anchor = anchors.get(stage.anchor)
    if anchor is None:
        return []
    outcome = anchors.get(CareAnchor.OUTCOME)
    interval = stage.repeat_interval_days if stage.repeatable else None
    found: list[Occurrence] = []
    k = first - 1
    while len(found) < max_occurrences:
        offset = stage.offset_days + k * (interval or 0)
        if stage.repeat_until_days is not None and k > 0 and offset > stage.repeat_until_days:
            break
        due_on = anchor + _days(offset)
        if due_on > until or (stage.stops_at_outcome and outcome is not None and due_on >= outcome):
            break
        found.append(Occurrence(stage, k + 1, due_on, due_on + _days(stage.window_days)))
        if interval is None:
            break
        k += 1
    return found


def anchors_of(enrollment: Enrollment) -> dict[str, datetime.date | None]:
    return {anchor: getattr(enrollment, field) for anchor, field in ANCHOR_FIELDS.items()}


def expected_delivery(lmp: datetime.date) -> datetime.date:
    return lmp + _days(GESTATION_DAYS)


def gestation(lmp: datetime.date, on: datetime.date) -> tuple[int, int]:
    """Completed weeks and days of pregnancy on ``on``."""
    days = (on - lmp).days
    return days // 7, days % 7


# --- materialising --------------------------------------------------------------------------------------


def _open_enrollments(ids: Collection[int] | None) -> QuerySet[Enrollment]:
    qs = Enrollment.objects.filter(status=EnrollmentStatus.OPEN, programme__active=True)
    return qs.filter(pk__in=ids) if ids is not None else qs


def _generate(today: datetime.date, until: datetime.date, ids: Collection[int] | None) -> int:
    """Create the due items whose window opens by ``until`` and that do not exist yet: one query and one bulk
    insert per stage. Items whose window closed before the enrolment, or long ago, are not created (a woman
    registered at 30 weeks is not handed the 16-week visit)."""
    stale_before = today - _days(MISSED_AFTER_DAYS)
    created = 0
    for stage in Stage.objects.filter(programme__active=True).order_by("programme_id", "order"):
        field = ANCHOR_FIELDS[stage.anchor]
        candidates = _open_enrollments(ids).filter(
            programme_id=stage.programme_id,
            **{f"{field}__isnull": False, f"{field}__lte": until - _days(stage.offset_days)},
        )
        if stage.stops_at_outcome:
            candidates = candidates.filter(outcome="")
        rows: list[DueVisit] = []
        if not stage.repeatable:
            if not stage.closes_enrollment:
                last_useful = stale_before - _days(stage.offset_days + stage.window_days)
                candidates = candidates.filter(**{f"{field}__gte": last_useful})
            candidates = candidates.exclude(Exists(DueVisit.objects.filter(enrollment=OuterRef("pk"), stage=stage)))
            for pk, anchor, enrolled_on in candidates.values_list("pk", field, "enrolled_on"):
                due_on = anchor + _days(stage.offset_days)
                due_by = due_on + _days(stage.window_days)
                if stage.closes_enrollment and (due_by < stale_before or due_by < enrolled_on):
                    # The closing contact long past and never recorded: missed, so that the enrolment ends.
                    rows.append(
                        DueVisit(
                            enrollment_id=pk, stage=stage, due_on=due_on, due_by=due_by, status=CareDueStatus.MISSED
                        )
                    )
                elif due_by >= enrolled_on:
                    # (A window that closed before she was enrolled was never hers to keep.)
                    rows.append(DueVisit(enrollment_id=pk, stage=stage, due_on=due_on, due_by=due_by))
        else:
            last = DueVisit.objects.filter(enrollment=OuterRef("pk"), stage=stage).order_by("-occurrence")
            candidates = candidates.annotate(last_occurrence=Subquery(last.values("occurrence")[:1]))
            for values in candidates.values(*ANCHOR_FIELDS.values(), "pk", "last_occurrence"):
                anchors = {anchor: values[f] for anchor, f in ANCHOR_FIELDS.items()}
                for occ in stage_occurrences(stage, anchors, until=until, first=(values["last_occurrence"] or 0) + 1):
                    if occ.due_by >= stale_before:
                        rows.append(
                            DueVisit(
                                enrollment_id=values["pk"],
                                stage=stage,
                                occurrence=occ.occurrence,
                                due_on=occ.due_on,
                                due_by=occ.due_by,
                            )
                        )
        # A concurrent run may have created some of them: the unique constraint keeps one.
        DueVisit.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
        created += len(rows)
    return created


def _close_departed(today: datetime.date, ids: Collection[int] | None) -> int:
    """Enrolments of women the registry records as deceased or moved out of the district end."""
    closed = 0
    for status, reason in ((PersonStatus.DEAD, "deceased"), (PersonStatus.MOVED_OUT, "moved out of the district")):
        closed += (
            _open_enrollments(ids)
            .filter(person__status=status)
            .update(status=EnrollmentStatus.CLOSED, closed_on=today, close_reason=reason)
        )
    return closed


def _follow_moves(ids: Collection[int] | None) -> int:
    """An enrolment follows its woman to her new village; a responsible worker whose scope does not reach
    the new village is released (the town sees the enrolment as unassigned)."""
    moved = _open_enrollments(ids).exclude(orgunit_id=F("person__orgunit_id"))
    count = moved.update(orgunit_id=Subquery(Person.objects.filter(pk=OuterRef("person_id")).values("orgunit_id")[:1]))
    if count:
        _open_enrollments(ids).filter(responsible__isnull=False).exclude(
            orgunit__path__startswith=F("responsible__scope__path")
        ).update(responsible=None)
    return count


def _finish(today: datetime.date, ids: Collection[int] | None) -> dict[str, int]:
    due = DueVisit.objects.filter(status=CareDueStatus.DUE)
    if ids is not None:
        due = due.filter(enrollment_id__in=ids)
    missed = due.filter(due_by__lt=today - _days(MISSED_AFTER_DAYS)).update(status=CareDueStatus.MISSED)
    ended_pregnancy = due.filter(stage__stops_at_outcome=True).exclude(enrollment__outcome="")
    cancelled = ended_pregnancy.update(status=CareDueStatus.CANCELLED)
    finished = DueVisit.objects.filter(
        enrollment=OuterRef("pk"),
        stage__closes_enrollment=True,
        status__in=[CareDueStatus.DONE, CareDueStatus.MISSED],
    )
    closed = (
        _open_enrollments(ids)
        .filter(Exists(finished))
        .update(status=EnrollmentStatus.CLOSED, closed_on=today, close_reason="schedule complete")
    )
    cancelled += due.filter(enrollment__status=EnrollmentStatus.CLOSED).update(status=CareDueStatus.CANCELLED)
    return {"missed": missed, "cancelled": cancelled, "closed": closed}


@transaction.atomic
def schedule_run(
    *, today: datetime.date | None = None, horizon_days: int = HORIZON_DAYS, ids: Collection[int] | None = None
) -> dict[str, int]:
    """Bring the due items of all open enrolments (or of ``ids``) up to date on ``today``; returns counts."""
    today = today or timezone.localdate()
    counts: dict[str, Any] = {"departed": _close_departed(today, ids), "moved": _follow_moves(ids)}
    counts["created"] = _generate(today, today + _days(horizon_days), ids)
    counts.update(_finish(today, ids))
    if ids is None:
        audit_record(
            actor=None,
            action="care.schedule.run",
            object_type="care.schedule",
            object_id=today.isoformat(),
            changes={what: {"before": None, "after": n} for what, n in counts.items()},
        )
    return counts


def schedule_enrollment(enrollment: Enrollment, *, today: datetime.date | None = None) -> int:
    """Schedule one enrolment's near-term visits now (after it is registered, checked or its outcome is
    recorded), so that its worker sees them without waiting for the nightly run."""
    today = today or timezone.localdate()
    return _generate(today, today + _days(HORIZON_DAYS), [enrollment.pk])


def referral_followup_create(*, visit: Any) -> DueVisit:
    """The follow-up of a referral: due from the day after the referring visit, within two weeks of it."""
    return DueVisit.objects.create(
        enrollment_id=visit.enrollment_id,
        kind=CareDueKind.REFERRAL,
        referral=visit,
        due_on=visit.date + _DAY,
        due_by=visit.date + _days(REFERRAL_FOLLOWUP_DAYS),
    )


def lateness_days(due_by: datetime.date, today: datetime.date) -> int:
    """Days past the window (positive when overdue)."""
    return (today - due_by).days

"""Recording a visit: findings, the risk grade, a referral; what was due is done."""

import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from xingfu.audit.services import audit_record, field_changes
from xingfu.care.access import require_record
from xingfu.care.grading import Grade, grade_combine
from xingfu.care.models import (
    ANCHOR_FIELDS,
    CareDueKind,
    CareDueStatus,
    DueVisit,
    Enrollment,
    EnrollmentStatus,
    Stage,
    Visit,
)
from xingfu.care.schedule import anchors_of, referral_followup_create, stage_occurrences
from xingfu.care.services._common import SENSITIVE, check_date, check_text, today
from xingfu.core.errors import Conflict, ValidationFailed


def _check_measures(
    weight_kg: Decimal | None, bp_systolic: int | None, bp_diastolic: int | None
) -> tuple[Decimal | None, int | None, int | None]:
    if weight_kg is not None and not Decimal("20") <= Decimal(weight_kg) <= Decimal("250"):
        raise ValidationFailed(_("A weight lies between 20 and 250 kg."), field="weight_kg")
    for value, field in ((bp_systolic, "bp_systolic"), (bp_diastolic, "bp_diastolic")):
        if value is not None and not 30 <= int(value) <= 300:
            raise ValidationFailed(_("A blood pressure lies between 30 and 300 mmHg."), field=field)
    if (bp_systolic is None) != (bp_diastolic is None):
        raise ValidationFailed(_("Give both blood-pressure values, or neither."), field="bp_diastolic")
    if bp_systolic is not None and bp_diastolic is not None and bp_diastolic >= bp_systolic:
        raise ValidationFailed(_("The diastolic pressure must be below the systolic."), field="bp_diastolic")
    return (Decimal(weight_kg) if weight_kg is not None else None), bp_systolic, bp_diastolic


def _due_for(
    enrollment: Enrollment, *, due: DueVisit | None, stage: Stage | None, date: datetime.date
) -> tuple[DueVisit | None, Stage | None]:
    """The due item this visit fulfils, and its stage. An item not materialised yet (a visit ahead of the
    horizon) is created as done, so the schedule never asks for it again."""
    if due is not None:
        if due.enrollment_id != enrollment.pk:
            raise ValidationFailed(_("That due visit belongs to another enrolment."), field="due")
        if due.status == CareDueStatus.DONE:
            raise Conflict(_("That visit is already recorded."), field="due")
        if due.status == CareDueStatus.CANCELLED:
            raise ValidationFailed(_("That visit is no longer due."), field="due")
        if stage is not None and due.stage_id != stage.pk:
            raise ValidationFailed(_("The stage does not match the due visit."), field="stage")
        return due, due.stage
    if stage is None:
        return None, None
    if stage.programme_id != enrollment.programme_id:
        raise ValidationFailed(_("That stage belongs to another programme."), field="stage")
    open_item = (
        DueVisit.objects.filter(
            enrollment=enrollment, stage=stage, status__in=[CareDueStatus.DUE, CareDueStatus.MISSED]
        )
        .order_by("occurrence")
        .first()
    )
    if open_item is not None:
        return open_item, stage
    done = DueVisit.objects.filter(enrollment=enrollment, stage=stage).order_by("-occurrence").first()
    if done is not None and not stage.repeatable:
        raise Conflict(_("%(stage)s is already recorded.") % {"stage": stage.name}, field="stage")
    anchors = anchors_of(enrollment)
    occurrences = stage_occurrences(
        stage, anchors, until=max(date, today()), first=(done.occurrence + 1) if done else 1
    )
    if not occurrences:
        return None, stage
    occ = occurrences[0]
    item = DueVisit.objects.create(
        enrollment=enrollment, stage=stage, occurrence=occ.occurrence, due_on=occ.due_on, due_by=occ.due_by
    )
    return item, stage


def _check_stage_date(enrollment: Enrollment, stage: Stage | None, date: datetime.date) -> None:
    if stage is None:
        return
    anchor = getattr(enrollment, ANCHOR_FIELDS[stage.anchor])
    if anchor is None:
        raise ValidationFailed(
            _("%(stage)s is counted from a date not recorded yet (%(anchor)s).")
            % {"stage": stage.name, "anchor": stage.get_anchor_display()},
            field="stage",
        )
    if date < anchor:
        raise ValidationFailed(
            _("%(stage)s cannot take place before %(date)s.") % {"stage": stage.name, "date": anchor.isoformat()},
            field="date",
        )
    if stage.stops_at_outcome and enrollment.outcome_on is not None and date >= enrollment.outcome_on:
        raise ValidationFailed(
            _("The pregnancy ended on %(date)s; %(stage)s is an antenatal visit.")
            % {"date": enrollment.outcome_on.isoformat(), "stage": stage.name},
            field="stage",
        )


def _current_grade(enrollment: Enrollment) -> Grade | None:
    """The latest assessment by date (a visit recorded late does not override a later one)."""
    latest = enrollment.visits.exclude(risk_colour="").order_by("-date", "-id").first()
    return Grade(latest.risk_colour, latest.infectious) if latest else None


@transaction.atomic
def visit_record(
    *,
    actor: Any,
    enrollment: Enrollment,
    date: datetime.date,
    due: DueVisit | None = None,
    stage: Stage | None = None,
    findings: str = "",
    colours: Sequence[str] | None = None,
    weight_kg: Decimal | None = None,
    bp_systolic: int | None = None,
    bp_diastolic: int | None = None,
    referral_to: str = "",
) -> Visit:
    """Record a visit to an enrolled woman: what was found, the risk colours of what was found (the grade is
    the highest, purple combined; it becomes her current grade), and where she was referred, if anywhere —
    a referral puts its follow-up on the worklist, due within two weeks. The due visit it fulfils is done.
    """
    require_record(actor, enrollment.orgunit)
    if enrollment.status != EnrollmentStatus.OPEN:
        raise ValidationFailed(_("This enrolment is closed; no visits can be added."), field="enrollment")
    date = check_date(date, field="date")
    if date < enrollment.enrolled_on:
        raise ValidationFailed(
            _("The visit (%(date)s) cannot be before the enrolment (%(enrolled)s).")
            % {"date": date.isoformat(), "enrolled": enrollment.enrolled_on.isoformat()},
            field="date",
        )
    findings = check_text(findings, field="findings", max_length=4000)
    referral_to = check_text(referral_to, field="referral_to", max_length=200)
    weight, systolic, diastolic = _check_measures(weight_kg, bp_systolic, bp_diastolic)
    grade = grade_combine(colours) if colours else None
    if due is not None and due.kind == CareDueKind.REFERRAL:
        stage = None
        if due.referral is not None and date < due.referral.date:
            raise ValidationFailed(_("A referral's follow-up cannot be before the referral."), field="date")
    _check_stage_date(enrollment, stage if due is None else due.stage, date)
    item, stage = _due_for(enrollment, due=due, stage=stage, date=date)
    visit = Visit.objects.create(
        enrollment=enrollment,
        stage=stage,
        date=date,
        findings=findings,
        weight_kg=weight,
        bp_systolic=systolic,
        bp_diastolic=diastolic,
        risk_colour=grade.colour if grade else "",
        infectious=grade.infectious if grade else False,
        referral_to=referral_to,
        recorded_by=actor,
    )
    if item is not None:
        item.status = CareDueStatus.DONE
        item.visit = visit
        item.save(update_fields=["status", "visit"])
    before = {"risk_colour": enrollment.risk_colour, "infectious": enrollment.infectious}
    if grade is not None:
        current = _current_grade(enrollment)
        if current is not None:
            enrollment.risk_colour, enrollment.infectious = current.colour, current.infectious
    closes = stage is not None and stage.closes_enrollment
    if closes:
        enrollment.status = EnrollmentStatus.CLOSED
        enrollment.closed_on = max(date, enrollment.enrolled_on)
        enrollment.close_reason = "schedule complete"
    enrollment.save(update_fields=["risk_colour", "infectious", "status", "closed_on", "close_reason", "updated_at"])
    if closes:
        DueVisit.objects.filter(enrollment=enrollment, status=CareDueStatus.DUE).update(status=CareDueStatus.CANCELLED)
    if referral_to:
        referral_followup_create(visit=visit)
    audit_record(
        actor=actor,
        action="care.visit.record",
        object_type="care.visit",
        object_id=visit.pk,
        orgunit=enrollment.orgunit,
        changes=field_changes(
            before,
            {
                "enrollment": enrollment.pk,
                "stage": stage.code if stage else None,
                "date": date,
                "findings": findings,
                "risk_colour": enrollment.risk_colour,
                "infectious": enrollment.infectious,
                "referral_to": referral_to,
                "status": enrollment.status,
            },
            sensitive=SENSITIVE,
        ),
    )
    return visit

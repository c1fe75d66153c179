"""Pregnancies: registering one, naming her responsible worker, recording how it ended, closing it."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from xingfu.accounts.roles import Perm
from xingfu.care.access import require_record
from xingfu.care.models import (
    CareDueStatus,
    CareOutcome,
    CareProgrammeKind,
    DueVisit,
    Enrollment,
    EnrollmentStatus,
)
from xingfu.care.schedule import schedule_enrollment
from xingfu.care.services._common import (
    active_programme,
    audit_enrollment,
    check_date,
    check_eligible,
    check_living,
    check_text,
    today,
)
from xingfu.core.errors import Conflict, PermissionDenied, ValidationFailed
from xingfu.orgunits.models import Level
from xingfu.registry.models import Person, Sex
from xingfu.registry.services import birth_record

# A last menstrual period further back than this means the pregnancy has ended (44 weeks is beyond any
# term pregnancy): registering it is almost always a wrong date.
LMP_MAX_DAYS = 44 * 7


def _check_responsible(worker: Any, enrollment_village: Any) -> None:
    if worker is None:
        return
    if not worker.is_active or not worker.can(Perm.CARE_RECORD):
        raise ValidationFailed(
            _("%(name)s is not a health worker.") % {"name": worker.display_name}, field="responsible"
        )
    if not enrollment_village.path.startswith(worker.scope.path):
        raise ValidationFailed(
            _("%(name)s does not work in %(village)s.")
            % {"name": worker.display_name, "village": enrollment_village.name},
            field="responsible",
        )


def _ongoing(programme: Any, person: Person) -> Enrollment | None:
    return Enrollment.objects.filter(
        programme=programme, person=person, status=EnrollmentStatus.OPEN, outcome=""
    ).first()


def create_enrollment(**fields: Any) -> Enrollment:
    """Insert, turning a lost race against the one-ongoing-enrolment constraint into the same refusal."""
    try:
        with transaction.atomic():
            return Enrollment.objects.create(**fields)
    except IntegrityError as exc:
        raise Conflict(_("This woman already has an ongoing enrolment in this programme."), field="person") from exc


@transaction.atomic
def pregnancy_register(
    *,
    actor: Any,
    person: Person,
    lmp: datetime.date,
    enrolled_on: datetime.date | None = None,
    responsible: Any = None,
) -> Enrollment:
    """Register a pregnancy for a woman in the registry: she gets the national visit schedule, counted from
    her last menstrual period, and a responsible health worker (default: the worker registering her)."""
    require_record(actor, person.orgunit)
    programme = active_programme(CareProgrammeKind.MATERNAL)
    enrolled_on = check_date(enrolled_on or today(), field="enrolled_on")
    lmp = check_date(lmp, field="lmp")
    check_living(person, field="person")
    if person.sex != Sex.FEMALE:
        raise ValidationFailed(
            _("%(name)s is recorded as a man; a pregnancy is registered for a woman.") % {"name": person.name},
            field="person",
        )
    check_eligible(programme, person, on=enrolled_on, field="person")
    if lmp > enrolled_on:
        raise ValidationFailed(_("The last menstrual period cannot be after the registration date."), field="lmp")
    if lmp < person.birth_date:
        raise ValidationFailed(_("The last menstrual period cannot be before her birth."), field="lmp")
    if (enrolled_on - lmp).days > LMP_MAX_DAYS:
        raise ValidationFailed(
            _(
                "A last menstrual period more than 44 weeks before registration means the pregnancy has ended; "
                "check the date."
            ),
            field="lmp",
        )
    existing = _ongoing(programme, person)
    if existing is not None:
        raise Conflict(
            _("%(name)s already has an ongoing pregnancy, registered on %(date)s.")
            % {"name": person.name, "date": existing.enrolled_on.isoformat()},
            field="person",
        )
    if responsible is None and actor.scope.level == Level.VILLAGE:
        responsible = actor  # a village worker registering a woman looks after her, unless she names another
    _check_responsible(responsible, person.orgunit)
    enrollment = create_enrollment(
        programme=programme,
        person=person,
        orgunit=person.orgunit,
        responsible=responsible,
        enrolled_on=enrolled_on,
        lmp=lmp,
        created_by=actor,
    )
    audit_enrollment(
        actor,
        enrollment,
        "pregnancy.register",
        None,
        {
            "person": person.pk,
            "enrolled_on": enrolled_on,
            "lmp": lmp,
            "responsible": responsible.username if responsible else None,
        },
    )
    schedule_enrollment(enrollment)
    return enrollment


@transaction.atomic
def responsible_assign(*, actor: Any, enrollment: Enrollment, worker: Any) -> Enrollment:
    """Name the health worker responsible for an enrolment (None: nobody, the town sees it unassigned)."""
    require_record(actor, enrollment.orgunit)
    if enrollment.status != EnrollmentStatus.OPEN:
        raise ValidationFailed(_("This enrolment is closed."), field="responsible")
    _check_responsible(worker, enrollment.orgunit)
    if worker is not None and not worker.scope.path.startswith(actor.scope.path):
        raise PermissionDenied(_("%(name)s works outside your scope.") % {"name": worker.display_name})
    before = {"responsible": enrollment.responsible.username if enrollment.responsible else None}
    enrollment.responsible = worker
    enrollment.save(update_fields=["responsible", "updated_at"])
    audit_enrollment(
        actor, enrollment, "responsible.assign", before, {"responsible": worker.username if worker else None}
    )
    return enrollment


@dataclass(frozen=True)
class Child:
    """A child born alive, for the registry: the name chosen (or a placeholder such as 李娜之子), sex, and the
    resident-ID number if one is already issued."""

    name: str
    sex: str
    id_number: str | None = None


def _cancel_due(enrollment: Enrollment, *, antenatal_only: bool) -> int:
    due = DueVisit.objects.filter(enrollment=enrollment, status=CareDueStatus.DUE)
    if antenatal_only:
        due = due.filter(stage__stops_at_outcome=True)
    return due.update(status=CareDueStatus.CANCELLED)


@transaction.atomic
def outcome_record(
    *,
    actor: Any,
    enrollment: Enrollment,
    outcome: str,
    date: datetime.date,
    place: str = "",
    children: list[Child] | None = None,
    father: Person | None = None,
) -> Enrollment:
    """Record how a pregnancy ended: a health fact for her care and for statistics, whatever it is. The
    antenatal visits stop and the postnatal ones (postnatal or post-loss care, the same for everyone) are
    scheduled. A live birth adds each child to the registry through the registry's birth service."""
    require_record(actor, enrollment.orgunit)
    if enrollment.programme.kind != CareProgrammeKind.MATERNAL:
        raise ValidationFailed(_("An outcome is recorded for a pregnancy."), field="outcome")
    if enrollment.status != EnrollmentStatus.OPEN:
        raise ValidationFailed(_("This enrolment is closed."), field="outcome")
    if enrollment.outcome:
        raise Conflict(_("The outcome of this pregnancy is already recorded."), field="outcome")
    if outcome not in CareOutcome.values:
        raise ValidationFailed(
            _("Unknown outcome; one of: %(choices)s.") % {"choices": ", ".join(CareOutcome.values)}, field="outcome"
        )
    date = check_date(date, field="date")
    if enrollment.lmp is not None and date <= enrollment.lmp:
        raise ValidationFailed(_("The pregnancy cannot end on or before the last menstrual period."), field="date")
    if date < enrollment.enrolled_on:
        raise ValidationFailed(
            _("The pregnancy cannot end before it was registered (%(date)s).") % {"date": enrollment.enrolled_on},
            field="date",
        )
    place = check_text(place, field="place", max_length=200)
    children = list(children or [])
    if outcome == CareOutcome.LIVE_BIRTH and not children:
        raise ValidationFailed(_("A live birth needs at least one child."), field="children")
    if outcome != CareOutcome.LIVE_BIRTH and children:
        raise ValidationFailed(_("Children are recorded only for a live birth."), field="children")
    if len(children) > 6:
        raise ValidationFailed(_("At most six children are born at one birth."), field="children")
    born = []
    for child in children:
        event = birth_record(
            actor=actor,
            mother=enrollment.person,
            date=date,
            sex=child.sex,
            name=child.name,
            father=father,
            place=place,
            id_number=child.id_number or None,
        )
        born.append(event.person)
    enrollment.outcome = outcome
    enrollment.outcome_on = date
    enrollment.outcome_place = place
    enrollment.save(update_fields=["outcome", "outcome_on", "outcome_place", "updated_at"])
    if born:
        enrollment.children.add(*born)
    _cancel_due(enrollment, antenatal_only=True)
    audit_enrollment(
        actor,
        enrollment,
        "outcome.record",
        None,
        {"outcome": outcome, "outcome_on": date, "outcome_place": place, "children": [p.pk for p in born]},
    )
    schedule_enrollment(enrollment)
    return enrollment


@transaction.atomic
def enrollment_close(*, actor: Any, enrollment: Enrollment, reason: str, on: datetime.date | None = None) -> Enrollment:
    """Close an enrolment before its schedule is complete (she moved away, is cared for elsewhere, declined
    further visits); what is still due is cancelled."""
    require_record(actor, enrollment.orgunit)
    if enrollment.status != EnrollmentStatus.OPEN:
        raise Conflict(_("This enrolment is already closed."), field="reason")
    reason = check_text(reason, field="reason", max_length=200, required=True)
    on = check_date(on or today(), field="on")
    if on < enrollment.enrolled_on:
        raise ValidationFailed(_("An enrolment cannot close before it began."), field="on")
    enrollment.status = EnrollmentStatus.CLOSED
    enrollment.closed_on = on
    enrollment.close_reason = reason
    enrollment.save(update_fields=["status", "closed_on", "close_reason", "updated_at"])
    _cancel_due(enrollment, antenatal_only=False)
    audit_enrollment(
        actor,
        enrollment,
        "enrollment.close",
        {"status": EnrollmentStatus.OPEN},
        {"status": enrollment.status, "reason": reason},
    )
    return enrollment

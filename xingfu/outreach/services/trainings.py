"""Trainings at district, town and village level, and who attended them."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from xingfu.accounts.access import may_see_unit
from xingfu.audit.services import audit_record, field_changes
from xingfu.core.errors import Conflict, PermissionDenied, ValidationFailed
from xingfu.orgunits.models import OrgUnit
from xingfu.outreach.models import Attendance, Audience, Training
from xingfu.outreach.services._common import (
    check_choice,
    check_date,
    check_hours,
    clean_text,
    require_record_in,
    snapshot,
    today,
)
from xingfu.registry.models import Person, PersonStatus

TRAINING_FIELDS = ["topic", "audience", "orgunit", "date", "hours", "trainer", "place", "note"]


@transaction.atomic
def training_create(
    *,
    actor: Any,
    topic: str,
    audience: str,
    orgunit: OrgUnit,
    date: dt.date,
    hours: Decimal,
    trainer: str = "",
    place: str = "",
    note: str = "",
) -> Training:
    """Record a training held by a unit in the actor's scope; its level (district, town, village) is the
    unit's. ``hours`` is the length credited to each attendee, to one decimal place."""
    require_record_in(actor, orgunit)
    training = Training.objects.create(
        topic=clean_text(topic, field="topic", label=_("The topic"), required=True),
        audience=check_choice(audience, Audience.choices, field="audience", label=_("Audience")),
        orgunit=orgunit,
        date=check_date(date, field="date", label=_("The training date")),
        hours=check_hours(hours),
        trainer=clean_text(trainer, field="trainer", label=_("The trainer"), max_length=100),
        place=clean_text(place, field="place", label=_("The place")),
        note=clean_text(note, field="note", label=_("The note"), max_length=4000, multiline=True),
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="outreach.training.create",
        object_type="outreach.training",
        object_id=training.pk,
        orgunit=orgunit,
        changes=field_changes(None, snapshot(training, TRAINING_FIELDS)),
    )
    return training


@transaction.atomic
def attendance_add(*, actor: Any, training: Training, person: Person | None = None, user: Any = None) -> Attendance:
    """Record that a resident (``person``) or a staff member (``user``) attended a training that has taken
    place. Both the training and the attendee must lie in the actor's scope."""
    require_record_in(actor, training.orgunit)
    if (person is None) == (user is None):
        raise ValidationFailed(_("Name one attendee: a resident or a staff member."), field="person")
    if training.date > today():
        raise ValidationFailed(
            _("Attendance can be recorded once the training has taken place (on %(date)s).")
            % {"date": training.date.isoformat()},
            field="training",
        )
    if person is not None:
        if not may_see_unit(actor, person.orgunit):
            raise PermissionDenied(_("This resident lives outside your scope."), field="person")
        if person.status == PersonStatus.DEAD and person.death_date and person.death_date < training.date:
            raise ValidationFailed(_("This resident died before the training."), field="person")
        duplicate = training.attendances.filter(person=person).exists()
    else:
        if not (user.pk == actor.pk or may_see_unit(actor, user.scope)):
            raise PermissionDenied(_("This staff member works outside your scope."), field="user")
        duplicate = training.attendances.filter(user=user).exists()
    if duplicate:
        raise Conflict(_("This attendee is already recorded for this training."), field="person" if person else "user")
    attendance = Attendance.objects.create(training=training, person=person, user=user, recorded_by=actor)
    audit_record(
        actor=actor,
        action="outreach.attendance.add",
        object_type="outreach.attendance",
        object_id=attendance.pk,
        orgunit=training.orgunit,
        changes=field_changes(
            None, {"training": training.pk, "person": attendance.person_id, "user": attendance.user_id}
        ),
    )
    return attendance


@transaction.atomic
def attendance_remove(*, actor: Any, attendance: Attendance) -> None:
    """Take back an attendance recorded by mistake."""
    training = attendance.training
    require_record_in(actor, training.orgunit)
    before = {"training": training.pk, "person": attendance.person_id, "user": attendance.user_id}
    pk = attendance.pk
    attendance.delete()
    audit_record(
        actor=actor,
        action="outreach.attendance.remove",
        object_type="outreach.attendance",
        object_id=pk,
        orgunit=training.orgunit,
        changes=field_changes(before, {}),
    )

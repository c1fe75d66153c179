"""Checks the care services share."""

import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from xingfu.audit.services import audit_record, field_changes
from xingfu.care.models import CareProgrammeKind, Enrollment, Programme
from xingfu.core.errors import ValidationFailed
from xingfu.registry.models import Person, PersonStatus, Sex

# Every health value is masked in the audit trail: the trail says what changed and who changed it, and the
# value itself stays in the care record, where reading it is audited.
SENSITIVE = frozenset(
    {
        "lmp",
        "outcome",
        "outcome_on",
        "outcome_place",
        "risk_colour",
        "infectious",
        "findings",
        "weight_kg",
        "bp",
        "referral_to",
        "value",
        "abnormal",
        "population",
        "risk_classes",
        "conclusion",
        "counselling",
        "cervical",
        "breast",
        "note",
    }
)


def today() -> datetime.date:
    return timezone.localdate()


def check_date(value: Any, *, field: str, allow_future: bool = False) -> datetime.date:
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        raise ValidationFailed(_("A date is required."), field=field)
    if not allow_future and value > today():
        raise ValidationFailed(_("The date %(date)s lies in the future.") % {"date": value.isoformat()}, field=field)
    if value.year < 1900:
        raise ValidationFailed(_("The date %(date)s is too long ago.") % {"date": value.isoformat()}, field=field)
    return value


def age_on(birth: datetime.date, on: datetime.date) -> int:
    """Completed years on ``on``."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def active_programme(kind: str) -> Programme:
    programme = Programme.objects.filter(kind=kind, active=True).first()
    if programme is None:
        raise ValidationFailed(
            _(
                "The programme “%(kind)s” is not set up; an administrator installs it with "
                "xingfu care_schedule --install."
            )
            % {"kind": CareProgrammeKind(kind).label}
        )
    return programme


def check_living(person: Person, *, field: str) -> None:
    if person.status != PersonStatus.ALIVE:
        raise ValidationFailed(
            _("%(name)s is recorded as %(status)s in the registry.")
            % {"name": person.name, "status": person.get_status_display().lower()},
            field=field,
        )


def check_eligible(programme: Programme, person: Person, *, on: datetime.date, field: str) -> None:
    """The programme's own eligibility (sex and age on ``on``), with a reason a clerk can act on."""
    if programme.eligible_sex and person.sex != programme.eligible_sex:
        who = _("a woman") if programme.eligible_sex == Sex.FEMALE else _("a man")
        raise ValidationFailed(
            _("%(name)s is recorded as %(sex)s; %(programme)s is for %(who)s.")
            % {"name": person.name, "sex": person.get_sex_display().lower(), "programme": programme.name, "who": who},
            field=field,
        )
    age = age_on(person.birth_date, on)
    if programme.min_age is not None and age < programme.min_age:
        raise ValidationFailed(
            _("%(name)s is %(age)d; %(programme)s enrols from age %(min)d.")
            % {"name": person.name, "age": age, "programme": programme.name, "min": programme.min_age},
            field=field,
        )
    if programme.max_age is not None and age > programme.max_age:
        raise ValidationFailed(
            _("%(name)s is %(age)d; %(programme)s is for ages up to %(max)d.")
            % {"name": person.name, "age": age, "programme": programme.name, "max": programme.max_age},
            field=field,
        )


def check_text(value: Any, *, field: str, max_length: int, required: bool = False) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationFailed(_("This is required."), field=field)
    if len(text) > max_length:
        raise ValidationFailed(_("At most %(n)d characters.") % {"n": max_length}, field=field)
    return text


def audit_enrollment(
    actor: Any, enrollment: Enrollment, action: str, before: dict[str, Any] | None, after: dict[str, Any]
) -> None:
    audit_record(
        actor=actor,
        action=f"care.{action}",
        object_type="care.enrollment",
        object_id=enrollment.pk,
        orgunit=enrollment.orgunit,
        changes=field_changes(before, after, sensitive=SENSITIVE),
    )

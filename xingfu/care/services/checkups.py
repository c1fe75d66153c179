"""The pre-pregnancy check-up: a couple books it, staff record the results item by item (or import the
analyser's file), then the risk assessment and the counselling given. The follow-ups of early pregnancy
and of the outcome are then scheduled from the check date."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from xingfu.audit.services import audit_record, field_changes
from xingfu.care.access import require_record
from xingfu.care.models import (
    RISK_CLASSES,
    CareProgrammeKind,
    CheckConclusion,
    CheckItem,
    CheckPopulation,
    CheckResult,
    CheckUp,
    EnrollmentStatus,
    ResultSource,
)
from xingfu.care.schedule import schedule_enrollment
from xingfu.care.services._common import (
    SENSITIVE,
    active_programme,
    audit_enrollment,
    check_date,
    check_eligible,
    check_living,
    check_text,
    today,
)
from xingfu.care.services.enrollments import _ongoing, create_enrollment
from xingfu.core.errors import Conflict, ValidationFailed
from xingfu.orgunits.models import Level
from xingfu.registry.models import Person, Sex

BOOKING_AHEAD_DAYS = 366


@transaction.atomic
def checkup_book(
    *, actor: Any, woman: Person, partner: Person | None, booked_for: datetime.date, responsible: Any = None
) -> CheckUp:
    """Book a couple's free pre-pregnancy check-up. The partner may be left out (he is examined elsewhere, or
    not at all: the conclusion then says only one partner was examined). Nothing about marriage is asked."""
    require_record(actor, woman.orgunit)
    programme = active_programme(CareProgrammeKind.PREPREGNANCY)
    booked_for = check_date(booked_for, field="booked_for", allow_future=True)
    if booked_for > today() + datetime.timedelta(days=BOOKING_AHEAD_DAYS):
        raise ValidationFailed(_("A check-up is booked at most a year ahead."), field="booked_for")
    check_living(woman, field="woman")
    check_eligible(programme, woman, on=min(booked_for, today()), field="woman")
    if partner is not None:
        check_living(partner, field="partner")
        if partner.sex != Sex.MALE:
            raise ValidationFailed(_("The partner examined with her is a man."), field="partner")
        if partner.pk == woman.pk:
            raise ValidationFailed(_("The partner cannot be the woman herself."), field="partner")
    existing = _ongoing(programme, woman)
    if existing is not None:
        raise Conflict(
            _("%(name)s already has a check-up booked on %(date)s.")
            % {"name": woman.name, "date": existing.enrolled_on.isoformat()},
            field="woman",
        )
    if responsible is None and actor.scope.level == Level.VILLAGE:
        responsible = actor
    enrollment = create_enrollment(
        programme=programme,
        person=woman,
        orgunit=woman.orgunit,
        responsible=responsible,
        enrolled_on=min(booked_for, today()),
        created_by=actor,
    )
    checkup = CheckUp.objects.create(enrollment=enrollment, partner=partner, booked_for=booked_for)
    audit_enrollment(
        actor,
        enrollment,
        "checkup.book",
        None,
        {"woman": woman.pk, "partner": partner.pk if partner else None, "booked_for": booked_for},
    )
    return checkup


@dataclass(frozen=True)
class ResultInput:
    """One result as given: the item's code, whose it is (``F`` the woman, ``M`` her partner), the value."""

    item: str
    value: str
    who: str = "F"
    abnormal: bool = False
    unit: str = ""


def _items(checkup: CheckUp) -> dict[str, CheckItem]:
    return {i.code: i for i in CheckItem.objects.filter(programme_id=checkup.enrollment.programme_id)}


def _result_errors(checkup: CheckUp, items: dict[str, CheckItem], result: ResultInput) -> str | None:
    """Why this result cannot be recorded, or None."""
    item = items.get(result.item)
    if item is None:
        return _("Unknown check item %(code)r.") % {"code": result.item}
    if not item.recorded_item_by_item:
        return _("Item %(number)d (%(name)s) is recorded through the assessment or the follow-ups.") % {
            "number": item.number,
            "name": item.name,
        }
    if result.who not in ("F", "M"):
        return _("Whose result: F (the woman) or M (her partner).")
    if result.who == "M" and checkup.partner_id is None:
        return _("No partner is booked for this check-up.")
    if result.who == "M" and item.women_only:
        return _("Item %(number)d (%(name)s) is for the woman only.") % {"number": item.number, "name": item.name}
    value = (result.value or "").strip()
    if not value:
        return _("The result is empty.")
    if len(value) > 200:
        return _("A result has at most 200 characters.")
    if len(result.unit or "") > 20:
        return _("A unit has at most 20 characters.")
    return None


def _write_results(
    *,
    actor: Any,
    checkup: CheckUp,
    results: list[tuple[ResultInput, CheckItem]],
    measured_on: datetime.date,
    source: str,
) -> int:
    existing = {
        (r.person_id, r.item_id): r
        for r in CheckResult.objects.filter(checkup=checkup, item__in=[i for _r, i in results])
    }
    changes: dict[str, Any] = {}
    for result, item in results:
        person_id = (checkup.partner_id if result.who == "M" else None) or checkup.enrollment.person_id
        row = existing.get((person_id, item.pk))
        before = {"value": row.value, "abnormal": row.abnormal} if row else None
        if row is None:
            row = CheckResult(checkup=checkup, person_id=person_id, item=item)
        row.value = result.value.strip()
        row.unit = (result.unit or item.unit).strip()
        row.abnormal = bool(result.abnormal)
        row.measured_on = measured_on
        row.source = source
        row.recorded_by = actor
        row.save()
        changes[f"{item.code}.{result.who}"] = field_changes(
            before, {"value": row.value, "abnormal": row.abnormal}, sensitive=SENSITIVE
        )
    enrollment = checkup.enrollment
    if enrollment.check_on is None or measured_on < enrollment.check_on:
        enrollment.check_on = measured_on
        enrollment.save(update_fields=["check_on", "updated_at"])
    audit_record(
        actor=actor,
        action="care.checkup.results",
        object_type="care.checkup",
        object_id=checkup.pk,
        orgunit=enrollment.orgunit,
        changes={"source": source, "measured_on": measured_on, "results": changes},
    )
    return len(results)


def _check_open(checkup: CheckUp, field: str) -> None:
    if checkup.enrollment.status != EnrollmentStatus.OPEN:
        raise ValidationFailed(_("This check-up's enrolment is closed."), field=field)


def _check_measured_on(checkup: CheckUp, measured_on: Any, field: str) -> datetime.date:
    measured_on = check_date(measured_on, field=field)
    if measured_on < checkup.enrollment.enrolled_on:
        raise ValidationFailed(
            _("A result cannot be from before the booking (%(date)s).") % {"date": checkup.enrollment.enrolled_on},
            field=field,
        )
    return measured_on


@transaction.atomic
def checkup_results_record(
    *, actor: Any, checkup: CheckUp, results: list[ResultInput], measured_on: datetime.date
) -> int:
    """Record examination and laboratory results, item by item, for the woman and her partner. A result for
    an item already recorded replaces it (the audit trail keeps that it changed). All or nothing: one bad
    result (an unknown item, a partner's result for a woman's item) and none is recorded."""
    enrollment = checkup.enrollment
    require_record(actor, enrollment.orgunit)
    _check_open(checkup, "results")
    measured_on = _check_measured_on(checkup, measured_on, "measured_on")
    if not results:
        raise ValidationFailed(_("Give at least one result."), field="results")
    items = _items(checkup)
    seen: set[tuple[str, str]] = set()
    for n, result in enumerate(results, start=1):
        error = _result_errors(checkup, items, result)
        if error is None and (result.item, result.who) in seen:
            error = _("This item is given twice.")
        if error is not None:
            raise ValidationFailed(_("Result %(n)d: %(error)s") % {"n": n, "error": error}, field="results")
        seen.add((result.item, result.who))
    count = _write_results(
        actor=actor,
        checkup=checkup,
        results=[(r, items[r.item]) for r in results],
        measured_on=measured_on,
        source=ResultSource.MANUAL,
    )
    schedule_enrollment(enrollment)
    return count


def normalise_risk_classes(raw: str) -> str:
    letters = [c for c in (raw or "").upper() if not c.isspace() and c not in ",;/"]
    unknown = sorted({c for c in letters if c not in RISK_CLASSES})
    if unknown:
        raise ValidationFailed(
            _("Risk classes are A, B, C, D and X; %(bad)s is not one.") % {"bad": ", ".join(unknown)},
            field="risk_classes",
        )
    return "".join(c for c in RISK_CLASSES if c in letters)


@transaction.atomic
def checkup_assess(
    *,
    actor: Any,
    checkup: CheckUp,
    population: str,
    risk_classes: str,
    conclusion: str,
    counselling: str,
    on: datetime.date | None = None,
) -> CheckUp:
    """Record the risk assessment (general population or high risk, the classes of the risk factors found,
    the standard conclusion) and the counselling given: item 18 of the check-up."""
    enrollment = checkup.enrollment
    require_record(actor, enrollment.orgunit)
    _check_open(checkup, "conclusion")
    on = _check_measured_on(checkup, on or today(), "on")
    if population not in CheckPopulation.values:
        raise ValidationFailed(_("Population: general or high_risk."), field="population")
    if conclusion not in CheckConclusion.values:
        raise ValidationFailed(
            _("Conclusion: one of %(choices)s.") % {"choices": ", ".join(CheckConclusion.values)}, field="conclusion"
        )
    classes = normalise_risk_classes(risk_classes)
    if conclusion == CheckConclusion.NO_RISK and classes:
        raise ValidationFailed(_("“No risk found” cannot come with risk classes."), field="risk_classes")
    if conclusion == CheckConclusion.RISK_FOUND and not classes:
        raise ValidationFailed(_("Name the classes of the risks found."), field="risk_classes")
    if population == CheckPopulation.HIGH_RISK and not classes:
        raise ValidationFailed(_("A high-risk couple has at least one risk class."), field="risk_classes")
    counselling = check_text(counselling, field="counselling", max_length=4000, required=True)
    before = {
        "population": checkup.population,
        "risk_classes": checkup.risk_classes,
        "conclusion": checkup.conclusion,
        "counselling": checkup.counselling,
    }
    checkup.population, checkup.risk_classes, checkup.conclusion = population, classes, conclusion
    checkup.counselling, checkup.assessed_by = counselling, actor
    checkup.save()
    if enrollment.check_on is None:
        enrollment.check_on = on
        enrollment.save(update_fields=["check_on", "updated_at"])
    audit_enrollment(
        actor,
        enrollment,
        "checkup.assess",
        before,
        {"population": population, "risk_classes": classes, "conclusion": conclusion, "counselling": counselling},
    )
    schedule_enrollment(enrollment)
    return checkup

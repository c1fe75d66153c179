"""Inspections: the yearly plan from the schedule, unannounced visits, the checklist, findings with a deadline
to correct them, and re-inspections."""

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from xingfu.audit.services import audit_record, field_changes
from xingfu.core.errors import Conflict, ValidationFailed
from xingfu.orgunits.models import OrgUnit
from xingfu.oversight.models import (
    ChecklistAnswer,
    ChecklistItem,
    ChecklistResult,
    Facility,
    FacilityStatus,
    Finding,
    FindingKind,
    Inspection,
    InspectionKind,
    InspectionSchedule,
    InspectionStatus,
)
from xingfu.oversight.services._common import check_choice, check_not_future, clean_text, today


def _check_facility_open(facility: Facility) -> None:
    if not facility.is_open:
        raise ValidationFailed(
            _("%(name)s is closed; a closed facility is not inspected.") % {"name": facility.name}, field="facility"
        )


def plan_slots(year: int, visits_per_year: int, facility_id: int) -> list[tuple[str, dt.date]]:
    """The plan slots of one facility in ``year``: the year cut into ``visits_per_year`` equal stretches of
    months, one visit in each, on a day spread by the facility's id so the work does not all fall on the 1st."""
    if visits_per_year <= 0:
        return []
    months = 12 // visits_per_year
    slots = []
    for i in range(visits_per_year):
        month = 1 + i * months + (facility_id % months)
        day = 1 + (facility_id * 7) % 28
        slots.append((f"{year}-{i + 1}/{visits_per_year}", dt.date(year, month, day)))
    return slots


@transaction.atomic
def inspection_plan_year(*, actor: Any, year: int, facilities: QuerySet[Facility], scope: OrgUnit | None) -> int:
    """Put the year's planned inspections of every open facility (of those given) on the calendar, as the
    schedule for its kind says. Slots already planned are kept, so planning twice adds nothing."""
    if not 2000 <= year <= 2100:
        raise ValidationFailed(_("Plan a year between 2000 and 2100."), field="year")
    schedule = dict(InspectionSchedule.objects.values_list("facility_kind", "visits_per_year"))
    open_facilities = list(facilities.filter(status=FacilityStatus.OPEN).only("id", "kind"))
    taken = set(
        Inspection.objects.filter(
            facility__in=[f.pk for f in open_facilities], plan_slot__startswith=f"{year}-"
        ).values_list("facility_id", "plan_slot")
    )
    new = [
        Inspection(
            facility_id=f.pk,
            kind=InspectionKind.PLANNED,
            status=InspectionStatus.PLANNED,
            planned_for=day,
            plan_slot=slot,
        )
        for f in open_facilities
        for slot, day in plan_slots(year, schedule.get(f.kind, 0), f.pk)
        if (f.pk, slot) not in taken
    ]
    Inspection.objects.bulk_create(new, batch_size=500)
    audit_record(
        actor=actor,
        action="oversight.inspection.plan",
        object_type="inspection_plan",
        object_id=year,
        orgunit=scope,
        changes={"year": year, "planned": len(new)},
    )
    return len(new)


@transaction.atomic
def inspection_schedule(
    *,
    actor: Any,
    facility: Facility,
    kind: str,
    planned_for: dt.date | None = None,
    inspector: Any = None,
    follows_finding: Finding | None = None,
) -> Inspection:
    """Put one visit on the calendar: planned, unannounced (usually today), or a re-inspection of a finding."""
    check_choice(kind, InspectionKind.values, field="kind")
    _check_facility_open(facility)
    if kind == InspectionKind.REINSPECTION:
        if follows_finding is None:
            raise ValidationFailed(_("A re-inspection checks a finding; say which."), field="follows_finding")
        if follows_finding.inspection.facility_id != facility.pk:
            raise ValidationFailed(_("That finding is about another facility."), field="follows_finding")
        if follows_finding.corrected_on is not None:
            raise ValidationFailed(_("That finding is already corrected."), field="follows_finding")
    elif follows_finding is not None:
        raise ValidationFailed(_("Only a re-inspection follows a finding."), field="follows_finding")
    if planned_for is None:
        planned_for = today()
    inspection = Inspection.objects.create(
        facility=facility, kind=kind, planned_for=planned_for, inspector=inspector, follows_finding=follows_finding
    )
    audit_record(
        actor=actor,
        action="oversight.inspection.schedule",
        object_type="inspection",
        object_id=inspection.pk,
        orgunit=facility.orgunit,
        changes=field_changes(
            None,
            {
                "facility": facility.pk,
                "kind": kind,
                "planned_for": planned_for,
                "follows_finding": follows_finding and follows_finding.pk,
            },
        ),
    )
    return inspection


@transaction.atomic
def inspection_record(
    *,
    actor: Any,
    inspection: Inspection,
    done_on: dt.date,
    answers: Mapping[str, tuple[str, str]],
    summary: str = "",
    finding_corrected: bool | None = None,
) -> Inspection:
    """Record a visit as done with its checklist: ``answers`` maps each item's code to (yes/no/na, note).
    Every item answered "no" becomes a finding with the item's deadline to correct it. A re-inspection also
    says whether the finding it checks was corrected."""
    inspection = Inspection.objects.select_for_update().select_related("facility__orgunit").get(pk=inspection.pk)
    if inspection.status != InspectionStatus.PLANNED:
        raise Conflict(_("This inspection is already %(s)s.") % {"s": inspection.get_status_display()})
    _check_facility_open(inspection.facility)
    if not isinstance(done_on, dt.date):
        raise ValidationFailed(_("The date of the visit is required."), field="done_on")
    check_not_future(done_on, field="done_on", label=_("The date of the visit"))
    items = {item.code: item for item in ChecklistItem.objects.filter(active=True)}
    unknown = set(answers) - set(items)
    if unknown:
        raise ValidationFailed(
            _("Unknown checklist items: %(codes)s.") % {"codes": ", ".join(sorted(unknown))}, field="answers"
        )
    missing = [item.text for code, item in items.items() if code not in answers]
    if missing:
        raise ValidationFailed(
            _("Answer every checklist question; still open: %(items)s.") % {"items": "; ".join(missing)},
            field="answers",
        )
    results = []
    findings = []
    for code, (answer, note) in answers.items():
        check_choice(answer, ChecklistAnswer.values, field="answers")
        note = clean_text(note, field="answers", label=_("A note"), max_length=300)
        item = items[code]
        results.append(ChecklistResult(inspection=inspection, item=item, answer=answer, note=note))
        if answer == ChecklistAnswer.NO:
            findings.append(
                Finding(
                    inspection=inspection,
                    kind=item.finding_kind,
                    description=note or item.text,
                    correction_due=done_on + dt.timedelta(days=item.correction_days),
                )
            )
    ChecklistResult.objects.bulk_create(results)
    Finding.objects.bulk_create(findings)
    inspection.done_on = done_on
    inspection.status = InspectionStatus.DONE
    inspection.summary = clean_text(summary, field="summary", label=_("The summary"), max_length=5000)
    if inspection.inspector_id is None and actor is not None:
        inspection.inspector = actor
    inspection.save()
    followed = inspection.follows_finding
    if followed is not None and finding_corrected and followed.corrected_on is None:
        followed.corrected_on = done_on
        followed.save(update_fields=["corrected_on"])
    audit_record(
        actor=actor,
        action="oversight.inspection.record",
        object_type="inspection",
        object_id=inspection.pk,
        orgunit=inspection.facility.orgunit,
        changes={
            "done_on": done_on.isoformat(),
            "answers": {code: answer for code, (answer, _note) in sorted(answers.items())},
            "findings": len(findings),
            **({"finding_corrected": bool(finding_corrected)} if followed is not None else {}),
        },
    )
    return inspection


@transaction.atomic
def inspection_cancel(*, actor: Any, inspection: Inspection, reason: str) -> Inspection:
    if inspection.status != InspectionStatus.PLANNED:
        raise Conflict(_("Only a planned inspection can be cancelled."))
    reason = clean_text(reason, field="reason", label=_("The reason"), required=True, max_length=500)
    inspection.status = InspectionStatus.CANCELLED
    inspection.summary = reason
    inspection.save(update_fields=["status", "summary"])
    audit_record(
        actor=actor,
        action="oversight.inspection.cancel",
        object_type="inspection",
        object_id=inspection.pk,
        orgunit=inspection.facility.orgunit,
        reason=reason,
    )
    return inspection


@transaction.atomic
def finding_add(*, actor: Any, inspection: Inspection, kind: str, description: str, correction_due: dt.date) -> Finding:
    """A finding beyond the checklist (e.g. an unregistered device found in a back room)."""
    check_choice(kind, FindingKind.values, field="kind")
    if inspection.status != InspectionStatus.DONE or inspection.done_on is None:
        raise ValidationFailed(_("Record the inspection first; findings belong to a visit that took place."))
    description = clean_text(
        description, field="description", label=_("The description"), required=True, max_length=5000
    )
    if not isinstance(correction_due, dt.date) or correction_due < inspection.done_on:
        raise ValidationFailed(_("The correction deadline must be on or after the visit."), field="correction_due")
    finding = Finding.objects.create(
        inspection=inspection, kind=kind, description=description, correction_due=correction_due
    )
    audit_record(
        actor=actor,
        action="oversight.finding.add",
        object_type="finding",
        object_id=finding.pk,
        orgunit=inspection.facility.orgunit,
        changes=field_changes(None, {"kind": kind, "correction_due": correction_due, "inspection": inspection.pk}),
    )
    return finding


@transaction.atomic
def finding_correct(*, actor: Any, finding: Finding, corrected_on: dt.date) -> Finding:
    """Record that the facility corrected a finding (seen at a re-inspection or from its evidence)."""
    if finding.corrected_on is not None:
        raise Conflict(_("This finding was already corrected on %(day)s.") % {"day": finding.corrected_on})
    if not isinstance(corrected_on, dt.date):
        raise ValidationFailed(_("The date is required."), field="corrected_on")
    check_not_future(corrected_on, field="corrected_on", label=_("The date"))
    if finding.inspection.done_on and corrected_on < finding.inspection.done_on:
        raise ValidationFailed(_("A finding cannot be corrected before it was found."), field="corrected_on")
    finding.corrected_on = corrected_on
    finding.save(update_fields=["corrected_on"])
    audit_record(
        actor=actor,
        action="oversight.finding.correct",
        object_type="finding",
        object_id=finding.pk,
        orgunit=finding.inspection.facility.orgunit,
        changes={"corrected_on": corrected_on.isoformat()},
    )
    return finding

"""Referral of cases between neighbouring districts as a JSON file that keeps the case's history.

The file (format ``xingfu.oversight.case``, version 1) carries the case, its tip-offs (with the reporters'
contacts, which stay confidential at the receiving end) and every step with its date, author and district.
An imported file is validated whole before anything is written; a bad file changes nothing.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers

from xingfu.audit.services import audit_record, audit_sensitive_read
from xingfu.core.errors import Conflict, ValidationFailed
from xingfu.orgunits.models import OrgUnit
from xingfu.oversight import rules
from xingfu.oversight.fields import PlainChoiceField
from xingfu.oversight.models import (
    Case,
    CaseOutcome,
    CaseStatus,
    CaseStep,
    FacilityKind,
    StepKind,
    TipOff,
    TipOffAbout,
    TipOffChannel,
    TipOffStatus,
)
from xingfu.oversight.services._common import clean_text, today
from xingfu.oversight.services.cases import check_owner, next_case_number
from xingfu.oversight.services.tipoffs import new_tracking_code, tracking_digest

FORMAT = "xingfu.oversight.case"
VERSION = 1
MAX_FILE_BYTES = 2 * 1024 * 1024


class _DistrictDoc(serializers.Serializer[Any]):
    code = serializers.RegexField(r"^\d{6}$")
    name = serializers.CharField(max_length=100)


class _FacilityDoc(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=200)
    kind = PlainChoiceField(choices=[*FacilityKind.values, ""], required=False, default="")
    licence_number = serializers.CharField(max_length=64, allow_blank=True, required=False, default="")
    address = serializers.CharField(max_length=300, allow_blank=True, required=False, default="")
    responsible_person = serializers.CharField(max_length=100, allow_blank=True, required=False, default="")


class _CaseDoc(serializers.Serializer[Any]):
    number = serializers.CharField(max_length=32)
    title = serializers.CharField(max_length=200)
    summary = serializers.CharField(max_length=5000, allow_blank=True, required=False, default="")
    opened_on = serializers.DateField()
    deadline = serializers.DateField(required=False, allow_null=True, default=None)
    facility = _FacilityDoc(required=False, allow_null=True, default=None)


class _TipOffDoc(serializers.Serializer[Any]):
    about = PlainChoiceField(choices=TipOffAbout.values)
    provider = serializers.CharField(max_length=200, allow_blank=True, required=False, default="")
    description = serializers.CharField(max_length=5000)
    place = serializers.CharField(max_length=300)
    occurred = serializers.CharField(max_length=100, allow_blank=True, required=False, default="")
    contact = serializers.CharField(max_length=200, allow_blank=True, required=False, default="")
    channel = PlainChoiceField(choices=TipOffChannel.values, required=False, default=TipOffChannel.REFERRAL)
    received_at = serializers.DateTimeField()


class _StepDoc(serializers.Serializer[Any]):
    kind = PlainChoiceField(choices=StepKind.values)
    summary = serializers.CharField(max_length=5000)
    due = serializers.DateField(required=False, allow_null=True, default=None)
    done_on = serializers.DateField(required=False, allow_null=True, default=None)
    rule = serializers.CharField(max_length=32, allow_blank=True, required=False, default="")
    fine_yuan = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=Decimal("0"), required=False, allow_null=True, default=None
    )
    by = serializers.CharField(max_length=150, allow_blank=True, required=False, default="")
    district = serializers.CharField(max_length=100, allow_blank=True, required=False, default="")
    recorded_at = serializers.DateTimeField()


class CaseDocumentSerializer(serializers.Serializer[Any]):
    """The referral file, as the schema documents it and as an import checks it."""

    format = PlainChoiceField(choices=[FORMAT])
    version = serializers.IntegerField(min_value=VERSION, max_value=VERSION)
    exported_at = serializers.DateTimeField()
    from_district = _DistrictDoc()
    to_district = serializers.CharField(max_length=100, allow_blank=True, required=False, default="")
    case = _CaseDoc()
    tipoffs = serializers.ListField(child=_TipOffDoc(), max_length=200, required=False, default=list)
    steps = serializers.ListField(child=_StepDoc(), max_length=1000, required=False, default=list)


def _district() -> OrgUnit:
    return OrgUnit.objects.get(level="district")


def case_document(case: Case, *, to_district: str = "") -> dict[str, Any]:
    """The case as a referral file (a read: callers audit it, since it holds the reporters' contacts)."""
    district = _district()
    facility = case.facility
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(),
        "from_district": {"code": district.code, "name": district.name_zh},
        "to_district": to_district or case.referred_to,
        "case": {
            "number": case.number,
            "title": case.title,
            "summary": case.summary,
            "opened_on": case.opened_on.isoformat(),
            "deadline": case.deadline.isoformat(),
            "facility": None
            if facility is None
            else {
                "name": facility.name,
                "kind": facility.kind,
                "licence_number": facility.licence_number,
                "address": facility.address,
                "responsible_person": facility.responsible_person,
            },
        },
        "tipoffs": [
            {
                "about": t.about,
                "provider": t.provider,
                "description": t.description,
                "place": t.place,
                "occurred": t.occurred,
                "contact": t.contact,
                "channel": t.channel,
                "received_at": t.received_at.isoformat(),
            }
            for t in case.tipoffs.order_by("received_at", "id")
        ],
        "steps": [
            {
                "kind": s.kind,
                "summary": s.summary,
                "due": s.due.isoformat() if s.due else None,
                "done_on": s.done_on.isoformat() if s.done_on else None,
                "rule": s.rule,
                "fine_yuan": str(s.fine_yuan) if s.fine_yuan is not None else None,
                "by": s.by_name,
                "district": s.district or district.name_zh,
                "recorded_at": s.recorded_at.isoformat(),
            }
            for s in case.steps.order_by("recorded_at", "id")
        ],
    }


def _audit_contacts_read(actor: Any, case: Case) -> None:
    if case.tipoffs.exclude(contact="").exists():
        audit_sensitive_read(
            actor=actor,
            what="reporter_contact",
            object_type="case",
            object_id=case.pk,
            orgunit=case.orgunit,
            reason="case export",
        )


@transaction.atomic
def case_export(*, actor: Any, case: Case) -> dict[str, Any]:
    """Download the case's referral file again (e.g. for the archive); the read is audited."""
    _audit_contacts_read(actor, case)
    audit_record(
        actor=actor, action="oversight.case.export", object_type="case", object_id=case.pk, orgunit=case.orgunit
    )
    return case_document(case)


@transaction.atomic
def case_refer_out(*, actor: Any, case: Case, to_district: str, note: str = "") -> dict[str, Any]:
    """Refer an open case to a neighbouring district: the case is marked referred, a referral step is added,
    and the referral file (with the whole history) is returned for sending."""
    if case.status != CaseStatus.OPEN:
        raise Conflict(_("Only an open case can be referred."))
    to_district = clean_text(
        to_district, field="to_district", label=_("The receiving district"), required=True, max_length=100
    )
    note = clean_text(note, field="note", label=_("The note"), max_length=2000)
    CaseStep.objects.create(
        case=case,
        kind=StepKind.REFERRAL,
        summary=_("Referred to %(district)s.") % {"district": to_district} + (f" {note}" if note else ""),
        done_on=today(),
        by=actor,
        by_name=getattr(actor, "display_name", "") or "",
        district=_district().name_zh,
        recorded_at=timezone.now(),
    )
    case.status = CaseStatus.REFERRED_OUT
    case.outcome = CaseOutcome.REFERRED
    case.referred_to = to_district
    case.closed_on = today()
    case.save(update_fields=["status", "outcome", "referred_to", "closed_on"])
    _audit_contacts_read(actor, case)
    audit_record(
        actor=actor,
        action="oversight.case.refer_out",
        object_type="case",
        object_id=case.pk,
        orgunit=case.orgunit,
        changes={"to_district": to_district},
    )
    return case_document(case, to_district=to_district)


def parse_document(document: Any) -> dict[str, Any]:
    """The validated referral file, or ValidationFailed naming what is wrong (nothing is written)."""
    if not isinstance(document, dict):
        raise ValidationFailed(_("The file is not a case referral file (a JSON object was expected)."), field="file")
    serializer = CaseDocumentSerializer(data=document)
    if not serializer.is_valid():
        raise ValidationFailed(
            _("The file is not a valid case referral file."), field="file", details=serializer.errors
        )
    data: dict[str, Any] = dict(serializer.validated_data)
    for step in data["steps"]:
        if step["kind"] == StepKind.PENALTY and step["rule"] and step["rule"] not in rules.PENALTY_RULES:
            raise ValidationFailed(_("The file names an unknown provision: %(r)s.") % {"r": step["rule"]}, field="file")
    return data


@transaction.atomic
def case_import(*, actor: Any, document: Any, orgunit: OrgUnit, owner: Any) -> Case:
    """Take over a case referred by a neighbouring district, with its tip-offs and history."""
    data = parse_document(document)
    sender = data["from_district"]
    district = _district()
    if sender["code"] == district.code:
        raise ValidationFailed(_("This file was exported by this district; it cannot be imported here."), field="file")
    check_owner(owner, orgunit)
    external_ref = f"{sender['code']}:{data['case']['number']}"
    existing = Case.objects.filter(external_ref=external_ref).values_list("number", flat=True).first()
    if existing:
        raise Conflict(_("This case was already imported as %(n)s.") % {"n": existing}, field="file")
    opened_on = today()
    facility_doc = data["case"].get("facility")
    summary = data["case"]["summary"]
    if facility_doc:
        facility_line = ", ".join(
            v for v in [facility_doc["name"], facility_doc["address"], facility_doc["licence_number"]] if v
        )
        summary = f"{summary}\n\n{_('Facility named by the sender')}: {facility_line}".strip()
    case = Case.objects.create(
        number=next_case_number(opened_on),
        title=data["case"]["title"],
        summary=summary[:5000],
        orgunit=orgunit,
        owner=owner,
        opened_on=opened_on,
        deadline=opened_on + dt.timedelta(days=rules.case_days()),
        received_from=sender["name"],
        external_ref=external_ref,
    )
    now = timezone.now()
    TipOff.objects.bulk_create(
        [
            TipOff(
                # A fresh code nobody is told: the reporter follows the case at the sending district.
                tracking_digest=tracking_digest(new_tracking_code()),
                about=t["about"],
                provider=t["provider"],
                description=t["description"],
                place=t["place"],
                occurred=t["occurred"],
                contact=t["contact"],
                channel=TipOffChannel.REFERRAL,
                orgunit=orgunit,
                status=TipOffStatus.INVESTIGATING,
                case=case,
                received_at=t["received_at"],
                status_changed_at=now,
            )
            for t in data["tipoffs"]
        ]
    )
    CaseStep.objects.bulk_create(
        [
            CaseStep(
                case=case,
                kind=s["kind"],
                summary=s["summary"],
                due=s["due"],
                done_on=s["done_on"],
                rule=s["rule"],
                fine_yuan=s["fine_yuan"],
                by_name=s["by"],
                district=s["district"] or sender["name"],
                recorded_at=s["recorded_at"],
            )
            for s in data["steps"]
        ]
    )
    CaseStep.objects.create(
        case=case,
        kind=StepKind.REFERRAL,
        summary=_("Received from %(district)s (their case %(number)s).")
        % {"district": sender["name"], "number": data["case"]["number"]},
        done_on=opened_on,
        by=actor,
        by_name=getattr(actor, "display_name", "") or "",
        district=district.name_zh,
        recorded_at=now,
    )
    audit_record(
        actor=actor,
        action="oversight.case.import",
        object_type="case",
        object_id=case.pk,
        orgunit=orgunit,
        changes={
            "from_district": sender["code"],
            "their_number": data["case"]["number"],
            "tipoffs": len(data["tipoffs"]),
            "steps": len(data["steps"]),
        },
    )
    return case

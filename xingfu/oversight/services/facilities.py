"""The register of facilities: hospitals, health centres, clinics, pharmacies and service stations."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from xingfu.audit.services import audit_record, field_changes
from xingfu.core.errors import ValidationFailed
from xingfu.orgunits.models import OrgUnit
from xingfu.oversight.models import Facility, FacilityKind, FacilityStatus, Service
from xingfu.oversight.services._common import check_choice, clean_text, snapshot

AUDITED_FIELDS = [
    "name",
    "kind",
    "licence_number",
    "licence_expiry",
    "address",
    "orgunit",
    "responsible_person",
    "phone",
    "staff",
    "staff_count",
    "services",
    "status",
]


def _clean_services(services: Iterable[str] | None) -> list[str]:
    chosen = list(dict.fromkeys(services or []))
    for service in chosen:
        check_choice(service, Service.values, field="services")
    # Stored in the order of the choices, so the same set always reads the same.
    return [s for s in Service.values if s in chosen]


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    if "name" in out:
        out["name"] = clean_text(out["name"], field="name", label=_("The name"), required=True)
    if "kind" in out:
        check_choice(out["kind"], FacilityKind.values, field="kind")
    if "status" in out:
        check_choice(out["status"], FacilityStatus.values, field="status")
    for name, label, length in [
        ("licence_number", _("The licence number"), 64),
        ("address", _("The address"), 300),
        ("responsible_person", _("The responsible person"), 100),
        ("phone", _("The phone"), 30),
        ("staff", _("The staff list"), 5000),
    ]:
        if name in out:
            out[name] = clean_text(out[name], field=name, label=label, max_length=length)
    if "staff_count" in out:
        count = out["staff_count"]
        if count is None:
            out["staff_count"] = 0
        elif not isinstance(count, int) or isinstance(count, bool) or count < 0 or count > 100_000:
            raise ValidationFailed(_("The number of staff must be a whole number, 0 or more."), field="staff_count")
    if "services" in out:
        out["services"] = _clean_services(out["services"])
    if out.get("licence_expiry") is not None and not isinstance(out["licence_expiry"], dt.date):
        raise ValidationFailed(_("The licence expiry must be a date."), field="licence_expiry")
    if "orgunit" in out and not isinstance(out["orgunit"], OrgUnit):
        raise ValidationFailed(_("Choose the village or town the facility is in."), field="orgunit")
    return out


@transaction.atomic
def facility_create(
    *,
    actor: Any,
    name: str,
    kind: str,
    orgunit: OrgUnit,
    licence_number: str = "",
    licence_expiry: dt.date | None = None,
    address: str = "",
    responsible_person: str = "",
    phone: str = "",
    staff: str = "",
    staff_count: int = 0,
    services: Iterable[str] = (),
    status: str = FacilityStatus.OPEN,
) -> Facility:
    """Add a facility to the district's register."""
    values = _clean(
        {
            "name": name,
            "kind": kind,
            "orgunit": orgunit,
            "licence_number": licence_number,
            "licence_expiry": licence_expiry,
            "address": address,
            "responsible_person": responsible_person,
            "phone": phone,
            "staff": staff,
            "staff_count": staff_count,
            "services": services,
            "status": status,
        }
    )
    facility = Facility.objects.create(**values)
    audit_record(
        actor=actor,
        action="oversight.facility.create",
        object_type="facility",
        object_id=facility.pk,
        orgunit=facility.orgunit,
        changes=field_changes(None, snapshot(facility, AUDITED_FIELDS)),
    )
    return facility


@transaction.atomic
def facility_update(*, actor: Any, facility: Facility, **changes: Any) -> Facility:
    """Correct or update a facility's entry (closing it is ``status="closed"``)."""
    unknown = set(changes) - set(AUDITED_FIELDS)
    if unknown:
        raise ValidationFailed(_("These fields cannot be changed: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    values = _clean(changes)
    before = snapshot(facility, AUDITED_FIELDS)
    for name, value in values.items():
        setattr(facility, name, value)
    facility.save()
    audit_record(
        actor=actor,
        action="oversight.facility.update",
        object_type="facility",
        object_id=facility.pk,
        orgunit=facility.orgunit,
        changes=field_changes(before, snapshot(facility, AUDITED_FIELDS)),
    )
    return facility

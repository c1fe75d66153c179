"""Ultrasound devices: the register, both registrations, and the history of moves, sales and scrapping."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xingfu.audit.services import audit_record, field_changes
from xingfu.core.errors import Conflict, ValidationFailed
from xingfu.oversight import rules
from xingfu.oversight.models import DeviceEvent, DeviceEventKind, DeviceStatus, Facility, UltrasoundDevice
from xingfu.oversight.services._common import check_not_future, clean_text, snapshot, today

AUDITED_FIELDS = [
    "make",
    "model_name",
    "serial",
    "purchase_date",
    "seller",
    "facility",
    "operators",
    "health_reg_number",
    "health_reg_date",
    "fp_reg_number",
    "fp_reg_date",
    "status",
]
EDITABLE_FIELDS = [f for f in AUDITED_FIELDS if f not in ("facility", "status")]

_REGISTRATIONS = [
    ("health_reg_number", "health_reg_date", gettext_lazy("health department")),
    ("fp_reg_number", "fp_reg_date", gettext_lazy("family-planning department")),
]


def _check_serial_free(serial: str, *, but: int | None = None) -> None:
    clash = UltrasoundDevice.objects.filter(serial__iexact=serial)
    if but is not None:
        clash = clash.exclude(pk=but)
    if clash.exists():
        raise Conflict(
            _("A device with serial number %(serial)s is already in the register.") % {"serial": serial},
            field="serial",
        )


def _check_facility_open(facility: Facility, *, field: str = "facility") -> None:
    if not facility.is_open:
        raise ValidationFailed(
            _("%(name)s is closed; a device cannot be placed there.") % {"name": facility.name}, field=field
        )


def _clean(device: UltrasoundDevice) -> None:
    """Check a device's fields together (after changes were applied to the instance)."""
    device.make = clean_text(device.make, field="make", label=_("The make"), required=True, max_length=100)
    device.model_name = clean_text(
        device.model_name, field="model_name", label=_("The model"), required=True, max_length=100
    )
    device.serial = clean_text(
        device.serial, field="serial", label=_("The serial number"), required=True, max_length=64
    )
    device.seller = clean_text(device.seller, field="seller", label=_("The seller"))
    device.operators = clean_text(device.operators, field="operators", label=_("The operator list"), max_length=5000)
    if not isinstance(device.purchase_date, dt.date):
        raise ValidationFailed(_("The purchase date is required."), field="purchase_date")
    check_not_future(device.purchase_date, field="purchase_date", label=_("The purchase date"))
    for number_field, date_field, department in _REGISTRATIONS:
        number = clean_text(
            getattr(device, number_field), field=number_field, label=_("The registration number"), max_length=64
        )
        setattr(device, number_field, number)
        day = getattr(device, date_field)
        if bool(number) != bool(day):
            raise ValidationFailed(
                _("Give both the number and the date of the %(dept)s registration, or neither.") % {"dept": department},
                field=date_field if number else number_field,
            )
        if day is not None:
            check_not_future(day, field=date_field, label=_("A registration date"))
            if day < device.purchase_date:
                raise ValidationFailed(
                    _("The %(dept)s registration date %(day)s is before the purchase date %(purchase)s.")
                    % {"dept": department, "day": day, "purchase": device.purchase_date},
                    field=date_field,
                )


@transaction.atomic
def device_register(
    *,
    actor: Any,
    make: str,
    model_name: str,
    serial: str,
    purchase_date: dt.date,
    facility: Facility,
    seller: str = "",
    operators: str = "",
    health_reg_number: str = "",
    health_reg_date: dt.date | None = None,
    fp_reg_number: str = "",
    fp_reg_date: dt.date | None = None,
) -> UltrasoundDevice:
    """Record an ultrasound device where it stands, with its registrations (if it has them yet)."""
    device = UltrasoundDevice(
        make=make,
        model_name=model_name,
        serial=serial,
        purchase_date=purchase_date,
        seller=seller,
        facility=facility,
        operators=operators,
        health_reg_number=health_reg_number,
        health_reg_date=health_reg_date,
        fp_reg_number=fp_reg_number,
        fp_reg_date=fp_reg_date,
    )
    _clean(device)
    _check_serial_free(device.serial)
    _check_facility_open(facility)
    device.registration_due = device.purchase_date + dt.timedelta(days=rules.registration_days())
    device.save()
    DeviceEvent.objects.create(
        device=device,
        kind=DeviceEventKind.RECORDED,
        on=device.purchase_date,
        to_facility=facility,
        counterparty=device.seller,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="oversight.device.register",
        object_type="device",
        object_id=device.pk,
        orgunit=facility.orgunit,
        changes=field_changes(None, snapshot(device, AUDITED_FIELDS)),
    )
    return device


@transaction.atomic
def device_update(*, actor: Any, device: UltrasoundDevice, **changes: Any) -> UltrasoundDevice:
    """Correct a device's details, add a registration or change its operators. Where it stands and whether
    it is in service change only through moves, sales and scrapping (which keep the history)."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationFailed(
            _("These fields cannot be changed here: %(f)s.") % {"f": ", ".join(sorted(unknown))},
            field=sorted(unknown)[0],
        )
    device = UltrasoundDevice.objects.select_for_update().get(pk=device.pk)
    before = snapshot(device, AUDITED_FIELDS)
    for name, value in changes.items():
        setattr(device, name, value)
    _clean(device)
    if device.serial != before["serial"]:
        _check_serial_free(device.serial, but=device.pk)
    if device.purchase_date != before["purchase_date"]:
        device.registration_due = device.purchase_date + dt.timedelta(days=rules.registration_days())
    device.save()
    recorded_on = today()
    for number_field, date_field, department in _REGISTRATIONS:
        if (getattr(device, number_field), getattr(device, date_field)) != (before[number_field], before[date_field]):
            DeviceEvent.objects.create(
                device=device,
                kind=DeviceEventKind.REGISTERED,
                on=getattr(device, date_field) or recorded_on,
                note=f"{department}: {getattr(device, number_field) or '—'}",
                recorded_by=actor,
            )
    if device.operators != before["operators"]:
        DeviceEvent.objects.create(
            device=device, kind=DeviceEventKind.OPERATORS, on=recorded_on, note=device.operators, recorded_by=actor
        )
    audit_record(
        actor=actor,
        action="oversight.device.update",
        object_type="device",
        object_id=device.pk,
        orgunit=device.facility.orgunit,
        changes=field_changes(before, snapshot(device, AUDITED_FIELDS)),
    )
    return device


def _check_event(device: UltrasoundDevice, on: Any) -> None:
    if not device.is_active:
        raise ValidationFailed(
            _("This device was %(status)s; its history is closed.") % {"status": device.get_status_display()}
        )
    if not isinstance(on, dt.date):
        raise ValidationFailed(_("The date is required."), field="on")
    check_not_future(on, field="on", label=_("The date"))
    if on < device.purchase_date:
        raise ValidationFailed(_("The date is before the device was bought."), field="on")


def _event(
    *,
    actor: Any,
    device: UltrasoundDevice,
    kind: str,
    on: dt.date,
    to_facility: Facility | None = None,
    counterparty: str = "",
    note: str = "",
    status: str | None = None,
) -> DeviceEvent:
    before = snapshot(device, ["facility", "status"])
    event = DeviceEvent.objects.create(
        device=device,
        kind=kind,
        on=on,
        from_facility=device.facility,
        to_facility=to_facility,
        counterparty=clean_text(counterparty, field="counterparty", label=_("The buyer or recycler")),
        note=clean_text(note, field="note", label=_("The note"), max_length=2000),
        recorded_by=actor,
    )
    if to_facility is not None:
        device.facility = to_facility
    if status is not None:
        device.status = status
    device.save(update_fields=["facility", "status", "updated_at"])
    audit_record(
        actor=actor,
        action=f"oversight.device.{kind}",
        object_type="device",
        object_id=device.pk,
        orgunit=(to_facility or event.from_facility or device.facility).orgunit,
        changes=field_changes(before, snapshot(device, ["facility", "status"])),
    )
    return event


@transaction.atomic
def device_move(
    *, actor: Any, device: UltrasoundDevice, to_facility: Facility, on: dt.date, note: str = "", in_use: bool = True
) -> DeviceEvent:
    """The device now stands at another facility (in use there, or stored)."""
    _check_event(device, on)
    if to_facility.pk == device.facility_id:
        raise ValidationFailed(
            _("The device is already at %(name)s.") % {"name": to_facility.name}, field="to_facility"
        )
    _check_facility_open(to_facility, field="to_facility")
    status = DeviceStatus.IN_USE if in_use else DeviceStatus.STORED
    return _event(
        actor=actor, device=device, kind=DeviceEventKind.MOVED, on=on, to_facility=to_facility, note=note, status=status
    )


@transaction.atomic
def device_sell(
    *,
    actor: Any,
    device: UltrasoundDevice,
    buyer: str,
    on: dt.date,
    to_facility: Facility | None = None,
    note: str = "",
) -> DeviceEvent:
    """The holder sold the device: to a facility in the register (it moves there) or out of the district."""
    _check_event(device, on)
    buyer = clean_text(buyer, field="buyer", label=_("The buyer"), required=True)
    if to_facility is not None:
        if to_facility.pk == device.facility_id:
            raise ValidationFailed(_("A device cannot be sold to the facility that holds it."), field="to_facility")
        _check_facility_open(to_facility, field="to_facility")
        return _event(
            actor=actor,
            device=device,
            kind=DeviceEventKind.SOLD,
            on=on,
            to_facility=to_facility,
            counterparty=buyer,
            note=note,
            status=DeviceStatus.IN_USE,
        )
    return _event(
        actor=actor, device=device, kind=DeviceEventKind.SOLD, on=on, counterparty=buyer, note=note, status="sold"
    )


@transaction.atomic
def device_scrap(
    *, actor: Any, device: UltrasoundDevice, on: dt.date, recycler: str = "", note: str = ""
) -> DeviceEvent:
    """The device was destroyed or taken for scrap; it leaves the register's active list."""
    _check_event(device, on)
    return _event(
        actor=actor,
        device=device,
        kind=DeviceEventKind.SCRAPPED,
        on=on,
        counterparty=recycler,
        note=note,
        status=DeviceStatus.SCRAPPED,
    )

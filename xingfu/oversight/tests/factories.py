"""Small builders for oversight tests: they go through the services, as users do."""

import datetime as dt
from itertools import count
from typing import Any

from django.core import signing
from django.utils import timezone

from xingfu.orgunits.models import OrgUnit
from xingfu.oversight.models import ChecklistItem, Facility, Inspection, UltrasoundDevice
from xingfu.oversight.services.devices import device_register
from xingfu.oversight.services.facilities import facility_create
from xingfu.oversight.services.inspections import inspection_record, inspection_schedule
from xingfu.oversight.services.tipoffs import _CHALLENGE_SALT, challenge_new

_serials = count(1)


def today() -> dt.date:
    return timezone.localdate()


def days_ago(n: int) -> dt.date:
    return today() - dt.timedelta(days=n)


def make_facility(unit: OrgUnit, name: str = "康宁诊所", kind: str = "private_clinic", **extra: Any) -> Facility:
    return facility_create(actor=None, name=name, kind=kind, orgunit=unit, **extra)


def make_device(facility: Facility, **extra: Any) -> UltrasoundDevice:
    purchase = extra.pop("purchase_date", days_ago(100))
    values: dict[str, Any] = {
        "make": "迈瑞",
        "model_name": "DC-30",
        "serial": f"SN-{next(_serials):05d}",
        "purchase_date": purchase,
        "health_reg_number": "卫备-001",
        "health_reg_date": purchase + dt.timedelta(days=5),
        "fp_reg_number": "计备-001",
        "fp_reg_date": purchase + dt.timedelta(days=6),
        "operators": "张医生\n李医生",
    }
    values.update(extra)
    return device_register(actor=None, facility=facility, **values)


def all_yes(**overrides: str) -> dict[str, tuple[str, str]]:
    answers = {item.code: ("yes", "") for item in ChecklistItem.objects.filter(active=True)}
    for code, answer in overrides.items():
        answers[code] = (answer, "")
    return answers


def make_done_inspection(
    facility: Facility, *, done_on: dt.date | None = None, actor: Any = None, **answers: str
) -> Inspection:
    inspection = inspection_schedule(actor=actor, facility=facility, kind="unannounced", planned_for=done_on)
    return inspection_record(actor=actor, inspection=inspection, done_on=done_on or today(), answers=all_yes(**answers))


def solved_challenge() -> dict[str, str]:
    """A fresh challenge with its right answer, as a person would fill it in."""
    challenge = challenge_new()
    data = signing.loads(challenge.token, salt=_CHALLENGE_SALT)
    return {"challenge_token": challenge.token, "challenge_answer": str(data["a"] + data["b"])}

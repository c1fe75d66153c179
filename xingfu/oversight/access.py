"""Who may see or change what in oversight: the few ``access_*`` functions views and the API go through.

Seeing needs ``oversight.view``, changing ``oversight.record``; *where* is always the user's subtree (a
facility's, tip-off's or case's org unit path). An object outside the subtree is "not found", whether it
exists or not. The reporter's contact on a tip-off is for the case owner and the district admin only.
"""

from typing import Any

from django.utils.translation import gettext as _

from xingfu.accounts.access import access_orgunit_by_code, may_see_unit, require
from xingfu.accounts.roles import Perm, Role
from xingfu.core.errors import NotFound, PermissionDenied
from xingfu.orgunits.models import OrgUnit
from xingfu.oversight import selectors
from xingfu.oversight.models import Case, CaseStep, Facility, Finding, Inspection, TipOff, UltrasoundDevice


def _perm(record: bool) -> Perm:
    return Perm.OVERSIGHT_RECORD if record else Perm.OVERSIGHT_VIEW


def _pk(value: Any) -> int:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        pk = 0
    return pk if 0 < pk < 2**63 else 0


def access_facility(user: Any, pk: Any, *, record: bool = False) -> Facility:
    require(user, _perm(record))
    facility = selectors.facilities_for(user).filter(pk=_pk(pk)).select_related("orgunit").first()
    if facility is None:
        raise NotFound(_("No such facility in your scope."))
    return facility


def access_device(user: Any, pk: Any, *, record: bool = False) -> UltrasoundDevice:
    require(user, _perm(record))
    device = selectors.devices_for(user).filter(pk=_pk(pk)).select_related("facility__orgunit").first()
    if device is None:
        raise NotFound(_("No such device in your scope."))
    return device


def access_inspection(user: Any, pk: Any, *, record: bool = False) -> Inspection:
    require(user, _perm(record))
    inspection = (
        selectors.inspections_for(user)
        .filter(pk=_pk(pk))
        .select_related("facility__orgunit", "inspector", "follows_finding")
        .first()
    )
    if inspection is None:
        raise NotFound(_("No such inspection in your scope."))
    return inspection


def access_finding(user: Any, pk: Any, *, record: bool = False) -> Finding:
    require(user, _perm(record))
    finding = selectors.findings_for(user).filter(pk=_pk(pk)).select_related("inspection__facility__orgunit").first()
    if finding is None:
        raise NotFound(_("No such finding in your scope."))
    return finding


def access_tipoff(user: Any, pk: Any, *, record: bool = False) -> TipOff:
    require(user, _perm(record))
    tipoff = selectors.tipoffs_for(user).filter(pk=_pk(pk)).select_related("orgunit", "case").first()
    if tipoff is None:
        raise NotFound(_("No such tip-off in your scope."))
    return tipoff


def access_case(user: Any, pk: Any, *, record: bool = False) -> Case:
    require(user, _perm(record))
    case = selectors.cases_for(user).filter(pk=_pk(pk)).select_related("orgunit", "owner", "facility").first()
    if case is None:
        raise NotFound(_("No such case in your scope."))
    return case


def access_case_step(user: Any, case: Case, pk: Any) -> CaseStep:
    step = case.steps.filter(pk=_pk(pk)).first()
    if step is None:
        raise NotFound(_("No such step in this case."))
    return step


def access_unit_for_record(user: Any, code: Any) -> OrgUnit:
    """An org unit in the user's scope where she may record oversight data."""
    require(user, Perm.OVERSIGHT_RECORD)
    return access_orgunit_by_code(user, str(code or "")[:12])


def may_see_contact(user: Any, tipoff: TipOff) -> bool:
    """The reporter's contact: the owner of the tip-off's case, or a district admin whose scope covers it."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.can(Perm.OVERSIGHT_VIEW):
        return False
    if not may_see_unit(user, tipoff.orgunit):
        return False
    if user.role == Role.DISTRICT_ADMIN:
        return True
    case = tipoff.case
    return case is not None and case.owner_id == user.pk


def may_see_case_contacts(user: Any, case: Case) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.can(Perm.OVERSIGHT_VIEW):
        return False
    if not may_see_unit(user, case.orgunit):
        return False
    return user.role == Role.DISTRICT_ADMIN or case.owner_id == user.pk


def require_case_contacts(user: Any, case: Case) -> None:
    if not may_see_case_contacts(user, case):
        raise PermissionDenied(_("Only the case owner and the district admin may see reporters' contacts."))

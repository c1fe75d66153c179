"""Who may see and change which care records: the one place, built on ``xingfu.accounts.access.scoped``.

Care records are health data. Only roles granted ``care.view`` see them at all, and only those of
enrolments, check-ups and campaigns whose village lies in their scope. A record outside the scope answers
404, as a missing one does, so ids cannot be probed. Recording needs ``care.record`` and the same scope.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from xingfu.accounts.access import may_see_unit, require, scope_path, scoped
from xingfu.accounts.roles import Perm, Role, role_has
from xingfu.care.models import CheckUp, DueVisit, Enrollment, Invitation, ScreeningCampaign, Visit
from xingfu.core.errors import NotFound, PermissionDenied
from xingfu.orgunits.models import OrgUnit
from xingfu.registry.models import Person
from xingfu.registry.resident_id import compact

MAX_PK = 2**63 - 1


def may_view(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.can(Perm.CARE_VIEW))


def may_record(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.can(Perm.CARE_RECORD))


def _cut(user: Any, queryset: QuerySet[Any], path_field: str) -> QuerySet[Any]:
    if not may_view(user):
        return queryset.none()
    return scoped(user, queryset, path_field)


def access_enrollments(user: Any) -> QuerySet[Enrollment]:
    return _cut(user, Enrollment.objects.all(), "orgunit__path")


def access_checkups(user: Any) -> QuerySet[CheckUp]:
    return _cut(user, CheckUp.objects.all(), "enrollment__orgunit__path")


def access_visits(user: Any) -> QuerySet[Visit]:
    return _cut(user, Visit.objects.all(), "enrollment__orgunit__path")


def access_due_visits(user: Any) -> QuerySet[DueVisit]:
    return _cut(user, DueVisit.objects.all(), "enrollment__orgunit__path")


def access_campaigns(user: Any) -> QuerySet[ScreeningCampaign]:
    return _cut(user, ScreeningCampaign.objects.all(), "village__path")


def access_invitations(user: Any) -> QuerySet[Invitation]:
    return _cut(user, Invitation.objects.all(), "campaign__village__path")


def access_persons(user: Any) -> QuerySet[Person]:
    """Residents a health worker may enrol or look up: those of her scope."""
    return _cut(user, Person.objects.all(), "orgunit__path")


def _one(queryset: QuerySet[Any], pk: Any, message: str, field: str | None = None) -> Any:
    text = str(pk)
    key = int(text) if text.isdigit() and 0 < int(text) <= MAX_PK else None
    found = queryset.filter(pk=key).first() if key else None
    if found is None:
        raise NotFound(message, field=field)
    return found


def access_enrollment(user: Any, pk: Any, *, field: str | None = None) -> Enrollment:
    return _one(
        access_enrollments(user).select_related("programme", "person", "orgunit", "responsible"),
        pk,
        _("No enrolment %(id)s in your scope.") % {"id": pk},
        field,
    )


def access_checkup(user: Any, pk: Any, *, field: str | None = None) -> CheckUp:
    return _one(
        access_checkups(user).select_related(
            "enrollment", "enrollment__programme", "enrollment__person", "enrollment__orgunit", "partner"
        ),
        pk,
        _("No check-up %(id)s in your scope.") % {"id": pk},
        field,
    )


def access_visit(user: Any, pk: Any) -> Visit:
    return _one(
        access_visits(user).select_related("enrollment", "enrollment__person", "enrollment__orgunit", "stage"),
        pk,
        _("No visit %(id)s in your scope.") % {"id": pk},
    )


def access_due_visit(user: Any, pk: Any, *, field: str | None = None) -> DueVisit:
    return _one(
        access_due_visits(user).select_related("enrollment", "stage"),
        pk,
        _("No due visit %(id)s in your scope.") % {"id": pk},
        field,
    )


def access_campaign(user: Any, pk: Any, *, field: str | None = None) -> ScreeningCampaign:
    return _one(
        access_campaigns(user).select_related("village", "programme"),
        pk,
        _("No screening campaign %(id)s in your scope.") % {"id": pk},
        field,
    )


def access_invitation(user: Any, pk: Any, *, field: str | None = None) -> Invitation:
    return _one(
        access_invitations(user).select_related("campaign", "campaign__village", "person"),
        pk,
        _("No invitation %(id)s in your scope.") % {"id": pk},
        field,
    )


def access_person(user: Any, pk: Any, *, field: str | None = "person") -> Person:
    return _one(
        access_persons(user).select_related("orgunit"),
        pk,
        _("No resident %(id)s in your scope.") % {"id": pk},
        field,
    )


def access_person_by_id_number(user: Any, raw: str, *, field: str = "id_number") -> Person:
    """The resident with this resident-ID number in the user's scope; an unknown number and one outside the
    scope get the same answer, so numbers cannot be probed."""
    number = compact(str(raw or ""))
    person = access_persons(user).select_related("orgunit").filter(id_number=number).first() if number else None
    if person is None:
        raise NotFound(_("No resident with this resident ID number in your scope."), field=field)
    return person


def access_worker(user: Any, pk: Any, *, field: str = "responsible") -> Any:
    """A health worker the user may name as responsible: an active account whose role records care, scoped
    within the user's own subtree (a village worker: her village's workers, herself included)."""
    User = get_user_model()
    prefix = scope_path(user)
    qs = User.objects.none() if prefix is None else User.objects.filter(is_active=True, scope__path__startswith=prefix)
    worker = _one(qs.select_related("scope"), pk, _("No health worker %(id)s in your scope.") % {"id": pk}, field)
    if not role_has(worker.role, Perm.CARE_RECORD):
        raise NotFound(_("%(name)s is not a health worker.") % {"name": worker.display_name}, field=field)
    return worker


def workers_for(user: Any, village: OrgUnit | None = None) -> QuerySet[Any]:
    """Accounts the user may name as responsible (for ``village``: only those whose scope covers it)."""
    User = get_user_model()
    prefix = scope_path(user)
    if prefix is None:
        return User.objects.none()
    roles = [r.value for r in Role if role_has(r.value, Perm.CARE_RECORD)]
    qs = User.objects.filter(is_active=True, role__in=roles, scope__path__startswith=prefix).select_related("scope")
    if village is not None:
        ancestors = ["/" + "/".join(village.path.strip("/").split("/")[:i]) + "/" for i in range(1, 4)]
        qs = qs.filter(scope__path__in=ancestors)
    return qs.order_by("scope__path", "username")


def require_record(user: Any, unit: OrgUnit) -> None:
    """PermissionDenied unless the user may record care in ``unit``."""
    require(user, Perm.CARE_RECORD)
    if not may_see_unit(user, unit):
        raise PermissionDenied(_("%(unit)s is outside your scope.") % {"unit": unit.name})

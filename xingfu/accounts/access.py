"""The one place that decides who may see what.

Every selector and API queryset in Xingfu is cut here by the user's scope: a prefix match on the org
unit's materialised path. A village worker sees her village, a town officer his town's subtree, the
district admin everything. A user with no scope (or inactive) sees nothing.
"""

from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet

from xingfu.accounts.roles import Perm
from xingfu.core.errors import NotFound, PermissionDenied
from xingfu.orgunits.models import OrgUnit

M = TypeVar("M", bound=Model)


def scope_path(user: Any) -> str | None:
    """The path prefix the user may see, or None for nobody."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    scope = getattr(user, "scope", None)
    return scope.path if scope is not None else None


def scope_of(user: Any) -> OrgUnit:
    """The user's scope unit; PermissionDenied for a user without one (who must see nothing)."""
    scope = getattr(user, "scope", None) if scope_path(user) is not None else None
    if scope is None:
        raise PermissionDenied("Your account has no org unit assigned.")
    return scope


def scoped(user: Any, queryset: QuerySet[M], path_field: str) -> QuerySet[M]:
    """``queryset`` cut to rows whose org-unit path (``path_field``) lies in the user's subtree."""
    prefix = scope_path(user)
    if prefix is None:
        return queryset.none()
    return queryset.filter(**{f"{path_field}__startswith": prefix})


def require(user: Any, perm: Perm) -> None:
    """Raise PermissionDenied unless the user's role grants ``perm``."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.can(perm):
        raise PermissionDenied(f"Your role may not do this ({perm.value}).")


def access_orgunits(user: Any) -> QuerySet[OrgUnit]:
    return scoped(user, OrgUnit.objects.all(), "path")


def access_orgunit_by_code(user: Any, code: str) -> OrgUnit:
    """The unit with ``code`` if the user may see it; otherwise 404 — whether it exists or not, so
    codes outside the scope cannot be probed."""
    unit = access_orgunits(user).filter(code=code).first()
    if unit is None:
        raise NotFound(f"No org unit with code {code!r} in your scope.")
    return unit


def may_see_unit(user: Any, unit: OrgUnit | None) -> bool:
    prefix = scope_path(user)
    return bool(prefix and unit is not None and unit.path.startswith(prefix))


def access_users(user: Any) -> QuerySet[Any]:
    """Accounts the user may see: those scoped within her subtree if her role may see users, else
    only herself."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    prefix = scope_path(user)
    if prefix is None:
        return User.objects.none()
    if not user.can(Perm.USERS_VIEW):
        return User.objects.filter(pk=user.pk)
    return User.objects.filter(Q(scope__path__startswith=prefix))


def access_audit_events(user: Any) -> QuerySet[Any]:
    """Audit events about org units in the user's subtree, for roles that may read the trail. Events
    with no org unit (system-wide ones) are for district-level readers only."""
    from xingfu.audit.models import AuditEvent

    prefix = scope_path(user)
    if prefix is None or not user.can(Perm.AUDIT_VIEW):
        return AuditEvent.objects.none()
    condition = Q(orgunit_path__startswith=prefix)
    if user.scope.level == "district":
        condition |= Q(orgunit_path="")
    return AuditEvent.objects.filter(condition)

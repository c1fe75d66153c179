"""Writes to user accounts."""

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from xingfu.accounts.roles import Role
from xingfu.audit.services import audit_record, field_changes
from xingfu.core.errors import ValidationFailed
from xingfu.orgunits.models import OrgUnit


@transaction.atomic
def user_create(
    *,
    actor: Any,
    username: str,
    password: str,
    role: str,
    scope: OrgUnit,
    full_name: str = "",
    department: str = "",
) -> Any:
    """Open an account with a role and a scope org unit (the subtree the user works in)."""
    User = get_user_model()
    username = (username or "").strip()
    if not username:
        raise ValidationFailed(_("A username is required."), field="username")
    if role not in Role.values:
        raise ValidationFailed(_("Unknown role %(role)s.") % {"role": role}, field="role")
    if scope is None:
        raise ValidationFailed(_("Every account needs a scope org unit."), field="scope")
    if User.objects.filter(username=username).exists():
        raise ValidationFailed(_("The username %(u)s is taken.") % {"u": username}, field="username")
    user = User(username=username, role=role, scope=scope, full_name=full_name, department=department)
    user.set_password(password)
    user.is_staff = role == Role.DISTRICT_ADMIN  # the Django admin is for district admins only
    user.save()
    audit_record(
        actor=actor,
        action="user.create",
        object_type="user",
        object_id=user.pk,
        orgunit=scope,
        changes=field_changes(
            None,
            {"username": username, "role": role, "scope": scope.code, "full_name": full_name, "department": department},
        ),
    )
    return user


@transaction.atomic
def user_set_password(*, actor: Any, user: Any, password: str) -> None:
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(actor=actor, action="user.set_password", object_type="user", object_id=user.pk, orgunit=user.scope)

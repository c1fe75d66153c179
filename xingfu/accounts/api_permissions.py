from typing import Any

from rest_framework.permissions import BasePermission

from xingfu.accounts.access import scope_path


class IsScopedUser(BasePermission):
    """The API's default: an authenticated, active user with a scope org unit."""

    message = "Authentication with an account that has a scope org unit is required."

    def has_permission(self, request: Any, view: Any) -> bool:
        return scope_path(request.user) is not None


class HasPerm(IsScopedUser):
    """``permission_classes = [HasPerm.of(Perm.X)]``: scoped user whose role grants ``Perm.X``."""

    perm: Any = None

    @classmethod
    def of(cls, perm: Any) -> type["HasPerm"]:
        return type(f"Has_{perm.name}", (cls,), {"perm": perm, "message": f"Your role may not do this ({perm.value})."})

    def has_permission(self, request: Any, view: Any) -> bool:
        return super().has_permission(request, view) and request.user.can(self.perm)

"""Small helpers the benefits services share."""

from typing import Any

from django.utils.translation import gettext as _

from xingfu.accounts.access import require, scope_path
from xingfu.accounts.roles import Perm
from xingfu.core.errors import PermissionDenied
from xingfu.orgunits.models import OrgUnit


def require_perm(actor: Any, perm: Perm) -> None:
    """Raise PermissionDenied unless ``actor`` is a user whose role grants ``perm``. ``None`` is the system
    (the demo, the benchmarks), which may do anything."""
    if actor is None:
        return
    require(actor, perm)


def require_in_scope(actor: Any, unit: OrgUnit) -> None:
    """Acting on ``unit`` (and its subtree) needs a scope that contains it; the system acts anywhere."""
    if actor is None:
        return
    prefix = scope_path(actor)
    if prefix is None or not unit.path.startswith(prefix):
        raise PermissionDenied(_("%(unit)s is outside your scope.") % {"unit": unit.name})

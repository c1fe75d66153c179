"""Who may do what in analytics. Reading is ``Perm.ANALYTICS_VIEW``, always within the user's subtree (the
selectors cut every unit by scope); defining indicators and scorecards, recording decisions and refreshing on
demand are for the holders of ``Perm.SCORECARDS_MANAGE`` (district administrators)."""

from typing import Any

from xingfu.accounts.access import require, scope_path
from xingfu.accounts.roles import Perm


def require_view(user: Any) -> None:
    require(user, Perm.ANALYTICS_VIEW)


def require_manage(user: Any) -> None:
    require(user, Perm.SCORECARDS_MANAGE)


def may_manage(user: Any) -> bool:
    return bool(scope_path(user) and user.can(Perm.SCORECARDS_MANAGE))


def may_refresh(user: Any) -> bool:
    """The refresh button: district administrators (their scope is the whole district)."""
    prefix = scope_path(user)
    return bool(prefix and prefix.count("/") == 2 and user.can(Perm.SCORECARDS_MANAGE))

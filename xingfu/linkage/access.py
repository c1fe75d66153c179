"""Who may see which link runs, candidates and decisions: the user's scope subtree, by the org unit each row
concerns (a run by its scope, a candidate by the village of the registry person or of the list row)."""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from xingfu.accounts.access import scoped
from xingfu.accounts.roles import Perm
from xingfu.core.errors import NotFound
from xingfu.linkage.models import Candidate, Decision, LinkRun, OutsideRecord


def _may(user: Any, perm: Perm) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.can(perm))


def runs_for_user(user: Any) -> QuerySet[LinkRun]:
    if not _may(user, Perm.LINKAGE_VIEW):
        return LinkRun.objects.none()
    return scoped(user, LinkRun.objects.all(), "scope__path")


def candidates_for_user(user: Any) -> QuerySet[Candidate]:
    if not _may(user, Perm.LINKAGE_VIEW):
        return Candidate.objects.none()
    return scoped(user, Candidate.objects.all(), "orgunit__path")


def decisions_for_user(user: Any) -> QuerySet[Decision]:
    if not _may(user, Perm.LINKAGE_VIEW):
        return Decision.objects.none()
    return scoped(user, Decision.objects.all(), "orgunit__path")


def records_for_user(user: Any) -> QuerySet[OutsideRecord]:
    if not _may(user, Perm.LINKAGE_VIEW):
        return OutsideRecord.objects.none()
    return scoped(user, OutsideRecord.objects.all(), "orgunit__path")


def _pk(value: Any) -> int | None:
    text = str(value)
    return int(text) if text.isdigit() and len(text) <= 18 else None


def access_run(user: Any, pk: Any) -> LinkRun:
    """The run if the user may see it; 404 otherwise, whether it exists or not."""
    key = _pk(pk)
    run = None
    if key is not None:
        run = runs_for_user(user).select_related("scope", "outside_list", "started_by").filter(pk=key).first()
    if run is None:
        raise NotFound(_("No such link run in your scope."))
    return run


def access_candidate(user: Any, pk: Any) -> Candidate:
    key = _pk(pk)
    candidate = None
    if key is not None:
        candidate = (
            candidates_for_user(user)
            .select_related("run", "record", "person__orgunit", "other_person__orgunit", "birth", "orgunit")
            .filter(pk=key)
            .first()
        )
    if candidate is None:
        raise NotFound(_("No such candidate pair in your scope."))
    return candidate

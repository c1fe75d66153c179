"""Who may see which benefits records: the one place that decides (Zulip's ``access_*`` style).

Programmes and funds are district-wide definitions: every role that may see benefits sees them. Cycles are
seen by users whose scope contains the cycle's scope; entitlements, ledger entries, applications, certificates
and fulfilment records by the village they belong to (a prefix match on its path). A department liaison sees
and records only her department's commitments.
"""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from xingfu.accounts.access import scoped
from xingfu.accounts.roles import Perm, Role
from xingfu.benefits.models import (
    Application,
    Certificate,
    Commitment,
    CommitmentFulfilment,
    Entitlement,
    Fund,
    LedgerEntry,
    PaymentCycle,
    Programme,
)
from xingfu.core.errors import NotFound

MAX_ID = 2**63 - 1


def _can(user: Any, perm: Perm) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.can(perm))


def pk_or_none(value: Any) -> int | None:
    """``value`` as a primary key, or None for anything that cannot be one (so no query overflows)."""
    text = str(value)
    return int(text) if text.isdigit() and len(text) <= 18 and int(text) <= MAX_ID else None


def _get(qs: QuerySet[Any], pk: Any, what: str) -> Any:
    """The row with ``pk`` if the user may see it; 404 otherwise, whether it exists or not. ``what`` is the
    kind of row, translated."""
    key = pk_or_none(pk)
    found = qs.filter(pk=key).first() if key is not None else None
    if found is None:
        raise NotFound(_("No such %(what)s in your scope.") % {"what": what})
    return found


def access_programmes(user: Any) -> QuerySet[Programme]:
    if not _can(user, Perm.BENEFITS_VIEW):
        return Programme.objects.none()
    return Programme.objects.all()


def access_programme(user: Any, pk: Any) -> Programme:
    return _get(access_programmes(user), pk, pgettext("benefit programme", "programme"))


def access_cycles(user: Any) -> QuerySet[PaymentCycle]:
    if not _can(user, Perm.BENEFITS_VIEW):
        return PaymentCycle.objects.none()
    return scoped(user, PaymentCycle.objects.all(), "scope__path")


def access_cycle(user: Any, pk: Any) -> PaymentCycle:
    return _get(access_cycles(user).select_related("programme", "scope", "prepared_by", "approved_by"), pk, _("cycle"))


def access_entitlements(user: Any) -> QuerySet[Entitlement]:
    if not _can(user, Perm.BENEFITS_VIEW):
        return Entitlement.objects.none()
    return scoped(user, Entitlement.objects.all(), "orgunit__path")


def access_ledger(user: Any) -> QuerySet[LedgerEntry]:
    if not _can(user, Perm.BENEFITS_VIEW):
        return LedgerEntry.objects.none()
    return scoped(user, LedgerEntry.objects.all(), "orgunit__path")


def access_ledger_entry(user: Any, pk: Any) -> LedgerEntry:
    return _get(access_ledger(user).select_related("programme", "programme__fund", "orgunit"), pk, _("ledger entry"))


def access_applications(user: Any) -> QuerySet[Application]:
    if not _can(user, Perm.BENEFITS_VIEW):
        return Application.objects.none()
    return scoped(user, Application.objects.all(), "orgunit__path")


def access_application(user: Any, pk: Any) -> Application:
    return _get(
        access_applications(user).select_related("programme", "person", "household", "orgunit", "submitted_by"),
        pk,
        _("application"),
    )


def access_funds(user: Any) -> QuerySet[Fund]:
    if not _can(user, Perm.BENEFITS_VIEW):
        return Fund.objects.none()
    return Fund.objects.all()


def access_fund(user: Any, pk: Any) -> Fund:
    return _get(access_funds(user), pk, _("fund"))


def access_certificates(user: Any) -> QuerySet[Certificate]:
    if not _can(user, Perm.BENEFITS_VIEW):
        return Certificate.objects.none()
    return scoped(user, Certificate.objects.all(), "orgunit__path")


def _liaison(user: Any) -> bool:
    return bool(user is not None and getattr(user, "role", None) == Role.DEPARTMENT_LIAISON)


def access_commitments(user: Any) -> QuerySet[Commitment]:
    """A liaison: her department's commitments; others who see benefits or record commitments: all."""
    if _liaison(user):
        if not _can(user, Perm.COMMITMENTS_RECORD) or not user.department:
            return Commitment.objects.none()
        return Commitment.objects.filter(department=user.department)
    if _can(user, Perm.BENEFITS_VIEW) or _can(user, Perm.COMMITMENTS_RECORD):
        return Commitment.objects.all()
    return Commitment.objects.none()


def access_commitment(user: Any, pk: Any) -> Commitment:
    return _get(access_commitments(user), pk, _("commitment"))


def access_fulfilments(user: Any) -> QuerySet[CommitmentFulfilment]:
    """Fulfilment records of the commitments the user sees, for households in her scope."""
    commitments = access_commitments(user)
    return scoped(user, CommitmentFulfilment.objects.filter(commitment__in=commitments), "orgunit__path")

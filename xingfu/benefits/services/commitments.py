"""Department commitments: the catalogue (district administrators) and fulfilment records (liaisons)."""

import datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from xingfu.accounts.roles import Perm, Role
from xingfu.audit.services import audit_record
from xingfu.benefits.eligibility.amounts import money
from xingfu.benefits.models import Commitment, CommitmentCategory, CommitmentFulfilment
from xingfu.benefits.services._common import require_perm
from xingfu.core.errors import Conflict, PermissionDenied, ValidationFailed
from xingfu.registry.models import Household


@transaction.atomic
def commitment_add(*, actor: Any, department: str, title: str, category: str, description: str = "") -> Commitment:
    """Add a department's commitment to the catalogue."""
    require_perm(actor, Perm.BENEFITS_MANAGE)
    if not department.strip() or not title.strip():
        raise ValidationFailed(_("Name the department and the commitment."), field="title")
    if category not in CommitmentCategory.values:
        raise ValidationFailed(_("The category is major or minor."), field="category")
    try:
        with transaction.atomic():
            commitment = Commitment.objects.create(
                department=department.strip()[:100],
                title=title.strip()[:200],
                category=category,
                description=description.strip(),
            )
    except IntegrityError:
        raise Conflict(_("This department has this commitment already."), field="title") from None
    audit_record(
        actor=actor,
        action="benefits.commitment_add",
        object_type="commitment",
        object_id=commitment.pk,
        changes={
            "department": {"before": None, "after": commitment.department},
            "title": {"before": None, "after": commitment.title},
        },
    )
    return commitment


def may_record_for(actor: Any, commitment: Commitment) -> bool:
    """A liaison records only her own department's commitments; a district administrator any."""
    if actor is None:
        return True
    if not actor.can(Perm.COMMITMENTS_RECORD):
        return False
    if actor.role == Role.DEPARTMENT_LIAISON:
        return bool(actor.department) and actor.department == commitment.department
    return True


@transaction.atomic
def fulfilment_record(
    *,
    actor: Any,
    commitment: Commitment,
    household: Household,
    date: datetime.date,
    description: str = "",
    value: Decimal | None = None,
) -> CommitmentFulfilment:
    """Record that the department kept a commitment for a household (e.g. a fee waived, worth ``value`` yuan)."""
    require_perm(actor, Perm.COMMITMENTS_RECORD)
    if not may_record_for(actor, commitment):
        raise PermissionDenied(_("You record only your own department's commitments."))
    amount = money(str(value), what=_("The value")) if value is not None else None
    fulfilment = CommitmentFulfilment.objects.create(
        commitment=commitment,
        household=household,
        orgunit_id=household.orgunit_id,
        date=date,
        description=description.strip()[:200],
        value=amount,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="benefits.fulfilment_record",
        object_type="commitment_fulfilment",
        object_id=fulfilment.pk,
        orgunit=household.orgunit,
        changes={"commitment": {"before": None, "after": commitment.pk}, "value": {"before": None, "after": amount}},
    )
    return fulfilment

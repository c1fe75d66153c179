"""Funds: money in (budget, donations) and the statement; money out is recorded by payments."""

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from xingfu.accounts.roles import Perm
from xingfu.audit.services import audit_record
from xingfu.benefits.eligibility.amounts import money
from xingfu.benefits.models import Fund, FundTransaction, FundTransactionKind
from xingfu.benefits.services._common import require_perm
from xingfu.core.errors import ValidationFailed

MONEY_IN = (FundTransactionKind.BUDGET, FundTransactionKind.DONATION)


@transaction.atomic
def fund_money_in(
    *, actor: Any, fund: Fund, kind: str, amount: Decimal, date: datetime.date, source: str = "", note: str = ""
) -> FundTransaction:
    """Record money coming into a fund: a budget allocation or a donation (from whom in ``source``)."""
    require_perm(actor, Perm.BENEFITS_MANAGE)
    if kind not in MONEY_IN:
        raise ValidationFailed(_("Money comes in as a budget allocation or a donation."), field="kind")
    value = money(str(amount))
    if value <= 0:
        raise ValidationFailed(_("The amount must be above zero."), field="amount")
    row = FundTransaction.objects.create(
        fund=fund,
        kind=kind,
        amount=value,
        date=date,
        source=source.strip()[:200],
        note=note.strip()[:200],
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="benefits.fund_in",
        object_type="fund",
        object_id=fund.pk,
        changes={"amount": {"before": None, "after": value}, "kind": {"before": None, "after": kind}},
        reason=source.strip()[:200],
    )
    return row

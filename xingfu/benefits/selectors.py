"""Reads of the benefits app, cut to the user's scope by ``access.py``: lists for pages and the API, the
eligibility of one person or household, the what-if, fund statements and the commitment report."""

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, F, Q, QuerySet, Sum, Value, Window
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from xingfu.accounts.access import scope_of
from xingfu.benefits.access import (
    access_applications,
    access_commitments,
    access_cycles,
    access_entitlements,
    access_fulfilments,
    access_ledger,
    access_programmes,
)
from xingfu.benefits.eligibility import amounts
from xingfu.benefits.eligibility.engine import (
    RuleSpec,
    eligible_units,
    explain_all,
    model_for,
    needed_facts,
    pushdown,
    rule_in_force,
    window_for,
)
from xingfu.benefits.eligibility.tables import fact_table
from xingfu.benefits.models import (
    Application,
    BenefitKind,
    Commitment,
    Entitlement,
    Fund,
    FundTransaction,
    LedgerEntry,
    PaymentCycle,
    Programme,
    Unit,
)
from xingfu.benefits.services.programmes import check_rule
from xingfu.core.errors import ValidationFailed
from xingfu.core.periods import Period
from xingfu.orgunits.models import OrgUnit
from xingfu.registry.models import Household, Person

MONEY: DecimalField[Decimal, Decimal] = DecimalField(max_digits=14, decimal_places=2)


def programmes_filtered(user: Any, *, q: str = "", unit: str = "") -> QuerySet[Programme]:
    qs = access_programmes(user)
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name_zh__icontains=q) | Q(name_en__icontains=q))
    if unit:
        qs = qs.filter(unit=unit)
    return qs.order_by("level", "code")


# --- eligibility ------------------------------------------------------------------------------------------


def eligibility(user: Any, unit: Person | Household, *, on: datetime.date | None = None) -> list[dict[str, Any]]:
    """Per programme for this kind of unit: eligible or not, and why (see ``engine.explain_all``)."""
    kind = Unit.PERSON if isinstance(unit, Person) else Unit.HOUSEHOLD
    programmes = list(access_programmes(user).filter(unit=kind).order_by("level", "code"))
    return explain_all(programmes, unit, on=on or timezone.localdate())


def eligible_sample(programme: Programme, *, on: datetime.date, limit: int) -> list[Person | Household]:
    """Up to ``limit`` units that qualify on ``on`` (for the demo's sample applications)."""
    rule = rule_in_force(programme, on)
    if rule is None:
        return []
    spec = RuleSpec.of(rule)
    model = model_for(programme.unit)
    base = model.objects.all()
    window = amounts.Window(on, on)
    with fact_table(
        programme.unit, base, on=on, names=needed_facts(programme, spec), pushdown=pushdown(programme, spec, on)
    ) as facts:
        ids = list(
            eligible_units(programme, spec, facts, window=window).order_by("id").values_list("id", flat=True)[:limit]
        )
    return list(model.objects.filter(pk__in=ids).select_related("orgunit"))


# --- the what-if ------------------------------------------------------------------------------------------


def _payments_per_year(programme: Programme, window: amounts.Window) -> int:
    if programme.benefit_kind == BenefitKind.CASH_MONTHLY:
        first, last = window.first, window.last
        return (last.year - first.year) * 12 + last.month - first.month + 1
    return 1


def programme_whatif(
    user: Any,
    programme: Programme,
    *,
    conditions: Any = None,
    amount: Any = None,
    on: datetime.date | None = None,
) -> dict[str, Any]:
    """How many units would qualify, and how much money a year, per town of the user's scope: against the
    rule in force on ``on`` (default today), or against a draft rule (``conditions`` and ``amount``) before it
    is saved. Nothing is written: one aggregate query over the fact table, grouped by town.

    A year's money is each unit's amount times the payments in the year (12 for a monthly programme running
    all year); units are those qualifying on the date, assumed to qualify all year."""
    on = on or timezone.localdate()
    draft = conditions is not None or amount is not None
    if draft:
        current = rule_in_force(programme, on)
        clean_conditions, clean_amount = check_rule(
            programme,
            conditions=conditions if conditions is not None else (current.conditions if current else None),
            amount=amount if amount is not None else (current.amount if current else None),
        )
        spec = RuleSpec(clean_conditions, clean_amount)
    else:
        rule = rule_in_force(programme, on)
        if rule is None:
            raise ValidationFailed(_("No rule of this programme is in force on %(date)s.") % {"date": on}, field="on")
        spec = RuleSpec.of(rule)
    window = window_for(programme, Period.year(on.year))
    if window is None:
        raise ValidationFailed(_("The programme does not run in %(year)d.") % {"year": on.year}, field="on")
    scope = scope_of(user)
    base = model_for(programme.unit).objects.filter(orgunit__path__startswith=scope.path)
    per_year = _payments_per_year(programme, window)
    with fact_table(
        programme.unit, base, on=on, names=needed_facts(programme, spec), pushdown=pushdown(programme, spec, on)
    ) as facts:
        rows = list(
            eligible_units(programme, spec, facts, window=window)
            .values(town_id=F("orgunit__parent_id"))
            .annotate(units=Count("id"), money=Sum("benefit_amount"))
            .order_by("town_id")
        )
    towns = {t.pk: t for t in OrgUnit.objects.filter(pk__in=[r["town_id"] for r in rows])}
    certificate = programme.benefit_kind == BenefitKind.CERTIFICATE
    lines = []
    for row in rows:
        town = towns.get(row["town_id"])
        money = (
            None if certificate or row["money"] is None else (Decimal(row["money"]) * per_year).quantize(amounts.CENT)
        )
        lines.append(
            {
                "town": town.code if town else "",
                "name": town.name if town else "",
                "units": row["units"],
                "amount": money,
            }
        )
    known = [line["amount"] for line in lines if line["amount"] is not None]
    return {
        "programme": programme.pk,
        "on": on,
        "year": on.year,
        "rule": "draft" if draft else "current",
        "rule_id": spec.rule_id,
        "payments_per_year": per_year,
        "towns": lines,
        "total_units": sum(line["units"] for line in lines),
        "total_amount": sum(known, Decimal("0.00")) if known or not lines else None,
    }


# --- cycles, entitlements, ledger -------------------------------------------------------------------------


def cycles_filtered(
    user: Any, *, programme: int | None = None, status: str = "", period: str = ""
) -> QuerySet[PaymentCycle]:
    qs = access_cycles(user).select_related("programme", "scope", "prepared_by", "approved_by")
    if programme:
        qs = qs.filter(programme_id=programme)
    if status:
        qs = qs.filter(status=status)
    if period:
        qs = qs.filter(period=period)
    return qs.order_by("-prepared_at", "-id")


def entitlements_filtered(
    user: Any,
    *,
    cycle: int | None = None,
    programme: int | None = None,
    status: str = "",
    person: int | None = None,
    household: int | None = None,
    q: str = "",
) -> QuerySet[Entitlement]:
    qs = access_entitlements(user).select_related("programme", "orgunit", "person", "household", "payee")
    if cycle:
        qs = qs.filter(cycle_id=cycle)
    if programme:
        qs = qs.filter(programme_id=programme)
    if status:
        qs = qs.filter(status=status)
    if person:
        qs = qs.filter(person_id=person)
    if household:
        qs = qs.filter(household_id=household)
    if q:
        qs = qs.filter(Q(person__name__contains=q) | Q(household__number__startswith=q) | Q(payee__name__contains=q))
    return qs.order_by("cycle_id", "id")


def ledger_filtered(
    user: Any, *, programme: int | None = None, person: int | None = None, household: int | None = None, kind: str = ""
) -> QuerySet[LedgerEntry]:
    qs = access_ledger(user).select_related("programme", "orgunit", "person", "household", "reversed_by")
    if programme:
        qs = qs.filter(programme_id=programme)
    if person:
        qs = qs.filter(person_id=person)
    if household:
        qs = qs.filter(household_id=household)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-id")


def applications_filtered(
    user: Any, *, programme: int | None = None, status: str = "", q: str = ""
) -> QuerySet[Application]:
    qs = access_applications(user).select_related("programme", "person", "household", "orgunit")
    if programme:
        qs = qs.filter(programme_id=programme)
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(person__name__contains=q) | Q(household__number__startswith=q))
    return qs.order_by("-submitted_at", "-id")


def benefits_counts(user: Any) -> dict[str, Any]:
    """The home page's figures, in three queries."""
    cycles = access_cycles(user).aggregate(
        waiting=Count("id", filter=Q(status="prepared")), approved=Count("id", filter=Q(status="approved"))
    )
    applications = access_applications(user).filter(status__in=["submitted", "reviewed"]).count()
    paid = access_ledger(user).aggregate(total=Coalesce(Sum("amount"), Value(Decimal(0)), output_field=MONEY))
    return {**cycles, "open_applications": applications, "paid": paid["total"]}


# --- funds ------------------------------------------------------------------------------------------------


def funds_with_balances(user: Any) -> QuerySet[Fund]:
    from xingfu.benefits.access import access_funds

    return (
        access_funds(user)
        .annotate(
            balance=Coalesce(Sum("transactions__amount"), Value(Decimal(0)), output_field=MONEY),
            money_in=Coalesce(
                Sum("transactions__amount", filter=Q(transactions__amount__gt=0)), Value(Decimal(0)), output_field=MONEY
            ),
            money_out=Coalesce(
                Sum("transactions__amount", filter=Q(transactions__amount__lt=0)), Value(Decimal(0)), output_field=MONEY
            ),
        )
        .order_by("code")
    )


def fund_statement(fund: Fund) -> QuerySet[FundTransaction]:
    """The fund's transactions in date order, each with the balance after it."""
    return (
        fund.transactions.select_related("cycle", "recorded_by")
        .annotate(balance=Window(Sum("amount"), order_by=[F("date").asc(), F("id").asc()]))
        .order_by("date", "id")
    )


def fund_transaction_with_balance(fund: Fund, pk: int) -> FundTransaction:
    """One transaction with the fund's balance after it (the statement's window cannot be cut to one row)."""
    row = fund.transactions.get(pk=pk)
    before = fund.transactions.filter(Q(date__lt=row.date) | Q(date=row.date, id__lte=row.pk))
    row.balance = before.aggregate(total=Sum("amount"))["total"]  # type: ignore[attr-defined]
    return row


# --- commitments ------------------------------------------------------------------------------------------


def commitment_report(user: Any) -> list[dict[str, Any]]:
    """Per department: commitments (major, minor), fulfilment records and their value, in the user's scope."""
    commitments = (
        access_commitments(user)
        .values("department")
        .annotate(major=Count("id", filter=Q(category="major")), minor=Count("id", filter=Q(category="minor")))
    )
    done = {
        row["commitment__department"]: row
        for row in access_fulfilments(user)
        .values("commitment__department")
        .annotate(records=Count("id"), households=Count("household", distinct=True), value=Sum("value"))
    }
    report = []
    for row in commitments.order_by("department"):
        fulfilled = done.get(row["department"], {})
        report.append(
            {
                "department": row["department"],
                "major": row["major"],
                "minor": row["minor"],
                "records": fulfilled.get("records", 0),
                "households": fulfilled.get("households", 0),
                "value": fulfilled.get("value") or Decimal(0),
            }
        )
    return report


def commitments_filtered(user: Any, *, q: str = "", department: str = "") -> QuerySet[Commitment]:
    qs = access_commitments(user).annotate(records=Count("fulfilments"))
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(department__icontains=q))
    if department:
        qs = qs.filter(department=department)
    return qs.order_by("department", "category", "id")


def household_of_resident(user: Any, id_number: str) -> Household:
    """The current household of the resident with this ID number, among the persons the user may reach (a
    department liaison finds the household she serves by a member's card)."""
    from xingfu.accounts.access import scoped
    from xingfu.registry.models import Membership
    from xingfu.registry.resident_id import normalise

    number = normalise(id_number)
    person = scoped(user, Person.objects.filter(id_number=number), "orgunit__path").first()
    membership = (
        Membership.objects.filter(person=person, end_date__isnull=True).select_related("household__orgunit").first()
        if person
        else None
    )
    if membership is None:
        raise ValidationFailed(_("No household of a resident with that ID number in your scope."), field="id_number")
    return membership.household

"""Eligibility over whole populations, and the explanation for one person or household, from one rule.

Both paths read the same fact table (``tables.fact_table``) through the same compiled ``Q``: ``eligible_units``
filters the whole table (cycles, the what-if); ``explain_all`` builds the table for one unit and selects every
condition as a boolean column too, so the page shows what the database decided for each condition.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import F, IntegerField, Q, QuerySet, Value
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from xingfu.benefits.eligibility import amounts
from xingfu.benefits.eligibility.conditions import Leaf, as_boolean, compile_q, explain_tree, facts_used, leaves
from xingfu.benefits.eligibility.tables import fact_table
from xingfu.benefits.models import (
    BenefitKind,
    HouseholdFacts,
    PayeeKind,
    PersonFacts,
    Programme,
    ProgrammeRule,
    Unit,
)
from xingfu.core.periods import Period, PeriodType
from xingfu.registry.models import Household, Person

# Facts that are columns of the person (household) row itself: conditions on them can cut the population
# before any join.
_PLAIN = {
    Unit.PERSON: {"age", "sex", "alive", "status", "birth_date", "disability_grade"},
    Unit.HOUSEHOLD: {"residence"},
}


@dataclass(frozen=True)
class RuleSpec:
    """What eligibility is computed from: a saved rule, or a draft one in a what-if."""

    conditions: dict[str, Any]
    amount: dict[str, Any]
    rule_id: int | None = None
    valid_from: datetime.date | None = None

    @classmethod
    def of(cls, rule: ProgrammeRule) -> "RuleSpec":
        return cls(rule.conditions, rule.amount, rule.pk, rule.valid_from)


def rule_in_force(programme: Programme, on: datetime.date) -> ProgrammeRule | None:
    return (
        programme.rules.filter(valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .order_by("-valid_from")
        .first()
    )


def model_for(unit: str) -> type[Person] | type[Household]:
    return Person if unit == Unit.PERSON else Household


def window_for(programme: Programme, period: Period) -> amounts.Window | None:
    """The days of ``period`` the programme runs on, or None if it does not run in the period at all."""
    first = max(period.start, programme.starts_on)
    last = min(period.end, programme.ends_on) if programme.ends_on else period.end
    return amounts.Window(first, last) if first <= last else None


def needed_facts(programme: Programme, spec: RuleSpec) -> set[str]:
    """The fact-table columns a rule (and the programme's payee) reads."""
    unit = programme.unit
    names = set(facts_used(spec.conditions, unit=unit)) | amounts.facts_in_amount(spec.amount, unit=unit)
    if unit == Unit.PERSON and programme.payee == PayeeKind.HOUSEHOLD_HEAD:
        names.add("household_head_id")
    return names


def _years_before(on: datetime.date, years: int) -> datetime.date:
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29 February in a year without one
        return on.replace(year=on.year - years, day=28)


def _plain_q(leaf: Leaf, on: datetime.date) -> Q | None:
    """A condition on a plain fact as a condition on the person's (household's) own columns, or None where
    it has none. Age becomes a birth-date range (the registry's ``age_between``), so no row computes an age."""
    value = leaf.python_value
    if leaf.fact.name == "age" and isinstance(value, int):
        bounds = {
            "gte": (value, None),
            "gt": (value + 1, None),
            "lte": (None, value),
            "lt": (None, value - 1),
            "eq": (value, value),
        }.get(leaf.operator)
        if bounds is None:
            return None
        low, high = bounds
        condition = Q()
        if low is not None:
            condition &= Q(birth_date__lte=_years_before(on, low))
        if high is not None:
            condition &= Q(birth_date__gt=_years_before(on, high + 1))
        return condition
    if leaf.fact.name == "alive" and leaf.operator in ("eq", "ne"):
        alive = Q(birth_date__lte=on) & (Q(death_date__isnull=True) | Q(death_date__gt=on))
        return alive if (value is True) == (leaf.operator == "eq") else ~alive
    if leaf.fact.name in ("sex", "status", "birth_date", "residence", "disability_grade"):
        return leaf.q()
    return None


def pushdown(programme: Programme, spec: RuleSpec, on: datetime.date) -> Q | None:
    """The conditions on plain facts that every eligible unit must meet (the leaves directly under a root
    ``all``), on the person's (household's) own columns, to cut the population before any join. They are
    applied again with the whole tree."""
    tree = spec.conditions
    children: list[dict[str, Any]] = tree.get("all", [tree] if "fact" in tree else [])
    plain = [c for c in children if "fact" in c and c["fact"] in _PLAIN[Unit(programme.unit)]]
    condition = Q()
    found = False
    for leaf in leaves({"all": plain}, unit=programme.unit):
        cut = _plain_q(leaf, on)
        if cut is not None:
            condition &= cut
            found = True
    return condition if found else None


def payee_expression(programme: Programme) -> Any:
    """Who is paid: the person, the head of the (person's) household, or nobody in the registry (a third party)."""
    if programme.payee == PayeeKind.THIRD_PARTY:
        return Cast(Value(None), output_field=IntegerField())
    if programme.unit == Unit.HOUSEHOLD:
        return F("head_id")
    if programme.payee == PayeeKind.PERSON:
        return F("id")
    return F("household_head_id")


def eligible_units(
    programme: Programme,
    spec: RuleSpec,
    facts: type[PersonFacts] | type[HouseholdFacts],
    *,
    window: amounts.Window,
) -> QuerySet[Any]:
    """The fact table's rows the rule makes eligible, annotated with ``benefit_amount`` (None where decided on
    applications) and, for pro rata, ``benefit_months``. Rows whose amount comes to zero are left out."""
    unit = programme.unit
    qs: QuerySet[Any] = facts.objects.all()
    extra = amounts.extra_annotations(spec.amount, window=window)
    if extra:
        qs = qs.annotate(**extra)
    eligible = qs.filter(compile_q(spec.conditions, unit=unit))
    amount = amounts.amount_expression(spec.amount, unit=unit, window=window)
    if amount is None:
        return eligible.annotate(benefit_amount=Cast(Value(None), output_field=IntegerField()))
    return eligible.annotate(benefit_amount=amount).filter(benefit_amount__gt=0)


# --- the explanation --------------------------------------------------------------------------------------


def _reason_not_running(programme: Programme, on: datetime.date) -> str | None:
    if on < programme.starts_on:
        return _("The programme starts on %(date)s.") % {"date": programme.starts_on.isoformat()}
    if programme.ends_on and on > programme.ends_on:
        return _("The programme ended on %(date)s.") % {"date": programme.ends_on.isoformat()}
    return None


def explanation_window(programme: Programme, on: datetime.date) -> amounts.Window:
    """The payment period ``on`` falls in: its month for a monthly programme, its year otherwise."""
    ptype = PeriodType.MONTH if programme.benefit_kind == BenefitKind.CASH_MONTHLY else PeriodType.YEAR
    return window_for(programme, Period.containing(on, ptype)) or amounts.Window(on, on)


def _blank(programme: Programme, on: datetime.date) -> dict[str, Any]:
    return {
        "programme": programme.pk,
        "programme_code": programme.code,
        "programme_name": programme.name,
        "unit": programme.unit,
        "on": on.isoformat(),
        "eligible": False,
        "reason": "",
        "rule": None,
        "amount": None,
        "months": None,
        "conditions": None,
    }


def explain_all(
    programmes: Sequence[Programme], unit: Person | Household, *, on: datetime.date
) -> list[dict[str, Any]]:
    """For each programme (all of the unit's kind): whether ``unit`` qualifies on ``on`` and why. Every
    condition comes with the fact it used, the fact's value for this unit and whether it held, as the
    database decided it over the same fact table and the same compiled conditions a payment cycle uses."""
    kind = Unit.PERSON if isinstance(unit, Person) else Unit.HOUSEHOLD
    results: list[dict[str, Any]] = []
    pending: list[tuple[dict[str, Any], Programme, ProgrammeRule]] = []
    for programme in programmes:
        assert programme.unit == kind, "explain_all takes programmes of the unit's kind"
        result = _blank(programme, on)
        results.append(result)
        reason = _reason_not_running(programme, on)
        rule = rule_in_force(programme, on) if reason is None else None
        if reason is None and rule is None:
            reason = _("No rule of this programme is in force on %(date)s.") % {"date": on.isoformat()}
        if reason is not None or rule is None:
            result["reason"] = reason
            continue
        pending.append((result, programme, rule))
    if not pending:
        return results
    if isinstance(unit, Person) and unit.merged_into_id is not None:
        # The fact tables leave merged-away records out; say so rather than "no facts".
        for result, _programme, _rule in pending:
            result["reason"] = _(
                "This record was merged into another record of the same person; that record is the one assessed."
            )
        return results
    base = model_for(kind).objects.filter(pk=unit.pk)
    with fact_table(kind, base, on=on) as facts:
        for result, programme, rule in pending:
            _explain_one(result, programme, RuleSpec.of(rule), facts, on=on)
    return results


def _explain_one(
    result: dict[str, Any],
    programme: Programme,
    spec: RuleSpec,
    facts: type[PersonFacts] | type[HouseholdFacts],
    *,
    on: datetime.date,
) -> None:
    unit = programme.unit
    numbered: list[Leaf] = leaves(spec.conditions, unit=unit)
    window = explanation_window(programme, on)
    qs: QuerySet[Any] = facts.objects.all()
    extra = amounts.extra_annotations(spec.amount, window=window)
    if extra:
        qs = qs.annotate(**extra)
    verdicts = {leaf.key: as_boolean(leaf.q()) for leaf in numbered}
    qs = qs.annotate(**verdicts, benefit_eligible=as_boolean(compile_q(spec.conditions, unit=unit)))
    names = [*facts_used(spec.conditions, unit=unit), *verdicts, "benefit_eligible", *extra]
    amount = amounts.amount_expression(spec.amount, unit=unit, window=window)
    if amount is not None:
        qs = qs.annotate(benefit_amount=amount)
        names.append("benefit_amount")
    row = qs.values(*names).first()
    result["rule"] = {"id": spec.rule_id, "valid_from": spec.valid_from.isoformat() if spec.valid_from else None}
    if row is None:  # the unit is not in the fact table: cannot happen for a registered unit
        result["reason"] = _("No facts are recorded for this unit.")
        return
    tree = explain_tree(
        spec.conditions, unit=unit, held={leaf.index: bool(row[leaf.key]) for leaf in numbered}, actual=row
    )
    value = row.get("benefit_amount")
    money = Decimal(value).quantize(amounts.CENT) if value is not None else None
    eligible = bool(row["benefit_eligible"]) and (money is None or money > 0)
    result.update(eligible=eligible, conditions=tree, months=row.get("benefit_months"))
    if not row["benefit_eligible"]:
        result["reason"] = _("Not every condition holds.")
    elif money is None:
        result["reason"] = _("The conditions hold; the amount is decided on an application.")
    elif money <= 0:
        result["reason"] = _("The conditions hold, but the amount for this period comes to nothing.")
    else:
        result["amount"] = str(money)
        result["reason"] = _("Every condition holds.")

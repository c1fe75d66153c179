"""Defining programmes as data: bad rules are refused with the reason and nothing is saved; changes take
effect from a date and keep the history; the what-if counts units and money per town without writing."""

from decimal import Decimal
from typing import Any

import pytest

from xingfu.audit.models import AuditEvent
from xingfu.benefits.models import Entitlement, LedgerEntry, PaymentCycle, Programme, ProgrammeRule
from xingfu.benefits.selectors import programme_whatif
from xingfu.benefits.services.programmes import programme_define, programme_rule_add
from xingfu.benefits.tests.factories import D, family
from xingfu.core.errors import Conflict, PermissionDenied, ValidationFailed

ONLY_DAUGHTER = {"all": [{"fact": "family_type", "operator": "eq", "value": "only_daughter"}]}


def define(actor: Any, **overrides: Any) -> Programme:
    fields: dict[str, Any] = {
        "code": "test-reward",
        "name_zh": "测试奖励",
        "unit": "household",
        "benefit_kind": "cash_monthly",
        "payee": "household_head",
        "starts_on": D(2020, 1, 1),
        "conditions": ONLY_DAUGHTER,
        "amount": {"mode": "fixed", "amount": "30.00"},
    }
    return programme_define(actor=actor, **{**fields, **overrides})


def test_a_district_admin_defines_a_programme_with_its_first_rule(district_admin: Any) -> None:
    programme = define(district_admin)
    rule = programme.rules.get()
    assert (rule.valid_from, rule.valid_to, rule.amount) == (D(2020, 1, 1), None, {"mode": "fixed", "amount": "30.00"})
    assert AuditEvent.objects.filter(action="benefits.programme_define", object_id=str(programme.pk)).exists()


def test_only_a_district_admin_defines_programmes(town_officer: Any) -> None:
    with pytest.raises(PermissionDenied):
        define(town_officer)


def test_a_condition_on_an_unknown_fact_is_refused(district_admin: Any) -> None:
    conditions = {"all": [{"fact": "income", "operator": "lt", "value": 1000}]}
    with pytest.raises(ValidationFailed, match="Unknown fact 'income' for a household") as error:
        define(district_admin, conditions=conditions)
    assert error.value.details == {"path": "all[0]"}
    assert not Programme.objects.exists()


@pytest.mark.parametrize(
    ("conditions", "message"),
    [
        ({"all": [{"fact": "members", "operator": "gte", "value": "3"}]}, "whole number"),
        ({"all": [{"fact": "family_type", "operator": "lt", "value": "other"}]}, "operator for family_type"),
        ({"all": [{"fact": "family_type", "operator": "eq", "value": "many"}]}, "family_type is one of"),
        ({"some": []}, "Unknown node 'some'"),
        ({"any": []}, "any needs at least one node"),
        ([], "Each node is an object"),
    ],
)
def test_malformed_conditions_are_refused_with_the_reason(district_admin: Any, conditions: Any, message: str) -> None:
    with pytest.raises(ValidationFailed, match=message):
        define(district_admin, conditions=conditions)


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ({"mode": "fixed", "amount": "-5.00"}, "below zero"),
        ({"mode": "fixed", "amount": "5.001"}, "2 decimal places"),
        ({"mode": "fixed", "amount": 5.5}, "written as text"),
        ({"mode": "tiered", "tiers": [{"if": ONLY_DAUGHTER, "amount": "-1"}]}, "below zero"),
        ({"mode": "pro_rata_months", "monthly": "10", "age_to_months": 36}, "for programmes whose unit is a person"),
        ({"mode": "case_by_case", "max": "100"}, "need an application"),
        ({"mode": "gift"}, "needs a mode"),
    ],
)
def test_bad_amounts_are_refused(district_admin: Any, amount: Any, message: str) -> None:
    with pytest.raises(ValidationFailed, match=message):
        define(district_admin, amount=amount)
    assert not Programme.objects.exists()


def test_a_second_programme_with_the_same_code_is_refused(district_admin: Any) -> None:
    define(district_admin)
    with pytest.raises(Conflict, match="exists already"):
        define(district_admin)


def test_an_amount_change_takes_effect_from_a_date_and_keeps_the_history(district_admin: Any) -> None:
    programme = define(district_admin)
    programme_rule_add(
        actor=district_admin,
        programme=programme,
        valid_from=D(2025, 1, 1),
        conditions=ONLY_DAUGHTER,
        amount={"mode": "fixed", "amount": "50.00"},
    )
    rules = [(r.valid_from, r.valid_to, r.amount["amount"]) for r in programme.rules.order_by("valid_from")]
    assert rules == [(D(2020, 1, 1), D(2024, 12, 31), "30.00"), (D(2025, 1, 1), None, "50.00")]


def test_overlapping_effective_dates_are_refused(district_admin: Any) -> None:
    programme = define(district_admin)
    programme_rule_add(
        actor=district_admin,
        programme=programme,
        valid_from=D(2025, 1, 1),
        conditions=ONLY_DAUGHTER,
        amount={"mode": "fixed", "amount": "50.00"},
    )
    for start, end in [(D(2024, 6, 1), D(2024, 12, 31)), (D(2025, 1, 1), None), (D(2023, 1, 1), D(2025, 6, 1))]:
        with pytest.raises(ValidationFailed, match="overlap the rule in force from"):
            programme_rule_add(
                actor=district_admin,
                programme=programme,
                valid_from=start,
                valid_to=end,
                conditions=ONLY_DAUGHTER,
                amount={"mode": "fixed", "amount": "60.00"},
            )
    assert programme.rules.count() == 2


def test_the_what_if_counts_units_and_money_per_town_without_writing(
    programmes: Any, district_admin: Any, village: Any, other_village: Any
) -> None:
    for home in (village, village, other_village):
        family(district_admin, home, [("F", D(2005, 3, 1))])
    family(district_admin, village, [("F", D(2003, 1, 1)), ("F", D(2006, 1, 1))])
    before = (AuditEvent.objects.count(), ProgrammeRule.objects.count(), PaymentCycle.objects.count())
    result = programme_whatif(district_admin, programmes["only-daughter"], on=D(2026, 10, 31))
    assert [(t["town"], t["units"], t["amount"]) for t in result["towns"]] == [
        ("370406101", 2, Decimal("1200.00")),
        ("370406102", 1, Decimal("600.00")),
    ]
    assert (result["total_units"], result["total_amount"], result["payments_per_year"]) == (3, Decimal("1800.00"), 12)
    # A draft rule: two-daughter families too, 45 a month.
    draft = programme_whatif(
        district_admin,
        programmes["only-daughter"],
        conditions={"all": [{"fact": "family_type", "operator": "in", "value": ["only_daughter", "two_daughters"]}]},
        amount={"mode": "fixed", "amount": "45.00"},
        on=D(2026, 10, 31),
    )
    assert (draft["rule"], draft["total_units"], draft["total_amount"]) == ("draft", 4, Decimal("2160.00"))
    after = (AuditEvent.objects.count(), ProgrammeRule.objects.count(), PaymentCycle.objects.count())
    assert after == before and not Entitlement.objects.exists() and not LedgerEntry.objects.exists()


def test_a_what_if_with_a_bad_draft_rule_is_refused(programmes: Any, district_admin: Any) -> None:
    with pytest.raises(ValidationFailed, match="Unknown fact"):
        programme_whatif(
            district_admin, programmes["only-daughter"], conditions={"fact": "wealth", "operator": "eq", "value": 1}
        )

"""The explanation a page shows and the set-based eligibility a cycle uses agree, unit by unit, over a
generated population: both are the same condition tree compiled to SQL over the same facts."""

import random
from typing import Any

import pytest
from django.db import transaction

from xingfu.benefits.eligibility.amounts import Window
from xingfu.benefits.eligibility.engine import RuleSpec, eligible_units, explain_all, rule_in_force
from xingfu.benefits.eligibility.tables import fact_table
from xingfu.benefits.models import Programme
from xingfu.benefits.tests.factories import D
from xingfu.core.periods import Period
from xingfu.registry.demo import Village, generate, write
from xingfu.registry.models import Household, Person

ON = D(2026, 10, 31)


@pytest.fixture
def population(village: Any, sibling_village: Any, other_village: Any) -> None:
    villages = [Village(v.id, v.code, v.name_zh) for v in (village, sibling_village, other_village)]
    with transaction.atomic():
        write(generate(seed=5, persons=1200, villages=villages))


def _set_based(programme: Programme) -> set[int]:
    from xingfu.benefits.eligibility.engine import explanation_window

    rule = rule_in_force(programme, ON)
    assert rule is not None
    model = Person if programme.unit == "person" else Household
    window: Window = explanation_window(programme, ON)
    with fact_table(programme.unit, model.objects.all(), on=ON) as facts:
        return set(eligible_units(programme, RuleSpec.of(rule), facts, window=window).values_list("id", flat=True))


@pytest.mark.parametrize(
    "code",
    [
        "only-daughter",
        "two-daughters",
        "late-marriage",
        "reward-assistance",
        "childcare-subsidy",
        "free-pension-premium",
        "college-reward",
    ],
)
def test_the_explanation_agrees_with_the_compiled_conditions(programmes: Any, population: None, code: str) -> None:
    programme = programmes[code]
    eligible = _set_based(programme)
    model = Person if programme.unit == "person" else Household
    everyone = list(model.objects.order_by("id").values_list("id", flat=True))
    rng = random.Random(code)
    sample = set(rng.sample(everyone, 60)) | set(sorted(eligible)[:25])
    assert eligible, f"the generated population should hold someone eligible for {code}"
    for unit in model.objects.filter(pk__in=sample):
        result = explain_all([programme], unit, on=ON)[0]
        assert result["eligible"] == (unit.pk in eligible), (code, unit.pk, result)
        if programme.code != "childcare-subsidy":  # there, the months of the period matter too
            assert result["conditions"]["held"] == (unit.pk in eligible)


def test_a_period_cycle_and_the_explanation_use_the_same_window(programmes: Any, population: None) -> None:
    programme = programmes["childcare-subsidy"]
    rule = rule_in_force(programme, D(2026, 12, 31))
    assert rule is not None
    with fact_table("person", Person.objects.all(), on=D(2026, 12, 31)) as facts:
        window = Window(Period.year(2026).start, Period.year(2026).end)
        amounts = dict(
            eligible_units(programme, RuleSpec.of(rule), facts, window=window).values_list("id", "benefit_amount")
        )
    for pk, amount in list(amounts.items())[:15]:
        explained = explain_all([programme], Person.objects.get(pk=pk), on=D(2026, 12, 31))[0]
        assert explained["amount"] == f"{amount:.2f}"


def test_the_special_assistance_explanation_agrees_with_the_cycle_query_on_both_branches(
    programmes: Any, population: None
) -> None:
    from xingfu.benefits.demo import demo_disability_grades
    from xingfu.benefits.eligibility.engine import explanation_window

    # Many more disabled children than the demo's 0.5 %, so that the disabled-child branch is well represented.
    assert demo_disability_grades(seed=5, per_thousand=250) > 0
    programme = programmes["special-assistance"]
    rule = rule_in_force(programme, ON)
    assert rule is not None
    with fact_table("person", Person.objects.all(), on=ON) as facts:
        eligible = dict(
            eligible_units(programme, RuleSpec.of(rule), facts, window=explanation_window(programme, ON)).values_list(
                "id", "benefit_amount"
            )
        )
        # Parents of one child with a grade, eligible or not, to check the refusals too.
        graded = list(
            facts.objects.filter(children_ever=1, child_disability_grade__isnull=False).values_list("id", flat=True)
        )
    assert {f"{a:.2f}" for a in eligible.values()} & {"150.00", "270.00"}, "no disabled-child branch in the sample"
    for person in Person.objects.filter(pk__in=set(eligible) | set(graded[:40])):
        result = explain_all([programme], person, on=ON)[0]
        assert result["eligible"] == (person.pk in eligible), (person.pk, result)
        assert result["conditions"]["held"] == (person.pk in eligible)
        if person.pk in eligible:
            assert result["amount"] == f"{eligible[person.pk]:.2f}"

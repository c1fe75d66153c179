"""The benefits demo: a new user finds payment cycles in every state they can be in, made through the real
services with maker-checker, and a few children with a disability grade for the special assistance."""

from typing import Any

import pytest
from django.db import transaction

from xingfu.audit.verify import audit_chain_verify
from xingfu.benefits.demo import demo_benefits, demo_disability_grades
from xingfu.benefits.models import CycleStatus, Entitlement, EntitlementStatus, LedgerEntry, PaymentCycle
from xingfu.registry.demo import Village, generate, write
from xingfu.registry.models import PARENTAGE_KINDS, LifeEvent, Person


@pytest.fixture
def population(village: Any, sibling_village: Any, other_village: Any) -> None:
    villages = [Village(v.id, v.code, v.name_zh) for v in (village, sibling_village, other_village)]
    with transaction.atomic():
        write(generate(seed=3, persons=1500, villages=villages))


def test_the_demo_pays_october_in_the_town_and_leaves_november_for_the_district_to_approve(
    population: None, town_officer: Any, district_admin: Any
) -> None:
    result = demo_benefits(seed=2026)
    assert result["payment cycles"] == 5
    october = PaymentCycle.objects.filter(period="202610").select_related("programme")
    assert sorted(c.programme.code for c in october) == [
        "only-daughter",
        "reward-assistance",
        "special-assistance",
        "two-daughters",
    ]
    for cycle in october:
        assert cycle.scope.code == "370406101" and cycle.prepared_by == town_officer
        assert (cycle.status, cycle.approved_by) == (CycleStatus.RECONCILED, district_admin)  # maker-checker
    paid = Entitlement.objects.filter(cycle__period="202610")
    assert paid.filter(status=EntitlementStatus.FAILED).exists()
    assert (
        paid.filter(status=EntitlementStatus.PAID).count() > 10 * paid.filter(status=EntitlementStatus.FAILED).count()
    )
    assert LedgerEntry.objects.count() == paid.filter(status=EntitlementStatus.PAID).count()
    assert all(c.exported_at is not None for c in october if c.entitlement_count)

    november = PaymentCycle.objects.get(period="202611")
    assert (november.programme.code, november.status) == ("only-daughter", CycleStatus.PREPARED)
    assert november.prepared_by == town_officer and november.approved_by is None
    failed = Entitlement.objects.filter(cycle__period="202610", programme__code="only-daughter", status="failed")
    assert failed.exists()  # October's failed payments go out again in November
    assert set(november.entitlements.exclude(reissue_of=None).values_list("reissue_of_id", flat=True)) == set(
        failed.values_list("id", flat=True)
    )
    assert audit_chain_verify().ok


def test_running_the_demo_again_creates_no_cycle(population: None, town_officer: Any, district_admin: Any) -> None:
    demo_benefits(seed=2026)
    cycles, grades = PaymentCycle.objects.count(), Person.objects.exclude(disability_grade=None).count()
    again = demo_benefits(seed=2026)
    assert again["payment cycles"] == 0 and again["disability grades"] == 0
    assert (PaymentCycle.objects.count(), Person.objects.exclude(disability_grade=None).count()) == (cycles, grades)


def test_a_programme_nobody_in_the_town_qualifies_for_is_cancelled_not_sent_for_approval(
    other_village: Any, town_officer: Any, district_admin: Any
) -> None:
    with transaction.atomic():  # everybody lives in another town
        write(generate(seed=3, persons=300, villages=[Village(other_village.id, other_village.code, "张家洼村")]))
    demo_benefits(seed=2026)
    october = PaymentCycle.objects.filter(period="202610")
    assert october.count() == 4
    assert set(october.values_list("status", "entitlement_count", "approved_by")) == {(CycleStatus.CANCELLED, 0, None)}


def test_without_the_two_logins_the_demo_prepares_no_cycle(population: None, town_officer: Any) -> None:
    assert demo_benefits(seed=2026)["payment cycles"] == 0
    assert not PaymentCycle.objects.exists()


def test_half_a_percent_of_the_children_get_a_grade_the_same_ones_for_the_same_seed(population: None) -> None:
    children = set(LifeEvent.objects.filter(kind__in=PARENTAGE_KINDS).values_list("child_id", flat=True))
    graded = demo_disability_grades(seed=7)
    first = set(Person.objects.exclude(disability_grade=None).values_list("id", "disability_grade"))
    assert graded == len(first) == len(children) * 5 // 1000 > 0
    assert {pk for pk, _grade in first} <= children and {grade for _pk, grade in first} <= {1, 2, 3, 4}
    Person.objects.update(disability_grade=None)
    demo_disability_grades(seed=7)
    assert set(Person.objects.exclude(disability_grade=None).values_list("id", "disability_grade")) == first

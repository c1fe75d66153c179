"""Eligibility of hand-made families for the demo programmes, with the explanation a person page shows."""

import datetime
from typing import Any

from xingfu.benefits.eligibility.engine import explain_all
from xingfu.benefits.models import Programme
from xingfu.benefits.tests.factories import D, family
from xingfu.registry.models import Person
from xingfu.registry.services import death_record

ON = D(2026, 10, 31)


def verdict(programme: Programme, unit: Any, on: datetime.date = ON) -> dict[str, Any]:
    return explain_all([programme], unit, on=on)[0]


def conditions(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The leaves of an explanation by fact."""
    found: dict[str, dict[str, Any]] = {}

    def walk(node: dict[str, Any]) -> None:
        if node["kind"] == "condition":
            found[node["fact"]] = node
        for child in node.get("children", []):
            walk(child)

    walk(result["conditions"])
    return found


def test_an_only_daughter_household_gets_50_a_month(programmes: Any, village_worker: Any, village: Any) -> None:
    fam = family(village_worker, village, [("F", D(2005, 3, 1))])
    result = verdict(programmes["only-daughter"], fam.household)
    assert result["eligible"] and result["amount"] == "50.00"
    assert conditions(result)["family_type"]["actual"] == "only_daughter"
    assert not verdict(programmes["two-daughters"], fam.household)["eligible"]


def test_a_two_daughter_household_gets_40_a_month(programmes: Any, village_worker: Any, village: Any) -> None:
    fam = family(village_worker, village, [("F", D(2003, 1, 1)), ("F", D(2006, 1, 1))])
    assert verdict(programmes["two-daughters"], fam.household)["amount"] == "40.00"
    assert not verdict(programmes["only-daughter"], fam.household)["eligible"]


def test_a_son_and_a_daughter_are_not_eligible_and_the_explanation_says_why(
    programmes: Any, village_worker: Any, village: Any
) -> None:
    fam = family(village_worker, village, [("M", D(2003, 1, 1)), ("F", D(2006, 1, 1))])
    for code in ("only-daughter", "two-daughters"):
        result = verdict(programmes[code], fam.household)
        assert not result["eligible"] and result["amount"] is None
        leaf = conditions(result)["family_type"]
        assert (leaf["actual"], leaf["held"]) == ("other", False)
        assert result["reason"] == "Not every condition holds."
    # Nor do the parents get the national reward assistance at 60: theirs is not an only-child family.
    assert not verdict(programmes["reward-assistance"], fam.husband, D(2031, 1, 1))["eligible"]


def test_rural_parents_of_one_child_get_the_reward_assistance_from_60(
    programmes: Any, village_worker: Any, village: Any
) -> None:
    fam = family(village_worker, village, [("M", D(2001, 2, 1))], husband_born=D(1966, 3, 1), wife_born=D(1966, 9, 1))
    programme = programmes["reward-assistance"]
    result = verdict(programme, fam.husband, D(2026, 3, 31))
    assert result["eligible"] and result["amount"] == "80.00"
    facts = conditions(result)
    assert facts["age"]["actual"] == 60 and facts["residence"]["actual"] == "rural"
    assert facts["family_type"]["actual"] == "only_son"
    wife = verdict(programme, fam.wife, D(2026, 3, 31))
    assert not wife["eligible"] and conditions(wife)["age"] == {**conditions(wife)["age"], "actual": 59, "held": False}
    assert verdict(programme, fam.wife, D(2026, 9, 30))["eligible"]


def test_the_reward_assistance_follows_its_amount_history(programmes: Any, village_worker: Any, village: Any) -> None:
    fam = family(village_worker, village, [("F", D(2001, 2, 1))], husband_born=D(1940, 1, 1))
    programme = programmes["reward-assistance"]
    assert verdict(programme, fam.husband, D(2008, 6, 30))["amount"] == "50.00"
    assert verdict(programme, fam.husband, D(2012, 6, 30))["amount"] == "60.00"
    assert verdict(programme, fam.husband, ON)["amount"] == "80.00"


def test_urban_parents_do_not_get_the_rural_reward(programmes: Any, village_worker: Any, village: Any) -> None:
    fam = family(village_worker, village, [("F", D(2001, 2, 1))], residence="urban", husband_born=D(1950, 1, 1))
    result = verdict(programmes["reward-assistance"], fam.husband)
    assert not result["eligible"] and conditions(result)["residence"]["actual"] == "urban"


def test_a_child_under_3_gets_the_childcare_subsidy_pro_rata(
    programmes: Any, village_worker: Any, village: Any
) -> None:
    fam = family(village_worker, village, [("F", D(2023, 12, 15)), ("M", D(2026, 4, 1))])
    programme = programmes["childcare-subsidy"]
    older, baby = fam.children
    # Born December 2023: 24 months under 3 from January 2025, 12 of them in each year.
    assert verdict(programme, older, D(2025, 12, 31))["months"] == 12
    assert verdict(programme, older, D(2025, 12, 31))["amount"] == "3600.00"
    assert verdict(programme, older, D(2026, 12, 31))["amount"] == "3600.00"
    late = verdict(programme, older, D(2027, 1, 1))
    assert not late["eligible"]
    # Born 1 April 2026: April to December count.
    assert verdict(programme, baby, D(2026, 12, 31))["months"] == 9
    assert verdict(programme, baby, D(2026, 12, 31))["amount"] == "2700.00"
    # A child born in 2022 is paid only for the months from January 2025.
    assert verdict(programme, fam.husband, D(2026, 12, 31))["eligible"] is False


def test_a_child_born_in_2022_is_paid_for_its_months_under_3_from_2025(
    programmes: Any, village_worker: Any, village: Any
) -> None:
    fam = family(village_worker, village, [("M", D(2022, 6, 10))])
    result = verdict(programmes["childcare-subsidy"], fam.children[0], D(2025, 12, 31))
    # Under 3 on the first day of January to June 2025 (turns 3 on 10 June 2025).
    assert (result["months"], result["amount"]) == (6, "1800.00")


def test_late_marriage_and_late_childbearing_is_rewarded_once(
    programmes: Any, village_worker: Any, village: Any
) -> None:
    late = family(
        village_worker,
        village,
        [("M", D(2002, 1, 1))],
        husband_born=D(1974, 1, 1),
        wife_born=D(1976, 1, 1),
        married=D(2000, 1, 1),
    )
    early = family(
        village_worker,
        village,
        [("M", D(2002, 1, 1))],
        husband_born=D(1978, 1, 1),
        wife_born=D(1980, 1, 1),
        married=D(2001, 1, 1),
    )
    programme = programmes["late-marriage"]
    assert verdict(programme, late.household)["amount"] == "500.00"
    result = verdict(programme, early.household)
    assert not result["eligible"]
    assert conditions(result)["husband_marriage_age"]["actual"] == 23


def test_special_assistance_for_parents_whose_only_child_died(
    programmes: Any, village_worker: Any, village: Any
) -> None:
    fam = family(village_worker, village, [("M", D(2000, 9, 1))], wife_born=D(1970, 1, 1))
    death_record(actor=village_worker, person=fam.children[0], date=D(2020, 1, 1))
    result = verdict(programmes["special-assistance"], fam.husband)
    assert result["eligible"] and result["amount"] == "170.00"
    assert conditions(result)["couple_wife_age"]["actual"] == 56


def test_the_free_premiums_are_for_members_of_planned_families(
    programmes: Any, village_worker: Any, village: Any
) -> None:
    fam = family(village_worker, village, [("F", D(2012, 1, 1))])
    medical, pension = programmes["free-medical-premium"], programmes["free-pension-premium"]
    assert verdict(medical, fam.children[0])["amount"] == "180.00"
    assert not verdict(pension, fam.children[0])["eligible"]  # under 16: not of contributing age
    assert verdict(pension, fam.wife)["amount"] == "100.00"
    big = family(village_worker, village, [("M", D(2003, 1, 1)), ("M", D(2006, 1, 1))])
    assert not verdict(medical, big.wife)["eligible"]


def test_a_programme_that_has_not_started_says_so(programmes: Any, village_worker: Any, village: Any) -> None:
    fam = family(village_worker, village, [("F", D(2005, 3, 1))])
    result = verdict(programmes["childcare-subsidy"], fam.children[0], D(2024, 6, 1))
    assert not result["eligible"] and result["reason"] == "The programme starts on 2025-01-01."
    assert result["conditions"] is None


def _grade(person: Any, grade: int | None) -> None:
    """The child's disability certificate, as the registry records it."""
    Person.objects.filter(pk=person.pk).update(disability_grade=grade)


def test_special_assistance_for_parents_whose_only_child_is_disabled_grade_2(
    programmes: Any, village_worker: Any, village: Any
) -> None:
    fam = family(village_worker, village, [("M", D(2000, 9, 1))], wife_born=D(1970, 1, 1))
    _grade(fam.children[0], 2)
    programme = programmes["special-assistance"]
    for parent in (fam.husband, fam.wife):
        result = verdict(programme, parent)
        # The disabled-child standard (rural 150), not the one for a child who died (rural 170).
        assert result["eligible"] and result["amount"] == "150.00"
        leaf = conditions(result)["child_disability_grade"]
        # The grade is health information: the explanation says the condition held, not the grade.
        assert (leaf["operator"], leaf["value"], leaf["held"], leaf["actual"]) == ("lte", 3, True, "******")
        assert leaf["label"] == "Most severe disability grade of a living child (1 most severe)"
        assert conditions(result)["living_children"]["held"] is False  # the other branch


def test_special_assistance_pays_urban_parents_of_a_disabled_only_child_270(
    programmes: Any, village_worker: Any, village: Any
) -> None:
    fam = family(village_worker, village, [("F", D(1999, 9, 1))], residence="urban", wife_born=D(1970, 1, 1))
    _grade(fam.children[0], 1)
    assert verdict(programmes["special-assistance"], fam.wife)["amount"] == "270.00"


def test_a_grade_4_only_child_does_not_qualify_for_the_special_assistance(
    programmes: Any, village_worker: Any, village: Any
) -> None:
    fam = family(village_worker, village, [("M", D(2000, 9, 1))], wife_born=D(1970, 1, 1))
    _grade(fam.children[0], 4)
    result = verdict(programmes["special-assistance"], fam.husband)
    assert not result["eligible"] and result["reason"] == "Not every condition holds."
    leaf = conditions(result)["child_disability_grade"]
    assert (leaf["actual"], leaf["held"]) == ("******", False)


def test_a_disabled_child_with_a_sibling_or_a_young_mother_does_not_qualify(
    programmes: Any, village_worker: Any, village: Any
) -> None:
    programme = programmes["special-assistance"]
    two = family(village_worker, village, [("M", D(2000, 9, 1)), ("F", D(2004, 1, 1))], wife_born=D(1970, 1, 1))
    _grade(two.children[0], 1)
    result = verdict(programme, two.husband)
    assert not result["eligible"] and conditions(result)["children_ever"]["actual"] == 2
    young = family(village_worker, village, [("M", D(2002, 9, 1))], wife_born=D(1980, 1, 1))
    _grade(young.children[0], 1)
    result = verdict(programme, young.husband)
    assert not result["eligible"] and conditions(result)["couple_wife_age"]["actual"] == 46
    # A child without a certificate: the grade is unknown, and the condition does not hold.
    plain = family(village_worker, village, [("M", D(2000, 9, 1))], wife_born=D(1970, 1, 1))
    leaf = conditions(verdict(programme, plain.husband))["child_disability_grade"]
    assert (leaf["actual"], leaf["held"]) == (None, False)


def test_a_disabled_only_child_who_died_is_paid_at_the_higher_standard(
    programmes: Any, village_worker: Any, village: Any
) -> None:
    fam = family(village_worker, village, [("M", D(2000, 9, 1))], wife_born=D(1970, 1, 1))
    _grade(fam.children[0], 1)
    death_record(actor=village_worker, person=fam.children[0], date=D(2021, 5, 1))
    result = verdict(programmes["special-assistance"], fam.husband)
    assert result["amount"] == "170.00" and conditions(result)["child_disability_grade"]["actual"] is None


def test_a_child_registered_twice_and_merged_is_paid_once(
    programmes: Any, village_worker: Any, town_officer: Any, village: Any
) -> None:
    from xingfu.linkage.services import person_merge
    from xingfu.registry.services import person_add

    fam = family(village_worker, village, [("F", D(2025, 6, 1))])
    child = fam.children[0]
    again = person_add(
        actor=village_worker,
        household=fam.household,
        name=child.name,
        sex=child.sex,
        birth_date=child.birth_date,
        relation="child",
        start_date=child.birth_date,
    )
    programme = programmes["childcare-subsidy"]
    assert verdict(programme, again, D(2026, 12, 31))["eligible"]  # before the merge: a second child to pay

    person_merge(actor=town_officer, survivor=child, merged=again, reason="registered twice")
    again.refresh_from_db()

    assert verdict(programme, child, D(2026, 12, 31))["eligible"]
    merged = verdict(programme, again, D(2026, 12, 31))
    assert not merged["eligible"] and merged["amount"] is None
    assert "merged into another record" in merged["reason"]

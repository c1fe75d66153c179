"""The per-village figures analytics reads (``outreach_counts``) and the coverage of a year, on hand-made data."""

import datetime as dt
from decimal import Decimal
from typing import Any

from xingfu.core.periods import Period
from xingfu.outreach import services
from xingfu.outreach.selectors import coverage_by_town, coverage_rows, coverage_summary, outreach_counts
from xingfu.outreach.tests.factories import ID_NUMBERS, make_campaign, make_event, make_person, make_training


def _build(
    district_admin: Any, town: Any, village: Any, sibling_village: Any, other_village: Any, other_town: Any
) -> None:
    march = make_campaign(district_admin, town, start=dt.date(2025, 3, 1), end=dt.date(2025, 3, 31))
    make_event(district_admin, march, village, date=dt.date(2025, 3, 5), kind="stall", people_reached=120)
    make_event(district_admin, march, village, date=dt.date(2025, 3, 20), kind="film", people_reached=80)
    make_event(district_admin, march, sibling_village, date=dt.date(2025, 3, 9), kind="roving", people_reached=45)
    # Outside the quarter: must not count.
    later = make_campaign(district_admin, other_town, start=dt.date(2025, 7, 1), end=dt.date(2025, 7, 31))
    make_event(district_admin, later, other_village, date=dt.date(2025, 7, 11), kind="commemorative")
    # Two trainings held in the village, and one at the town that a villager attended.
    make_training(district_admin, village, date=dt.date(2025, 2, 10), hours="1.5")
    make_training(district_admin, village, date=dt.date(2025, 3, 15), hours="2.0")
    town_training = make_training(district_admin, town, date=dt.date(2025, 3, 25), hours="3.0")
    person = make_person(village, id_number=ID_NUMBERS[0])
    services.attendance_add(actor=district_admin, training=town_training, person=person)


def test_outreach_counts_gives_every_village_its_figures_for_the_period(
    district_admin: Any, town: Any, village: Any, sibling_village: Any, other_village: Any, other_town: Any
) -> None:
    _build(district_admin, town, village, sibling_village, other_village, other_town)
    q1 = Period.parse("2025Q1")
    rows = {r["village_code"]: r for r in outreach_counts(period_start=q1.start, period_end=q1.end)}

    assert set(rows) == {village.code, sibling_village.code, other_village.code}  # zeros included
    assert rows[village.code] == {
        "village_id": village.pk,
        "village_code": village.code,
        "town_code": town.code,
        "events": 2,
        "people_reached": 200,
        "trainings": 2,
        "training_hours": Decimal("3.5"),
        "attendee_hours": Decimal("3.0"),
    }
    assert (rows[sibling_village.code]["events"], rows[sibling_village.code]["people_reached"]) == (1, 45)
    assert rows[other_village.code]["events"] == 0 and rows[other_village.code]["training_hours"] == Decimal("0")


def test_outreach_counts_is_one_query_however_many_rows(
    district_admin: Any,
    town: Any,
    village: Any,
    sibling_village: Any,
    other_village: Any,
    other_town: Any,
    django_assert_num_queries: Any,
) -> None:
    _build(district_admin, town, village, sibling_village, other_village, other_town)
    with django_assert_num_queries(1):
        rows = list(outreach_counts(period_start=dt.date(2025, 1, 1), period_end=dt.date(2025, 12, 31)))
    assert sum(r["events"] for r in rows) == 4


def test_outreach_counts_can_be_cut_to_a_users_scope(
    district_admin: Any,
    town_officer: Any,
    town: Any,
    village: Any,
    sibling_village: Any,
    other_village: Any,
    other_town: Any,
) -> None:
    _build(district_admin, town, village, sibling_village, other_village, other_town)
    year = Period.parse("2025")
    codes = [
        r["village_code"] for r in outreach_counts(period_start=year.start, period_end=year.end, user=town_officer)
    ]
    assert codes == [village.code, sibling_village.code]


def test_coverage_lists_the_villages_not_reached_first(
    district_admin: Any, town: Any, village: Any, sibling_village: Any, other_village: Any, other_town: Any
) -> None:
    march = make_campaign(district_admin, town, start=dt.date(2025, 3, 1), end=dt.date(2025, 3, 31))
    make_event(district_admin, march, village, kind="stall")
    make_event(district_admin, march, village, kind="film")
    make_training(district_admin, other_village, date=dt.date(2025, 5, 1))

    rows = coverage_rows(district_admin, year=2025)
    assert [r.village.code for r in rows] == [sibling_village.code, village.code, other_village.code]
    assert not rows[0].reached
    assert rows[1].counts["stall"] == 1 and rows[1].counts["film"] == 1 and rows[1].kinds == ["stall", "film"]
    assert rows[2].kinds == ["training"]
    assert coverage_summary(district_admin, year=2025) == {"villages": 3, "reached": 2}
    assert coverage_summary(district_admin, year=2024) == {"villages": 3, "reached": 0}
    towns = coverage_by_town(rows)
    assert [t.town.code for t in towns] == [town.code, other_town.code] and towns[0].reached == 1

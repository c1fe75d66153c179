"""The sex-ratio page never misleads: credible imbalances are found, small numbers are shown as such."""

import datetime as dt
import math
import random
from typing import Any

import pytest

from xingfu.analytics import srb
from xingfu.analytics.services.refresh import refresh_run
from xingfu.analytics.tests.factories import births, indicator
from xingfu.core.errors import NotFound, ValidationFailed
from xingfu.core.testing import ensure_village
from xingfu.orgunits.models import Level, OrgUnit

HIGH = {"370406105", "370406108"}  # 城头镇, 冯卯镇, as in the demo


@pytest.fixture
def district_births(district: Any) -> dict[str, OrgUnit]:
    """As in the demo: twenty villages in each of the ten towns and 300 third-or-later births per town over
    2024–2025, at SRB 105 in eight towns and 150 in two; each town's births spread over its villages at random
    (so a village has about 15, with the wild ratios small numbers give). Plus a tiny village with 9 boys and 1
    girl, one with 25 boys and no girl, and first births at SRB 104 everywhere."""
    for code in srb.SRB_CODES.values():
        indicator(code)
    rng = random.Random(2026)
    for town in OrgUnit.objects.filter(level=Level.TOWN).order_by("code"):
        villages = [ensure_village(f"{town.code}{k:03d}", f"村{town.code[-3:]}{k}") for k in range(1, 21)]
        boys = 180 if town.code in HIGH else 154
        sexes = ["M"] * boys + ["F"] * (300 - boys)
        rng.shuffle(sexes)
        for k, village in enumerate(villages):
            chunk = sexes[15 * k : 15 * (k + 1)]
            year = dt.date(2024 + k % 2, 5, 1)
            births(village, on=year, boys=chunk.count("M"), girls=chunk.count("F"), order=3)
            births(village, on=dt.date(2025, 6, 1), boys=26, girls=25, order=1)
    made = {"tiny": ensure_village("370406101099", "小村"), "boys_only": ensure_village("370406102099", "男孩村")}
    births(made["tiny"], on=dt.date(2025, 3, 1), boys=9, girls=1, order=3)
    births(made["boys_only"], on=dt.date(2025, 3, 1), boys=25, order=3)
    refresh_run()
    return made


def _window(order: str = "3", level: str = "town", **kw: str) -> srb.SrbWindow:
    return srb.parse_window(order=order, year_from=kw.get("year_from", ""), year_to=kw.get("year_to", ""), level=level)


def test_two_towns_markedly_higher_at_third_births_are_found(district_admin: Any, district_births: Any) -> None:
    table = srb.srb_table(district_admin, _window())
    assert {r.unit.code for r in table.alerts} == HIGH
    by_code = {r.unit.code: r for r in table.rows}
    assert all(by_code[c].p_above > 0.95 and by_code[c].births == 300 for c in HIGH)
    assert all((by_code[c].p_above_rest or 0) > 0.95 for c in HIGH)


def test_first_births_raise_no_alert(district_admin: Any, district_births: Any) -> None:
    assert srb.srb_table(district_admin, _window(order="1")).alerts == []


def test_small_village_noise_is_not_flagged(district_admin: Any, district_births: Any) -> None:
    table = srb.srb_table(district_admin, _window(level="village"))
    assert table.alerts == []
    wild = [r for r in table.rows if r.observed is not None and r.observed > 200]
    assert all(r.eb_median < 150 for r in wild)
    tiny = next(r for r in table.rows if r.unit == district_births["tiny"])
    assert not tiny.alert and tiny.too_few and tiny.observed is None
    assert tiny.eb_median < 140  # 9 boys to 1 girl is SRB 900 observed; the estimate borrows from the others


def test_a_place_without_girls_has_an_open_interval_not_an_infinite_ratio(
    district_admin: Any, district_births: Any
) -> None:
    table = srb.srb_table(district_admin, _window(level="village"))
    row = next(r for r in table.rows if r.unit == district_births["boys_only"])
    assert row.observed is None and math.isinf(row.wilson_high) and math.isfinite(row.eb_median)


def test_a_town_officer_sees_only_her_own_villages(town_officer: Any, town: Any, district_births: Any) -> None:
    table = srb.srb_table(town_officer, _window(level="village"))
    assert table.rows and all(r.unit.path.startswith(town.path) for r in table.rows)
    assert table.district is None
    # The prior is the district's, so the same village has the same estimate for everyone.
    assert table.prior.units == 202


def test_a_year_that_has_not_begun_is_refused_with_a_message(db: Any) -> None:
    with pytest.raises(ValidationFailed, match="2027 is in the future"):
        _window(year_to="2027")


def test_the_trend_shows_each_birth_order_with_its_interval(district_births: Any) -> None:
    town = OrgUnit.objects.get(code="370406105")
    trend = srb.srb_trend(town, year_from=2023, year_to=2025)
    assert set(trend.series) == {"all", "1", "2", "3"}
    third = {p.year: p for p in trend.series["3"]}
    assert third[2025].births == 150 and third[2025].srb is not None
    assert third[2025].low < third[2025].srb < third[2025].high
    assert third[2023].births == 0 and third[2023].srb is None


def test_the_sex_ratio_page_shows_alerts_with_the_births_they_rest_on(
    client: Any, district_admin: Any, district_births: Any
) -> None:
    client.force_login(district_admin)
    page = client.get("/analytics/sex-ratio/").content.decode()
    assert 'data-testid="alerts"' in page and "resting on 300 births" in page
    assert "Wilson" in page and "maximum likelihood" in page and "scipy" in page
    village_page = client.get("/analytics/sex-ratio/?level=village&order=3").content.decode()
    assert "too few births" in village_page and "no girls" in village_page
    tiny_row = village_page.split("小村")[1].split("</tr>")[0]
    assert "too few births" in tiny_row and "900" not in tiny_row


def test_the_page_refuses_a_future_year_with_a_message(client: Any, district_admin: Any, district: Any) -> None:
    client.force_login(district_admin)
    response = client.get("/analytics/sex-ratio/?year_to=2030")
    assert response.status_code == 400 and "2030 is in the future" in response.content.decode()


def test_a_unit_outside_the_scope_is_not_found(client: Any, town_officer: Any, other_town: Any, district: Any) -> None:
    client.force_login(town_officer)
    assert client.get(f"/analytics/sex-ratio/?within={other_town.code}").status_code == 404
    assert client.get(f"/analytics/sex-ratio/?unit={other_town.code}").status_code == 404


def test_without_computed_indicators_the_page_says_so(client: Any, district_admin: Any, district: Any) -> None:
    client.force_login(district_admin)
    page = client.get("/analytics/sex-ratio/").content.decode()
    assert "have not been computed yet" in page


def test_not_found_is_raised_for_other_scopes_in_the_selector(town_officer: Any, other_town: Any) -> None:
    from xingfu.accounts.access import access_orgunit_by_code

    with pytest.raises(NotFound):
        access_orgunit_by_code(town_officer, other_town.code)

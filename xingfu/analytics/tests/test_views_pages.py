"""The analytics pages as users meet them: scoped, honest about missing data, exportable."""

import csv
import datetime as dt
import io
from typing import Any

import pytest
from openpyxl import load_workbook

from xingfu.analytics.services.refresh import refresh_run
from xingfu.analytics.tests.factories import births, indicator


@pytest.fixture
def figures(village: Any, sibling_village: Any, other_village: Any) -> None:
    births(village, on=dt.date(2025, 3, 1), boys=3, girls=2)
    births(sibling_village, on=dt.date(2025, 4, 1), boys=1, girls=1)
    births(other_village, on=dt.date(2024, 9, 1), girls=2)
    for code in ("births", "srb", "srb_order1", "srb_order2", "srb_order3plus", "registry_completeness", "anc_early"):
        indicator(code)
    refresh_run()


def _get(client: Any, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.content.decode()[:600]
    return response.content.decode()


def test_the_dashboard_shows_key_figures_and_when_they_were_computed(
    client: Any, town_officer: Any, figures: None
) -> None:
    client.force_login(town_officer)
    page = _get(client, "/analytics/")
    assert 'data-testid="key-indicators"' in page and "Live births" in page
    assert "Figures as of" in page
    assert 'href="/analytics/"' in _get(client, "/")  # the module is in the top navigation


def test_only_district_administrators_get_the_refresh_button(
    client: Any, district_admin: Any, town_officer: Any, figures: None
) -> None:
    client.force_login(town_officer)
    assert 'data-testid="refresh"' not in _get(client, "/analytics/")
    assert client.post("/analytics/refresh/").status_code == 403
    client.force_login(district_admin)
    assert 'data-testid="refresh"' in _get(client, "/analytics/")
    response = client.post("/analytics/refresh/", {"next": "/analytics/explore/"})
    assert response.status_code == 302 and response["Location"] == "/analytics/explore/"


def test_the_explorer_shows_the_towns_villages_with_a_chart(client: Any, town_officer: Any, figures: None) -> None:
    client.force_login(town_officer)
    page = _get(client, "/analytics/explore/?indicator=births&period_type=year&period_from=2024&period_to=2025")
    table = page.split('data-testid="values"')[1]
    assert "Wangzhuang" in table and "Lijiayu" in table and "Zhangjiawa" not in table
    assert "<svg" in page.split('data-testid="chart"')[1]


def test_the_explorer_drills_down_from_the_district(client: Any, district_admin: Any, figures: None, town: Any) -> None:
    client.force_login(district_admin)
    page = _get(client, "/analytics/explore/?indicator=births&period_type=year&period_from=2025")
    assert f"orgunit={town.code}" in page  # each town links to its villages
    village_page = _get(client, f"/analytics/explore/?indicator=births&orgunit={town.code}&period_type=year")
    assert "Wangzhuang" in village_page and "Shanting" in village_page.split('class="breadcrumb"')[1][:400]


def test_a_zero_denominator_shows_no_data_never_zero_percent(client: Any, district_admin: Any, figures: None) -> None:
    client.force_login(district_admin)
    url = "/analytics/explore/?indicator=registry_completeness&period_type=year&period_from=2024&period_to=2025"
    page = _get(client, f"{url}&orgunit=370406102")
    row = page.split('data-testid="values"')[1].split("Zhangjiawa")[1].split("</tr>")[0]
    cells = [c.split(">")[-1] for c in row.split("</td>")[2:4]]
    assert cells == ["100.0 %", "no data"]  # 2024: 2 of 2 births linked; 2025: no births at all
    assert ">0.0 %<" not in page


def test_a_ratio_over_nothing_is_no_data_and_a_count_of_nothing_is_zero(
    client: Any, district_admin: Any, figures: None
) -> None:
    client.force_login(district_admin)
    page = _get(client, "/analytics/explore/?indicator=births&indicator=anc_early&period_type=year&period_from=2025")
    assert "no data" in page and ">0<" in page


def test_a_period_in_the_future_is_refused_with_a_message(client: Any, town_officer: Any, figures: None) -> None:
    client.force_login(town_officer)
    page = _get(client, "/analytics/explore/?indicator=births&period_type=month&period_to=202612", status=400)
    assert "202612 is in the future: values exist up to 202606." in page


def test_an_org_unit_outside_the_scope_is_not_found(
    client: Any, town_officer: Any, other_town: Any, figures: None
) -> None:
    client.force_login(town_officer)
    _get(client, f"/analytics/explore/?indicator=births&orgunit={other_town.code}", status=404)
    _get(client, f"/analytics/explore/export/?indicator=births&orgunit={other_town.code}", status=404)


def test_an_unknown_indicator_or_period_type_is_explained(client: Any, town_officer: Any, figures: None) -> None:
    client.force_login(town_officer)
    assert "Unknown indicator: fertility" in _get(client, "/analytics/explore/?indicator=fertility", status=400)
    page = _get(client, "/analytics/explore/?indicator=srb&period_type=month", status=400)
    assert "is computed by Year only" in page


def test_the_village_grid_shades_every_village(client: Any, district_admin: Any, figures: None) -> None:
    client.force_login(district_admin)
    page = _get(client, "/analytics/explore/?indicator=births&period_type=year&period_from=2025&chart=grid")
    grid = page.split('data-testid="grid"')[1]
    assert "Wangzhuang" in grid and "Zhangjiawa" in grid and 'class="q' in grid


def test_the_export_as_xlsx_and_csv_has_numerators_and_denominators(
    client: Any, district_admin: Any, figures: None, town: Any
) -> None:
    client.force_login(district_admin)
    query = f"indicator=srb&orgunit={town.code}&period_type=year&period_from=2025&period_to=2025"
    response = client.get(f"/analytics/explore/export/?{query}&format=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    wang = next(r for r in rows if r[2] == "370406101001")
    assert wang[4] == "2025" and wang[5] == 3 and wang[6] == 2 and wang[7] == 150
    text = client.get(f"/analytics/explore/export/?{query}&format=csv").content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0][0] == "Indicator code" and any(r[:1] == ["srb"] and r[2] == "370406101002" for r in lines)
    assert client.get(f"/analytics/explore/export/?{query}&format=pdf").status_code == 400


def test_the_indicator_list_says_which_are_not_computed_yet(
    client: Any, district_admin: Any, figures: None, monkeypatch: Any
) -> None:
    client.force_login(district_admin)
    page = _get(client, "/analytics/indicators/")
    assert "registry_completeness" in page and "service target" in page and "not a target" in page
    assert "birth_records" in page  # the sources and their fields


def test_a_district_administrator_defines_an_indicator_and_a_bad_one_is_refused(
    client: Any, district_admin: Any, district: Any
) -> None:
    client.force_login(district_admin)
    bad = {
        "code": "bad",
        "name_zh": "坏",
        "numerator": '{"source": "births", "filters": [{"field": "colour", "op": "eq", "value": "red"}]}',
        "scale": 1,
        "unit": "count",
        "decimals": 0,
        "period_types": ["year"],
    }
    response = client.post("/analytics/indicators/new/", bad)
    assert response.status_code == 400 and "no field &#x27;colour&#x27;" in response.content.decode()
    good = {
        **bad,
        "code": "girls",
        "numerator": '{"source": "births", "filters": [{"field": "sex", "op": "eq", "value": "F"}]}',
    }
    assert client.post("/analytics/indicators/new/", good).status_code == 302


def test_pages_are_for_analytics_roles(client: Any, town_officer: Any, figures: None) -> None:
    client.force_login(town_officer)
    assert client.get("/analytics/indicators/new/").status_code == 403
    client.logout()
    assert client.get("/analytics/").status_code == 302


def test_an_empty_installation_shows_empty_states(client: Any, district_admin: Any, district: Any) -> None:
    client.force_login(district_admin)
    assert "No indicator is defined yet." in _get(client, "/analytics/")
    assert "No scorecard yet." in _get(client, "/analytics/scorecards/")
    assert "No figures yet" in _get(client, "/analytics/indicators/")


def test_a_sex_ratio_over_a_handful_of_births_is_not_shown_as_a_number(
    client: Any, town_officer: Any, figures: None
) -> None:
    client.force_login(town_officer)
    page = _get(client, "/analytics/explore/?indicator=srb&period_type=year&period_from=2025&period_to=2025")
    table = page.split('data-testid="values"')[1]
    assert "too few births (5)" in table and "150.0" not in table
    assert 'data-testid="srb-note"' in page


def test_overdue_visits_show_only_to_those_who_see_care(
    client: Any, town_officer: Any, department_liaison: Any, figures: None
) -> None:
    client.force_login(town_officer)
    assert 'data-testid="overdue"' in _get(client, "/analytics/")
    client.force_login(department_liaison)
    assert 'data-testid="overdue"' not in _get(client, "/analytics/")

"""The analytics API: values, sex-ratio estimates and scorecards, scoped; every bad input a 4xx with a reason."""

import datetime as dt
from typing import Any

import pytest

from xingfu.analytics.models import ScorecardDecision
from xingfu.analytics.services.refresh import refresh_run
from xingfu.analytics.tests.factories import births, indicator


@pytest.fixture
def figures(village: Any, sibling_village: Any, other_village: Any) -> None:
    births(village, on=dt.date(2025, 3, 1), boys=3, girls=2, order=3)
    births(other_village, on=dt.date(2025, 9, 1), girls=2)
    for code in ("births", "srb", "srb_order1", "srb_order2", "srb_order3plus", "registry_completeness"):
        indicator(code)
    refresh_run()


def test_values_by_org_unit_and_period(api_for: Any, town_officer: Any, figures: None) -> None:
    response = api_for(town_officer).get("/api/analytics/values/?indicator=births&period_type=year&period_from=2025")
    assert response.status_code == 200
    body = response.json()
    assert body["as_of"] and body["period_type"] == "year"
    got = {(v["orgunit"], v["period"]): v for v in body["values"]}
    assert got[("370406101001", "2025")]["value"] == "5.0000" and got[("370406101001", "2025")]["value_status"] == "ok"
    assert got[("370406101002", "2025")]["value"] == "0.0000" and "370406102001" not in {
        v["orgunit"] for v in body["values"]
    }


def test_a_ratio_without_a_denominator_has_no_value(api_for: Any, district_admin: Any, figures: None) -> None:
    url = "/api/analytics/values/?indicator=srb&orgunit=370406101002&show=self&period_from=2025&period_to=2025"
    (value,) = api_for(district_admin).get(url).json()["values"]
    assert value["value"] is None and value["value_status"] == "no_data"


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ("indicator=births&period_to=2027", 400, "period_to"),
        ("indicator=births&period_type=month&period_from=2025", 400, "period_from"),
        ("indicator=births&period_type=week", 400, "period_type"),
        ("indicator=nope", 400, "indicator"),
        ("", 400, "indicator"),
        ("indicator=births&show=all", 400, "show"),
        ("indicator=births&period_type=month&period_from=201001", 400, "period_from"),
        ("indicator=births&orgunit=370406102", 404, None),
    ],
)
def test_bad_value_queries_are_4xx_with_a_reason(
    api_for: Any, town_officer: Any, figures: None, query: str, status: int, field: str | None
) -> None:
    response = api_for(town_officer).get(f"/api/analytics/values/?{query}")
    assert response.status_code == status, response.json()
    assert response.json()["reason"]
    if field:
        assert field in response.json().get("fields", {})


def test_sex_ratio_estimates_by_town(api_for: Any, district_admin: Any, figures: None) -> None:
    response = api_for(district_admin).get("/api/analytics/sex-ratio/?birth_order=3&level=town")
    assert response.status_code == 200
    body = response.json()
    assert body["computed"] and body["prior"]["method"] in ("mle", "moments", "jeffreys")
    town = next(r for r in body["rows"] if r["orgunit"] == "370406101")
    assert town["births"] == 5 and town["too_few_births"] and town["observed"] is None
    assert town["wilson_low"] < town["wilson_high"] and not town["alert"]
    assert body["district"]["orgunit"] == "370406"


def test_a_future_year_or_unknown_order_is_refused(api_for: Any, district_admin: Any, figures: None) -> None:
    api = api_for(district_admin)
    assert api.get("/api/analytics/sex-ratio/?year_to=2031").status_code == 400
    assert api.get("/api/analytics/sex-ratio/?birth_order=4").status_code == 400
    assert api.get("/api/analytics/sex-ratio/?within=999").status_code == 404


def test_defining_an_indicator_over_an_unknown_field_is_a_400(api_for: Any, district_admin: Any, figures: None) -> None:
    body = {
        "code": "mothers_35",
        "name_zh": "高龄",
        "numerator": {"source": "births", "filters": [{"field": "mother_age", "op": "gte", "value": 35}]},
        "period_types": ["year"],
    }
    response = api_for(district_admin).post("/api/analytics/indicators/", body, format="json")
    assert response.status_code == 400
    assert "no field 'mother_age'" in response.json()["reason"] and "numerator" in response.json()["fields"]


def test_a_district_administrator_defines_an_indicator(api_for: Any, district_admin: Any, town_officer: Any) -> None:
    body = {
        "code": "girls",
        "name_zh": "女婴",
        "numerator": {"source": "births", "filters": [{"field": "sex", "op": "eq", "value": "F"}]},
        "period_types": ["month", "year"],
    }
    assert api_for(town_officer).post("/api/analytics/indicators/", body, format="json").status_code == 403
    response = api_for(district_admin).post("/api/analytics/indicators/", body, format="json")
    assert response.status_code == 201 and response.json()["indicator_unit"] == "count"
    assert api_for(town_officer).get("/api/analytics/indicators/girls/").json()["period_types"] == ["month", "year"]


def test_the_sources_list_their_fields(api_for: Any, village_worker: Any) -> None:
    sources = {s["code"]: s for s in api_for(village_worker).get("/api/analytics/sources/").json()}
    assert {f["name"] for f in sources["births"]["filter_fields"]} == {"sex", "birth_order"}
    assert (
        sources["births"]["counts_births_or_residents"] and not sources["outreach_events"]["counts_births_or_residents"]
    )


def test_scorecards_through_the_api(api_for: Any, district_admin: Any, town_officer: Any, figures: None) -> None:
    api = api_for(district_admin)
    card = api.post("/api/analytics/scorecards/", {"name_zh": "考核", "year": 2025, "assessed": "town"}, format="json")
    assert card.status_code == 201
    pk = card.json()["id"]
    refused = api.post(
        f"/api/analytics/scorecards/{pk}/lines/",
        {"indicator": "births", "weight": "10", "target": "100", "floor": "0"},
        format="json",
    )
    assert refused.status_code == 400 and "cannot be a target" in refused.json()["reason"]
    line = api.post(
        f"/api/analytics/scorecards/{pk}/lines/",
        {"indicator": "registry_completeness", "weight": "10", "target": "99", "floor": "90"},
        format="json",
    )
    assert line.status_code == 201 and line.json()["scoring_rule"] == "linear"
    results = api.get(f"/api/analytics/scorecards/{pk}/results/").json()
    assert len(results) == 10 and results[0]["evidence"][0]["indicator"] == "registry_completeness"
    assert [r["town"] for r in api_for(town_officer).get(f"/api/analytics/scorecards/{pk}/results/").json()] == [
        "370406101"
    ]
    decided = api.post(
        f"/api/analytics/scorecards/{pk}/decisions/",
        {"town": "370406101", "decision": "reward", "amount": "2000", "note": "表扬"},
        format="json",
    )
    assert decided.status_code == 201 and decided.json()["decided_by"] == "admin"
    assert ScorecardDecision.objects.count() == 1
    assert (
        api.post(
            f"/api/analytics/scorecards/{pk}/decisions/",
            {"town": "999", "decision": "reward", "note": "x"},
            format="json",
        ).status_code
        == 400
    )
    assert len(api_for(town_officer).get(f"/api/analytics/scorecards/{pk}/decisions/").json()) == 1
    assert api.get("/api/analytics/scorecards/999999/").status_code == 404


def test_the_refresh_status_and_who_may_refresh(
    api_for: Any, district_admin: Any, town_officer: Any, figures: None
) -> None:
    status = api_for(town_officer).get("/api/analytics/refresh/").json()
    assert status["current"]["refresh_status"] == "done" and status["stale"] is False
    assert api_for(town_officer).post("/api/analytics/refresh/").status_code == 403
    response = api_for(district_admin).post("/api/analytics/refresh/")
    assert response.status_code == 202 and response.json()["refresh_status"] == "done"


def test_the_api_needs_an_analytics_role(api: Any, district: Any) -> None:
    assert api.get("/api/analytics/values/?indicator=births").status_code == 401

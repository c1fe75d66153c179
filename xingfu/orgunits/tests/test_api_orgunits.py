from typing import Any


def test_under_filters_to_one_subtree(
    district_admin: Any, town: Any, village: Any, other_village: Any, api_for: Any
) -> None:
    rows = api_for(district_admin).get(f"/api/orgunits/?under={town.code}&page_size=500").json()["results"]
    codes = {row["code"] for row in rows}
    assert town.code in codes and village.code in codes
    assert other_village.code not in codes


def test_level_filters_and_rejects_unknown_levels(district_admin: Any, village: Any, api_for: Any) -> None:
    client = api_for(district_admin)
    rows = client.get("/api/orgunits/?level=town&page_size=500").json()["results"]
    assert len(rows) == 10 and {r["level"] for r in rows} == {"town"}
    bad = client.get("/api/orgunits/?level=province")
    assert bad.status_code == 400
    assert "province" in bad.json()["reason"]


def test_unknown_code_is_404_with_a_reason(district_admin: Any, api_for: Any) -> None:
    client = api_for(district_admin)
    for url, code in [("/api/orgunits/999999999999/", "999999999999"), ("/api/orgunits/?under=370406999", "370406999")]:
        response = client.get(url)
        assert response.status_code == 404
        body = response.json()
        assert body["status"] == 404
        assert code in body["reason"]


def test_a_code_outside_the_scope_looks_the_same_as_an_unknown_one(
    village_worker: Any, other_village: Any, api_for: Any
) -> None:
    client = api_for(village_worker)
    outside = client.get(f"/api/orgunits/{other_village.code}/")
    unknown = client.get("/api/orgunits/370406109999/")
    assert outside.status_code == unknown.status_code == 404
    assert outside.json()["code"] == unknown.json()["code"] == "not_found"


def test_detail_gives_names_in_both_languages_and_the_parent(district_admin: Any, village: Any, api_for: Any) -> None:
    body = api_for(district_admin).get(f"/api/orgunits/{village.code}/").json()
    assert body["name_zh"] == "王庄村" and body["name_en"] == "Wangzhuang Village"
    assert body["parent"] == "370406101" and body["level"] == "village"
    assert body["path"] == "/370406/370406101/370406101001/"


def test_unauthenticated_calls_get_401_with_a_reason(api: Any, district: Any) -> None:
    for url in ["/api/orgunits/", "/api/me/", "/api/users/", "/api/audit-events/"]:
        response = api.get(url)
        assert response.status_code == 401, url
        assert response.json()["code"] == "not_authenticated"
        assert response.json()["reason"]


def test_me_tells_role_scope_and_permissions(town_officer: Any, api_for: Any) -> None:
    body = api_for(town_officer).get("/api/me/").json()
    assert body["username"] == "officer" and body["role"] == "town_officer"
    assert body["scope"] == "370406101" and body["scope_level"] == "town"
    assert "registry.import" in body["permissions"] and "accounts.manage_users" not in body["permissions"]


def test_token_authentication_works_with_a_password(town_officer: Any, api: Any) -> None:
    from xingfu.core.testing import TEST_PASSWORD

    token = api.post("/api/auth/token/", {"username": "officer", "password": TEST_PASSWORD}).json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/me/").json()["username"] == "officer"
    bad = api.post("/api/auth/token/", {"username": "officer", "password": "wrong"})
    assert bad.status_code == 400 and bad.json()["reason"]


def test_schema_and_offline_docs_are_served(api: Any, db: Any) -> None:
    schema = api.get("/api/schema/")
    assert schema.status_code == 200 and b"/api/orgunits/" in schema.content
    docs = api.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "cdn" not in html.lower() and "drf_spectacular_sidecar" in html


def test_a_malformed_page_or_page_size_is_refused_not_ignored(district_admin: Any, api_for: Any) -> None:
    client = api_for(district_admin)
    for query in ["page=abc", "page=0", "page_size=0", "page_size=501", "page_size=null", "page="]:
        response = client.get(f"/api/orgunits/?{query}")
        assert response.status_code == 400, query
        assert response.json()["reason"]
    assert client.get("/api/orgunits/?page=last&page_size=5").status_code == 200
    assert client.get("/api/orgunits/?page=99").status_code == 404


def test_a_nul_character_in_the_query_is_refused_with_a_reason(district_admin: Any, api_for: Any) -> None:
    response = api_for(district_admin).get("/api/orgunits/?under=3704%00")
    assert response.status_code == 400
    assert "NUL" in response.json()["reason"]

"""The access matrix: for each role and each org-unit relation, what the API shows.

Every role is placed at a town (店子镇). Relations to that scope:
  own     = the town itself          child  = a village of the town
  sibling = another town (西集镇)     parent = the district
  other   = a village of the other town
In each of those units there is one user account and one audit event. The expected cells are
written out by hand, not computed by the code under test.
"""

from typing import Any

import pytest

from xingfu.accounts.roles import Role
from xingfu.audit.services import audit_record
from xingfu.core.testing import make_user

RELATIONS = ["own", "child", "sibling", "parent", "other"]
SUBTREE = {"own", "child"}
NONE: set[str] = set()

# role -> (org units visible, users visible, audit events visible), as relations.
EXPECTED: dict[Role, tuple[set[str], set[str], set[str]]] = {
    Role.DISTRICT_ADMIN: (SUBTREE, SUBTREE, SUBTREE),
    Role.TOWN_OFFICER: (SUBTREE, SUBTREE, SUBTREE),
    Role.VILLAGE_WORKER: (SUBTREE, NONE, NONE),
    Role.DEPARTMENT_LIAISON: (SUBTREE, NONE, NONE),
    Role.INSPECTOR: (SUBTREE, NONE, NONE),
    Role.AUDITOR: (SUBTREE, SUBTREE, SUBTREE),
}


@pytest.fixture
def places(district: Any, town: Any, village: Any, other_town: Any, other_village: Any) -> dict[str, Any]:
    return {"own": town, "child": village, "sibling": other_town, "parent": district, "other": other_village}


@pytest.fixture
def world(places: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """One account and one audit event in each related unit."""
    users = {
        rel: make_user(
            Role.VILLAGE_WORKER if unit.level == "village" else Role.TOWN_OFFICER, unit, f"resident_of_{rel}"
        )
        for rel, unit in places.items()
    }
    events = {
        rel: audit_record(actor=None, action="test.marker", object_type="marker", object_id=rel, orgunit=unit)
        for rel, unit in places.items()
    }
    return {"users": users, "events": events}


def _all_pages(client: Any, url: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        rows.extend(response.json()["results"])
        url = response.json()["next"]
    return rows


@pytest.mark.parametrize("role", list(Role))
def test_each_role_at_a_town_sees_exactly_its_cells(role: Role, places: Any, world: Any, api_for: Any) -> None:
    me = make_user(role, places["own"], f"me_{role.value}")
    client = api_for(me)
    want_units, want_users, want_events = EXPECTED[role]

    unit_codes = {row["code"] for row in _all_pages(client, "/api/orgunits/")}
    for rel in RELATIONS:
        assert (places[rel].code in unit_codes) == (rel in want_units), f"{role} org unit {rel}"
        detail = client.get(f"/api/orgunits/{places[rel].code}/")
        assert detail.status_code == (200 if rel in want_units else 404), f"{role} org unit detail {rel}"

    usernames = {row["username"] for row in _all_pages(client, "/api/users/")}
    assert me.username in usernames, "everyone sees her own account"
    for rel in RELATIONS:
        assert (world["users"][rel].username in usernames) == (rel in want_users), f"{role} user {rel}"

    markers = {row["object_id"] for row in _all_pages(client, "/api/audit-events/?action=test.marker")}
    for rel in RELATIONS:
        assert (rel in markers) == (rel in want_events), f"{role} audit event {rel}"


def test_district_admin_at_the_district_sees_every_unit_user_and_event(
    district_admin: Any, places: Any, world: Any, api_for: Any
) -> None:
    client = api_for(district_admin)
    unit_codes = {row["code"] for row in _all_pages(client, "/api/orgunits/")}
    users = {row["username"] for row in _all_pages(client, "/api/users/")}
    markers = {row["object_id"] for row in _all_pages(client, "/api/audit-events/?action=test.marker")}
    assert {u.code for u in places.values()} <= unit_codes
    assert {u.username for u in world["users"].values()} <= users
    assert markers == set(RELATIONS)


def test_village_worker_sees_her_village_only(
    village_worker: Any, village: Any, sibling_village: Any, town: Any, other_village: Any, api_for: Any
) -> None:
    rows = _all_pages(api_for(village_worker), "/api/orgunits/")
    assert [row["code"] for row in rows] == [village.code]


def test_town_officer_sees_his_town_subtree(
    town_officer: Any, town: Any, village: Any, sibling_village: Any, other_village: Any, api_for: Any
) -> None:
    codes = {row["code"] for row in _all_pages(api_for(town_officer), "/api/orgunits/")}
    assert codes == {town.code, village.code, sibling_village.code}


def test_a_user_without_a_scope_gets_nothing_from_the_api(district: Any, api_for: Any) -> None:
    loner = make_user(Role.DISTRICT_ADMIN, None, "loner")
    response = api_for(loner).get("/api/orgunits/")
    assert response.status_code == 403
    assert "scope" in response.json()["reason"]

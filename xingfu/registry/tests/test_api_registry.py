"""The registry API: scoped lists with filters, writes through the services, 4xx with a reason, masking."""

import datetime
from typing import Any

import pytest

from xingfu.audit.models import AuditEvent
from xingfu.registry.models import EventKind, Household, LifeEvent, Person
from xingfu.registry.tests import factories

D = datetime.date


@pytest.fixture
def client(api_for: Any, village_worker: Any) -> Any:
    return api_for(village_worker)


def names(response: Any) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["name"] for row in response.json()["results"]}


# --- reading ----------------------------------------------------------------------------------------------


def test_persons_are_listed_with_masked_numbers(client: Any, village_worker: Any, home: Household) -> None:
    person = factories.person(village_worker, home, "张伟", phone="13812345678", relation="head")
    row = client.get("/api/persons/").json()["results"][0]
    assert person.id_number is not None
    assert row["id_number"] == person.id_number[:6] + "********" + person.id_number[-4:]
    assert row["phone"] == "138****5678"
    assert (row["household"], row["relation"], row["orgunit"]) == (home.pk, "head", home.orgunit.code)


def test_persons_filter_by_sex_age_status_and_search(client: Any, village_worker: Any, home: Household) -> None:
    factories.person(village_worker, home, "张伟", sex="M", birth_date=D(1950, 1, 1))
    factories.person(village_worker, home, "李娜", sex="F", birth_date=D(1990, 1, 1))
    assert names(client.get("/api/persons/?sex=F")) == {"李娜"}
    assert names(client.get("/api/persons/?age_min=60")) == {"张伟"}
    assert names(client.get("/api/persons/?age_max=40")) == {"李娜"}
    assert names(client.get("/api/persons/?q=zw")) == {"张伟"}
    assert names(client.get("/api/persons/?status=dead")) == set()


def test_persons_filter_by_org_unit_subtree(
    api_for: Any, town_officer: Any, village: Any, sibling_village: Any, town: Any
) -> None:
    factories.person(town_officer, factories.household(town_officer, village), "王一")
    factories.person(town_officer, factories.household(town_officer, sibling_village), "王二")
    client = api_for(town_officer)
    assert names(client.get(f"/api/persons/?orgunit={village.code}")) == {"王一"}
    assert names(client.get(f"/api/persons/?orgunit={town.code}")) == {"王一", "王二"}


def test_a_village_worker_sees_only_her_village(
    client: Any, town_officer: Any, sibling_village: Any, village_worker: Any, home: Household
) -> None:
    factories.person(village_worker, home, "王一")
    other = factories.person(town_officer, factories.household(town_officer, sibling_village), "王二")
    assert names(client.get("/api/persons/")) == {"王一"}
    assert client.get(f"/api/persons/{other.pk}/").status_code == 404
    assert client.get(f"/api/households/?orgunit={sibling_village.code}").status_code == 404


def test_the_other_town_officer_sees_nothing_of_this_town(
    api_for: Any, other_town_officer: Any, village_worker: Any, home: Household
) -> None:
    factories.person(village_worker, home, "王一")
    client = api_for(other_town_officer)
    assert names(client.get("/api/persons/")) == set()
    assert client.get("/api/households/").json()["count"] == 0


@pytest.mark.parametrize("role", ["inspector", "department_liaison"])
def test_roles_without_registry_view_get_403(role: str, request: Any, api_for: Any) -> None:
    response = api_for(request.getfixturevalue(role)).get("/api/persons/")
    assert response.status_code == 403
    assert "registry.view" in response.json()["reason"]


def test_the_persons_list_takes_the_same_queries_for_2_or_25_rows(
    client: Any, village_worker: Any, home: Household, django_assert_max_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for i in range(2):
        factories.person(village_worker, home, f"张{i}")
    with CaptureQueriesContext(connection) as few:
        client.get("/api/persons/")
    for i in range(23):
        factories.person(village_worker, home, f"李{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get("/api/persons/").json()["results"]) == 25
    assert len(few.captured_queries) <= 4


# --- writing ----------------------------------------------------------------------------------------------


def test_registering_a_household_and_adding_its_head(client: Any, village: Any) -> None:
    response = client.post(
        "/api/households/",
        {"orgunit": village.code, "number": "WZ-5", "residence": "rural", "registered_on": "2001-01-01"},
        format="json",
    )
    assert response.status_code == 201, response.content
    household_id = response.json()["id"]
    response = client.post(
        "/api/persons/",
        {
            "household": household_id,
            "name": "张三",
            "sex": "F",
            "birth_date": "1949-12-31",
            "relation": "head",
            "id_number": "11010519491231002X",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["id_number"] == "110105********002X"
    assert client.get(f"/api/households/{household_id}/").json()["head"] == response.json()["id"]


@pytest.mark.parametrize(
    ("payload", "field", "words"),
    [
        ({"id_number": "110105194912310021"}, "id_number", "check character"),
        ({"id_number": "11010519491231002X", "birth_date": "1949-12-30"}, "birth_date", "does not agree"),
        ({"id_number": "11010519491231002X", "sex": "M"}, "sex", "does not agree"),
        ({"name": ""}, "name", "blank"),
        ({"birth_date": "2999-01-01", "id_number": None}, "birth_date", "future"),
        ({"sex": "X"}, "sex", "valid choice"),
        ({"relation": "cousin"}, "relation", "valid choice"),
        ({"birth_date": "not a date"}, "birth_date", "format"),
        ({"household": 99999999}, None, "No such household"),
    ],
)
def test_adding_a_person_with_bad_input_is_a_4xx_with_a_reason(
    client: Any, home: Household, payload: dict[str, Any], field: str | None, words: str
) -> None:
    body = {"household": home.pk, "name": "张三", "sex": "F", "birth_date": "1949-12-31", "relation": "other"}
    response = client.post("/api/persons/", {**body, **payload}, format="json")
    assert 400 <= response.status_code < 500, response.content
    assert words in response.json()["reason"]
    if field:
        assert field in response.json()["fields"]
    assert not Person.objects.exists()


def test_an_id_already_registered_is_a_400(client: Any, home: Household) -> None:
    body = {"household": home.pk, "sex": "F", "birth_date": "1949-12-31", "relation": "other"}
    client.post("/api/persons/", {**body, "name": "张三", "id_number": "11010519491231002X"}, format="json")
    response = client.post("/api/persons/", {**body, "name": "李四", "id_number": "11010519491231002X"}, format="json")
    assert response.status_code == 400
    assert "already registered" in response.json()["reason"]


def test_a_village_worker_cannot_add_to_another_villages_household(
    client: Any, town_officer: Any, sibling_village: Any
) -> None:
    elsewhere = factories.household(town_officer, sibling_village)
    response = client.post(
        "/api/persons/",
        {"household": elsewhere.pk, "name": "张三", "sex": "F", "birth_date": "1990-01-01", "relation": "other"},
        format="json",
    )
    assert response.status_code == 404
    assert not Person.objects.exists()


def test_the_auditor_may_read_but_not_write(api_for: Any, auditor: Any, home: Household) -> None:
    client = api_for(auditor)
    assert client.get("/api/households/").status_code == 200
    response = client.post(
        "/api/persons/",
        {"household": home.pk, "name": "张三", "sex": "F", "birth_date": "1990-01-01", "relation": "other"},
        format="json",
    )
    assert response.status_code == 403


def test_correcting_a_person_by_patch(client: Any, village_worker: Any, home: Household) -> None:
    person = factories.person(village_worker, home, "张伟")
    response = client.patch(f"/api/persons/{person.pk}/", {"name": "章伟", "phone": "13900001111"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["name"] == "章伟" and response.json()["phone"] == "139****1111"


def test_recording_a_birth_through_the_api(client: Any, family: Any) -> None:
    husband, wife = family
    response = client.post(
        "/api/events/",
        {"kind": "birth", "date": "2010-01-01", "mother": wife.pk, "father": husband.pk, "name": "王小", "sex": "F"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["birth_order"] == 1
    assert response.json()["child"] == LifeEvent.objects.get(kind=EventKind.BIRTH).child_id


@pytest.mark.parametrize(
    ("payload", "words"),
    [
        ({"kind": "birth", "date": "2010-01-01", "name": "王小", "sex": "F"}, "mother"),
        ({"kind": "marriage", "date": "2010-01-01"}, "person"),
        ({"kind": "engagement", "date": "2010-01-01"}, "valid choice"),
        ({"kind": "death", "person": 0, "date": "2010-01-01"}, "person"),
        ({"kind": "death", "person": 2**70, "date": "2010-01-01"}, "person"),
        ({"kind": "death", "person": 99999999, "date": "2010-01-01"}, "No such person"),
    ],
)
def test_bad_events_are_4xx_with_a_reason(client: Any, family: Any, payload: dict[str, Any], words: str) -> None:
    response = client.post("/api/events/", payload, format="json")
    assert 400 <= response.status_code < 500, response.content
    assert words in response.json()["reason"]


def test_a_male_mother_is_refused_by_the_api(client: Any, family: Any) -> None:
    husband, _wife = family
    response = client.post(
        "/api/events/",
        {"kind": "birth", "date": "2010-01-01", "mother": husband.pk, "name": "王小", "sex": "F"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["fields"] == {"mother": ["The mother must be a woman."]}


def test_a_dead_person_gets_no_events_through_the_api(client: Any, family: Any) -> None:
    husband, _wife = family
    assert client.post("/api/events/", {"kind": "death", "person": husband.pk, "date": "2020-01-01"}).status_code == 201
    response = client.post("/api/events/", {"kind": "move_out", "person": husband.pk, "date": "2021-01-01"})
    assert response.status_code == 400
    assert "deceased" in response.json()["reason"]


def test_events_are_listed_by_kind(client: Any, family: Any, village_worker: Any) -> None:
    from xingfu.registry.services import marriage_record

    husband, wife = family
    marriage_record(actor=village_worker, person=husband, spouse=wife, date=D(2000, 1, 1))
    rows = client.get("/api/events/?kind=marriage").json()["results"]
    assert [(r["person"], r["other_person"]) for r in rows] == [(husband.pk, wife.pk)]
    assert client.get("/api/events/?kind=birth").json()["count"] == 0


@pytest.mark.parametrize(
    "query",
    ["sex=Q", "age_min=-1", "age_min=abc", "age_min=50&age_max=20", "status=gone", "orgunit=abc", "q=%00"],
)
def test_bad_filters_are_400_with_a_reason(client: Any, query: str) -> None:
    response = client.get(f"/api/persons/?{query}")
    assert response.status_code == 400
    assert response.json()["reason"]


def test_a_huge_id_is_a_404_not_a_crash(client: Any) -> None:
    assert client.get("/api/persons/999999999999999999/").status_code == 404
    assert client.get("/api/persons/9999999999999999999999/").status_code == 404


# --- reveal -----------------------------------------------------------------------------------------------


def test_reveal_returns_the_full_number_and_audits_it(client: Any, village_worker: Any, home: Household) -> None:
    person = factories.person(village_worker, home, "张伟", phone="13812345678")
    response = client.post(f"/api/persons/{person.pk}/reveal/", {"what": "phone", "reason": "回访"}, format="json")
    assert response.json() == {"what": "phone", "value": "13812345678"}
    event = AuditEvent.objects.get(action="read.phone")
    assert event.reason == "回访" and event.object_id == str(person.pk)


def test_reveal_of_something_else_is_a_400(client: Any, village_worker: Any, home: Household) -> None:
    person = factories.person(village_worker, home, "张伟")
    response = client.post(f"/api/persons/{person.pk}/reveal/", {"what": "name"}, format="json")
    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action__startswith="read.").exists()


def test_the_auditor_cannot_reveal(api_for: Any, auditor: Any, village_worker: Any, home: Household) -> None:
    person = factories.person(village_worker, home, "张伟")
    response = api_for(auditor).post(f"/api/persons/{person.pk}/reveal/", {"what": "id_number"}, format="json")
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action__startswith="read.").exists()

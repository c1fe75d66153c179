"""The registry pages as a clerk uses them: search, household and person pages, forms, masking, reveal."""

import datetime
import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from xingfu.audit.models import AuditEvent
from xingfu.registry.models import EventKind, Household, LifeEvent, Person, PersonStatus
from xingfu.registry.services import birth_record
from xingfu.registry.tests import factories

D = datetime.date


def client_for(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def results(client: Client, q: str) -> str:
    """The search results alone (what htmx swaps in), without the search box echoing the query."""
    return client.get("/registry/", {"q": q}, HTTP_HX_REQUEST="true").content.decode()


@pytest.fixture
def worker(village_worker: Any) -> Client:
    return client_for(village_worker)


# --- home and search --------------------------------------------------------------------------------------


def test_the_nav_links_to_the_registry_for_roles_that_see_it(worker: Client) -> None:
    assert 'href="/registry/"' in worker.get("/").content.decode()


def test_the_home_page_is_in_chinese_by_default(village_worker: Any) -> None:
    client = Client()
    client.force_login(village_worker)
    page = client.get("/registry/").content.decode()
    assert "查找人员" in page and "您的辖区内尚无登记人员" in page


def test_the_home_page_says_when_nothing_is_registered(worker: Client) -> None:
    response = worker.get("/registry/")
    assert response.status_code == 200
    assert "No one is registered in your scope yet" in response.content.decode()


def test_the_home_page_counts_the_scope(worker: Client, family: Any, village_worker: Any, home: Household) -> None:
    factories.person(village_worker, home, "张伟")
    page = worker.get("/registry/").content.decode()
    assert "<strong>1</strong> households" in page
    assert "<strong>3</strong> residents" in page


def test_ids_are_masked_in_the_list(worker: Client, village_worker: Any, home: Household) -> None:
    person = factories.person(village_worker, home, "张伟", phone="13812345678")
    assert person.id_number is not None
    page = worker.get("/registry/").content.decode()
    assert person.id_number not in page
    assert person.id_number[:6] + "********" + person.id_number[-4:] in page


@pytest.mark.parametrize("query", ["zhang wei", "zhangwei", "zw", "ZW", "张伟", "伟"])
def test_search_finds_a_person_by_chinese_name_or_pinyin(
    query: str, worker: Client, village_worker: Any, home: Household
) -> None:
    factories.person(village_worker, home, "张伟")
    factories.person(village_worker, home, "李娜", sex="F")
    page = results(worker, query)
    assert "张伟" in page and "李娜" not in page


@pytest.mark.parametrize("digits", [4, 6, 18])
def test_search_finds_a_person_by_the_tail_or_whole_id(
    digits: int, worker: Client, village_worker: Any, home: Household
) -> None:
    person = factories.person(village_worker, home, "张伟")
    factories.person(village_worker, home, "李娜", sex="F")
    assert person.id_number is not None
    page = results(worker, person.id_number[-digits:])
    assert "张伟" in page and "李娜" not in page


def test_search_finds_a_person_by_a_masked_id_copied_from_a_list(
    worker: Client, village_worker: Any, home: Household
) -> None:
    person = factories.person(village_worker, home, "张伟")
    factories.person(village_worker, home, "李娜", sex="F")
    assert person.id_number is not None
    page = results(worker, person.id_number[:6] + "********" + person.id_number[-4:])
    assert "张伟" in page and "李娜" not in page


def test_a_search_with_no_match_says_so(worker: Client, village_worker: Any, home: Household) -> None:
    factories.person(village_worker, home, "张伟")
    assert "No one in your scope matches" in results(worker, "欧阳")


def test_an_htmx_search_returns_only_the_results(worker: Client, village_worker: Any, home: Household) -> None:
    factories.person(village_worker, home, "张伟")
    response = worker.get("/registry/", {"q": "zw"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "张伟" in body and "<html" not in body


def test_a_village_worker_does_not_find_people_of_another_village(
    worker: Client, town_officer: Any, sibling_village: Any
) -> None:
    elsewhere = factories.household(town_officer, sibling_village)
    factories.person(town_officer, elsewhere, "张伟")
    assert "张伟" not in results(worker, "张伟")


def test_a_town_officer_sees_every_village_of_his_town_only(
    town_officer: Any, village: Any, sibling_village: Any, other_village: Any, other_town_officer: Any
) -> None:
    factories.person(town_officer, factories.household(town_officer, village), "王一")
    factories.person(town_officer, factories.household(town_officer, sibling_village), "王二")
    factories.person(other_town_officer, factories.household(other_town_officer, other_village), "王三")
    page = client_for(town_officer).get("/registry/").content.decode()
    assert "王一" in page and "王二" in page and "王三" not in page


def test_roles_without_registry_view_are_turned_away(inspector: Any) -> None:
    assert client_for(inspector).get("/registry/").status_code == 403


def test_the_persons_list_takes_a_fixed_number_of_queries(
    worker: Client, village_worker: Any, home: Household, django_assert_max_num_queries: Any
) -> None:
    def queries_for_page() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert worker.get("/registry/").status_code == 200
        return len(ctx.captured_queries)

    factories.person(village_worker, home, "张一")
    few = queries_for_page()
    for i in range(20):
        factories.person(village_worker, home, f"张{i}")
    assert queries_for_page() == few
    with django_assert_max_num_queries(few):
        worker.get("/registry/")
    assert few <= 11  # session and user, scope, the counts, the page's ids (capped count and page), its rows


# --- household page and forms -----------------------------------------------------------------------------


def test_registering_a_household_leads_to_its_page(worker: Client, village: Any) -> None:
    response = worker.post(
        "/registry/households/new/",
        {
            "village": village.code,
            "number": "WZ-7",
            "address": "王庄村7号",
            "residence": "rural",
            "registered_on": "2010-01-01",
        },
    )
    household = Household.objects.get(number="WZ-7")
    assert response.status_code == 302 and response["Location"] == f"/registry/households/{household.pk}/"
    page = worker.get(response["Location"]).content.decode()
    assert "王庄村7号" in page and "No one belongs to this household" in page


def test_a_village_worker_may_only_choose_her_village(worker: Client, sibling_village: Any) -> None:
    response = worker.post(
        "/registry/households/new/",
        {"village": sibling_village.code, "number": "X", "residence": "rural", "registered_on": "2010-01-01"},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Household.objects.exists()


def test_the_household_page_shows_members_relations_and_the_timeline(
    worker: Client, village_worker: Any, home: Household, family: Any
) -> None:
    husband, wife = family
    birth_record(actor=village_worker, mother=wife, father=husband, date=D(2005, 6, 1), sex="F", name="王芳")
    page = worker.get(f"/registry/households/{home.pk}/").content.decode()
    assert "王强" in page and "Head of household" in page and "Spouse" in page
    assert "王芳" in page and "birth order 1" in page
    assert "Only child (a daughter)" in page


def test_adding_a_member_with_a_bad_id_shows_the_reason_by_the_field_and_adds_no_one(
    worker: Client, home: Household
) -> None:
    response = worker.post(
        f"/registry/households/{home.pk}/members/new/",
        {"name": "张三", "sex": "F", "birth_date": "1949-12-31", "id_number": "110105194912310021", "relation": "head"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "check character is wrong" in body
    assert "110105194912310021" in body  # what she typed stays in the field
    assert not Person.objects.exists()


def test_adding_a_member_with_an_empty_name_is_refused(worker: Client, home: Household) -> None:
    response = worker.post(
        f"/registry/households/{home.pk}/members/new/",
        {"name": "", "sex": "F", "birth_date": "1990-01-01", "relation": "head"},
    )
    assert "This field is required" in response.content.decode()
    assert not Person.objects.exists()


def test_adding_a_member(worker: Client, home: Household) -> None:
    number = factories.resident_id(D(1990, 1, 1), "F")
    response = worker.post(
        f"/registry/households/{home.pk}/members/new/",
        {"name": "赵敏", "sex": "F", "birth_date": "1990-01-01", "id_number": number, "relation": "head"},
    )
    assert response.status_code == 302
    assert Person.objects.get().id_number == number


def test_recording_a_birth_from_the_household_page(worker: Client, home: Household, family: Any) -> None:
    husband, wife = family
    response = worker.post(
        f"/registry/households/{home.pk}/births/new/",
        {"mother": wife.pk, "father": husband.pk, "date": "2020-02-02", "name": "王小明", "sex": "M"},
    )
    assert response.status_code == 302
    assert LifeEvent.objects.get(kind=EventKind.BIRTH).child.name == "王小明"  # type: ignore[union-attr]


def test_a_future_birth_is_refused_on_the_page(worker: Client, home: Household, family: Any) -> None:
    _husband, wife = family
    future = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    response = worker.post(
        f"/registry/households/{home.pk}/births/new/", {"mother": wife.pk, "date": future, "name": "王小明", "sex": "M"}
    )
    assert "lies in the future" in response.content.decode()
    assert not LifeEvent.objects.exists()


def test_another_villages_household_is_not_found(worker: Client, town_officer: Any, sibling_village: Any) -> None:
    elsewhere = factories.household(town_officer, sibling_village)
    assert worker.get(f"/registry/households/{elsewhere.pk}/").status_code == 404
    assert worker.post(f"/registry/households/{elsewhere.pk}/members/new/", {}).status_code == 404


# --- person page, masking and reveal ----------------------------------------------------------------------


def test_the_person_page_masks_the_id_and_phone(worker: Client, village_worker: Any, home: Household) -> None:
    person = factories.person(village_worker, home, "张伟", phone="13812345678")
    assert person.id_number is not None
    page = worker.get(f"/registry/persons/{person.pk}/").content.decode()
    assert person.id_number not in page and "13812345678" not in page
    assert "138****5678" in page and "Show in full" in page


def test_revealing_the_id_shows_it_and_writes_an_audit_row(
    worker: Client, village_worker: Any, home: Household
) -> None:
    person = factories.person(village_worker, home, "张伟")
    assert person.id_number is not None
    response = worker.post(f"/registry/persons/{person.pk}/reveal/id_number/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert person.id_number in response.content.decode()
    event = AuditEvent.objects.get(action="read.id_number")
    assert (event.object_id, event.actor_username) == (str(person.pk), village_worker.username)


def test_the_auditor_sees_masked_numbers_with_no_reveal_button(
    auditor: Any, village_worker: Any, home: Household
) -> None:
    person = factories.person(village_worker, home, "张伟")
    client = client_for(auditor)
    page = client.get(f"/registry/persons/{person.pk}/").content.decode()
    assert "Show in full" not in page
    assert client.post(f"/registry/persons/{person.pk}/reveal/id_number/").status_code == 403
    assert not AuditEvent.objects.filter(action__startswith="read.").exists()


def test_a_reveal_by_get_is_not_allowed(worker: Client, village_worker: Any, home: Household) -> None:
    person = factories.person(village_worker, home, "张伟")
    assert worker.get(f"/registry/persons/{person.pk}/reveal/id_number/").status_code == 405


def test_recording_a_death_from_the_person_page(worker: Client, family: Any) -> None:
    husband, _wife = family
    response = worker.post(f"/registry/persons/{husband.pk}/death/", {"date": "2021-01-01", "place": "家中"})
    assert response.status_code == 302
    husband.refresh_from_db()
    assert husband.status == PersonStatus.DEAD
    page = worker.get(f"/registry/persons/{husband.pk}/").content.decode()
    assert "Record a death" not in page  # no actions for the deceased


def test_recording_a_marriage_with_a_household_member(worker: Client, family: Any) -> None:
    husband, wife = family
    response = worker.post(f"/registry/persons/{husband.pk}/marriage/", {"spouse": wife.pk, "date": "2000-01-01"})
    assert response.status_code == 302
    assert LifeEvent.objects.get(kind=EventKind.MARRIAGE).other_person == wife


def test_a_marriage_without_a_spouse_is_refused(worker: Client, family: Any) -> None:
    husband, _wife = family
    response = worker.post(f"/registry/persons/{husband.pk}/marriage/", {"date": "2000-01-01"})
    assert "Choose the spouse" in response.content.decode()


def test_moving_to_another_household_of_the_village(
    worker: Client, village_worker: Any, village: Any, family: Any
) -> None:
    husband, _wife = family
    factories.household(village_worker, village, "WZ-2")
    response = worker.post(
        f"/registry/persons/{husband.pk}/move/",
        {"village": village.code, "household_number": "WZ-2", "relation": "head", "date": "2022-01-01"},
    )
    assert response.status_code == 302
    assert husband.memberships.get(end_date__isnull=True).household.number == "WZ-2"


def test_moving_to_an_unknown_household_number_is_refused(worker: Client, village: Any, family: Any) -> None:
    husband, _wife = family
    response = worker.post(
        f"/registry/persons/{husband.pk}/move/",
        {"village": village.code, "household_number": "NOPE", "relation": "head", "date": "2022-01-01"},
    )
    assert "No household with that number" in response.content.decode()


# --- export -----------------------------------------------------------------------------------------------


def _rows(content: bytes) -> list[tuple[Any, ...]]:
    return list(load_workbook(io.BytesIO(content), read_only=True).active.iter_rows(values_only=True))


def test_a_town_officer_exports_his_town_with_ids_masked(
    town_officer: Any, village_worker: Any, home: Household, town: Any
) -> None:
    person = factories.person(village_worker, home, "张伟", phone="13812345678")
    assert person.id_number is not None
    response = client_for(town_officer).get("/registry/export/", {"orgunit": town.code})
    assert response.status_code == 200
    rows = _rows(response.content)
    assert rows[1][4] == "张伟"
    assert rows[1][7] == person.id_number[:6] + "********" + person.id_number[-4:]
    assert rows[1][8] == "138****5678"
    assert AuditEvent.objects.filter(action="registry.export").count() == 1
    assert not AuditEvent.objects.filter(action__startswith="read.").exists()


def test_an_unmasked_export_is_one_audited_sensitive_read(
    town_officer: Any, village_worker: Any, home: Household, village: Any
) -> None:
    person = factories.person(village_worker, home, "张伟")
    factories.person(village_worker, home, "李娜", sex="F")
    response = client_for(town_officer).get("/registry/export/", {"orgunit": village.code, "unmask": "1"})
    assert person.id_number in [row[7] for row in _rows(response.content)]
    event = AuditEvent.objects.get(action="read.id_number")
    assert event.object_type == "registry_export" and event.object_id == village.code
    assert "2 persons" in event.reason


def test_a_village_worker_may_not_export(worker: Client, village: Any) -> None:
    assert worker.get("/registry/export/", {"orgunit": village.code}).status_code == 403


def test_a_town_officer_may_not_export_another_town(town_officer: Any, other_town: Any) -> None:
    assert client_for(town_officer).get("/registry/export/", {"orgunit": other_town.code}).status_code == 404


# --- every form opens, and editing keeps what is not retyped ----------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/registry/households/",
        "/registry/households/new/",
        "/registry/households/{home}/members/new/",
        "/registry/households/{home}/births/new/",
        "/registry/persons/{head}/",
        "/registry/persons/{head}/edit/",
        "/registry/persons/{head}/marriage/",
        "/registry/persons/{head}/death/",
        "/registry/persons/{head}/move-out/",
        "/registry/persons/{head}/move/",
    ],
)
def test_each_registry_page_opens(path: str, worker: Client, home: Household, family: Any) -> None:
    husband, _wife = family
    response = worker.get(path.format(home=home.pk, head=husband.pk))
    assert response.status_code == 200
    assert "<h1>" in response.content.decode()


def test_editing_without_retyping_the_id_keeps_it(worker: Client, family: Any) -> None:
    husband, _wife = family
    number = husband.id_number
    response = worker.post(
        f"/registry/persons/{husband.pk}/edit/", {"name": "王强国", "sex": "M", "birth_date": "1975-03-02"}
    )
    assert response.status_code == 302
    husband.refresh_from_db()
    assert (husband.name, husband.id_number) == ("王强国", number)


def test_the_household_list_finds_a_household_by_a_members_name(worker: Client, family: Any) -> None:
    page = worker.get("/registry/households/", {"q": "李娜"}, HTTP_HX_REQUEST="true").content.decode()
    assert "WZ-001" in page


def test_the_household_list_takes_a_fixed_number_of_queries(
    worker: Client, village_worker: Any, village: Any, django_assert_max_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    factories.household(village_worker, village)
    with CaptureQueriesContext(connection) as few:
        worker.get("/registry/households/")
    for _ in range(15):
        factories.household(village_worker, village)
    with django_assert_max_num_queries(len(few.captured_queries)):
        worker.get("/registry/households/")

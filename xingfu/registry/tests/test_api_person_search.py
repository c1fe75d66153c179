"""Finding persons through ``GET /api/persons/?q=``: what a clerk types, and how a long result is counted."""

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from stdnum.cn import ric

from xingfu.core import api as core_api
from xingfu.registry.models import Household, Person
from xingfu.registry.services import person_add
from xingfu.registry.tests import factories

D = datetime.date


@pytest.fixture
def client(api_for: Any, village_worker: Any) -> Any:
    return api_for(village_worker)


def names(response: Any) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["name"] for row in response.json()["results"]}


def with_number(actor: Any, home: Household, name: str, id_number: str) -> Person:
    return person_add(
        actor=actor,
        household=home,
        name=name,
        sex="M",
        birth_date=D(1970, 1, 1),
        relation="other",
        id_number=id_number,
        phone="",
        start_date=D(2000, 1, 1),
    )


# --- resident-ID numbers ----------------------------------------------------------------------------------


def test_a_legacy_15_digit_number_finds_the_person_by_its_18_digit_form(
    client: Any, village_worker: Any, home: Household
) -> None:
    person = factories.person(village_worker, home, "张伟", birth_date=D(1970, 1, 1))
    factories.person(village_worker, home, "李娜", sex="F")
    assert person.id_number is not None
    legacy = person.id_number[:6] + person.id_number[8:17]
    assert names(client.get("/api/persons/", {"q": legacy})) == {"张伟"}


def test_a_tail_ending_in_x_is_found_typed_in_lower_case(client: Any, village_worker: Any, home: Household) -> None:
    # An odd sequence number: a man's.
    body = next(b for n in range(1, 999, 2) if ric.calc_check_digit((b := f"37040619700101{n:03d}") + "0") == "X")
    with_number(village_worker, home, "张伟", body + "X")
    factories.person(village_worker, home, "李娜", sex="F")
    assert names(client.get("/api/persons/", {"q": body[-4:] + "x"})) == {"张伟"}


def test_a_tail_matches_the_end_of_the_number_only(client: Any, village_worker: Any, home: Household) -> None:
    person = factories.person(village_worker, home, "张伟")
    assert person.id_number is not None
    assert names(client.get("/api/persons/", {"q": person.id_number[-10:-4]})) == set()


# --- Chinese names ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("张伟", {"张伟", "张伟明"}),
        ("伟明", {"张伟明"}),
        ("阳明", {"欧阳明华"}),
        ("王荣明", set()),
        ("欧阳明华", {"欧阳明华"}),
        ("新觉罗", {"爱新觉罗启"}),
    ],
)
def test_part_of_a_name_finds_it_at_the_start_the_end_or_inside(
    query: str, found: set[str], client: Any, village_worker: Any, home: Household
) -> None:
    for name in ("张伟", "张伟明", "欧阳明华", "爱新觉罗启", "李娜"):
        factories.person(village_worker, home, name)
    assert names(client.get("/api/persons/", {"q": query})) == found


# --- pinyin -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("zw", {"张伟", "张伟明"}),
        ("zwm", {"张伟明"}),
        ("li", {"李娜"}),
        # One or two letters are initials or the start of the pinyin, not any two letters inside it.
        ("na", set()),
        ("wei", {"张伟", "张伟明"}),
        ("weiming", {"张伟明"}),
        ("zhang wei", {"张伟", "张伟明"}),
        ("wei zhang", set()),
        ("Zhang Wei Ming", {"张伟明"}),
    ],
)
def test_pinyin_finds_initials_the_start_or_letters_in_order(
    query: str, found: set[str], client: Any, village_worker: Any, home: Household
) -> None:
    for name in ("张伟", "张伟明", "李娜"):
        factories.person(village_worker, home, name)
    assert names(client.get("/api/persons/", {"q": query})) == found


# --- counting ---------------------------------------------------------------------------------------------


@pytest.fixture
def count_limit(monkeypatch: pytest.MonkeyPatch) -> int:
    """Counting stops at 1,000 matches; 3 here, so that a few persons pass it."""
    monkeypatch.setattr(core_api.CappedPaginator, "limit", 3)
    return 3


def test_a_count_up_to_the_limit_is_exact(count_limit: int, client: Any, village_worker: Any, home: Household) -> None:
    for name in ("王一", "王二", "王三"):
        factories.person(village_worker, home, name)
    body = client.get("/api/persons/", {"q": "wang"}).json()
    assert (body["count"], body["count_exact"], len(body["results"])) == (3, True, 3)


def test_past_the_limit_the_count_says_at_least_and_every_page_still_reads(
    count_limit: int, client: Any, village_worker: Any, home: Household
) -> None:
    for name in ("王一", "王二", "王三", "王四", "王五"):
        factories.person(village_worker, home, name)
    first = client.get("/api/persons/", {"q": "wang", "page_size": 2}).json()
    assert (first["count"], first["count_exact"]) == (3, False)
    second = client.get(first["next"]).json()
    last = client.get(second["next"]).json()
    assert last["next"] is None and "page=2" in last["previous"]
    seen = [row["name"] for page in (first, second, last) for row in page["results"]]
    assert sorted(seen) == sorted(["王一", "王二", "王三", "王四", "王五"])
    assert client.get("/api/persons/", {"q": "wang", "page_size": 2, "page": 4}).status_code == 404
    assert (
        client.get("/api/persons/", {"q": "wang", "page_size": 2, "page": "last"}).json()["results"]
        == (last["results"])
    )


def test_the_list_costs_the_same_queries_however_many_match(client: Any, village_worker: Any, home: Household) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/persons/", {"q": "wang"}).status_code == 200
        return len(captured)

    factories.person(village_worker, home, "王一")
    few = queries()
    for name in ("王甲", "王乙", "王丙", "王丁", "王戊"):
        factories.person(village_worker, home, name)
    assert queries() == few

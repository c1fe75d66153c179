"""Divorce, remarriage and changing the head of a household: the rules, the pages and the API."""

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from xingfu.audit.models import AuditEvent
from xingfu.core.errors import PermissionDenied, ValidationFailed
from xingfu.registry.facts import spouse_on
from xingfu.registry.models import EventKind, Household, LifeEvent, Membership, Person, Relation
from xingfu.registry.services import (
    death_record,
    divorce_record,
    household_head_change,
    marriage_record,
)
from xingfu.registry.tests import factories

D = datetime.date


@pytest.fixture
def worker(village_worker: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(village_worker)
    return client


@pytest.fixture
def married(village_worker: Any, family: Any) -> tuple[Person, Person]:
    husband, wife = family
    marriage_record(actor=village_worker, person=husband, spouse=wife, date=D(2000, 10, 1))
    return husband, wife


@pytest.fixture
def neighbour(village_worker: Any, village: Any) -> Person:
    """赵敏, a single woman in another household of the village."""
    other = factories.household(village_worker, village, "WZ-002")
    return factories.person(village_worker, other, "赵敏", sex="F", birth_date=D(1982, 2, 2), relation=Relation.HEAD)


# --- marriage and divorce ---------------------------------------------------------------------------------


def test_a_married_person_cannot_marry_again_until_divorced(
    village_worker: Any, married: Any, neighbour: Person
) -> None:
    husband, wife = married
    with pytest.raises(ValidationFailed) as err:
        marriage_record(actor=village_worker, person=husband, spouse=neighbour, date=D(2010, 5, 1))
    assert "李娜" in err.value.message and "divorce" in err.value.message
    assert err.value.field == "person"

    divorce_record(actor=village_worker, person=wife, spouse=husband, date=D(2008, 3, 3))
    assert spouse_on(husband, D(2008, 3, 2)) == wife
    assert spouse_on(husband, D(2008, 3, 3)) is None

    marriage_record(actor=village_worker, person=husband, spouse=neighbour, date=D(2010, 5, 1))
    assert spouse_on(husband, D(2011, 1, 1)) == neighbour
    assert spouse_on(wife, D(2011, 1, 1)) is None


def test_a_widow_may_marry_again(village_worker: Any, married: Any, village: Any) -> None:
    husband, wife = married
    death_record(actor=village_worker, person=husband, date=D(2015, 1, 1))
    widower_home = factories.household(village_worker, village, "WZ-003")
    widower = factories.person(village_worker, widower_home, "孙刚", birth_date=D(1970, 1, 1), relation=Relation.HEAD)
    wife.refresh_from_db()
    event = marriage_record(actor=village_worker, person=wife, spouse=widower, date=D(2016, 6, 1))
    assert event.kind == EventKind.MARRIAGE


def test_a_divorce_needs_a_marriage_of_those_two(village_worker: Any, family: Any, neighbour: Person) -> None:
    husband, wife = family
    with pytest.raises(ValidationFailed) as err:
        divorce_record(actor=village_worker, person=husband, spouse=wife, date=D(2008, 1, 1))
    assert "not recorded as married" in err.value.message
    marriage_record(actor=village_worker, person=husband, spouse=wife, date=D(2000, 10, 1))
    with pytest.raises(ValidationFailed):
        divorce_record(actor=village_worker, person=husband, spouse=neighbour, date=D(2008, 1, 1))
    with pytest.raises(ValidationFailed):  # before the wedding
        divorce_record(actor=village_worker, person=husband, spouse=wife, date=D(1999, 1, 1))
    with pytest.raises(ValidationFailed):  # the wedding day itself
        divorce_record(actor=village_worker, person=husband, spouse=wife, date=D(2000, 10, 1))
    assert not LifeEvent.objects.filter(kind=EventKind.DIVORCE).exists()


def test_a_divorce_is_one_audited_event_for_the_couple(village_worker: Any, married: Any) -> None:
    husband, wife = married
    event = divorce_record(actor=village_worker, person=husband, spouse=wife, date=D(2008, 3, 3), place="区民政局")
    assert (event.kind, event.person, event.other_person, event.place) == (EventKind.DIVORCE, husband, wife, "区民政局")
    audit = AuditEvent.objects.get(action="registry.event.divorce")
    assert audit.object_id == str(husband.pk) and audit.actor == village_worker
    with pytest.raises(ValidationFailed):  # once divorced, not again
        divorce_record(actor=village_worker, person=wife, spouse=husband, date=D(2009, 1, 1))


def test_divorce_outside_the_scope_is_refused(other_town_officer: Any, married: Any) -> None:
    husband, wife = married
    with pytest.raises(PermissionDenied):
        divorce_record(actor=other_town_officer, person=husband, spouse=wife, date=D(2008, 3, 3))


def test_the_person_page_offers_a_divorce_only_to_the_married(worker: Client, married: Any, neighbour: Any) -> None:
    husband, _wife = married
    page = worker.get(reverse("registry-person", args=[husband.pk])).content.decode()
    assert reverse("registry-divorce-new", args=[husband.pk]) in page and "李娜" in page
    single = worker.get(reverse("registry-person", args=[neighbour.pk])).content.decode()
    assert reverse("registry-divorce-new", args=[neighbour.pk]) not in single
    assert "No current marriage" in worker.get(reverse("registry-divorce-new", args=[neighbour.pk])).content.decode()


def test_recording_a_divorce_on_the_page(worker: Client, married: Any) -> None:
    husband, wife = married
    url = reverse("registry-divorce-new", args=[wife.pk])
    bad = worker.post(url, {"date": "1999-01-01"})
    assert bad.status_code == 400 and "not recorded as married" in bad.content.decode()
    response = worker.post(url, {"date": "2008-03-03", "place": "区民政局"})
    assert response.status_code == 302
    assert LifeEvent.objects.filter(kind=EventKind.DIVORCE, person=wife, other_person=husband).exists()
    timeline = worker.get(reverse("registry-person", args=[husband.pk])).content.decode()
    assert "Divorce" in timeline


def test_a_divorce_through_the_api(api_for: Any, village_worker: Any, married: Any) -> None:
    husband, wife = married
    api = api_for(village_worker)
    missing = api.post("/api/events/", {"kind": "divorce", "date": "2008-03-03", "person": husband.pk}, format="json")
    assert missing.status_code == 400 and "spouse" in missing.json()["fields"]
    made = api.post(
        "/api/events/",
        {"kind": "divorce", "date": "2008-03-03", "person": husband.pk, "spouse": wife.pk},
        format="json",
    )
    assert made.status_code == 201 and made.json()["kind"] == "divorce"
    again = api.post(
        "/api/events/",
        {"kind": "divorce", "date": "2009-03-03", "person": husband.pk, "spouse": wife.pk},
        format="json",
    )
    assert again.status_code == 400


# --- changing the head ------------------------------------------------------------------------------------


@pytest.fixture
def son(village_worker: Any, home: Household, family: Any) -> Person:
    return factories.person(village_worker, home, "王磊", birth_date=D(2001, 4, 4), relation=Relation.CHILD)


def _relations(household: Household) -> dict[str, str]:
    return {m.person.name: m.relation for m in Membership.objects.filter(household=household, end_date__isnull=True)}


def test_changing_the_head_restates_the_relations(village_worker: Any, home: Household, family: Any, son: Any) -> None:
    husband, wife = family
    household_head_change(
        actor=village_worker,
        household=home,
        head=son,
        relations={husband.pk: Relation.PARENT, wife.pk: Relation.PARENT},
        reason="户主变更",
    )
    home.refresh_from_db()
    assert home.head == son
    assert _relations(home) == {"王磊": "head", "王强": "parent", "李娜": "parent"}
    audit = AuditEvent.objects.get(action="registry.household.head")
    assert audit.changes["head"] == {"before": husband.pk, "after": son.pk}
    assert audit.changes[f"relation.{husband.pk}"] == {"before": "head", "after": "parent"}


def test_the_present_head_must_be_given_a_relation(village_worker: Any, home: Household, family: Any, son: Any) -> None:
    with pytest.raises(ValidationFailed) as err:
        household_head_change(actor=village_worker, household=home, head=son, relations={})
    assert "王强" in err.value.message
    home.refresh_from_db()
    assert home.head == family[0] and _relations(home)["王磊"] == "child"


def test_the_head_must_be_a_current_living_member(
    village_worker: Any, home: Household, family: Any, son: Any, neighbour: Person
) -> None:
    husband, wife = family
    with pytest.raises(ValidationFailed):  # not a member
        household_head_change(actor=village_worker, household=home, head=neighbour, relations={husband.pk: "other"})
    with pytest.raises(ValidationFailed):  # already the head
        household_head_change(actor=village_worker, household=home, head=husband)
    with pytest.raises(ValidationFailed):  # a second head among the others
        household_head_change(
            actor=village_worker, household=home, head=son, relations={husband.pk: "parent", wife.pk: "head"}
        )
    with pytest.raises(ValidationFailed):  # someone from another household
        household_head_change(
            actor=village_worker, household=home, head=son, relations={husband.pk: "parent", neighbour.pk: "other"}
        )
    assert _relations(home) == {"王强": "head", "李娜": "spouse", "王磊": "child"}


def test_a_household_whose_head_died_gets_a_new_one(village_worker: Any, home: Household, family: Any) -> None:
    husband, wife = family
    death_record(actor=village_worker, person=husband, date=D(2020, 1, 1))
    home.refresh_from_db()
    assert home.head is None
    household_head_change(actor=village_worker, household=home, head=wife)
    home.refresh_from_db()
    assert home.head == wife and _relations(home) == {"李娜": "head"}


def test_changing_the_head_outside_the_scope_is_refused(other_town_officer: Any, home: Household, son: Any) -> None:
    with pytest.raises(PermissionDenied):
        household_head_change(actor=other_town_officer, household=home, head=son, relations={})


def test_changing_the_head_on_the_page(worker: Client, home: Household, family: Any, son: Any) -> None:
    husband, wife = family
    assert (
        reverse("registry-head-change", args=[home.pk])
        in worker.get(reverse("registry-household", args=[home.pk])).content.decode()
    )
    url = reverse("registry-head-change", args=[home.pk])
    form = worker.get(url).content.decode()
    assert "王磊" in form and f"relation_{husband.pk}" in form
    refused = worker.post(url, {"head": son.pk})
    assert refused.status_code == 400 and "王强" in refused.content.decode()
    done = worker.post(url, {"head": son.pk, f"relation_{husband.pk}": "parent", f"relation_{wife.pk}": "parent"})
    assert done.status_code == 302
    home.refresh_from_db()
    assert home.head == son


def test_changing_the_head_through_the_api(
    api_for: Any, village_worker: Any, home: Household, family: Any, son: Any
) -> None:
    husband, wife = family
    api = api_for(village_worker)
    url = f"/api/households/{home.pk}/head/"
    refused = api.post(url, {"head": son.pk}, format="json")
    assert refused.status_code == 400 and "王强" in refused.json()["reason"]
    twice = api.post(
        url,
        {
            "head": son.pk,
            "relations": [{"person": husband.pk, "relation": "parent"}, {"person": husband.pk, "relation": "other"}],
        },
        format="json",
    )
    assert twice.status_code == 400
    done = api.post(
        url,
        {
            "head": son.pk,
            "relations": [{"person": husband.pk, "relation": "parent"}, {"person": wife.pk, "relation": "parent"}],
        },
        format="json",
    )
    assert done.status_code == 200, done.content
    assert done.json()["head"] == son.pk and done.json()["members"] == 3
    assert _relations(home) == {"王磊": "head", "王强": "parent", "李娜": "parent"}


# --- disability certificate ---------------------------------------------------------------------------------


def test_a_disability_grade_is_recorded_masked_and_revealed_with_an_audit(
    town_officer: Any, auditor: Any, family: Any
) -> None:
    from xingfu.registry.services import disability_record, person_reveal

    husband, _wife = family
    with pytest.raises(PermissionDenied):
        disability_record(actor=auditor, person=husband, grade=2)
    disability_record(actor=town_officer, person=husband, grade=2, reason="残疾人证 37040619750302")
    husband.refresh_from_db()
    assert husband.disability_grade == 2
    written = AuditEvent.objects.get(action="registry.person.disability")
    assert "2" not in str(written.changes["disability_grade"]["after"])  # masked in the trail
    with pytest.raises(ValidationFailed):
        disability_record(actor=town_officer, person=husband, grade=5)

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(town_officer)
    page = client.get(reverse("registry-person", args=[husband.pk])).content.decode()
    assert "Grade 2" not in page and "recorded" in page
    shown = client.post(
        reverse("registry-person-reveal", args=[husband.pk, "disability_grade"]), HTTP_HX_REQUEST="true"
    )
    assert "Grade 2" in shown.content.decode()
    assert person_reveal(actor=town_officer, person=husband, what="disability_grade") == "2"
    assert AuditEvent.objects.filter(action="read.disability_grade", object_id=str(husband.pk)).count() == 2

    api = Client(HTTP_ACCEPT_LANGUAGE="en")
    api.force_login(town_officer)
    cleared = api.post(f"/api/persons/{husband.pk}/disability/", {"grade": None}, content_type="application/json")
    assert cleared.status_code == 204
    husband.refresh_from_db()
    assert husband.disability_grade is None
    bad = api.post(f"/api/persons/{husband.pk}/disability/", {"grade": 7}, content_type="application/json")
    assert bad.status_code == 400


def test_the_registry_home_leads_importers_to_the_import_page(town_officer: Any, village_worker: Any) -> None:
    for user, offered in ((town_officer, True), (village_worker, False)):
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(user)
        page = client.get(reverse("registry-home")).content.decode()
        assert (reverse("registry-import") in page) is offered


def test_a_long_person_list_counts_no_further_than_its_limit_and_still_pages(
    village_worker: Any, home: Household, monkeypatch: Any
) -> None:
    from xingfu.core import api as core_api

    for i in range(7):
        factories.person(village_worker, home, f"张{'一二三四五六七'[i]}", birth_date=D(1990, 1, 1 + i))
    monkeypatch.setattr(core_api.CappedPaginator, "limit", 4)
    monkeypatch.setattr("xingfu.registry.views.PAGE_SIZE", 3)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(village_worker)
    first = client.get(reverse("registry-home")).content.decode()
    assert 'data-testid="capped-count"' in first and "more than 4" in first
    names = set()
    for number in (1, 2, 3):
        html = client.get(reverse("registry-home"), {"page": number}).content.decode()
        names |= {n for n in ("张一", "张二", "张三", "张四", "张五", "张六", "张七") if n in html}
    assert len(names) == 7  # the third page, past the count's limit, is still read

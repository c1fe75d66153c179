"""The care API, driven as a client would: every bad input a 4xx with a reason, audited reads, worklists."""

import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from xingfu.audit.models import AuditEvent
from xingfu.care.models import DueVisit, Enrollment, Visit
from xingfu.care.tests import factories
from xingfu.registry.models import Person


def _weeks_ago(today: datetime.date, n: int) -> str:
    return (today - datetime.timedelta(weeks=n)).isoformat()


@pytest.fixture
def registered(api_for: Any, village_worker: Any, woman: Person, today: datetime.date) -> dict[str, Any]:
    response = api_for(village_worker).post(
        "/api/care/pregnancies/", {"person": woman.pk, "lmp": _weeks_ago(today, 10)}, format="json"
    )
    assert response.status_code == 201, response.json()
    return response.json()


def test_a_worker_registers_a_pregnancy_and_the_list_shows_no_health_data(
    api_for: Any, village_worker: Any, registered: dict[str, Any]
) -> None:
    assert registered["responsible"] == "worker"
    listed = api_for(village_worker).get("/api/care/enrollments/?programme_kind=maternal").json()["results"]
    assert [e["id"] for e in listed] == [registered["id"]]
    assert not {"lmp", "grade", "outcome", "visits"} & set(listed[0])
    assert listed[0]["person"]["id_number"].count("*") == 8


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"lmp": "2026-01-01"}, 400, "person"),
        ({"person": 99999999, "lmp": "2026-01-01"}, 400, "person"),
        ({"person": "{woman}", "lmp": "not a date"}, 400, "lmp"),
        ({"person": "{woman}", "lmp": "2999-01-01"}, 400, "lmp"),
        ({"person": "{man}", "lmp": "{lmp}"}, 400, "person"),
        ({"person": "{woman}", "lmp": "{lmp}", "responsible": 99999}, 400, "responsible"),
    ],
)
def test_bad_registrations_are_4xx_with_a_reason(
    api_for: Any,
    village_worker: Any,
    village: Any,
    woman: Person,
    today: datetime.date,
    body: dict[str, Any],
    status: int,
    field: str,
) -> None:
    man = factories.resident(village_worker, village, "张伟", sex="M", birth_date=datetime.date(1990, 1, 1))
    values = {"{woman}": woman.pk, "{man}": man.pk, "{lmp}": _weeks_ago(today, 8)}
    body = {k: values.get(v, v) if isinstance(v, str) else v for k, v in body.items()}
    response = api_for(village_worker).post("/api/care/pregnancies/", body, format="json")
    assert response.status_code == status
    assert field in response.json()["fields"] and response.json()["reason"]
    assert not Enrollment.objects.exists()


def test_a_second_pregnancy_is_a_conflict(
    api_for: Any, village_worker: Any, woman: Person, registered: dict[str, Any], today: datetime.date
) -> None:
    response = api_for(village_worker).post(
        "/api/care/pregnancies/", {"person": woman.pk, "lmp": _weeks_ago(today, 4)}, format="json"
    )
    assert response.status_code == 409
    assert "ongoing pregnancy" in response.json()["reason"]


def test_visits_are_recorded_and_bad_ones_refused(
    api_for: Any, village_worker: Any, registered: dict[str, Any], today: datetime.date
) -> None:
    client = api_for(village_worker)
    due = DueVisit.objects.get(enrollment_id=registered["id"], stage__code="anc1")
    base = {"enrollment": registered["id"], "date": today.isoformat(), "due": due.pk}
    cases: list[tuple[dict[str, Any], str]] = [
        ({"colours": ["blue"]}, "colours"),
        ({"date": (today + datetime.timedelta(days=2)).isoformat()}, "date"),
        ({"date": "2000-01-01"}, "date"),
        ({"stage": "anc9"}, "stage"),
        ({"due": 999999999}, "due"),
    ]
    for bad, field in cases:
        response = client.post("/api/care/visits/", {**base, **bad}, format="json")
        assert response.status_code == 400, (bad, response.json())
        assert field in response.json()["fields"]
    assert not Visit.objects.exists()
    response = client.post(
        "/api/care/visits/",
        {**base, "colours": ["yellow", "purple"], "findings": "乙肝表面抗原阳性", "referral_to": "区妇幼"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["grade"] == {"colour": "yellow", "infectious": True, "case_managed": True}


def test_opening_an_enrollment_or_a_visit_is_audited(
    api_for: Any, village_worker: Any, town_officer: Any, registered: dict[str, Any], today: datetime.date
) -> None:
    client = api_for(village_worker)
    visit = client.post(
        "/api/care/visits/",
        {"enrollment": registered["id"], "date": today.isoformat(), "findings": "好"},
        format="json",
    ).json()
    opened = api_for(town_officer).get(f"/api/care/enrollments/{registered['id']}/")
    assert opened.status_code == 200
    assert opened.json()["visits"][0]["findings"] == "好"
    client.get(f"/api/care/visits/{visit['id']}/")
    reads = AuditEvent.objects.filter(action="read.care_record").order_by("seq")
    assert [(e.actor_username, e.object_type) for e in reads] == [
        ("officer", "care.enrollment"),
        ("worker", "care.visit"),
    ]


def test_records_outside_the_scope_answer_not_found(
    api_for: Any, other_town_officer: Any, registered: dict[str, Any]
) -> None:
    client = api_for(other_town_officer)
    assert client.get(f"/api/care/enrollments/{registered['id']}/").status_code == 404
    assert client.get("/api/care/enrollments/").json()["results"] == []
    assert client.get("/api/care/worklist/villages/").json()["results"] == []
    assert not AuditEvent.objects.filter(action="read.care_record").exists()


def test_roles_without_care_see_nothing(api_for: Any, auditor: Any, registered: dict[str, Any]) -> None:
    assert api_for(auditor).get("/api/care/enrollments/").status_code == 403
    assert api_for(auditor).get(f"/api/care/enrollments/{registered['id']}/").status_code == 403


def test_the_worklist_is_ordered_by_risk_then_lateness(
    api_for: Any, village_worker: Any, village: Any, today: datetime.date
) -> None:
    items = factories.caseload(village_worker, village, 4, today=today, colours=("green", "red", "", "yellow"))
    DueVisit.objects.filter(pk=items[0].pk).update(
        due_on=today - datetime.timedelta(days=30), due_by=today - datetime.timedelta(days=9)
    )  # green, 9 days late
    Enrollment.objects.filter(pk=items[2].enrollment_id).update(risk_colour="green", infectious=True)
    rows = api_for(village_worker).get("/api/care/worklist/").json()["results"]
    assert [r["person"]["name"] for r in rows] == ["孕妇001", "孕妇003", "孕妇002", "孕妇000"]
    assert rows[-1]["days_late"] == 9


def test_a_worker_sees_only_her_own_people(
    api_for: Any, village_worker: Any, village: Any, other_village: Any, today: datetime.date
) -> None:
    from xingfu.accounts.roles import Role
    from xingfu.core.testing import make_user

    far = make_user(Role.VILLAGE_WORKER, other_village, "far_worker")
    factories.caseload(village_worker, village, 2, today=today)
    assert len(api_for(village_worker).get("/api/care/worklist/").json()["results"]) == 2
    assert api_for(far).get("/api/care/worklist/").json()["results"] == []
    assert api_for(far).get("/api/care/enrollments/").json()["results"] == []


def test_the_town_sees_overdue_counts_per_village(
    api_for: Any, town_officer: Any, village_worker: Any, village: Any, today: datetime.date
) -> None:
    items = factories.caseload(village_worker, village, 3, today=today)
    DueVisit.objects.filter(pk=items[0].pk).update(
        due_on=today - datetime.timedelta(days=30), due_by=today - datetime.timedelta(days=3)
    )
    Enrollment.objects.filter(pk=items[1].enrollment_id).update(responsible=None)
    (row,) = api_for(town_officer).get("/api/care/worklist/villages/").json()["results"]
    assert row == {
        "village": village.code,
        "name": village.name,
        "overdue": 1,
        "due_soon": 2,
        "unassigned": 1,
        "open_enrollments": 3,
    }


@pytest.mark.parametrize("rows", [3, 30])
def test_the_worklist_api_costs_the_same_queries_whatever_its_length(
    api_for: Any, village_worker: Any, village: Any, today: datetime.date, rows: int, django_assert_num_queries: Any
) -> None:
    factories.caseload(village_worker, village, rows, today=today, colours=("green", "red"))
    client = api_for(village_worker)
    with django_assert_num_queries(2):  # the count for the page, and the page
        response = client.get("/api/care/worklist/")
    assert len(response.json()["results"]) == rows


def test_the_analyser_file_is_imported_through_the_api(
    api_for: Any, village_worker: Any, woman: Person, partner: Person, today: datetime.date
) -> None:
    client = api_for(village_worker)
    checkup = client.post(
        "/api/care/checkups/",
        {"woman": woman.pk, "partner": partner.pk, "booked_for": today.isoformat()},
        format="json",
    ).json()
    good = f"sample,item,result,unit,flag,measured_on\nC{checkup['id']}-F,glucose,5.3,mmol/L,N,{today}\n".encode()
    response = client.post(
        "/api/care/checkups/import/", {"file": SimpleUploadedFile("lab.csv", good)}, format="multipart"
    )
    assert response.status_code == 200 and response.json() == {"results": 1, "checkups": 1}
    bad = f"sample,item,result,measured_on\nC{checkup['id']}-F,vitamin_d,40,{today}\n".encode()
    response = client.post(
        "/api/care/checkups/import/", {"file": SimpleUploadedFile("lab.csv", bad)}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["details"]["errors"] == [
        {"row": 2, "column": "item", "reason": "Unknown check item 'vitamin_d'."}
    ]


def test_screening_check_in_by_id_through_the_api(
    api_for: Any, village_worker: Any, village: Any, today: datetime.date
) -> None:
    client = api_for(village_worker)
    woman = factories.resident(village_worker, village, "王芳", birth_date=datetime.date(1980, 3, 3))
    campaign = client.post(
        "/api/care/screening-campaigns/",
        {"village": village.code, "name": "两癌筛查", "starts_on": today.isoformat(), "ends_on": today.isoformat()},
        format="json",
    ).json()
    assert client.post(f"/api/care/screening-campaigns/{campaign['id']}/invite/").json() == {"created": 1}
    response = client.post(
        f"/api/care/screening-campaigns/{campaign['id']}/checkin/", {"id_number": woman.id_number}, format="json"
    )
    assert response.status_code == 200 and response.json()["invitation_status"] == "attended"
    response = client.post(
        f"/api/care/screening-campaigns/{campaign['id']}/checkin/", {"id_number": "370406"}, format="json"
    )
    assert response.status_code == 400 and "id_number" in response.json()["fields"]
    coverage = client.get("/api/care/screening-coverage/").json()["results"]
    assert coverage == [
        {"village": village.code, "name": village.name, "eligible": 1, "screened": 1, "referred": 0, "coverage": 100.0}
    ]


@pytest.mark.parametrize("rows", [3, 30])
def test_the_enrollment_list_costs_the_same_queries_whatever_its_length(
    api_for: Any, town_officer: Any, village_worker: Any, village: Any, today: datetime.date, rows: int,
    django_assert_num_queries: Any,
) -> None:  # fmt: skip
    factories.caseload(village_worker, village, rows, today=today)
    client = api_for(town_officer)
    with django_assert_num_queries(2):
        response = client.get("/api/care/enrollments/")
    assert response.json()["count"] == rows

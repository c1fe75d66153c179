"""The oversight API: what each role gets, and a clear 4xx (never a 500) for bad input."""

from typing import Any

import pytest

from xingfu.audit.models import AuditEvent
from xingfu.oversight.models import Facility, Inspection, UltrasoundDevice
from xingfu.oversight.tests.factories import all_yes, days_ago, make_device, make_facility, today

FACILITY = {"name": "仁和诊所", "kind": "private_clinic", "orgunit": "370406101001", "services": ["ultrasound"]}


def _rows(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_an_inspector_registers_a_facility_and_a_device_through_the_api(
    api_for: Any, inspector: Any, village: Any
) -> None:
    client = api_for(inspector)
    facility = client.post("/api/oversight/facilities/", FACILITY, format="json")
    assert facility.status_code == 201, facility.json()
    assert facility.json()["orgunit"] == village.code
    device = client.post(
        "/api/oversight/devices/",
        {
            "make": "迈瑞",
            "model_name": "DC-30",
            "serial": "MR-77",
            "purchase_date": days_ago(40).isoformat(),
            "facility": facility.json()["id"],
            "operators": ["张医生"],
        },
        format="json",
    )
    assert device.status_code == 201, device.json()
    assert device.json()["flags"] == ["missing_health_registration", "missing_fp_registration"]
    assert device.json()["operators"] == ["张医生"]


def test_a_duplicate_serial_through_the_api_is_a_409_naming_the_field(
    api_for: Any, inspector: Any, village: Any
) -> None:
    facility = make_facility(village)
    make_device(facility, serial="MR-1")
    response = api_for(inspector).post(
        "/api/oversight/devices/",
        {"make": "x", "model_name": "y", "serial": "MR-1", "purchase_date": days_ago(1), "facility": facility.pk},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "conflict" and "serial" in response.json()["fields"]
    assert UltrasoundDevice.objects.count() == 1


def test_a_registration_before_purchase_through_the_api_is_a_400(api_for: Any, inspector: Any, village: Any) -> None:
    facility = make_facility(village)
    response = api_for(inspector).post(
        "/api/oversight/devices/",
        {
            "make": "x",
            "model_name": "y",
            "serial": "S1",
            "purchase_date": days_ago(5),
            "facility": facility.pk,
            "health_reg_number": "H1",
            "health_reg_date": days_ago(9),
        },
        format="json",
    )
    assert response.status_code == 400 and "health_reg_date" in response.json()["fields"]


def test_an_inspection_of_a_closed_facility_through_the_api_is_a_400(
    api_for: Any, inspector: Any, village: Any
) -> None:
    closed = make_facility(village, status="closed")
    response = api_for(inspector).post(
        "/api/oversight/inspections/",
        {"facility": closed.pk, "kind": "unannounced"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400 and "closed" in response.json()["reason"]
    assert not Inspection.objects.exists()


def test_recording_a_checklist_through_the_api_creates_findings(api_for: Any, inspector: Any, village: Any) -> None:
    client = api_for(inspector)
    facility = make_facility(village)
    inspection = client.post(
        "/api/oversight/inspections/", {"facility": facility.pk, "kind": "unannounced"}, format="json"
    ).json()
    answers = [{"item": code, "answer": a} for code, (a, _n) in all_yes(warning_signs="no").items()]
    done = client.post(
        f"/api/oversight/inspections/{inspection['id']}/record/",
        {"done_on": today().isoformat(), "answers": answers},
        format="json",
    )
    assert done.status_code == 200, done.json()
    assert done.json()["status"] == "done" and [f["kind"] for f in done.json()["findings"]] == ["warning_signs"]
    again = client.post(
        f"/api/oversight/inspections/{inspection['id']}/record/",
        {"done_on": today().isoformat(), "answers": answers},
        format="json",
    )
    assert again.status_code == 409


def test_a_town_officer_reads_his_town_and_may_not_write(
    api_for: Any, town_officer: Any, village: Any, other_village: Any
) -> None:
    mine = make_facility(village, "王庄卫生室", kind="village_clinic")
    theirs = make_facility(other_village, "张家洼药店", kind="pharmacy")
    client = api_for(town_officer)
    assert [row["name"] for row in _rows(client.get("/api/oversight/facilities/"))] == ["王庄卫生室"]
    assert client.get(f"/api/oversight/facilities/{theirs.pk}/").status_code == 404
    assert client.get(f"/api/oversight/facilities/{mine.pk}/").status_code == 200
    assert client.post("/api/oversight/facilities/", FACILITY, format="json").status_code == 403
    assert client.patch(f"/api/oversight/facilities/{mine.pk}/", {"status": "closed"}, format="json").status_code == 403


def test_roles_without_oversight_get_403_and_strangers_401(api_for: Any, api: Any, village_worker: Any) -> None:
    assert api_for(village_worker).get("/api/oversight/facilities/").status_code == 403
    assert api.get("/api/oversight/facilities/").status_code == 401


def test_an_inspector_cannot_place_a_facility_outside_his_scope(api_for: Any, town: Any, other_village: Any) -> None:
    from xingfu.accounts.roles import Role
    from xingfu.core.testing import make_user

    town_inspector = make_user(Role.INSPECTOR, town, "town_inspector")
    response = api_for(town_inspector).post(
        "/api/oversight/facilities/", {**FACILITY, "orgunit": other_village.code}, format="json"
    )
    assert response.status_code == 400 and "orgunit" in response.json()["fields"]
    assert not Facility.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "/api/oversight/facilities/?kind=spaceship",
        "/api/oversight/facilities/?expiring_within_days=-4",
        "/api/oversight/facilities/?expiring_within_days=soon",
        "/api/oversight/facilities/?town=999999999",
        "/api/oversight/devices/?flagged=maybe",
        "/api/oversight/devices/?facility=abc",
        "/api/oversight/inspections/?status=dreaming",
        "/api/oversight/findings/?overdue=2",
        "/api/oversight/cases/?status=lost",
        "/api/oversight/tipoffs/?about=gossip",
        "/api/oversight/inspections/?kind=",
        "/api/oversight/facilities/?kind=pharmacy&kind=hospital",
        "/api/oversight/facilities/?page_size=null",
        "/api/oversight/facilities/?page_size=0",
        "/api/oversight/findings/?page=",
    ],
)
def test_bad_filters_are_a_400(api_for: Any, inspector: Any, url: str) -> None:
    response = api_for(inspector).get(url)
    assert response.status_code == 400 and response.json()["status"] == 400


@pytest.mark.parametrize(
    "url",
    [
        "/api/oversight/facilities/abc/",
        "/api/oversight/facilities/99999999999999999999999/",
        "/api/oversight/devices/0/",
        "/api/oversight/cases/-1/",
        "/api/oversight/tipoffs/1/contact/",
        "/api/oversight/facilities/?page=9999",
        "/api/oversight/facilities/1.5/",
        "/api/oversight/devices/0.5/events/",
    ],
)
def test_unknown_objects_are_a_404_in_json(api_for: Any, inspector: Any, district: Any, url: str) -> None:
    response = api_for(inspector).get(url)
    assert response.status_code == 404 and response.json()["status"] == 404


@pytest.mark.parametrize(
    "body",
    [
        [],
        "just text",
        {"name": "", "kind": "private_clinic", "orgunit": "370406101001"},
        {"name": "x", "kind": "castle", "orgunit": "370406101001"},
        {"name": "x", "kind": "pharmacy", "orgunit": "370406101001", "services": ["magic"]},
        {"name": "x", "kind": "pharmacy", "orgunit": "370406101001", "staff_count": -1},
        {"name": "x", "kind": "pharmacy", "orgunit": "370406101001", "licence_expiry": "31/12/2026"},
        {"name": "x", "kind": "pharmacy", "orgunit": "\x00"},
    ],
)
def test_bad_facility_bodies_are_a_400_and_add_nothing(api_for: Any, inspector: Any, village: Any, body: Any) -> None:
    response = api_for(inspector).post("/api/oversight/facilities/", body, format="json")
    assert response.status_code == 400, response.content
    assert not Facility.objects.exists()


def test_an_action_on_an_id_that_is_not_a_number_is_a_json_404(api_for: Any, inspector: Any) -> None:
    response = api_for(inspector).post("/api/oversight/inspections/0.5/record/", {}, format="json")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_the_contact_through_the_api_is_for_the_owner_and_audited(
    api_for: Any, inspector: Any, auditor: Any, town: Any
) -> None:
    from xingfu.oversight.services.tipoffs import tipoff_record

    tipoff, _code = tipoff_record(
        actor=None,
        channel="hotline",
        about="sex_selection",
        description="d",
        place="p",
        orgunit=town,
        contact="13800000000",
    )
    owner = api_for(inspector)
    triage = owner.post(f"/api/oversight/tipoffs/{tipoff.pk}/triage/", {"decision": "new_case"}, format="json")
    assert triage.status_code == 200 and triage.json()["status"] == "investigating"
    assert "13800000000" not in str(owner.get(f"/api/oversight/tipoffs/{tipoff.pk}/").json())
    assert api_for(auditor).get(f"/api/oversight/tipoffs/{tipoff.pk}/contact/").status_code == 403
    shown = owner.get(f"/api/oversight/tipoffs/{tipoff.pk}/contact/")
    assert shown.json()["contact"] == "13800000000"
    assert AuditEvent.objects.filter(action="read.reporter_contact", actor_username="inspector").count() == 1


def test_a_staff_recorded_tip_off_answers_with_its_tracking_code_once(api_for: Any, inspector: Any, town: Any) -> None:
    client = api_for(inspector)
    created = client.post(
        "/api/oversight/tipoffs/",
        {"channel": "hotline", "about": "unregistered_device", "description": "d", "place": "p", "orgunit": town.code},
        format="json",
    )
    assert created.status_code == 201 and len(created.json()["tracking_code"]) == 12
    assert client.get(f"/api/oversight/tipoffs/{created.json()['id']}/").json()["tracking_code"] is None


def test_a_web_channel_cannot_be_faked_by_staff(api_for: Any, inspector: Any, town: Any) -> None:
    response = api_for(inspector).post(
        "/api/oversight/tipoffs/",
        {"channel": "web", "about": "unregistered_device", "description": "d", "place": "p", "orgunit": town.code},
        format="json",
    )
    assert response.status_code == 400 and "channel" in response.json()["fields"]


def test_the_facilities_api_list_costs_a_fixed_number_of_queries(
    api_for: Any, inspector: Any, village: Any, django_assert_max_num_queries: Any
) -> None:
    for i in range(25):
        make_facility(village, f"诊所{i:02d}")
    client = api_for(inspector)
    with django_assert_max_num_queries(6):
        assert len(_rows(client.get("/api/oversight/facilities/"))) == 25


def test_case_lists_and_details_through_the_api(api_for: Any, inspector: Any, town: Any) -> None:
    client = api_for(inspector)
    created = client.post("/api/oversight/cases/", {"title": "调查", "orgunit": town.code}, format="json")
    assert created.status_code == 201, created.json()
    case_id = created.json()["id"]
    step = client.post(
        f"/api/oversight/cases/{case_id}/steps/",
        {"kind": "penalty", "summary": "罚款", "rule": "introducing", "fine_yuan": "100"},
        format="json",
    )
    assert step.status_code == 400 and "fine_yuan" in step.json()["fields"]
    ok = client.post(
        f"/api/oversight/cases/{case_id}/steps/", {"kind": "investigation", "summary": "走访"}, format="json"
    )
    done = client.post(
        f"/api/oversight/cases/{case_id}/steps/{ok.json()['id']}/done/",
        {"done_on": today().isoformat()},
        format="json",
    )
    assert done.status_code == 200 and done.json()["done_on"] == today().isoformat()
    closed = client.post(f"/api/oversight/cases/{case_id}/close/", {"outcome": "referred"}, format="json")
    assert closed.status_code == 400
    assert [row["id"] for row in _rows(client.get("/api/oversight/cases/?status=open"))] == [case_id]

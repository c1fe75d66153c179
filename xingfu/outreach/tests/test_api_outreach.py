"""The outreach API: the same services as the pages, scoped lists, and a 4xx with a reason for bad input."""

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from xingfu.outreach.models import Attendance, Campaign, Event, MediaPiece, Training
from xingfu.outreach.tests.factories import ID_NUMBERS, PNG, make_campaign, make_event, make_person, make_training

EVENT = {
    "village": "370406101001",
    "date": "2025-03-08",
    "event_kind": "commemorative",
    "channel": "banners",
    "people_reached": 150,
    "materials": [{"material": "leaflet", "count": 300}, {"material": "poster", "count": 12}],
}


def _refused(response: Any, status: int, field: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["status"] == status and body["reason"]
    if field:
        assert field in body.get("fields", {}), body
    return body


def test_a_town_officer_plans_a_campaign_and_records_an_event(
    town_officer: Any, town: Any, village: Any, api_for: Any
) -> None:
    api = api_for(town_officer)
    created = api.post(
        "/api/outreach/campaigns/",
        {"theme": "关爱女孩", "orgunit": town.code, "start_date": "2025-03-01", "end_date": "2025-03-31"},
        format="json",
    )
    assert created.status_code == 201 and created.json()["orgunit"] == town.code
    event = api.post("/api/outreach/events/", {**EVENT, "campaign": created.json()["id"]}, format="json")
    assert event.status_code == 201, event.content
    body = event.json()
    assert body["village"] == village.code and body["town"] == town.code and body["people_reached"] == 150
    assert {m["material"]: m["count"] for m in body["materials"]} == {"leaflet": 300, "poster": 12}
    listed = api.get("/api/outreach/events/?event_kind=commemorative&year=2025").json()
    assert [e["id"] for e in listed["results"]] == [body["id"]]


def test_an_event_outside_the_campaigns_period_is_a_400_naming_the_date(
    town_officer: Any, campaign: Any, village: Any, api_for: Any
) -> None:
    response = api_for(town_officer).post(
        "/api/outreach/events/", {**EVENT, "campaign": campaign.pk, "date": "2025-04-01"}, format="json"
    )
    body = _refused(response, 400, "date")
    assert "outside the campaign's period" in body["reason"]
    assert not Event.objects.exists()


def test_a_village_outside_the_scope_is_a_400_naming_the_village(
    town_officer: Any, campaign: Any, other_village: Any, api_for: Any
) -> None:
    response = api_for(town_officer).post(
        "/api/outreach/events/", {**EVENT, "campaign": campaign.pk, "village": other_village.code}, format="json"
    )
    _refused(response, 400, "village")
    assert not Event.objects.exists()


@pytest.mark.parametrize(
    "change",
    [{"people_reached": -1}, {"materials": [{"material": "leaflet", "count": -5}]}, {"event_kind": "parade"}],
)
def test_negative_counts_and_unknown_kinds_are_400s(
    town_officer: Any, campaign: Any, village: Any, api_for: Any, change: dict[str, Any]
) -> None:
    response = api_for(town_officer).post(
        "/api/outreach/events/", {**EVENT, "campaign": campaign.pk, **change}, format="json"
    )
    _refused(response, 400, next(iter(change)))
    assert not Event.objects.exists()


def test_an_unknown_campaign_is_a_400_and_an_unknown_event_a_404(town_officer: Any, village: Any, api_for: Any) -> None:
    api = api_for(town_officer)
    _refused(api.post("/api/outreach/events/", {**EVENT, "campaign": 999999}, format="json"), 400, "campaign")
    _refused(api.get("/api/outreach/events/999999/"), 404)
    _refused(api.get("/api/outreach/events/999999999999999999/"), 404)  # beyond 64 bits: still a 404


def test_bad_list_filters_are_400s(town_officer: Any, api_for: Any) -> None:
    api = api_for(town_officer)
    _refused(api.get("/api/outreach/events/?year=20x5"), 400, "year")
    _refused(api.get("/api/outreach/events/?event_kind=parade"), 400, "event_kind")
    _refused(api.get("/api/outreach/trainings/?audience=everyone"), 400, "audience")
    _refused(api.get("/api/outreach/training-records/"), 400)


def test_a_village_worker_cannot_plan_a_campaign_for_her_town(village_worker: Any, town: Any, api_for: Any) -> None:
    response = api_for(village_worker).post(
        "/api/outreach/campaigns/",
        {"theme": "关爱女孩", "orgunit": town.code, "start_date": "2025-03-01", "end_date": "2025-03-31"},
        format="json",
    )
    _refused(response, 400, "orgunit")  # her town is above her scope: as unknown to her as any other code
    assert not Campaign.objects.exists()


def test_an_auditor_reads_but_may_not_record(auditor: Any, district: Any, api_for: Any) -> None:
    response = api_for(auditor).post(
        "/api/outreach/media-pieces/",
        {"outlet": "tv", "title": "访谈", "date": "2025-03-01", "orgunit": district.code},
        format="json",
    )
    _refused(response, 403)
    assert not MediaPiece.objects.exists()
    assert api_for(auditor).get("/api/outreach/media-pieces/").status_code == 200


def test_lists_are_cut_to_the_scope(
    district_admin: Any,
    town_officer: Any,
    campaign: Any,
    village: Any,
    other_town: Any,
    other_village: Any,
    api_for: Any,
) -> None:
    make_event(town_officer, campaign, village)
    theirs = make_campaign(district_admin, other_town, start=dt.date(2025, 3, 1), end=dt.date(2025, 3, 31))
    make_event(district_admin, theirs, other_village)
    api = api_for(town_officer)
    assert {e["village"] for e in api.get("/api/outreach/events/").json()["results"]} == {village.code}
    assert [c["id"] for c in api.get("/api/outreach/campaigns/").json()["results"]] == [campaign.pk]
    _refused(api.get(f"/api/outreach/campaigns/{theirs.pk}/"), 404)
    everything = api_for(district_admin).get("/api/outreach/campaigns/").json()["results"]
    assert {c["id"] for c in everything} == {campaign.pk, theirs.pk}


def test_a_village_worker_sees_the_campaigns_of_her_town_and_the_district(
    district_admin: Any, village_worker: Any, district: Any, campaign: Any, other_town: Any, api_for: Any
) -> None:
    district_wide = make_campaign(district_admin, district, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
    make_campaign(district_admin, other_town, start=dt.date(2025, 3, 1), end=dt.date(2025, 3, 31))
    rows = api_for(village_worker).get("/api/outreach/campaigns/").json()["results"]
    assert {c["id"] for c in rows} == {campaign.pk, district_wide.pk}


@pytest.mark.parametrize("n_events", [2, 25])
def test_the_events_api_takes_the_same_number_of_queries_for_any_number_of_events(
    town_officer: Any,
    campaign: Any,
    village: Any,
    api_for: Any,
    n_events: int,
    django_assert_max_num_queries: Any,
) -> None:
    for i in range(n_events):
        event = make_event(town_officer, campaign, village, materials={"leaflet": 10 + i})
        event.attachments.create(orgunit=village, file="x.png", content_type="image/png", size=1)
    api = api_for(town_officer)
    with django_assert_max_num_queries(6):
        body = api.get("/api/outreach/events/").json()
    assert body["count"] == n_events and all(len(e["attachments"]) == 1 for e in body["results"])


def test_attendance_by_resident_id_number_and_the_training_record(
    town_officer: Any, town: Any, village: Any, api_for: Any
) -> None:
    person = make_person(village, id_number=ID_NUMBERS[0])
    training = make_training(town_officer, town, hours="2.5")
    api = api_for(town_officer)
    added = api.post("/api/outreach/attendance/", {"training": training.pk, "id_number": ID_NUMBERS[0]}, format="json")
    assert added.status_code == 201, added.content
    assert added.json()["name"] == "王秀英" and added.json()["id_number_masked"] == "370406********1235"
    record = api.get(f"/api/outreach/training-records/?person={person.pk}").json()
    assert record["total_hours"] == "2.5" and record["count"] == 1 and record["trainings"][0]["level"] == "town"


def test_attendance_of_an_unknown_or_outside_person_is_a_400(
    town_officer: Any, town: Any, other_village: Any, api_for: Any
) -> None:
    make_person(other_village, id_number=ID_NUMBERS[1])
    training = make_training(town_officer, town)
    api = api_for(town_officer)
    for number in (ID_NUMBERS[0], ID_NUMBERS[1]):  # unknown; in another town
        body = _refused(
            api.post("/api/outreach/attendance/", {"training": training.pk, "id_number": number}, format="json"),
            400,
            "id_number",
        )
        assert number not in body["reason"]
    _refused(api.post("/api/outreach/attendance/", {"training": training.pk}, format="json"), 400)
    assert not Attendance.objects.exists()


def test_a_staff_member_attends_once_and_can_be_taken_back(
    town_officer: Any, village_worker: Any, town: Any, api_for: Any
) -> None:
    training = make_training(town_officer, town)
    api = api_for(town_officer)
    first = api.post("/api/outreach/attendance/", {"training": training.pk, "username": "worker"}, format="json")
    assert first.status_code == 201 and first.json()["attendee_kind"] == "staff"
    again = api.post("/api/outreach/attendance/", {"training": training.pk, "user": village_worker.pk}, format="json")
    _refused(again, 409)
    assert api.delete(f"/api/outreach/attendance/{first.json()['id']}/").status_code == 204
    assert not Attendance.objects.exists()


@pytest.mark.parametrize(("hours", "status"), [("0", 400), ("-1.0", 400), ("abc", 400), ("2.5", 201)])
def test_training_hours_are_checked(town_officer: Any, town: Any, api_for: Any, hours: str, status: int) -> None:
    response = api_for(town_officer).post(
        "/api/outreach/trainings/",
        {"topic": "例会", "audience": "village_workers", "orgunit": town.code, "date": "2025-02-26", "hours": hours},
        format="json",
    )
    assert response.status_code == status, response.content
    if status == 201:
        assert response.json()["hours"] == "2.5" and response.json()["level"] == "town"
    else:
        _refused(response, 400, "hours")
        assert not Training.objects.exists()


def test_an_attachment_that_is_too_large_or_not_an_image_is_a_400(
    town_officer: Any, campaign: Any, village: Any, api_for: Any, settings: Any
) -> None:
    settings.OUTREACH_ATTACHMENT_MAX_BYTES = 1024
    event = make_event(town_officer, campaign, village)
    api = api_for(town_officer)
    url = f"/api/outreach/events/{event.pk}/attachments/"
    big = api.post(url, {"file": SimpleUploadedFile("big.png", PNG + b"\x00" * 2048)}, format="multipart")
    assert "at most" in _refused(big, 400, "file")["reason"]
    text = api.post(url, {"file": SimpleUploadedFile("a.png", b"hello, not a png")}, format="multipart")
    _refused(text, 400, "file")
    ok = api.post(url, {"file": SimpleUploadedFile("a.png", PNG)}, format="multipart")
    assert ok.status_code == 201 and ok.json()["url"] == f"/outreach/attachments/{ok.json()['id']}/"


def test_coverage_api_lists_unreached_villages_first(
    town_officer: Any, campaign: Any, village: Any, sibling_village: Any, api_for: Any
) -> None:
    make_event(town_officer, campaign, village, kind="film")
    rows = api_for(town_officer).get("/api/outreach/coverage/?year=2025").json()
    assert [(r["village"], r["reached"]) for r in rows] == [(sibling_village.code, False), (village.code, True)]
    assert rows[1]["counts"]["film"] == 1

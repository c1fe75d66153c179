"""Campaigns and events: who may plan and record them, and which bad input is refused (with nothing changed)."""

import datetime as dt
from typing import Any

import pytest

from xingfu.audit.models import AuditEvent
from xingfu.core.errors import PermissionDenied, ValidationFailed
from xingfu.outreach import services
from xingfu.outreach.models import Campaign, Event, MaterialHandout
from xingfu.outreach.tests.factories import make_campaign, make_event


def test_a_town_officer_plans_a_campaign_of_his_town_and_it_is_audited(town_officer: Any, town: Any) -> None:
    campaign = make_campaign(town_officer, town, start=dt.date(2025, 3, 1), end=dt.date(2025, 3, 31))
    assert campaign.orgunit == town and campaign.created_by == town_officer
    audit = AuditEvent.objects.get(action="outreach.campaign.create")
    assert audit.object_id == str(campaign.pk) and audit.orgunit_path == town.path
    assert audit.changes["theme"]["after"] == "关爱女孩 性别平等宣传月"


def test_a_town_officer_cannot_plan_a_campaign_for_another_town(town_officer: Any, other_town: Any) -> None:
    with pytest.raises(PermissionDenied):
        make_campaign(town_officer, other_town, start=dt.date(2025, 3, 1), end=dt.date(2025, 3, 31))
    assert not Campaign.objects.exists()


def test_a_campaign_is_run_by_a_town_or_the_district_not_a_village(district_admin: Any, village: Any) -> None:
    with pytest.raises(ValidationFailed) as refused:
        make_campaign(district_admin, village, start=dt.date(2025, 3, 1), end=dt.date(2025, 3, 31))
    assert refused.value.field == "orgunit"


def test_a_campaign_cannot_end_before_it_starts(town_officer: Any, town: Any) -> None:
    with pytest.raises(ValidationFailed) as refused:
        make_campaign(town_officer, town, start=dt.date(2025, 3, 31), end=dt.date(2025, 3, 1))
    assert refused.value.field == "end_date"
    assert not Campaign.objects.exists()


def test_a_town_officer_records_an_event_in_a_village_of_his_town(
    town_officer: Any, campaign: Any, village: Any
) -> None:
    event = make_event(town_officer, campaign, village, materials={"leaflet": 200, "poster": 10, "booklet": 0})
    assert event.village == village and event.people_reached == 100
    # A count of 0 is not stored as a row.
    assert {m.kind: m.count for m in event.materials.all()} == {"leaflet": 200, "poster": 10}
    assert AuditEvent.objects.filter(action="outreach.event.create", orgunit_path=village.path).count() == 1


def test_a_village_worker_records_an_event_of_her_towns_campaign_in_her_village(
    village_worker: Any, campaign: Any, village: Any
) -> None:
    event = make_event(village_worker, campaign, village)
    assert event.created_by == village_worker


def test_a_village_worker_cannot_record_in_the_neighbouring_village(
    village_worker: Any, campaign: Any, sibling_village: Any
) -> None:
    with pytest.raises(PermissionDenied):
        make_event(village_worker, campaign, sibling_village)
    assert not Event.objects.exists()


def test_an_event_outside_the_users_scope_is_refused(town_officer: Any, campaign: Any, other_village: Any) -> None:
    with pytest.raises(PermissionDenied) as refused:
        make_event(town_officer, campaign, other_village)
    assert "Zhangjiawa" in str(refused.value.message)
    assert not Event.objects.exists()


def test_an_event_outside_the_campaigns_period_is_refused(town_officer: Any, campaign: Any, village: Any) -> None:
    with pytest.raises(ValidationFailed) as refused:
        make_event(town_officer, campaign, village, date=dt.date(2025, 4, 1))
    assert refused.value.field == "date"
    assert "2025-03-01" in str(refused.value.message) and "2025-03-31" in str(refused.value.message)
    assert not Event.objects.exists()


def test_an_event_must_be_in_a_village_of_the_unit_running_the_campaign(
    district_admin: Any, campaign: Any, other_village: Any
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        make_event(district_admin, campaign, other_village)
    assert refused.value.field == "village"


@pytest.mark.parametrize(
    ("people_reached", "materials", "field"),
    [(-1, {}, "people_reached"), (10, {"leaflet": -5}, "materials"), (10, {"balloons": 3}, "materials")],
)
def test_negative_counts_and_unknown_materials_are_refused(
    town_officer: Any, campaign: Any, village: Any, people_reached: int, materials: dict[str, int], field: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        make_event(town_officer, campaign, village, people_reached=people_reached, materials=materials)
    assert refused.value.field == field
    assert not Event.objects.exists() and not MaterialHandout.objects.exists()


def test_recording_how_a_planned_event_went_replaces_its_figures(
    town_officer: Any, campaign: Any, village: Any
) -> None:
    event = make_event(town_officer, campaign, village, people_reached=0, materials={"poster": 5})
    services.event_update(
        actor=town_officer,
        event=event,
        date=event.date,
        kind="stall",
        channel="boards",
        people_reached=240,
        materials={"leaflet": 300},
        note="赶集日，人多",
    )
    event.refresh_from_db()
    assert event.people_reached == 240 and event.note == "赶集日，人多"
    assert {m.kind: m.count for m in event.materials.all()} == {"leaflet": 300}
    change = AuditEvent.objects.get(action="outreach.event.update").changes
    assert change["people_reached"] == {"before": 0, "after": 240}


def test_a_campaigns_period_cannot_shrink_past_its_events(town_officer: Any, campaign: Any, village: Any) -> None:
    make_event(town_officer, campaign, village, date=dt.date(2025, 3, 20))
    with pytest.raises(ValidationFailed) as refused:
        services.campaign_update(
            actor=town_officer,
            campaign=campaign,
            theme=campaign.theme,
            start_date=dt.date(2025, 3, 1),
            end_date=dt.date(2025, 3, 15),
        )
    assert refused.value.field == "end_date" and "2025-03-20" in str(refused.value.message)
    campaign.refresh_from_db()
    assert campaign.end_date == dt.date(2025, 3, 31)


def test_an_auditor_may_see_but_not_record(auditor: Any, campaign: Any, village: Any) -> None:
    with pytest.raises(PermissionDenied):
        make_event(auditor, campaign, village)

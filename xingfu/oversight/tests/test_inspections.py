"""Inspections: the plan from the schedule, the checklist, findings with deadlines, re-inspections."""

import datetime as dt
from typing import Any

import pytest
from django.utils import translation

from xingfu.core.errors import ValidationFailed
from xingfu.oversight.models import Finding, Inspection, InspectionSchedule
from xingfu.oversight.selectors import findings_overdue
from xingfu.oversight.services.inspections import inspection_plan_year, inspection_record, inspection_schedule
from xingfu.oversight.tests.factories import all_yes, days_ago, make_done_inspection, make_facility, today


def test_the_schedule_is_data_private_clinics_and_pharmacies_quarterly(db: Any) -> None:
    schedule = dict(InspectionSchedule.objects.values_list("facility_kind", "visits_per_year"))
    assert schedule["private_clinic"] == 4 and schedule["pharmacy"] == 4
    assert schedule["hospital"] == 1


def test_planning_a_year_follows_the_schedule_and_planning_twice_adds_nothing(
    inspector: Any, district: Any, village: Any
) -> None:
    clinic = make_facility(village, "仁和诊所", kind="private_clinic")
    make_facility(village, "区医院", kind="hospital")
    make_facility(village, "已关门药店", kind="pharmacy", status="closed")
    from xingfu.oversight.models import Facility

    created = inspection_plan_year(actor=inspector, year=2026, facilities=Facility.objects.all(), scope=district)
    assert created == 4 + 1
    dates = [d for d in clinic.inspections.values_list("planned_for", flat=True) if d is not None]
    assert len(dates) == 4 and {(d.month - 1) // 3 for d in dates} == {0, 1, 2, 3}  # one visit each quarter
    assert inspection_plan_year(actor=inspector, year=2026, facilities=Facility.objects.all(), scope=district) == 0
    assert Inspection.objects.count() == 5


def test_an_inspection_of_a_closed_facility_is_refused(village: Any) -> None:
    closed = make_facility(village, "已关门诊所", status="closed")
    with translation.override("en"), pytest.raises(ValidationFailed) as refused:
        inspection_schedule(actor=None, facility=closed, kind="unannounced")
    assert "closed" in str(refused.value.message)
    assert not Inspection.objects.exists()


def test_a_planned_inspection_of_a_facility_closed_since_cannot_be_recorded(inspector: Any, village: Any) -> None:
    clinic = make_facility(village)
    inspection = inspection_schedule(actor=None, facility=clinic, kind="planned", planned_for=today())
    from xingfu.oversight.services.facilities import facility_update

    facility_update(actor=inspector, facility=clinic, status="closed")
    with pytest.raises(ValidationFailed):
        inspection_record(actor=inspector, inspection=inspection, done_on=today(), answers=all_yes())
    inspection.refresh_from_db()
    assert inspection.status == "planned" and not inspection.results.exists()


def test_every_no_on_the_checklist_becomes_a_finding_with_the_items_deadline(village: Any) -> None:
    clinic = make_facility(village)
    inspection = make_done_inspection(clinic, done_on=days_ago(2), warning_signs="no", drug_records="no")
    findings = {f.kind: f for f in inspection.findings.all()}
    assert set(findings) == {"warning_signs", "drug_records"}
    assert findings["warning_signs"].correction_due == days_ago(2) + dt.timedelta(days=15)
    assert inspection.status == "done" and inspection.results.count() == 8


def test_a_checklist_with_a_question_left_open_is_refused(village: Any) -> None:
    clinic = make_facility(village)
    inspection = inspection_schedule(actor=None, facility=clinic, kind="unannounced")
    answers = all_yes()
    answers.pop("drug_records")
    with pytest.raises(ValidationFailed):
        inspection_record(actor=None, inspection=inspection, done_on=today(), answers=answers)
    assert not inspection.results.exists()


def test_overdue_corrections_are_listed_until_corrected(client: Any, inspector: Any, village: Any) -> None:
    clinic = make_facility(village, "仁和诊所")
    make_done_inspection(clinic, done_on=days_ago(40), warning_signs="no")  # due 25 days ago
    make_done_inspection(make_facility(village, "百草堂"), done_on=days_ago(3), drug_records="no")  # not yet due
    overdue = list(findings_overdue(inspector, on=today()))
    assert [f.inspection.facility.name for f in overdue] == ["仁和诊所"]
    client.force_login(inspector)
    page = client.get("/oversight/findings/overdue/").content.decode()
    assert "仁和诊所" in page and "百草堂" not in page
    finding = overdue[0]
    response = client.post(f"/oversight/findings/{finding.pk}/correct/", {"on": today().isoformat()})
    assert response.status_code == 302
    assert not findings_overdue(inspector, on=today()).exists()


def test_a_reinspection_that_finds_the_correction_closes_the_finding(inspector: Any, village: Any) -> None:
    clinic = make_facility(village)
    finding = make_done_inspection(clinic, done_on=days_ago(20), operators_current="no").findings.get()
    visit = inspection_schedule(
        actor=inspector, facility=clinic, kind="reinspection", planned_for=today(), follows_finding=finding
    )
    inspection_record(actor=inspector, inspection=visit, done_on=today(), answers=all_yes(), finding_corrected=True)
    finding.refresh_from_db()
    assert finding.corrected_on == today()


def test_the_checklist_page_fits_a_phone_and_records_the_visit(client: Any, inspector: Any, village: Any) -> None:
    clinic = make_facility(village, "仁和诊所")
    client.force_login(inspector)
    response = client.post(
        "/oversight/inspections/new/", {"facility": clinic.pk, "kind": "unannounced", "planned_for": today()}
    )
    inspection = Inspection.objects.get()
    assert response["Location"] == f"/oversight/inspections/{inspection.pk}/checklist/"
    page = client.get(response["Location"]).content.decode()
    assert 'name="viewport"' in page and 'class="checklist"' in page and page.count("<fieldset>") >= 8
    form = {"done_on": today().isoformat(), "summary": "现场检查"}
    for code, (answer, _note) in all_yes(device_register="no").items():
        form[f"item_{code}"] = answer
    form["note_device_register"] = "两台B超未登记"
    assert client.post(response["Location"], form).status_code == 302
    finding = Finding.objects.get()
    assert finding.kind == "device_register" and finding.description == "两台B超未登记"


def test_the_checklist_page_refuses_a_closed_facility_with_a_clear_reason(
    client: Any, inspector: Any, village: Any
) -> None:
    closed = make_facility(village, "已关门诊所", status="closed")
    client.force_login(inspector)
    response = client.post(
        "/oversight/inspections/new/",
        {"facility": closed.pk, "kind": "unannounced", "planned_for": today()},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200 and "closed facility is not inspected" in response.content.decode()
    assert not Inspection.objects.exists()

"""Reports: inspections done against planned per town, findings by kind, cases by status and age; and every
page opens for every role that may see oversight."""

import datetime as dt
from typing import Any

import pytest

from xingfu.oversight.models import Case, Facility
from xingfu.oversight.selectors import cases_by_status_and_age, findings_by_kind, inspections_report
from xingfu.oversight.services.cases import case_open
from xingfu.oversight.services.inspections import inspection_plan_year, inspection_record
from xingfu.oversight.tests.factories import all_yes, make_done_inspection, make_facility, today


def test_inspections_done_against_planned_per_town(
    inspector: Any, district: Any, village: Any, other_village: Any
) -> None:
    here = make_facility(village, "店子诊所", kind="private_clinic")  # 4 a year
    make_facility(other_village, "西集药店", kind="pharmacy")  # 4 a year
    year = today().year
    inspection_plan_year(actor=inspector, year=year, facilities=Facility.objects.all(), scope=district)
    first = here.inspections.order_by("planned_for").first()
    assert first is not None
    inspection_record(actor=inspector, inspection=first, done_on=today(), answers=all_yes())
    make_done_inspection(here)  # unannounced
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    rows = {r.unit.code: r for r in inspections_report(inspector, start=start, end=end) if r.unit}
    assert (rows["370406101"].get("planned"), rows["370406101"].get("planned_done")) == (4, 1)
    assert (rows["370406101"].get("done"), rows["370406101"].get("done_unannounced")) == (2, 1)
    assert (rows["370406102"].get("planned"), rows["370406102"].get("done")) == (4, 0)


def test_a_town_officer_reports_on_his_town_only(town_officer: Any, village: Any, other_village: Any) -> None:
    make_done_inspection(make_facility(village))
    make_done_inspection(make_facility(other_village))
    rows = inspections_report(town_officer, start=today() - dt.timedelta(days=1), end=today())
    assert [(r.unit.code if r.unit else None, r.get("done")) for r in rows] == [("370406101", 1)]


def test_findings_by_kind(inspector: Any, village: Any) -> None:
    make_done_inspection(make_facility(village, "甲"), done_on=today() - dt.timedelta(days=40), warning_signs="no")
    make_done_inspection(make_facility(village, "乙"), warning_signs="no", drug_records="no")
    rows = {
        r["kind"]: r
        for r in findings_by_kind(inspector, start=today() - dt.timedelta(days=60), end=today(), on=today())
    }
    assert (rows["warning_signs"]["found"], rows["warning_signs"]["overdue"]) == (2, 1)
    assert rows["drug_records"]["open"] == 1 and rows["licence"]["found"] == 0


def test_cases_by_status_and_age(inspector: Any, town: Any) -> None:
    young = case_open(actor=inspector, title="新", orgunit=town, owner=inspector)
    old = case_open(actor=inspector, title="旧", orgunit=town, owner=inspector)
    Case.objects.filter(pk=old.pk).update(
        opened_on=today() - dt.timedelta(days=100), deadline=today() - dt.timedelta(days=40)
    )
    report = cases_by_status_and_age(inspector, on=today())
    open_row = next(r for r in report["rows"] if r["status"] == "open")
    assert open_row["counts"] == [1, 0, 0, 1] and open_row["total"] == 2
    assert report["overdue"] == 1 and young.pk


@pytest.mark.parametrize("role", ["inspector", "town_officer", "auditor", "district_admin"])
def test_every_oversight_page_opens_for_each_role_that_may_see_it(
    client: Any, request: Any, role: str, town: Any, village: Any, inspector: Any
) -> None:
    facility = make_facility(village)
    inspection = make_done_inspection(facility, warning_signs="no")
    from xingfu.oversight.services.tipoffs import tipoff_record
    from xingfu.oversight.tests.factories import make_device

    device = make_device(facility)
    tipoff, _code = tipoff_record(
        actor=None, channel="hotline", about="sex_selection", description="d", place="p", orgunit=town, contact="x"
    )
    case = case_open(actor=inspector, title="T", orgunit=town, owner=inspector, tipoffs=[tipoff])
    client.force_login(request.getfixturevalue(role))
    urls = [
        "/oversight/",
        "/oversight/facilities/",
        f"/oversight/facilities/{facility.pk}/",
        "/oversight/facilities/expiring/?days=abc",
        "/oversight/devices/",
        "/oversight/devices/report/",
        f"/oversight/devices/{device.pk}/",
        "/oversight/inspections/?status=planned",
        f"/oversight/inspections/{inspection.pk}/",
        "/oversight/findings/overdue/",
        "/oversight/tipoffs/",
        f"/oversight/tipoffs/{tipoff.pk}/",
        "/oversight/cases/?overdue=1",
        f"/oversight/cases/{case.pk}/",
        "/oversight/reports/",
        "/oversight/reports/?period=2026Q2",
        "/oversight/reports/?period=nonsense",
        "/oversight/facilities/?page=999",
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_the_navigation_shows_oversight_to_the_roles_that_may_see_it(
    client: Any, inspector: Any, village_worker: Any
) -> None:
    client.force_login(inspector)
    assert 'href="/oversight/"' in client.get("/").content.decode()
    client.force_login(village_worker)
    assert 'href="/oversight/"' not in client.get("/").content.decode()

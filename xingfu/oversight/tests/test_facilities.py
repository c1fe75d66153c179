"""The register of facilities: who sees which, expiring licences, and the list's cost."""

import datetime as dt
from typing import Any

import pytest

from xingfu.core.errors import ValidationFailed
from xingfu.oversight.models import Facility
from xingfu.oversight.services.facilities import facility_update
from xingfu.oversight.tests.factories import make_device, make_facility, today


def test_an_inspector_adds_a_facility_on_the_page_and_it_is_audited(client: Any, inspector: Any, village: Any) -> None:
    client.force_login(inspector)
    response = client.post(
        "/oversight/facilities/new/",
        {
            "name": "仁和诊所",
            "kind": "private_clinic",
            "orgunit": village.pk,
            "licence_number": "PDY-2026-17",
            "licence_expiry": "2027-03-01",
            "responsible_person": "王大夫",
            "staff_count": 3,
            "services": ["ultrasound", "antenatal"],
            "status": "open",
        },
    )
    facility = Facility.objects.get(name="仁和诊所")
    assert response.status_code == 302 and response["Location"] == f"/oversight/facilities/{facility.pk}/"
    assert facility.services == ["ultrasound", "antenatal"] and facility.orgunit == village
    page = client.get(response["Location"]).content.decode()
    assert "仁和诊所" in page and "PDY-2026-17" in page
    from xingfu.audit.models import AuditEvent

    assert AuditEvent.objects.filter(action="oversight.facility.create", object_id=str(facility.pk)).exists()


def test_a_town_officer_sees_his_towns_facilities_only(
    client: Any, town_officer: Any, village: Any, other_village: Any
) -> None:
    make_facility(village, "王庄卫生室", kind="village_clinic")
    make_facility(other_village, "张家洼药店", kind="pharmacy")
    client.force_login(town_officer)
    page = client.get("/oversight/facilities/").content.decode()
    assert "王庄卫生室" in page
    assert "张家洼药店" not in page
    other = Facility.objects.get(name="张家洼药店")
    assert client.get(f"/oversight/facilities/{other.pk}/").status_code == 404


def test_a_town_officer_may_look_but_not_record(client: Any, town_officer: Any, village: Any) -> None:
    client.force_login(town_officer)
    assert client.get("/oversight/facilities/").status_code == 200
    assert client.get("/oversight/facilities/new/").status_code == 403


def test_roles_without_oversight_see_nothing(client: Any, village_worker: Any) -> None:
    client.force_login(village_worker)
    assert client.get("/oversight/").status_code == 403
    assert client.get("/oversight/facilities/").status_code == 403


def test_search_narrows_the_list_and_an_empty_result_says_so(client: Any, inspector: Any, village: Any) -> None:
    make_facility(village, "仁和诊所", licence_number="PDY-1")
    make_facility(village, "百草堂药店", kind="pharmacy")
    client.force_login(inspector)
    page = client.get("/oversight/facilities/?q=百草").content.decode()
    assert "百草堂药店" in page and "仁和诊所" not in page
    empty = client.get("/oversight/facilities/?q=nothing-like-it").content.decode()
    assert 'class="empty"' in empty
    partial = client.get("/oversight/facilities/?q=PDY", HTTP_HX_REQUEST="true").content.decode()
    assert "仁和诊所" in partial and "<html" not in partial


def test_the_facility_list_costs_a_fixed_number_of_queries(
    client: Any, inspector: Any, village: Any, sibling_village: Any, django_assert_max_num_queries: Any
) -> None:
    for i in range(30):
        facility = make_facility(village if i % 2 else sibling_village, f"诊所{i:02d}")
        if i % 3 == 0:
            make_device(facility)
    client.force_login(inspector)
    with django_assert_max_num_queries(10):
        response = client.get("/oversight/facilities/")
    assert response.status_code == 200 and "诊所29" in response.content.decode()


def test_licences_expiring_within_60_days_are_listed_and_the_window_can_change(
    client: Any, inspector: Any, village: Any
) -> None:
    make_facility(village, "快到期诊所", licence_expiry=today() + dt.timedelta(days=20))
    make_facility(village, "已过期诊所", licence_expiry=today() - dt.timedelta(days=3))
    make_facility(village, "明年到期诊所", licence_expiry=today() + dt.timedelta(days=200))
    make_facility(village, "已关门诊所", licence_expiry=today() + dt.timedelta(days=10), status="closed")
    client.force_login(inspector)
    page = client.get("/oversight/facilities/expiring/").content.decode()
    assert "快到期诊所" in page and "已过期诊所" in page
    assert "明年到期诊所" not in page and "已关门诊所" not in page
    assert "明年到期诊所" in client.get("/oversight/facilities/expiring/?days=365").content.decode()


def test_a_facility_with_an_unknown_service_is_refused(village: Any) -> None:
    with pytest.raises(ValidationFailed) as refused:
        make_facility(village, services=["ultrasound", "palm reading"])
    assert refused.value.field == "services"
    assert not Facility.objects.exists()


def test_closing_a_facility_is_recorded(inspector: Any, village: Any) -> None:
    facility = make_facility(village)
    facility_update(actor=inspector, facility=facility, status="closed")
    from xingfu.audit.models import AuditEvent

    event = AuditEvent.objects.get(action="oversight.facility.update")
    assert event.changes == {"status": {"before": "open", "after": "closed"}}

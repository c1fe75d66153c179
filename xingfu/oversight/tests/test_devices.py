"""Ultrasound devices: both registrations, the flags, the history, and the register report."""

import datetime as dt
from typing import Any

import pytest
from django.utils import translation

from xingfu.core.append_only import AppendOnlyError
from xingfu.core.errors import Conflict, ValidationFailed
from xingfu.oversight.models import DeviceEvent, UltrasoundDevice
from xingfu.oversight.services.devices import device_move, device_scrap, device_sell, device_update
from xingfu.oversight.tests.factories import days_ago, make_device, make_facility


@pytest.fixture
def clinic(village: Any) -> Any:
    return make_facility(village, "仁和诊所")


def test_a_device_registered_with_both_departments_in_time_is_not_flagged(clinic: Any) -> None:
    device = make_device(clinic)
    assert device.flags == []
    assert not UltrasoundDevice.objects.flagged().exists()


def test_a_device_lacking_either_registration_is_flagged(clinic: Any) -> None:
    no_fp = make_device(clinic, fp_reg_number="", fp_reg_date=None)
    no_health = make_device(clinic, health_reg_number="", health_reg_date=None)
    assert no_fp.flags == ["missing_fp_registration"]
    assert no_health.flags == ["missing_health_registration"]
    assert set(UltrasoundDevice.objects.flagged()) == {no_fp, no_health}


def test_a_device_registered_more_than_20_days_after_purchase_is_flagged(clinic: Any) -> None:
    bought = days_ago(100)
    on_day_20 = make_device(clinic, purchase_date=bought, health_reg_date=bought + dt.timedelta(days=20))
    on_day_21 = make_device(clinic, purchase_date=bought, fp_reg_date=bought + dt.timedelta(days=21))
    assert on_day_20.flags == []
    assert on_day_21.flags == ["late_registration"]
    assert list(UltrasoundDevice.objects.flagged()) == [on_day_21]


def test_the_registration_period_is_configuration(clinic: Any, settings: Any) -> None:
    settings.XINGFU_OVERSIGHT_REGISTRATION_DAYS = 30
    bought = days_ago(100)
    device = make_device(clinic, purchase_date=bought, fp_reg_date=bought + dt.timedelta(days=25))
    assert device.flags == []


def test_a_scrapped_device_is_no_longer_flagged(clinic: Any, inspector: Any) -> None:
    device = make_device(clinic, fp_reg_number="", fp_reg_date=None)
    device_scrap(actor=inspector, device=device, on=days_ago(1), recycler="废品站")
    device.refresh_from_db()
    assert device.flags == [] and not UltrasoundDevice.objects.flagged().exists()


def test_a_duplicate_serial_is_refused_and_nothing_is_added(clinic: Any) -> None:
    make_device(clinic, serial="MR-2024-0001")
    with translation.override("en"), pytest.raises(Conflict) as refused:
        make_device(clinic, serial="mr-2024-0001")
    assert refused.value.field == "serial" and "already in the register" in str(refused.value.message)
    assert UltrasoundDevice.objects.count() == 1 and DeviceEvent.objects.count() == 1


def test_a_registration_dated_before_the_purchase_is_refused(clinic: Any) -> None:
    bought = days_ago(50)
    with translation.override("en"), pytest.raises(ValidationFailed) as refused:
        make_device(clinic, purchase_date=bought, health_reg_date=bought - dt.timedelta(days=1))
    assert refused.value.field == "health_reg_date"
    assert "before the purchase" in str(refused.value.message)
    assert not UltrasoundDevice.objects.exists()


def test_a_registration_number_without_its_date_is_refused(clinic: Any) -> None:
    with pytest.raises(ValidationFailed) as refused:
        make_device(clinic, fp_reg_date=None)
    assert refused.value.field == "fp_reg_date"


def test_a_device_cannot_be_placed_at_a_closed_facility(village: Any) -> None:
    closed = make_facility(village, "已关门诊所", status="closed")
    with pytest.raises(ValidationFailed):
        make_device(closed)
    assert not UltrasoundDevice.objects.exists()


def test_moves_sales_and_scrapping_are_kept_as_history(clinic: Any, village: Any, inspector: Any) -> None:
    other = make_facility(village, "百草堂")
    device = make_device(clinic, purchase_date=days_ago(300))
    device_move(actor=inspector, device=device, to_facility=other, on=days_ago(200), note="借用")
    device_sell(actor=inspector, device=device, buyer="外区某医院", on=days_ago(100))
    device.refresh_from_db()
    assert device.status == "sold" and device.facility == other
    kinds = list(device.events.order_by("on", "id").values_list("kind", flat=True))
    assert kinds == ["recorded", "moved", "sold"]
    with pytest.raises(ValidationFailed):
        device_scrap(actor=inspector, device=device, on=days_ago(1))  # a sold device's history is closed


def test_the_history_cannot_be_rewritten(clinic: Any) -> None:
    event = make_device(clinic).events.get()
    event.note = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        DeviceEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        DeviceEvent.objects.update(note="x")


def test_adding_a_late_registration_records_it_and_keeps_the_flag(clinic: Any, inspector: Any) -> None:
    bought = days_ago(60)
    device = make_device(clinic, purchase_date=bought, fp_reg_number="", fp_reg_date=None)
    device = device_update(actor=inspector, device=device, fp_reg_number="计备-9", fp_reg_date=days_ago(1))
    assert device.flags == ["late_registration"]
    assert device.events.filter(kind="registered").exists()


def test_the_device_pages_show_flags_and_history(client: Any, inspector: Any, clinic: Any) -> None:
    flagged = make_device(clinic, serial="FLAG-1", fp_reg_number="", fp_reg_date=None)
    make_device(clinic, serial="FINE-1")
    client.force_login(inspector)
    only_flagged = client.get("/oversight/devices/?flagged=1", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "FLAG-1" in only_flagged and "FINE-1" not in only_flagged
    detail = client.get(f"/oversight/devices/{flagged.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="device-flags"' in detail and "Recorded in the register" in detail


def test_recording_a_duplicate_serial_on_the_page_shows_the_reason(client: Any, inspector: Any, clinic: Any) -> None:
    make_device(clinic, serial="MR-1")
    client.force_login(inspector)
    response = client.post(
        "/oversight/devices/new/",
        {"make": "迈瑞", "model_name": "M5", "serial": "MR-1", "purchase_date": days_ago(3), "facility": clinic.pk},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "already in the register" in response.content.decode()
    assert UltrasoundDevice.objects.count() == 1


def test_the_register_report_counts_devices_per_town_by_status(
    client: Any, inspector: Any, village: Any, other_village: Any
) -> None:
    here = make_facility(village, "店子诊所")
    there = make_facility(other_village, "西集诊所")
    make_device(here)
    make_device(here, fp_reg_number="", fp_reg_date=None)
    scrapped = make_device(there)
    device_scrap(actor=inspector, device=scrapped, on=days_ago(2))
    client.force_login(inspector)
    page = client.get("/oversight/devices/report/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Dianzi Town" in page and "Xiji Town" in page
    from xingfu.oversight.selectors import device_register_report

    rows = {row.unit.code: row for row in device_register_report(inspector) if row.unit}
    assert (rows["370406101"].get("in_use"), rows["370406101"].get("flagged"), rows["370406101"].get("total")) == (
        2,
        1,
        2,
    )
    assert (rows["370406102"].get("scrapped"), rows["370406102"].get("flagged")) == (1, 0)
    assert rows["370406103"].get("total") == 0

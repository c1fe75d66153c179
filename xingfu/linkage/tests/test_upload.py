"""Uploading an outside list: what is refused whole (nothing stored), what is read, and who may upload."""

import datetime
import io
from typing import Any

import pytest
from openpyxl import Workbook

from xingfu.core.errors import Conflict, PermissionDenied, ValidationFailed
from xingfu.linkage import services
from xingfu.linkage.models import OutsideList, OutsideRecord
from xingfu.linkage.tests import factories
from xingfu.orgunits.models import OrgUnit

ROW = ["张伟", "370406198507120031", "男", "1985-07-12", "王庄村3组12号", ""]


def _upload(actor: Any, content: bytes, template: str = "household_extract") -> OutsideList:
    return services.list_upload(actor=actor, template=template, file_name="list.csv", content=content)


def test_it_rejects_an_unknown_template(town_officer: Any) -> None:
    with pytest.raises(ValidationFailed, match="Unknown list template"):
        _upload(town_officer, factories.csv_bytes(factories.HOUSEHOLD_HEADER, [ROW]), template="tax_list")
    assert not OutsideList.objects.exists()


def test_it_rejects_a_file_missing_required_columns_and_names_them(town_officer: Any) -> None:
    content = factories.csv_bytes(["姓名", "性别"], [["张伟", "男"]])
    with pytest.raises(ValidationFailed) as failure:
        _upload(town_officer, content)
    assert "身份证号 (id_number)" in str(failure.value.message)
    assert "出生日期 (birth_date)" in str(failure.value.message)
    assert not OutsideList.objects.exists() and not OutsideRecord.objects.exists()


def test_it_rejects_a_list_naming_a_village_outside_the_officers_town(
    town_officer: Any, village: OrgUnit, other_village: OrgUnit
) -> None:
    rows = [[*ROW[:5], village.code], [*ROW[:5], other_village.code]]
    with pytest.raises(ValidationFailed, match="not a village in your scope") as failure:
        _upload(town_officer, factories.csv_bytes(factories.HOUSEHOLD_HEADER, rows))
    assert failure.value.details == [{"row": 3, "column": "村代码", "value": other_village.code}]
    assert not OutsideList.objects.exists() and not OutsideRecord.objects.exists()


def test_it_refuses_the_same_file_twice(town_officer: Any) -> None:
    content = factories.csv_bytes(factories.HOUSEHOLD_HEADER, [ROW])
    first = _upload(town_officer, content)
    with pytest.raises(Conflict, match=f"list #{first.pk}"):
        _upload(town_officer, content)
    assert OutsideList.objects.count() == 1


def test_a_village_worker_may_not_upload(village_worker: Any) -> None:
    with pytest.raises(PermissionDenied):
        _upload(village_worker, factories.csv_bytes(factories.HOUSEHOLD_HEADER, [ROW]))


def test_it_reads_gbk_csv_with_english_headers_in_any_order(town_officer: Any, village: OrgUnit) -> None:
    header = ["birth_date", "name", "id_number", "sex", "address", "village_code", "remark"]
    content = factories.csv_bytes(
        header, [["1985/7/12", "张 伟", "370406 19850712 0031", "M", "王庄村", village.code, "x"]], encoding="gbk"
    )
    outside_list = _upload(town_officer, content)
    record = OutsideRecord.objects.get(outside_list=outside_list)
    assert record.name == "张伟"
    assert record.id_number == "370406198507120031"
    assert record.birth_date == datetime.date(1985, 7, 12)
    assert record.sex == "M"
    assert record.orgunit == village


def test_it_reads_xlsx_and_a_legacy_15_digit_number(town_officer: Any) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["母亲姓名", "母亲身份证号", "婴儿性别", "出生日期", "助产机构"])
    sheet.append(["王秀英", "370406920315002", "女", datetime.datetime(2026, 3, 5), "山亭区人民医院"])
    out = io.BytesIO()
    workbook.save(out)
    outside_list = _upload(town_officer, out.getvalue(), template="hospital_births")
    record = OutsideRecord.objects.get(outside_list=outside_list)
    assert (
        record.id_number is not None and len(record.id_number) == 18 and record.id_number.startswith("37040619920315")
    )
    assert record.birth_date == datetime.date(1992, 3, 15)  # read from the valid number
    assert record.child_birth_date == datetime.date(2026, 3, 5) and record.child_sex == "F"


def test_rows_lacking_what_they_cannot_do_without_are_left_out_and_reported(town_officer: Any) -> None:
    rows = [ROW, ["", "", "男", "1990-01-01", "", ""], ["李娜", "", "女", "1990-13-45", "", ""]]
    outside_list = _upload(town_officer, factories.csv_bytes(factories.HOUSEHOLD_HEADER, rows))
    assert outside_list.rows == 2 and outside_list.rows_left_out == 1
    assert {p["row"] for p in outside_list.problems} == {3, 4}
    assert OutsideRecord.objects.get(outside_list=outside_list, row=4).birth_date is None


def test_a_file_with_no_usable_row_is_refused(town_officer: Any) -> None:
    with pytest.raises(ValidationFailed, match="No row"):
        _upload(town_officer, factories.csv_bytes(factories.HOUSEHOLD_HEADER, [["", "", "", "", "", ""], ["", "1"]]))


def test_garbage_is_refused_with_a_reason(town_officer: Any) -> None:
    with pytest.raises(ValidationFailed):
        _upload(town_officer, b"PK\x03\x04 not really a workbook")
    with pytest.raises(ValidationFailed, match="empty"):
        _upload(town_officer, b"")
    with pytest.raises(ValidationFailed):
        _upload(town_officer, "\ufffe".encode("utf-16") + b"\xff\xfe\x00")

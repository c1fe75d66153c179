"""Rows that must stop an import: each gives a clear reason with its row and column, and nothing is written."""

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone, translation

from xingfu.registry.imports.services import import_create, import_run
from xingfu.registry.imports.testing import csv_bytes, family, id_number, row, xlsx_bytes
from xingfu.registry.models import Household, Membership, Person, Relation, Residence
from xingfu.registry.models_imports import ImportBatch, ImportStatus
from xingfu.registry.services import household_register, person_add

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """The reasons are asserted in English (the msgids), whatever the Chinese catalogue says."""
    with translation.override("en"):
        yield


def run(user: Any, rows: list[list[Any]], *, xlsx: bool = False) -> ImportBatch:
    data = xlsx_bytes(rows) if xlsx else csv_bytes(rows)
    return import_run(batch=import_create(actor=user, file_name="f.xlsx" if xlsx else "f.csv", content=data))


def rejected(batch: ImportBatch, persons_before: int = 0) -> list[dict[str, Any]]:
    assert batch.status == ImportStatus.REJECTED, batch.message
    assert Person.objects.count() == persons_before
    assert batch.error_count == len(batch.report)
    return batch.report


def only(report: list[dict[str, Any]], row: int, column: str, reason_part: str) -> None:
    assert len(report) == 1, report
    entry = report[0]
    assert (entry["row"], entry["column"]) == (row, column), entry
    assert reason_part in entry["reason"], entry


def test_a_bad_check_digit_is_refused_with_the_right_one(town_officer: Any, village: Any) -> None:
    good = id_number("1980-05-01")
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    rows = family()
    rows[0][7] = wrong

    report = rejected(run(town_officer, rows))

    only(report, 2, "身份证号", f"it must be {good[17]}")
    assert report[0]["value"] == wrong[:6] + "********" + wrong[-4:]  # masked in the report


def test_a_birth_date_disagreeing_with_the_number_is_refused(town_officer: Any, village: Any) -> None:
    rows = family()
    rows[1][6] = "1982-07-10"
    only(rejected(run(town_officer, rows)), 3, "出生日期", "does not agree with the resident ID number")


def test_a_sex_disagreeing_with_the_number_is_refused(town_officer: Any, village: Any) -> None:
    rows = family()
    rows[1][5] = "男"
    only(rejected(run(town_officer, rows)), 3, "性别", "does not agree with the resident ID number")


def test_a_number_twice_in_the_file_is_refused(town_officer: Any, village: Any) -> None:
    rows = family("0001")
    rows.append(row(household="0002", address="王庄村0002号", name="张伟", number=rows[0][7]))

    only(rejected(run(town_officer, rows)), 5, "身份证号", "also on row 2")


def test_a_number_already_registered_is_refused(town_officer: Any, village: Any) -> None:
    household = household_register(
        actor=town_officer, village=village, number="9001", residence=Residence.RURAL,
        registered_on=datetime.date(2020, 1, 1),
    )  # fmt: skip
    person_add(
        actor=town_officer, household=household, name="张伟", sex="M", birth_date=datetime.date(1980, 5, 1),
        relation=Relation.HEAD, id_number=id_number("1980-05-01"),
    )  # fmt: skip

    report = rejected(run(town_officer, family()), persons_before=1)

    only(report, 2, "身份证号", "already registered")


def test_an_unknown_village_code_is_refused(town_officer: Any, village: Any) -> None:
    rows = family(village="370406101999")
    report = rejected(run(town_officer, rows))
    assert [(e["row"], e["column"]) for e in report] == [(2, "村代码"), (3, "村代码"), (4, "村代码")]
    assert "No village with code 370406101999 in your scope" in report[0]["reason"]


def test_a_village_of_another_town_is_refused_as_outside_the_scope(
    town_officer: Any, village: Any, other_village: Any
) -> None:
    rows = family(village=other_village.code)
    report = rejected(run(town_officer, rows))
    assert report[0]["row"] == 2 and "No village with code 370406102001 in your scope" in report[0]["reason"]
    assert Household.objects.count() == 0


def test_an_empty_name_is_refused(town_officer: Any, village: Any) -> None:
    rows = family()
    rows[2][4] = "  "
    only(rejected(run(town_officer, rows)), 4, "姓名", "The name is required")


def test_a_birth_date_in_the_future_is_refused(town_officer: Any, village: Any) -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    rows = family()
    rows.append(
        row(address="王庄村0001号", name="张小宝", birth=tomorrow.isoformat(), number="", relation="子女", phone="")
    )

    only(rejected(run(town_officer, rows)), 5, "出生日期", "lies in the future")


def test_a_date_that_is_no_date_is_refused(town_officer: Any, village: Any) -> None:
    rows = family()
    rows[2][6] = "2012-02-30"
    only(rejected(run(town_officer, rows)), 4, "出生日期", "not a real date")


def test_an_unknown_sex_relation_or_residence_says_what_to_write(town_officer: Any, village: Any) -> None:
    rows = family()
    rows[0][3] = "乡下"
    rows[1][5] = "X"
    rows[2][8] = "女婿"

    report = rejected(run(town_officer, rows))

    assert [(e["row"], e["column"]) for e in report] == [(2, "户口性质"), (3, "性别"), (4, "与户主关系")]
    assert "农村 or 城镇" in report[0]["reason"] and "男 or 女" in report[1]["reason"]
    assert "户主, 配偶, 子女, 父母 or 其他" in report[2]["reason"]


def test_an_adult_without_a_number_is_refused_but_a_child_may_have_none(town_officer: Any, village: Any) -> None:
    rows = family()
    rows[2][7] = ""  # the daughter, born 2012: no number yet is fine
    rows[1][7] = ""  # the wife: not
    only(rejected(run(town_officer, rows)), 3, "身份证号", "only a child under 16")


def test_a_number_excel_turned_into_a_float_is_refused(town_officer: Any, village: Any) -> None:
    rows = family()
    rows[0][7] = float(rows[0][7][:17] + "0")
    only(rejected(run(town_officer, rows, xlsx=True)), 2, "身份证号", "Format the column as text")


def test_rows_of_a_household_must_agree_on_address_and_residence(town_officer: Any, village: Any) -> None:
    rows = family()
    rows[1][2] = "王庄村2号"
    rows[2][3] = "城镇"

    report = rejected(run(town_officer, rows))

    assert [(e["row"], e["column"]) for e in report] == [(3, "住址"), (4, "户口性质")]
    assert "row 2 says “王庄村0001号”" in report[0]["reason"]


def test_a_household_without_a_head_is_refused(town_officer: Any, village: Any) -> None:
    rows = family()
    rows[0][8] = "其他"
    only(rejected(run(town_officer, rows)), 2, "与户主关系", "has no head")


def test_a_household_with_two_heads_is_refused(town_officer: Any, village: Any) -> None:
    rows = family()
    rows[1][8] = "户主"
    only(rejected(run(town_officer, rows)), 3, "与户主关系", "more than one head (rows 2, 3)")


def test_every_bad_row_is_listed_not_only_the_first(town_officer: Any, village: Any) -> None:
    rows = family("0001") + family("0002", seq=2)
    rows[0][4] = ""
    rows[3][6] = "1900-13-01"
    rows[5][9] = "12"

    report = rejected(run(town_officer, rows))

    assert [(e["row"], e["column"]) for e in report] == [(2, "姓名"), (5, "出生日期"), (7, "联系电话")]


def test_an_existing_household_gets_the_new_members(town_officer: Any, village: Any) -> None:
    household = household_register(
        actor=town_officer, village=village, number="0001", residence=Residence.RURAL,
        registered_on=datetime.date(2020, 1, 1), address="王庄村0001号",
    )  # fmt: skip
    person_add(
        actor=town_officer, household=household, name="张大山", sex="M", birth_date=datetime.date(1950, 1, 1),
        relation=Relation.HEAD, id_number=id_number("1950-01-01"),
    )  # fmt: skip
    rows = family("0001")
    rows[0][8] = "子女"

    batch = run(town_officer, rows)

    assert batch.status == ImportStatus.DONE, batch.report
    assert (batch.households_created, batch.households_extended, batch.persons_created) == (0, 1, 3)
    assert Membership.objects.filter(household=household, end_date__isnull=True).count() == 4
    household.refresh_from_db()
    assert household.head is not None and household.head.name == "张大山"


def test_an_existing_household_with_a_head_takes_no_second_one(town_officer: Any, village: Any) -> None:
    household = household_register(
        actor=town_officer, village=village, number="0001", residence=Residence.RURAL,
        registered_on=datetime.date(2020, 1, 1),
    )  # fmt: skip
    person_add(
        actor=town_officer, household=household, name="张大山", sex="M", birth_date=datetime.date(1950, 1, 1),
        relation=Relation.HEAD, id_number=id_number("1950-01-01"),
    )  # fmt: skip

    report = rejected(run(town_officer, family("0001")), persons_before=1)

    only(report, 2, "与户主关系", "already has a head in the registry")


def test_an_existing_household_of_another_residence_is_refused(town_officer: Any, village: Any) -> None:
    household_register(
        actor=town_officer, village=village, number="0001", residence=Residence.URBAN,
        registered_on=datetime.date(2020, 1, 1),
    )  # fmt: skip
    only(rejected(run(town_officer, family("0001"))), 2, "户口性质", "is registered as")

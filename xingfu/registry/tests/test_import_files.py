"""Importing whole files: the good ones in each format and encoding, and files that cannot be read at all."""

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

from xingfu.audit.models import AuditEvent
from xingfu.audit.verify import audit_chain_verify
from xingfu.registry.imports.services import import_create, import_run
from xingfu.registry.imports.testing import HEADINGS, csv_bytes, family, id_number, row, xlsx_bytes
from xingfu.registry.models import Household, Membership, Person, Relation
from xingfu.registry.models_imports import ImportBatch, ImportStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """The reasons are asserted in English (the msgids), whatever the Chinese catalogue says."""
    with translation.override("en"):
        yield


def run(user: Any, data: bytes, name: str = "households.csv") -> ImportBatch:
    return import_run(batch=import_create(actor=user, file_name=name, content=data))


def assert_rejected(batch: ImportBatch, reason_part: str, *, row: int | None = None, column: str = "") -> None:
    assert batch.status == ImportStatus.REJECTED, batch.message
    assert Person.objects.count() == 0 and Household.objects.count() == 0 and Membership.objects.count() == 0
    matching = [e for e in batch.report if reason_part in e["reason"]]
    assert matching, batch.report
    assert matching[0]["row"] == row and matching[0]["column"] == column, matching[0]
    assert not AuditEvent.objects.filter(action="registry.import").exists()


# --- good files -------------------------------------------------------------------------------------------


def test_a_utf8_csv_with_bom_registers_households_and_members(town_officer: Any, village: Any) -> None:
    rows = family("0001") + family("0002", seq=2)

    batch = run(town_officer, csv_bytes(rows, encoding="utf-8-sig"))

    assert batch.status == ImportStatus.DONE, batch.report
    assert (batch.persons_created, batch.households_created, batch.households_extended) == (6, 2, 0)
    assert (batch.file_format, batch.encoding) == ("csv", "utf-8")
    household = Household.objects.get(orgunit=village, number="0001")
    assert household.residence == "rural" and household.address == "王庄村0001号"
    assert household.head is not None and household.head.name == "张伟"
    members = {m.person.name: m.relation for m in household.memberships.select_related("person")}
    assert members == {"张伟": Relation.HEAD, "李娜": Relation.SPOUSE, "张欣怡": Relation.CHILD}
    wife = Person.objects.get(id_number=id_number("1982-07-09", "F", 1))
    assert (wife.name, wife.sex, wife.birth_date, wife.orgunit_id) == (
        "李娜",
        "F",
        datetime.date(1982, 7, 9),
        village.pk,
    )
    assert (wife.pinyin, wife.pinyin_initials, wife.phone) == ("li na", "ln", "13900001111")


def test_a_utf8_csv_without_bom_imports(town_officer: Any, village: Any) -> None:
    batch = run(town_officer, csv_bytes(family(), encoding="utf-8"))
    assert batch.status == ImportStatus.DONE and Person.objects.count() == 3


def test_a_gbk_csv_imports(town_officer: Any, village: Any) -> None:
    batch = run(town_officer, csv_bytes(family(), encoding="gbk"))

    assert batch.status == ImportStatus.DONE, batch.report
    assert batch.encoding == "gb18030"
    assert set(Person.objects.values_list("name", flat=True)) == {"张伟", "李娜", "张欣怡"}


def test_an_xlsx_with_real_dates_and_numeric_codes_imports(town_officer: Any, village: Any) -> None:
    rows = [
        row(village=370406101001, household=7, birth=datetime.datetime(1975, 1, 2), number=id_number("1975-01-02")),
        row(village=370406101001, household=7, name="王芳", sex="女", birth=datetime.date(1977, 2, 3),
            number=id_number("1977-02-03", "F"), relation="配偶", phone=13900002222),
    ]  # fmt: skip

    batch = run(town_officer, xlsx_bytes(rows), "households.xlsx")

    assert batch.status == ImportStatus.DONE, batch.report
    assert batch.file_format == "xlsx"
    assert Household.objects.get().number == "7"
    assert Person.objects.get(name="王芳").phone == "13900002222"


def test_english_headings_and_english_values_are_understood(town_officer: Any, village: Any) -> None:
    headings = ["village_code", "household_number", "address", "residence", "name", "sex", "birth_date",
                "id_number", "relation", "phone"]  # fmt: skip
    rows = [
        row(residence="rural", sex="M", birth="1980/05/01", relation="head", number=id_number("1980-05-01")),
        row(residence="rural", name="李娜", sex="F", birth="19820709", relation="spouse",
            number=id_number("1982-07-09", "F")),
    ]  # fmt: skip

    batch = run(town_officer, csv_bytes(rows, headings=headings))

    assert batch.status == ImportStatus.DONE, batch.report
    assert Person.objects.get(name="李娜").birth_date == datetime.date(1982, 7, 9)


def test_sex_and_birth_date_may_be_left_to_the_resident_id_number(town_officer: Any, village: Any) -> None:
    batch = run(town_officer, csv_bytes([row(sex="", birth="", number=id_number("1966-06-06", "F"))]))

    assert batch.status == ImportStatus.DONE, batch.report
    person = Person.objects.get()
    assert (person.sex, person.birth_date) == ("F", datetime.date(1966, 6, 6))


def test_a_legacy_15_digit_number_is_stored_in_its_18_digit_form(town_officer: Any, village: Any) -> None:
    full = id_number("1965-04-03")
    legacy = full[:6] + full[8:17]

    batch = run(town_officer, csv_bytes([row(birth="1965-04-03", number=legacy)]))

    assert batch.status == ImportStatus.DONE, batch.report
    assert Person.objects.get().id_number == full


def test_the_import_writes_one_audit_event_for_the_batch(town_officer: Any, village: Any, town: Any) -> None:
    batch = run(town_officer, csv_bytes(family("0001") + family("0002", seq=2)))

    event = AuditEvent.objects.get(action="registry.import")
    assert (event.object_type, event.object_id, event.orgunit_id) == ("import", str(batch.pk), town.pk)
    assert event.actor_username == "officer"
    assert event.changes["rows"]["after"] == 6 and event.changes["persons_created"]["after"] == 6
    assert AuditEvent.objects.filter(action__startswith="registry.").count() == 1
    assert audit_chain_verify().ok


def test_the_uploaded_file_is_not_kept_once_the_batch_has_run(town_officer: Any, village: Any) -> None:
    batch = run(town_officer, csv_bytes(family()))
    batch.refresh_from_db()
    assert not batch.upload


# --- files that cannot be read ----------------------------------------------------------------------------


def test_an_empty_file_is_refused(town_officer: Any, village: Any) -> None:
    assert_rejected(run(town_officer, b""), "The file is empty")


def test_a_file_with_headings_only_is_refused(town_officer: Any, village: Any) -> None:
    assert_rejected(run(town_officer, csv_bytes([])), "no rows", row=1)


def test_bytes_neither_utf8_nor_gbk_are_refused(town_officer: Any, village: Any) -> None:
    data = csv_bytes(family()) + b"\x80\xff\xfe\x81\x00garbage"

    batch = run(town_officer, data)

    assert_rejected(batch, "neither UTF-8 nor GBK")


def test_utf16_text_is_refused_with_the_way_to_save_it(town_officer: Any, village: Any) -> None:
    data = csv_bytes(family(), encoding="utf-8").decode().encode("utf-16")
    assert_rejected(run(town_officer, data), "UTF-16")


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "PNG image"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "PDF document"),
    ],
)
def test_a_picture_or_pdf_renamed_xlsx_is_refused(town_officer: Any, village: Any, data: bytes, kind: str) -> None:
    batch = run(town_officer, data, "households.xlsx")
    assert_rejected(batch, kind)
    assert "not a spreadsheet" in batch.report[0]["reason"]


def test_a_zip_that_is_not_a_workbook_is_refused(town_officer: Any, village: Any) -> None:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("readme.txt", "hello")
    assert_rejected(run(town_officer, out.getvalue(), "households.xlsx"), "not an Excel workbook")


def test_text_named_xlsx_is_refused(town_officer: Any, village: Any) -> None:
    assert_rejected(run(town_officer, csv_bytes(family()), "households.xlsx"), "not an Excel workbook")


def test_an_extra_column_is_named(town_officer: Any, village: Any) -> None:
    rows = [[*r, "汉族"] for r in family()]
    batch = run(town_officer, csv_bytes(rows, headings=[*HEADINGS, "民族"]))
    assert_rejected(batch, "not in the template: 民族", row=1)


def test_a_missing_column_is_named(town_officer: Any, village: Any) -> None:
    rows = [r[:7] + r[8:] for r in family()]
    batch = run(town_officer, csv_bytes(rows, headings=HEADINGS[:7] + HEADINGS[8:]))
    assert_rejected(batch, "missing: 身份证号 (id_number)", row=1)


def test_optional_columns_may_be_left_out(town_officer: Any, village: Any) -> None:
    keep = [0, 1, 3, 4, 5, 6, 7, 8]  # no address, no phone
    rows = [[r[i] for i in keep] for r in family()]

    batch = run(town_officer, csv_bytes(rows, headings=[HEADINGS[i] for i in keep]))

    assert batch.status == ImportStatus.DONE, batch.report
    assert Person.objects.filter(phone="").count() == 3


def test_a_column_twice_is_refused(town_officer: Any, village: Any) -> None:
    rows = [[*r, r[4]] for r in family()]
    batch = run(town_officer, csv_bytes(rows, headings=[*HEADINGS, "name"]))
    assert_rejected(batch, "appear twice: name", row=1)

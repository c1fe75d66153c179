"""Building import files in tests and benchmarks: valid resident-ID numbers, rows, CSV and XLSX bytes."""

import csv
import datetime
import io
from collections.abc import Iterable
from typing import Any

from stdnum.cn import ric

from xingfu.registry.imports.columns import COLUMNS

HEADINGS = [c.heading for c in COLUMNS]


def id_number(birth: datetime.date | str, sex: str = "M", seq: int = 1, address: str = "370406") -> str:
    """A valid (fictional) number: ``seq`` picks the sequence, made odd for a man and even for a woman."""
    if isinstance(birth, str):
        birth = datetime.date.fromisoformat(birth)
    seq = seq * 2 + (1 if sex == "M" else 0)
    body = f"{address}{birth:%Y%m%d}{seq % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def row(
    *,
    village: Any = "370406101001",
    household: Any = "0001",
    address: str = "王庄村1组1号",
    residence: str = "农村",
    name: str = "张伟",
    sex: str = "男",
    birth: Any = "1980-05-01",
    number: Any = None,
    relation: str = "户主",
    phone: Any = "13812345678",
    seq: int = 1,
) -> list[Any]:
    """One person's row, in the template's column order; the resident-ID number fits birth date and sex
    unless given."""
    if number is None:
        number = id_number(str(birth), "M" if sex in ("男", "M") else "F", seq) if birth else ""
    return [village, household, address, residence, name, sex, birth, number, relation, phone]


def family(household: str = "0001", *, village: str = "370406101001", seq: int = 1) -> list[list[Any]]:
    """A household of three: husband (head), wife, daughter."""
    address = f"王庄村{household}号"
    common = {"village": village, "household": household, "address": address}
    return [
        row(**common, name="张伟", sex="男", birth="1980-05-01", relation="户主", seq=seq),
        row(**common, name="李娜", sex="女", birth="1982-07-09", relation="配偶", seq=seq, phone="13900001111"),
        row(**common, name="张欣怡", sex="女", birth="2012-03-15", relation="子女", seq=seq, phone=""),
    ]


def csv_bytes(rows: Iterable[list[Any]], *, headings: list[str] | None = None, encoding: str = "utf-8-sig") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headings or HEADINGS)
    for r in rows:
        writer.writerow(["" if v is None else v for v in r])
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows: Iterable[list[Any]], *, headings: list[str] | None = None) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(headings or HEADINGS)
    for r in rows:
        sheet.append(r)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()

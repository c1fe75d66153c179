"""The outside lists Xingfu links: their templates (columns, in Chinese and English), reading a row's values,
and turning rows into the linkage model's input (docs/linkage.md shows the templates).

A list's column headers may be the Chinese or the English ones, in any order; extra columns are ignored.
Values are read leniently where lists really vary (dates as 2024-03-05, 2024/3/5, 20240305, 2024年3月5日 or a
spreadsheet date; sex as 男/女 or M/F) and strictly where a row would be useless without them.
"""

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xingfu.core.errors import ValidationFailed
from xingfu.linkage import engine
from xingfu.linkage.features import birth_date_in_id, clean_id_number, clean_name, pinyin_compact
from xingfu.linkage.models import ListTemplate


@dataclass(frozen=True)
class Column:
    field: str
    zh: str
    en: str
    required: bool
    example: str
    help: Any  # a lazy translation


TEMPLATES: dict[str, list[Column]] = {
    ListTemplate.HOSPITAL_BIRTHS: [
        Column("mother_name", "母亲姓名", "mother_name", True, "王秀英", gettext_lazy("The mother's name.")),
        Column(
            "mother_id_number",
            "母亲身份证号",
            "mother_id_number",
            True,
            "370406199203150026",
            gettext_lazy("The mother's resident-ID number; may be left empty in a row."),
        ),
        Column("child_sex", "婴儿性别", "child_sex", True, "男", gettext_lazy("男/女 or M/F.")),
        Column("birth_date", "出生日期", "birth_date", True, "2026-03-05", gettext_lazy("The child's birth date.")),
        Column("facility", "助产机构", "facility", True, "山亭区人民医院", gettext_lazy("Where the child was born.")),
        Column("child_name", "婴儿姓名", "child_name", False, "", gettext_lazy("The child's name, if given yet.")),
        Column(
            "mother_birth_date",
            "母亲出生日期",
            "mother_birth_date",
            False,
            "1992-03-15",
            gettext_lazy("The mother's birth date."),
        ),
        Column("address", "住址", "address", False, "王庄村3组12号", gettext_lazy("The mother's address.")),
        Column(
            "village_code",
            "村代码",
            "village_code",
            False,
            "370406101001",
            gettext_lazy("The 12-digit code of the mother's village, if known."),
        ),
    ],
    ListTemplate.HOUSEHOLD_EXTRACT: [
        Column("name", "姓名", "name", True, "张伟", gettext_lazy("The person's name.")),
        Column(
            "id_number",
            "身份证号",
            "id_number",
            True,
            "370406198507120031",
            gettext_lazy("Resident-ID number; may be left empty in a row."),
        ),
        Column("sex", "性别", "sex", True, "男", gettext_lazy("男/女 or M/F.")),
        Column("birth_date", "出生日期", "birth_date", True, "1985-07-12", gettext_lazy("The birth date.")),
        Column("address", "住址", "address", True, "王庄村3组12号", gettext_lazy("The registered address.")),
        Column(
            "village_code",
            "村代码",
            "village_code",
            False,
            "370406101001",
            gettext_lazy("The 12-digit code of the village, if known."),
        ),
    ],
}

MAX_ROWS = 200_000


def template_of(value: str) -> str:
    if value not in TEMPLATES:
        raise ValidationFailed(
            _("Unknown list template %(value)r; one of: %(choices)s.")
            % {"value": value, "choices": ", ".join(TEMPLATES)},
            field="template",
        )
    return value


def _header_key(text: Any) -> str:
    return re.sub(r"[\s_*（）()]+", "", str(text or "")).lower()


def column_positions(template: str, headers: Sequence[Any]) -> dict[str, int]:
    """Where each of the template's columns is, by its Chinese or English header; missing required ones
    are an error naming them all."""
    keys = [_header_key(h) for h in headers]
    positions: dict[str, int] = {}
    missing = []
    for column in TEMPLATES[template]:
        wanted = {_header_key(column.zh), _header_key(column.en)}
        found = next((i for i, k in enumerate(keys) if k in wanted), None)
        if found is not None:
            positions[column.field] = found
        elif column.required:
            missing.append(f"{column.zh} ({column.en})")
    if missing:
        raise ValidationFailed(
            _("The file lacks required columns: %(columns)s. Download the template to see them all.")
            % {"columns": ", ".join(missing)},
            field="file",
        )
    return positions


# --- values -------------------------------------------------------------------------------------------------

_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_SEX = {"男": "M", "m": "M", "male": "M", "1": "M", "女": "F", "f": "F", "female": "F", "2": "F"}


def parse_date(value: Any) -> datetime.date | None:
    """A date from what a list holds, or None for an empty cell; ValueError for something else."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    if not text:
        return None
    match = _DATE.match(text) or _COMPACT_DATE.match(text)
    if not match:
        raise ValueError(text)
    return datetime.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))


def parse_sex(value: Any) -> str | None:
    text = str(value or "").strip().lower()
    if not text:
        return None
    if text not in _SEX:
        raise ValueError(text)
    return _SEX[text]


@dataclass
class Row:
    """One list row as Xingfu keeps it. On a birth list ``name``/``id_number``/``birth_date`` are the
    mother's and ``child_*`` the child's; ``sex`` is then "F" (it is the mother who is matched)."""

    row: int
    name: str
    id_number: str | None
    sex: str | None
    birth_date: datetime.date | None
    address: str
    village_code: str
    facility: str = ""
    child_sex: str = ""
    child_name: str = ""
    child_birth_date: datetime.date | None = None


class RowProblems:
    """Bad rows collected while reading, so that a clerk sees them all at once (up to a limit)."""

    LIMIT = 50

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []
        self.count = 0

    def add(self, row: int, column: str, reason: str) -> None:
        self.count += 1
        if len(self.items) < self.LIMIT:
            self.items.append({"row": row, "column": column, "reason": reason})


def parse_row(template: str, row: int, values: dict[str, Any], problems: RowProblems) -> Row | None:
    """The ``Row`` for a list row (``values`` by field name), or None when a value the row cannot do without
    is missing or unreadable. A bad value the row can do without (a mistyped optional date, a village code
    of the wrong length) is left out and noted: outside lists are messy, and linking is what tidies them."""
    today = timezone.localdate()
    usable = True

    def date(field: str, label: str, *, required: bool) -> datetime.date | None:
        nonlocal usable
        try:
            value = parse_date(values.get(field))
        except ValueError:
            problems.add(row, label, _("not a date: %(value)s") % {"value": str(values.get(field))[:20]})
            value = None
        else:
            if value is not None and value > today:
                problems.add(row, label, _("the date %(date)s lies in the future") % {"date": value.isoformat()})
                value = None
        if value is None and required:
            usable = False
            problems.add(row, label, _("a date is required; the row is left out"))
        return value

    def sex(field: str, label: str, *, required: bool) -> str | None:
        nonlocal usable
        try:
            value = parse_sex(values.get(field))
        except ValueError:
            problems.add(row, label, _("sex must be 男/女 or M/F"))
            value = None
        if value is None and required:
            usable = False
            problems.add(row, label, _("the sex is required; the row is left out"))
        return value

    def name(field: str, label: str) -> str:
        nonlocal usable
        value = clean_name(values.get(field))
        if not value:
            usable = False
            problems.add(row, label, _("the name is required; the row is left out"))
        return value

    village_code = str(values.get("village_code") or "").strip()
    if village_code and not (len(village_code) == 12 and village_code.isdigit()):
        problems.add(row, "村代码", _("a village code has 12 digits; ignored"))
        village_code = ""
    address = " ".join(str(values.get("address") or "").split())[:200]
    if template == ListTemplate.HOSPITAL_BIRTHS:
        number = clean_id_number(values.get("mother_id_number"))
        mother_birth = date("mother_birth_date", "母亲出生日期", required=False)
        parsed = Row(
            row=row,
            name=name("mother_name", "母亲姓名"),
            id_number=number,
            sex="F",
            birth_date=mother_birth or birth_date_in_id(number),
            address=address,
            village_code=village_code,
            facility=" ".join(str(values.get("facility") or "").split())[:200],
            child_sex=sex("child_sex", "婴儿性别", required=True) or "",
            child_name=clean_name(values.get("child_name")),
            child_birth_date=date("birth_date", "出生日期", required=True),
        )
    else:
        parsed = Row(
            row=row,
            name=name("name", "姓名"),
            id_number=clean_id_number(values.get("id_number")),
            sex=sex("sex", "性别", required=False),
            birth_date=date("birth_date", "出生日期", required=False),
            address=address,
            village_code=village_code,
        )
    return parsed if usable else None


# --- the model's input --------------------------------------------------------------------------------------


def outside_input(rows: Iterable[tuple[int, Row]]) -> pa.Table:
    """The linkage model's input for list rows, each with the id it is known by (the stored record's)."""
    return engine.input_table(
        (
            uid,
            row.name,
            pinyin_compact(row.name) if row.name else None,
            row.id_number,
            row.birth_date,
            row.sex,
            row.village_code or None,
            row.village_code[:9] if row.village_code else None,
            row.address or None,
            row.child_birth_date,
            None,
            None,
        )
        for uid, row in rows
    )

"""The import template's columns and how each cell is read.

Headings may be the Chinese ones of the template or their English aliases, in any order and any case; a
heading such as "姓名 name" or "姓名(name)" is understood too. Every reader below returns the value as
stored or raises ``CellError`` with a reason that says what to write instead.
"""

import datetime
import re
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xingfu.registry.models import Relation, Residence, Sex


@dataclass(frozen=True)
class Column:
    key: str
    heading: str  # the Chinese heading of the template
    aliases: tuple[str, ...]
    required: bool
    help: str | Promise


COLUMNS = (
    Column("village_code", "村代码", ("village_code", "village"), True,
           gettext_lazy("12-digit code of the village or community, e.g. 370406101001.")),
    Column("household_number", "户编号", ("household_number", "household"), True,
           gettext_lazy("The household's number in its village (up to 32 characters). Rows with the same village "
                        "and number are one household.")),
    Column("address", "住址", ("address",), False,
           gettext_lazy("The household's address; the same on every row of the household.")),
    Column("residence", "户口性质", ("residence",), True,
           gettext_lazy("农村 or 城镇 (rural or urban); the same on every row of the household.")),
    Column("name", "姓名", ("name",), True, gettext_lazy("The person's name.")),
    Column("sex", "性别", ("sex",), True,
           gettext_lazy("男 or 女 (M or F). May be left empty when the resident ID number is given.")),
    Column("birth_date", "出生日期", ("birth_date", "birthdate", "date_of_birth"), True,
           gettext_lazy("YYYY-MM-DD, YYYY/MM/DD, YYYYMMDD or an Excel date. May be left empty when the resident "
                        "ID number is given.")),
    Column("id_number", "身份证号", ("id_number", "resident_id", "id"), True,
           gettext_lazy("18-character resident ID number (a 15-digit old one is converted). In Excel, format the "
                        "column as text. May be empty only for a child who has none yet.")),
    Column("relation", "与户主关系", ("relation", "relation_to_head"), True,
           gettext_lazy("户主, 配偶, 子女, 父母 or 其他 (head, spouse, child, parent, other). Exactly one head per "
                        "household.")),
    Column("phone", "联系电话", ("phone", "telephone", "mobile"), False,
           gettext_lazy("7 to 15 digits; may be empty.")),
)  # fmt: skip

BY_KEY = {c.key: c for c in COLUMNS}
_HEADING_TOKENS = re.compile(r"[\s()（）/|:：,，]+")
_ALIASES: dict[str, str] = {}
for _column in COLUMNS:
    _ALIASES[_column.heading] = _column.key
    for _alias in _column.aliases:
        _ALIASES[_alias] = _column.key
        _ALIASES[_alias.replace("_", "")] = _column.key
        _ALIASES[_alias.replace("_", " ")] = _column.key


class CellError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def column_key(heading: Any) -> str | None:
    """The column a heading names, or None when it names none of ours."""
    text = str(heading or "").strip().lstrip("\ufeff").lower()
    if not text:
        return None
    if text in _ALIASES:
        return _ALIASES[text]
    keys = {_ALIASES[token] for token in _HEADING_TOKENS.split(text) if token in _ALIASES}
    return keys.pop() if len(keys) == 1 else None


def text(value: Any) -> str:
    """A cell as text: whole numbers without ".0", dates as YYYY-MM-DD, spaces collapsed."""
    if value.__class__ is str:
        return " ".join(value.split())
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return " ".join(str(value).split())


# Values as plain strings (not the TextChoices members): psycopg's COPY would write a member by its name.
SEXES = {
    "男": Sex.MALE.value,
    "女": Sex.FEMALE.value,
    "m": Sex.MALE.value,
    "f": Sex.FEMALE.value,
    "male": Sex.MALE.value,
    "female": Sex.FEMALE.value,
}
RESIDENCES = {
    "农村": Residence.RURAL.value,
    "城镇": Residence.URBAN.value,
    "农业": Residence.RURAL.value,
    "非农业": Residence.URBAN.value,
    "农业户口": Residence.RURAL.value,
    "非农业户口": Residence.URBAN.value,
    "rural": Residence.RURAL.value,
    "urban": Residence.URBAN.value,
}
RELATIONS = {
    "户主": Relation.HEAD.value,
    "本人": Relation.HEAD.value,
    "配偶": Relation.SPOUSE.value,
    "妻": Relation.SPOUSE.value,
    "妻子": Relation.SPOUSE.value,
    "夫": Relation.SPOUSE.value,
    "丈夫": Relation.SPOUSE.value,
    "子女": Relation.CHILD.value,
    "子": Relation.CHILD.value,
    "女": Relation.CHILD.value,
    "儿子": Relation.CHILD.value,
    "女儿": Relation.CHILD.value,
    "父母": Relation.PARENT.value,
    "父亲": Relation.PARENT.value,
    "母亲": Relation.PARENT.value,
    "其他": Relation.OTHER.value,
    **{r.value: r.value for r in Relation},
}


def read_sex(value: str) -> str:
    found = SEXES.get(value.lower())
    if found is None:
        raise CellError(_("Write 男 or 女 (M or F), not “%(value)s”.") % {"value": value})
    return found


def read_residence(value: str) -> str:
    found = RESIDENCES.get(value.lower())
    if found is None:
        raise CellError(_("Write 农村 or 城镇 (rural or urban), not “%(value)s”.") % {"value": value})
    return found


def read_relation(value: str) -> str:
    found = RELATIONS.get(value.lower())
    if found is None:
        raise CellError(
            _("Write 户主, 配偶, 子女, 父母 or 其他 (head, spouse, child, parent, other), not “%(value)s”.")
            % {"value": value}
        )
    return found


_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_EXCEL_EPOCH = datetime.date(1899, 12, 30)
EARLIEST_BIRTH = datetime.date(1900, 1, 1)


def read_date(value: Any) -> datetime.date:
    """A date from a cell: a real date (XLSX), YYYY-MM-DD, YYYY/MM/DD, YYYYMMDD, or an Excel day number."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    raw = text(value)
    try:
        if len(raw) == 10 and raw[4] == "-" and raw[7] == "-":
            return datetime.date(int(raw[:4]), int(raw[5:7]), int(raw[8:]))
        if len(raw) == 8 and raw.isdigit():
            return datetime.date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))
        match = _DATE.match(raw)
        if match:
            return datetime.date(*(int(part) for part in match.groups()))
        if len(raw) == 5 and raw.isdigit():  # an Excel serial day (1927 to 2173), as some CSV exports give
            return _EXCEL_EPOCH + datetime.timedelta(days=int(raw))
    except ValueError:
        raise CellError(_("“%(value)s” is not a real date.") % {"value": raw}) from None
    raise CellError(_("Write the date as YYYY-MM-DD (e.g. 1990-03-15), not “%(value)s”.") % {"value": raw})


def read_id_number_cell(value: Any) -> str:
    """The resident-ID number as written; a number Excel stored as a number has lost its last digits."""
    if isinstance(value, float) and not (value.is_integer() and value < 10**15):
        raise CellError(
            _(
                "Excel stored this resident ID number as a number and has lost its last digits. Format the "
                "column as text and type the numbers again."
            )
        )
    return text(value).replace(" ", "")


_PHONE = re.compile(r"^\+?\d{7,15}$")
_PHONE_SEPARATORS = re.compile(r"[\s\-()]")


def read_phone(value: str) -> str:
    if 7 <= len(value) <= 15 and value.isascii() and value.isdigit():
        return value
    phone = _PHONE_SEPARATORS.sub("", value)
    if phone and not _PHONE.match(phone):
        raise CellError(_("A phone number has 7 to 15 digits, not “%(value)s”.") % {"value": value})
    return phone

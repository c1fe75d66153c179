"""Checking a whole file in memory before anything is written, and the plan of what to write.

Each row is read and checked on its own (the cells, the resident-ID number with the shared checks of
``registry.resident_id``); then, set-wise, what needs the database: resident-ID numbers already registered
(one query per chunk of rows) and households that already exist (one query per village and chunk). Rows of
one household must agree on address and residence and name exactly one head. Every problem found goes into
the report with its row, column and reason; the file is written only if there is none.
"""

import datetime
import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, Protocol

from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import ric

from xingfu.core.errors import ValidationFailed
from xingfu.core.masking import mask_value
from xingfu.orgunits.models import Level, OrgUnit
from xingfu.registry import resident_id
from xingfu.registry.imports import columns as col
from xingfu.registry.imports.bulk import existing_values
from xingfu.registry.imports.reader import Table
from xingfu.registry.models import Household, Person, Relation, Residence

REPORT_LIMIT = 10_000  # errors listed in a report; error_count counts them all
CHUNK = 5_000  # rows per database check and progress update
CHILD_WITHOUT_ID_AGE = 16


@dataclass(slots=True)
class HouseholdDraft:
    village_id: int
    village_name: str
    number: str
    address: str
    residence: str
    first_row: int
    head_rows: list[int] = field(default_factory=list)
    head_person: int | None = None  # index into Plan.persons of the head
    existing_id: int | None = None
    existing_has_head: bool = False


@dataclass
class Plan:
    """What a good file will write. ``persons`` rows are (row, household index, name, sex, birth date,
    resident-ID number or None, relation, phone)."""

    rows: int = 0
    persons: list[tuple[int, int, str, str, datetime.date, str | None, str, str]] = field(default_factory=list)
    households: list[HouseholdDraft] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    error_count: int = 0

    @property
    def ok(self) -> bool:
        return self.error_count == 0


class Report:
    def __init__(self, plan: Plan, labels: dict[str, str]) -> None:
        self.plan = plan
        self.labels = labels

    def add(self, row: int | None, key: str, reason: str, value: Any = None) -> None:
        self.plan.error_count += 1
        if len(self.plan.errors) >= REPORT_LIMIT:
            return
        shown = "" if value is None else col.text(value)[:100]
        if key in ("id_number", "phone"):
            shown = mask_value(key, shown)
        label = self.labels.get(key) or (col.BY_KEY[key].heading if key in col.BY_KEY else "")
        self.plan.errors.append({"row": row, "column": label, "reason": reason, "value": shown})


def file_error(reason: str) -> dict[str, Any]:
    """A report entry about the whole file."""
    return {"row": None, "column": "", "reason": reason, "value": ""}


class IdChecker:
    """``resident_id.normalise`` with a memory, for a million rows: its costly part, looking up the address
    code for the birth year in python-stdnum's table, is done once per (address code, year). A number that
    passes the cheap checks (length, digits, python-stdnum's check character, a real date) with an address
    and year already found valid is valid; anything else goes through ``normalise``, which gives the reason."""

    def __init__(self) -> None:
        self.places: set[str] = set()

    def __call__(self, raw: str) -> str:
        number = raw.upper() if raw.isalnum() else resident_id.compact(raw)
        if (
            len(number) == 18
            and number[:10] in self.places
            and number[:17].isdigit()
            and number[17] == ric.calc_check_digit(number)
        ):
            try:
                datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
                return number
            except ValueError:
                pass
        number = resident_id.normalise(raw)
        self.places.add(number[:10])
        return number


def _agrees(number: str, birth: datetime.date, sex: str, today: datetime.date) -> bool:
    """The common case of ``resident_id.check_agrees`` (which gives the reason when this says no)."""
    return (
        birth <= today
        and int(number[6:10]) == birth.year
        and int(number[10:12]) == birth.month
        and int(number[12:14]) == birth.day
        and (number[16] in "13579") == (sex == "M")
    )


def scope_villages(scope: OrgUnit) -> dict[str, tuple[int, str]]:
    """The villages an import by someone scoped at ``scope`` may name: code -> (id, name)."""
    return {
        code: (pk, name)
        for pk, code, name in OrgUnit.objects.filter(level=Level.VILLAGE, path__startswith=scope.path).values_list(
            "id", "code", "name_zh"
        )
    }


def _chunks(rows: Iterator[tuple[int, list[Any]]], size: int) -> Iterator[list[tuple[int, list[Any]]]]:
    while chunk := list(islice(rows, size)):
        yield chunk


def check_headings(headings: list[str]) -> tuple[dict[str, int], dict[str, str], list[str]]:
    """Which cell holds which column, the heading the file used for each, and the problems with them."""
    index: dict[str, int] = {}
    labels: dict[str, str] = {}
    unknown: list[str] = []
    twice: list[str] = []
    for i, heading in enumerate(headings):
        key = col.column_key(heading)
        text = col.text(heading).lstrip("\ufeff")
        if key is None:
            if text:
                unknown.append(text)
            continue
        if key in index:
            twice.append(text)
            continue
        index[key] = i
        labels[key] = text
    problems = []
    missing = [f"{c.heading} ({c.key})" for c in col.COLUMNS if c.required and c.key not in index]
    if missing:
        problems.append(
            _("These columns are missing: %(columns)s. Download the template to see the headings it needs.")
            % {"columns": ", ".join(missing)}
        )
    if unknown:
        problems.append(
            _(
                "These columns are not in the template: %(columns)s. Remove them, or rename them to the "
                "template's headings."
            )
            % {"columns": ", ".join(unknown)}
        )
    if twice:
        problems.append(_("These columns appear twice: %(columns)s. Keep one of each.") % {"columns": ", ".join(twice)})
    return index, labels, problems


class PersonsWriter(Protocol):
    """Where ``validate`` writes the persons while it checks the rows."""

    def write(self, plan: Plan, first: int) -> None:
        """Write ``plan.persons[first:]``, the good rows of the chunk just checked."""

    def end(self) -> None:
        """All rows are checked."""


def validate(
    table: Table,
    *,
    villages: dict[str, tuple[int, str]],
    progress: Callable[[int], None] | None = None,
    write_persons: PersonsWriter | None = None,
) -> Plan:
    """Check the whole file and make the plan of what it will write (``plan.ok``) or the report of its
    problems (``plan.errors``).

    With ``write_persons``, the persons are written while the file is being checked, chunk by chunk. Then the
    resident-ID numbers are not looked up in the registry (the unique index the persons are written into
    refuses a number already there), and checking stops at the first problem, with a plan that is not ok and
    a report that is not complete: the caller discards what was written and checks the file again without it.
    """
    plan = Plan()
    index, labels, problems = check_headings(table.headings)
    if problems:
        plan.errors = [{**file_error(p), "row": 1} for p in problems]
        plan.error_count = len(problems)
        return plan
    report = Report(plan, labels)
    checker = RowChecker(plan, report, index, villages)
    for chunk in _chunks(table.rows, CHUNK):
        first_person = len(plan.persons)
        checker.rows(chunk, in_registry=write_persons is None)
        plan.rows += len(chunk)
        if write_persons is not None:
            if not plan.ok:
                return plan
            write_persons.write(plan, first_person)
        if progress is not None:
            progress(plan.rows)
    if write_persons is not None:
        write_persons.end()  # before the households are looked up, on the same connection
    if plan.rows == 0:
        plan.errors = [{**file_error(_("The file has column headings but no rows. Add one row per person.")), "row": 1}]
        plan.error_count = 1
        return plan
    _check_households(plan, report)
    plan.errors.sort(key=lambda e: e["row"] or 0)
    return plan


_ROW_KEYS = (
    "village_code", "household_number", "address", "residence", "name", "sex", "birth_date", "id_number", "relation",
    "phone",
)  # fmt: skip
_BIRTH, _ID = _ROW_KEYS.index("birth_date"), _ROW_KEYS.index("id_number")


class RowChecker:
    def __init__(self, plan: Plan, report: Report, index: dict[str, int], villages: dict[str, tuple[int, str]]) -> None:
        self.plan = plan
        self.report = report
        self.index = index
        self.villages = villages
        self.today = timezone.localdate()
        try:  # born on or before this day, one is 16 or older
            self.oldest_without_id = self.today.replace(year=self.today.year - CHILD_WITHOUT_ID_AGE)
        except ValueError:  # 29 February, in a year sixteen years after a non-leap one
            self.oldest_without_id = self.today.replace(year=self.today.year - CHILD_WITHOUT_ID_AGE, day=28)
        self.ids = IdChecker()
        self.seen_ids: dict[str, int] = {}
        self.households: dict[tuple[int, str], int] = {}
        self.width = max(index.values()) + 1
        # Where each column's cell is, in the order row() reads them; a column the file leaves out reads the
        # empty cell row() adds after the last one.
        self.cells = tuple(index.get(key, -1) for key in _ROW_KEYS)
        self.pick = operator.itemgetter(*self.cells)

    def rows(self, chunk: list[tuple[int, list[Any]]], *, in_registry: bool = True) -> None:
        """Check a chunk of rows, and (unless ``in_registry`` is off) whether their resident-ID numbers are
        already registered."""
        numbers: dict[str, int] = {}
        row = self.row
        for row_no, cells in chunk:
            number = row(row_no, cells)
            if number is not None:
                numbers[number] = row_no
        if not in_registry:
            return
        # One query per chunk for numbers already in the registry.
        for number in existing_values(Person, "id_number", list(numbers)):
            self.report.add(
                numbers[number],
                "id_number",
                _("This resident ID number is already registered for a person in the registry."),
                number,
            )

    def row(self, row_no: int, cells: list[Any]) -> str | None:
        """Check one row; a good one joins the plan. Returns its resident-ID number for the registry check."""
        # This runs a million times for a large file: the common cases are read inline, and anything unusual
        # goes through the same readers as before (which give the reasons).
        cells = [*cells, *[None] * (self.width - len(cells)), None]
        text = col.text
        values = [" ".join(c.split()) if c.__class__ is str else text(c) for c in self.pick(cells)]
        (
            village_code,
            number,
            address,
            residence_text,
            name,
            sex_text,
            birth_text,
            id_text,
            relation_text,
            phone_text,
        ) = values
        add = self.report.add
        before = self.plan.error_count
        village = self.villages.get(village_code)
        if not village_code:
            add(row_no, "village_code", _("The village code is required."))
        elif village is None:
            add(
                row_no,
                "village_code",
                _("No village with code %(code)s in your scope. Use the 12-digit code of a village you work for.")
                % {"code": village_code},
                village_code,
            )
        if not number:
            add(row_no, "household_number", _("The household number is required."))
        elif len(number) > 32:
            add(row_no, "household_number", _("A household number has at most 32 characters."), number)
        if len(address) > 200:
            add(row_no, "address", _("An address has at most 200 characters."), address)
        residence = col.RESIDENCES.get(residence_text.lower())
        if residence is None:
            residence = self._read(row_no, "residence", residence_text, col.read_residence)
        if not name:
            add(row_no, "name", _("The name is required."))
        elif len(name) > 50:
            add(row_no, "name", _("A name has at most 50 characters."), name)
        relation = col.RELATIONS.get(relation_text.lower())
        if relation is None:
            relation = self._read(row_no, "relation", relation_text, col.read_relation)
        if 7 <= len(phone_text) <= 15 and phone_text.isascii() and phone_text.isdigit():
            phone = phone_text
        else:
            phone = self._read(row_no, "phone", phone_text, col.read_phone) or ""

        id_number = self._id_number(row_no, cells[self.cells[_ID]], id_text)
        sex: str | None = None
        if sex_text:
            sex = col.SEXES.get(sex_text.lower()) or self._read(row_no, "sex", sex_text, col.read_sex)
        elif id_number:
            sex = resident_id.sex_of(id_number)
        elif not id_text:
            add(row_no, "sex", _("The sex is required (男 or 女) when there is no resident ID number."))
        birth = self._birth_date(row_no, cells[self.cells[_BIRTH]], birth_text, id_number, id_text)
        if id_number and birth and sex and not _agrees(id_number, birth, sex, self.today):
            try:
                resident_id.check_agrees(id_number, birth_date=birth, sex=sex)
            except ValidationFailed as exc:
                key = exc.field if exc.field in col.BY_KEY else "id_number"
                add(row_no, key, str(exc.message), {"birth_date": birth_text, "sex": sex_text}.get(key, id_text))
        if not id_text and birth and birth <= self.oldest_without_id:
            add(
                row_no,
                "id_number",
                _("The resident ID number is required; only a child under %(age)d may be without one.")
                % {"age": CHILD_WITHOUT_ID_AGE},
            )
        if id_number:
            first = self.seen_ids.get(id_number)
            if first is not None:
                add(
                    row_no,
                    "id_number",
                    _("This resident ID number is also on row %(row)d; a person is imported once.") % {"row": first},
                    id_number,
                )
            else:
                self.seen_ids[id_number] = row_no

        household = None
        if village is not None and number and len(number) <= 32:
            household = self._household(row_no, village, number, address, residence)
        if household is not None and relation == Relation.HEAD:
            self.plan.households[household].head_rows.append(row_no)
        if self.plan.error_count == before and household is not None:
            assert sex is not None and birth is not None and relation is not None
            if relation == Relation.HEAD:
                self.plan.households[household].head_person = len(self.plan.persons)
            self.plan.persons.append((row_no, household, name, sex, birth, id_number, relation, phone))
        # Checked against the registry even when the row has other problems, so the report lists them all.
        return id_number

    def _read(self, row_no: int, key: str, text: str, reader: Callable[[str], str]) -> str | None:
        if not text:
            if col.BY_KEY[key].required:
                self.report.add(row_no, key, _("%(column)s is required.") % {"column": self.report.labels[key]})
            return None
        try:
            return reader(text)
        except col.CellError as exc:
            self.report.add(row_no, key, exc.reason, text)
            return None

    def _id_number(self, row_no: int, value: Any, text: str) -> str | None:
        try:
            raw = text.replace(" ", "") if value.__class__ is str else col.read_id_number_cell(value)
        except col.CellError as exc:
            self.report.add(row_no, "id_number", exc.reason, value)
            return None
        if not raw:
            return None
        try:
            return self.ids(raw)
        except ValidationFailed as exc:
            self.report.add(row_no, "id_number", str(exc.message), raw)
            return None

    def _birth_date(
        self, row_no: int, value: Any, text: str, id_number: str | None, id_text: str
    ) -> datetime.date | None:
        if not text:
            if id_number:
                return resident_id.birth_date_of(id_number)
            if id_text:  # an unreadable number: its own error says so
                return None
            self.report.add(
                row_no, "birth_date", _("The birth date is required (YYYY-MM-DD) when there is no resident ID number.")
            )
            return None
        try:
            birth = col.read_date(value)
        except col.CellError as exc:
            self.report.add(row_no, "birth_date", exc.reason, value)
            return None
        if birth > self.today:
            self.report.add(
                row_no,
                "birth_date",
                _("The birth date %(date)s lies in the future.") % {"date": birth.isoformat()},
                value,
            )
            return None
        if birth < col.EARLIEST_BIRTH:
            self.report.add(
                row_no,
                "birth_date",
                _("The birth date %(date)s is before 1900; check the year.") % {"date": birth.isoformat()},
                value,
            )
            return None
        return birth

    def _household(
        self, row_no: int, village: tuple[int, str], number: str, address: str, residence: str | None
    ) -> int:
        key = (village[0], number)
        found = self.households.get(key)
        if found is None:
            self.households[key] = len(self.plan.households)
            self.plan.households.append(
                HouseholdDraft(village[0], village[1], number, address, residence or "", row_no)
            )
            return len(self.plan.households) - 1
        draft = self.plan.households[found]
        if address != draft.address:
            self.report.add(
                row_no,
                "address",
                _("Rows of household %(number)s must agree on the address; row %(row)d says “%(address)s”.")
                % {"number": number, "row": draft.first_row, "address": draft.address},
                address,
            )
        if residence is not None:
            if not draft.residence:
                draft.residence = residence
            elif residence != draft.residence:
                self.report.add(
                    row_no,
                    "residence",
                    _("Rows of household %(number)s must agree on the residence; row %(row)d says %(residence)s.")
                    % {"number": number, "row": draft.first_row, "residence": Residence(draft.residence).label},
                    residence,
                )
        return found


def _check_households(plan: Plan, report: Report) -> None:
    """Households already registered get the file's members added; each household ends with one head."""
    by_key = {(d.village_id, d.number): d for d in plan.households}
    keys = sorted(by_key)
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start : start + CHUNK]
        # One query per chunk: households of these villages with these numbers (a few more may come back,
        # a number taken in one village of the chunk but not in another; they are passed over).
        existing = Household.objects.filter(
            orgunit_id__in={v for v, _ in chunk}, number__in={n for _, n in chunk}
        ).values_list("id", "orgunit_id", "number", "address", "residence", "head_id")
        for pk, village_id, number, address, residence, head_id in existing:
            draft = by_key.get((village_id, number))
            if draft is None:
                continue
            draft.existing_id, draft.existing_has_head = pk, head_id is not None
            if draft.residence and draft.residence != residence:
                report.add(
                    draft.first_row,
                    "residence",
                    _("Household %(number)s of %(village)s is registered as %(registered)s, not %(residence)s.")
                    % {
                        "number": number,
                        "village": draft.village_name,
                        "registered": Residence(residence).label,
                        "residence": Residence(draft.residence).label,
                    },
                    draft.residence,
                )
            if draft.address and address and draft.address != address:
                report.add(
                    draft.first_row,
                    "address",
                    _(
                        "Household %(number)s of %(village)s is registered at “%(registered)s”; leave the "
                        "address empty or write the same."
                    )
                    % {"number": number, "village": draft.village_name, "registered": address},
                    draft.address,
                )
    for draft in plan.households:
        if draft.existing_has_head:
            for row in draft.head_rows:
                report.add(
                    row,
                    "relation",
                    _(
                        "Household %(number)s of %(village)s already has a head in the registry; give this "
                        "member another relation."
                    )
                    % {"number": draft.number, "village": draft.village_name},
                    "户主",
                )
        elif not draft.head_rows:
            report.add(
                draft.first_row,
                "relation",
                _("Household %(number)s of %(village)s has no head: mark exactly one of its members 户主 (head).")
                % {"number": draft.number, "village": draft.village_name},
            )
        elif len(draft.head_rows) > 1:
            for row in draft.head_rows[1:]:
                report.add(
                    row,
                    "relation",
                    _("Household %(number)s has more than one head (rows %(rows)s): mark exactly one member 户主.")
                    % {"number": draft.number, "rows": ", ".join(str(r) for r in draft.head_rows)},
                    "户主",
                )

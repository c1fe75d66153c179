"""Importing laboratory results from the analyser's CSV export (format: docs/care.md, "Analyser file").

    sample,item,result,unit,flag,measured_on
    C1042-F,alt,23,U/L,N,2026-11-02
    C1042-M,hbv,HBsAg+,,A,2026-11-02

``sample`` is the label printed at booking: ``C<check-up number>-F`` for the woman, ``-M`` for her partner.
The whole file is checked first; one bad row and nothing is imported, and every bad row is reported with
its line number, column and reason.
"""

import csv
import datetime
import io
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from xingfu.care.access import access_checkups, may_record
from xingfu.care.models import CheckItem, CheckItemKind, CheckUp, EnrollmentStatus, ResultSource
from xingfu.care.schedule import schedule_enrollment
from xingfu.care.services._common import today
from xingfu.care.services.checkups import ResultInput, _result_errors, _write_results
from xingfu.core.errors import PermissionDenied, ValidationFailed

MAX_BYTES = 1_000_000
MAX_ROWS = 5_000
MAX_ERRORS = 200
REQUIRED = ("sample", "item", "result", "measured_on")
OPTIONAL = ("unit", "flag")
FLAGS = {"": False, "N": False, "H": True, "L": True, "A": True}
_SAMPLE = re.compile(r"^C(\d{1,18})-([FM])$")


@dataclass
class RowError:
    row: int
    column: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "reason": self.reason}


@dataclass(frozen=True)
class _Row:
    line: int
    checkup_id: int
    result: ResultInput
    measured_on: datetime.date


def _refuse(errors: list[RowError]) -> ValidationFailed:
    shown = errors[:MAX_ERRORS]
    return ValidationFailed(
        _("The file has %(n)d problem(s); nothing was imported. First: line %(row)d, %(column)s: %(reason)s")
        % {"n": len(errors), "row": shown[0].row, "column": shown[0].column or "-", "reason": shown[0].reason},
        field="file",
        details={"errors": [e.as_dict() for e in shown]},
    )


def _read(data: bytes) -> list[dict[str, str]]:
    if len(data) > MAX_BYTES:
        raise _refuse([RowError(0, "", _("The file is larger than 1 MB."))])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refuse([RowError(0, "", _("The file is not UTF-8 text (export it as CSV, UTF-8)."))]) from None
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise _refuse([RowError(1, ",".join(missing), _("The header lacks these columns."))])
        reader.fieldnames = header
        rows = []
        for n, raw in enumerate(reader, start=2):
            if n - 1 > MAX_ROWS:
                raise _refuse([RowError(n, "", _("More than %(n)d rows; split the file.") % {"n": MAX_ROWS})])
            if None in raw:
                raise _refuse([RowError(n, "", _("This line has more values than the header has columns."))])
            rows.append({k: (v or "").strip() for k, v in raw.items() if k})
        return rows
    except csv.Error as exc:
        raise _refuse([RowError(0, "", _("Not a readable CSV file: %(error)s") % {"error": exc})]) from None


def _parse(actor: Any, rows: list[dict[str, str]]) -> tuple[list[_Row], list[RowError], dict[int, CheckUp]]:
    errors: list[RowError] = []
    ids = {int(m.group(1)) for r in rows if (m := _SAMPLE.match(r.get("sample", "").upper()))}
    checkups: dict[int, CheckUp] = {
        c.pk: c
        for c in access_checkups(actor)
        .filter(pk__in=[i for i in ids if 0 < i < 2**63])
        .select_related("enrollment", "enrollment__orgunit")
    }
    items: dict[str, CheckItem] = {}
    if checkups:
        programme_id = next(iter(checkups.values())).enrollment.programme_id
        items = {i.code: i for i in CheckItem.objects.filter(programme_id=programme_id)}
    parsed: list[_Row] = []
    seen: set[tuple[str, str]] = set()
    for n, row in enumerate(rows, start=2):
        sample = row.get("sample", "").upper()
        match = _SAMPLE.match(sample)
        if not match:
            errors.append(RowError(n, "sample", _("A sample label looks like C1042-F or C1042-M.")))
            continue
        checkup = checkups.get(int(match.group(1)))
        if checkup is None:
            errors.append(RowError(n, "sample", _("No check-up %(sample)s in your scope.") % {"sample": sample}))
            continue
        if checkup.enrollment.status != EnrollmentStatus.OPEN:
            errors.append(RowError(n, "sample", _("The check-up %(sample)s is closed.") % {"sample": sample}))
            continue
        code = row.get("item", "").lower()
        item = items.get(code)
        if item is not None and item.kind != CheckItemKind.LAB:
            errors.append(RowError(n, "item", _("%(code)s is not a laboratory test.") % {"code": code}))
            continue
        flag = row.get("flag", "").upper()
        if flag not in FLAGS:
            errors.append(RowError(n, "flag", _("The flag is N, H, L, A or empty.")))
            continue
        try:
            measured_on = datetime.date.fromisoformat(row.get("measured_on", ""))
        except ValueError:
            errors.append(RowError(n, "measured_on", _("A date is written 2026-11-02.")))
            continue
        if measured_on > today():
            errors.append(RowError(n, "measured_on", _("The date lies in the future.")))
            continue
        if measured_on < checkup.enrollment.enrolled_on:
            errors.append(RowError(n, "measured_on", _("The date is before the check-up was booked.")))
            continue
        result = ResultInput(
            item=code, value=row.get("result", ""), who=match.group(2), abnormal=FLAGS[flag], unit=row.get("unit", "")
        )
        problem = _result_errors(checkup, items, result)
        if problem is not None:
            errors.append(RowError(n, "item" if code not in items else "result", problem))
            continue
        if (sample, code) in seen:
            errors.append(RowError(n, "item", _("%(sample)s has %(code)s twice.") % {"sample": sample, "code": code}))
            continue
        seen.add((sample, code))
        parsed.append(_Row(n, checkup.pk, result, measured_on))
    return parsed, errors, checkups


@transaction.atomic
def lab_results_import(*, actor: Any, data: bytes) -> dict[str, int]:
    """Import an analyser file of laboratory results into the check-ups of the actor's scope: all rows or none.
    Returns how many results and check-ups were written."""
    if not may_record(actor):
        raise PermissionDenied(_("Your role may not record check-up results."))
    rows = _read(data)
    if not rows:
        raise _refuse([RowError(2, "", _("The file has a header but no results."))])
    parsed, errors, checkups = _parse(actor, rows)
    if errors:
        raise _refuse(errors)
    groups: dict[tuple[int, datetime.date], list[_Row]] = defaultdict(list)
    for row in parsed:
        groups[(row.checkup_id, row.measured_on)].append(row)
    items = {
        i.code: i for i in CheckItem.objects.filter(programme_id=next(iter(checkups.values())).enrollment.programme_id)
    }
    for (checkup_id, measured_on), group in sorted(groups.items()):
        _write_results(
            actor=actor,
            checkup=checkups[checkup_id],
            results=[(r.result, items[r.result.item]) for r in group],
            measured_on=measured_on,
            source=ResultSource.ANALYSER,
        )
    for checkup_id in {c for c, _d in groups}:
        schedule_enrollment(checkups[checkup_id].enrollment)
    return {"results": len(parsed), "checkups": len({c for c, _d in groups})}

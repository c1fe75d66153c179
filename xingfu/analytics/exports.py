"""The explorer's table as XLSX (openpyxl) or CSV: one line per indicator, org unit and period, with the
numerator and denominator beside the value, and the refresh the figures come from."""

import csv
import io
from collections.abc import Iterator

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Font

from xingfu.analytics.present import cell_text
from xingfu.analytics.selectors import OK, Query, Row, Status


def _lines(query: Query, rows: list[Row]) -> Iterator[list[object]]:
    yield [
        _("Indicator code"),
        _("Indicator"),
        _("Org unit code"),
        _("Org unit"),
        pgettext("statistical period", "Period"),
        _("Numerator"),
        _("Denominator"),
        _("Value"),
        _("Shown as"),
    ]
    for row in rows:
        for period, cell in zip(query.periods, row.cells, strict=True):
            value = float(cell.value) if cell.status == OK and cell.value is not None else None
            yield [
                row.indicator.code,
                row.indicator.name,
                row.unit.code,
                row.unit.name,
                period.code,
                None if cell.numerator is None else float(cell.numerator),
                None if cell.denominator is None else float(cell.denominator),
                value,
                cell_text(row.indicator, cell),
            ]


def _as_of(status: Status) -> str:
    return status.as_of.isoformat(timespec="minutes") if status.as_of else _("never refreshed")


def explorer_xlsx(query: Query, rows: list[Row], status: Status) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = _("Indicators")[:31]
    for line in _lines(query, rows):
        ws.append(line)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.append([])
    ws.append([_("Values as of"), _as_of(status)])
    for column, width in zip("ABCDEFGHI", (24, 30, 14, 18, 10, 12, 12, 12, 14), strict=True):
        ws.column_dimensions[column].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def explorer_csv(query: Query, rows: list[Row], status: Status) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for line in _lines(query, rows):
        writer.writerow(["" if v is None else v for v in line])
    writer.writerow([])
    writer.writerow([_("Values as of"), _as_of(status)])
    return out.getvalue()

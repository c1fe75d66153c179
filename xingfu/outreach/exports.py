"""The coverage table as an XLSX workbook (openpyxl), for the district's yearly report."""

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from xingfu.outreach.selectors import ACTIVITY_KINDS, CoverageRow, activity_label

_UNREACHED = PatternFill("solid", fgColor="FDE2E1")


def coverage_workbook(rows: list[CoverageRow], *, year: int) -> bytes:
    """One sheet, one row per village, the villages not reached first (as ``rows`` come)."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = _("Coverage %(year)s") % {"year": year}
    header = [
        _("Town"),
        _("Village code"),
        _("Village"),
        _("Reached"),
        _("Activities"),
        *[activity_label(k) for k in ACTIVITY_KINDS],
    ]
    ws.append([str(h) for h in header])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        village = row.village
        ws.append(
            [
                village.parent.name if village.parent else "",
                village.code,
                village.name,
                str(_("yes")) if row.reached else str(_("no")),
                row.total,
                *[row.counts.get(k, 0) for k in ACTIVITY_KINDS],
            ]
        )
        if not row.reached:
            for cell in ws[ws.max_row]:
                cell.fill = _UNREACHED
    ws.freeze_panes = "A2"
    for column, width in zip("ABCDE", (16, 15, 16, 8, 10), strict=True):
        ws.column_dimensions[column].width = width
    out = BytesIO()
    wb.save(out)
    return out.getvalue()

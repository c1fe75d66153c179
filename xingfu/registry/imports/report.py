"""The files the import page offers: the template (XLSX and CSV) and a rejected batch's report (XLSX)."""

import csv
import io
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from xingfu.registry.imports.columns import COLUMNS
from xingfu.registry.models_imports import ImportBatch

# Columns Excel would otherwise turn into numbers (and so lose the last digits of an 18-digit number).
_TEXT_COLUMNS = {"village_code", "household_number", "id_number", "phone"}


def template_xlsx() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "导入 import"
    sheet.append([c.heading for c in COLUMNS])
    for i, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(i)
        sheet.cell(row=1, column=i).font = Font(bold=True)
        sheet.column_dimensions[letter].width = 22 if column.key in ("address", "id_number") else 14
        if column.key in _TEXT_COLUMNS:
            # Text format for the rows people will fill in (a whole-column style is ignored by some programs).
            for row in range(2, 1002):
                sheet.cell(row=row, column=i).number_format = "@"
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet("说明 notes")
    notes.append([_("Heading"), _("English heading"), _("Required"), _("What to write")])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for column in COLUMNS:
        notes.append([column.heading, column.key, _("yes") if column.required else _("no"), str(column.help)])
    notes.append([])
    advice = _(
        "Fill in the first sheet, one row per person; rows of one household share village code and household "
        "number. The import takes all rows or none: a report lists every row to correct."
    )
    notes.append([advice])
    notes.column_dimensions["A"].width = 14
    notes.column_dimensions["B"].width = 18
    notes.column_dimensions["D"].width = 100
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def template_csv() -> bytes:
    """The headings as a CSV line, UTF-8 with a byte-order mark so that Excel shows the Chinese."""
    out = io.StringIO()
    csv.writer(out).writerow([c.heading for c in COLUMNS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def report_rows(batch: ImportBatch) -> list[dict[str, Any]]:
    return list(batch.report or [])


def report_xlsx(batch: ImportBatch) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Problems"))
    sheet.append([_("Row"), _("Column"), _("Problem"), _("Value in the file")])
    for entry in report_rows(batch):
        sheet.append([entry.get("row"), entry.get("column", ""), entry.get("reason", ""), entry.get("value", "")])
    if batch.error_count > len(batch.report or []):
        sheet.append([])
        sheet.append(
            [
                None,
                None,
                _("… and %(n)d more problems not listed. Correct these and upload the file again to see the rest.")
                % {"n": batch.error_count - len(batch.report or [])},
            ]
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()

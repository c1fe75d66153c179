"""Turning uploaded bytes into rows: CSV (UTF-8 with or without BOM, or GBK/GB18030) or XLSX.

What a file is, is decided by its content, not its name: a PNG renamed ``.xlsx`` is refused as a PNG. Every
refusal is a ``FileRejected`` whose reason says what to do instead.
"""

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop


class FileRejected(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class Table:
    file_format: str  # "csv" or "xlsx"
    encoding: str  # for CSV: "utf-8" or "gb18030"
    headings: list[str]
    rows_estimate: int
    # (row number as a spreadsheet program shows it, cells); rows with nothing in them are left out.
    rows: Iterator[tuple[int, list[Any]]]


_SIGNATURES = (
    (b"\x89PNG", gettext_noop("a PNG image")),
    (b"%PDF", gettext_noop("a PDF document")),
    (b"\xff\xd8\xff", gettext_noop("a JPEG image")),
    (b"GIF8", gettext_noop("a GIF image")),
    (b"\xd0\xcf\x11\xe0", gettext_noop("an old Excel 97–2003 workbook (.xls) or Word document")),
    (b"\x1f\x8b", gettext_noop("a gzip archive")),
    (b"Rar!", gettext_noop("a RAR archive")),
    (b"7z\xbc\xaf", gettext_noop("a 7-Zip archive")),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SAVE_AS = gettext_noop(
    "Save it from Excel as “Excel Workbook (.xlsx)” or “CSV UTF-8 (comma delimited)” and upload it again."
)


def _kind_of_binary(data: bytes) -> str | None:
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            return kind
    return None


def open_table(data: bytes, file_name: str) -> Table:
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise FileRejected(_("The file is empty. Fill in the template (one row per person) and upload it again."))
    if data.startswith(b"PK\x03\x04"):
        return _open_xlsx(data)
    kind = _kind_of_binary(data)
    if kind is not None:
        raise FileRejected(
            _("This file is %(kind)s, not a spreadsheet. %(save_as)s") % {"kind": _(kind), "save_as": _(_SAVE_AS)}
        )
    if file_name.lower().endswith((".xlsx", ".xlsm", ".xls")):
        raise FileRejected(
            _("This file is named %(name)s but is not an Excel workbook. %(save_as)s")
            % {"name": file_name, "save_as": _(_SAVE_AS)}
        )
    return _open_csv(data)


def _encoding(data: bytes) -> str:
    """UTF-8 (with or without BOM) or GB18030 (a superset of GBK), whichever decodes the whole file."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRejected(
            _("This file is UTF-16 text (Excel's “Unicode text”), which the import does not read. %(save_as)s")
            % {"save_as": _(_SAVE_AS)}
        )
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as utf8_error:
        try:
            data.decode("gb18030")
            return "gb18030"
        except UnicodeDecodeError:
            raise FileRejected(
                _(
                    "The file is neither UTF-8 nor GBK/GB18030 text (byte %(position)d does not fit either), so "
                    "it cannot be read as a CSV file. %(save_as)s"
                )
                % {"position": utf8_error.start + 1, "save_as": _(_SAVE_AS)}
            ) from None


def _open_csv(data: bytes) -> Table:
    encoding = _encoding(data)
    # Read as a stream rather than one decoded copy of the file: a million rows are a few hundred MB as str.
    stream = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig" if encoding == "utf-8" else encoding, newline="")
    first_line = stream.readline()
    if _CONTROL.search(first_line) or _CONTROL.search(stream.read(65536)):
        raise FileRejected(
            _("The file holds control characters that spreadsheet text never has: it is not a CSV file. %(save_as)s")
            % {"save_as": _(_SAVE_AS)}
        )
    stream.seek(0)
    delimiter = max((",", "\t", ";", "，"), key=first_line.count)
    reader = csv.reader(stream, delimiter=delimiter)
    try:
        headings = next(reader)
    except csv.Error as exc:
        raise FileRejected(_("The first line of the file cannot be read as CSV: %(error)s") % {"error": exc}) from None
    return Table(
        file_format="csv",
        encoding=encoding,
        headings=headings,
        rows_estimate=max(data.count(b"\n") - 1, 1),
        rows=_csv_rows(reader),
    )


def _csv_rows(reader: Any) -> Iterator[tuple[int, list[Any]]]:
    row_no = 1
    while True:
        row_no += 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise FileRejected(
                _("Row %(row)d cannot be read as CSV (%(error)s); check its quotation marks.")
                % {"row": row_no, "error": exc}
            ) from None
        if any(map(str.strip, cells)):
            yield row_no, cells


def _open_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise FileRejected(
            _("This file is a ZIP archive but not an Excel workbook (%(error)s). %(save_as)s")
            % {"error": type(exc).__name__, "save_as": _(_SAVE_AS)}
        ) from None
    except Exception:  # openpyxl raises its own errors for workbooks it cannot parse
        raise FileRejected(_("This Excel workbook cannot be read. %(save_as)s") % {"save_as": _(_SAVE_AS)}) from None
    if not workbook.worksheets:
        workbook.close()
        raise FileRejected(_("The workbook has no worksheet."))
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(min_row=1, values_only=True)
    headings: list[Any] = []
    header_row = 0
    for row_no, cells in enumerate(rows, start=1):
        if any(c is not None and str(c).strip() for c in cells):
            headings, header_row = list(cells), row_no
            break
    if not headings:
        workbook.close()
        raise FileRejected(_("The file is empty. Fill in the template (one row per person) and upload it again."))
    while headings and (headings[-1] is None or not str(headings[-1]).strip()):
        headings.pop()

    def data_rows() -> Iterator[tuple[int, list[Any]]]:
        try:
            for row_no, cells in enumerate(rows, start=header_row + 1):
                if any(c is not None and (not isinstance(c, str) or c.strip()) for c in cells):
                    yield row_no, list(cells)
        finally:
            workbook.close()

    max_row = sheet.max_row or 0
    return Table(
        file_format="xlsx",
        encoding="",
        headings=[str(h) if h is not None else "" for h in headings],
        rows_estimate=max(max_row - header_row, 1),
        rows=data_rows(),
    )

"""Reading an uploaded list: CSV (UTF-8, with or without BOM, or GBK as Chinese Excel saves it) or XLSX."""

import csv
import io
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from xingfu.core.errors import ValidationFailed

MAX_BYTES = 40 * 1024 * 1024


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationFailed(_("The file is neither UTF-8 nor GBK text, nor an XLSX workbook."), field="file")


def _csv_rows(data: bytes) -> Iterator[list[Any]]:
    text = _decode(data)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    yield from csv.reader(io.StringIO(text), delimiter=delimiter)


def _xlsx_rows(data: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            return [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]
        finally:
            workbook.close()
    # An uploaded workbook can be broken in more ways than openpyxl has exception types for (a zip that is not
    # a workbook, a sheet that is not XML, ...): any failure to read it is the file's fault, told as such.
    except Exception as exc:
        raise ValidationFailed(
            _("The workbook cannot be read: %(error)s") % {"error": str(exc)[:200] or exc.__class__.__name__},
            field="file",
        ) from None


def read_rows(data: bytes) -> tuple[list[Any], list[list[Any]]]:
    """The header row and the data rows (blank rows dropped) of an uploaded file."""
    if not data:
        raise ValidationFailed(_("The file is empty."), field="file")
    if len(data) > MAX_BYTES:
        raise ValidationFailed(_("The file is larger than 40 MB; split the list."), field="file")
    rows = iter(_xlsx_rows(data)) if data[:4] == b"PK\x03\x04" else _csv_rows(data)
    try:
        header = next(rows, None)
        if header is None:
            raise ValidationFailed(_("The file is empty."), field="file")
        body = [r for r in rows if any(str(v).strip() for v in r)]
    except csv.Error as exc:
        raise ValidationFailed(_("The file is not valid CSV: %(error)s") % {"error": exc}, field="file") from None
    return list(header), body

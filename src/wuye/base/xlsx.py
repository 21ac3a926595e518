"""Excel downloads: one sheet, a bold header row, text cells where Excel would mangle numbers
(room numbers like 0301, mobiles, ID numbers)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def file_response(content: bytes, filename: str, content_type: str = XLSX) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def dated_filename(*parts: str, ext: str = "xlsx") -> str:
    """阳光花园-房屋-20261126.xlsx."""
    return "-".join([*[p for p in parts if p], timezone.localdate().strftime("%Y%m%d")]) + f".{ext}"


def xlsx_response(
    *,
    filename: str,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    text_columns: Iterable[int] = (),
    widths: Sequence[int] = (),
) -> HttpResponse:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append([str(h) for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    text = set(text_columns)
    for values in rows:
        sheet.append([str(v) if (i in text and v is not None) else v for i, v in enumerate(values)])
    for i in text:
        letter = get_column_letter(i + 1)
        for (cell,) in sheet.iter_rows(min_row=2, min_col=i + 1, max_col=i + 1):
            cell.number_format = "@"
        sheet.column_dimensions[letter].number_format = "@"
    for i, width in enumerate(widths):
        sheet.column_dimensions[get_column_letter(i + 1)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return file_response(buffer.getvalue(), filename)

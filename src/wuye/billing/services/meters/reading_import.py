"""A month's readings from an .xlsx sheet: every row checked first, then all written or none."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from wuye.billing.models import (
    Meter,
    MeterReading,
)
from wuye.billing.selectors.meters import (
    meter_scope_label,
    meters_for_reading,
)
from wuye.billing.services.common import _actor
from wuye.core.exceptions import Conflict
from wuye.core.models import Estate

from .common import _check, _check_month, may_record_readings, parse_month
from .readings import Implausible, _previous, _record

# --- .xlsx import ------------------------------------------------------------------------------

# The sheet's columns, written in the reader's language; an upload is read in either language.
IMPORT_HEADERS = {
    "表号": pgettext_lazy("抄表导入模板的列名", "表号"),
    "名称": pgettext_lazy("抄表导入模板的列名", "名称"),
    "位置": pgettext_lazy("抄表导入模板的列名", "位置"),
    "类型": pgettext_lazy("抄表导入模板的列名", "类型"),
    "月份": pgettext_lazy("抄表导入模板的列名", "月份"),
    "上期读数": pgettext_lazy("抄表导入模板的列名", "上期读数"),
    "本期读数": pgettext_lazy("抄表导入模板的列名", "本期读数"),
    "备注": pgettext_lazy("抄表导入模板的列名", "备注"),
}


def _column(header: list[str], name: str) -> int | None:
    """Where the column ``name`` (its Chinese text) is, headed in Chinese or translated."""
    for title in (name, str(IMPORT_HEADERS[name])):
        if title in header:
            return header.index(title)
    return None


IMPORT_MAX_ROWS = 5000


@dataclass
class RowProblem:
    row: int
    code: str
    message: str


class ImportRefused(Exception):
    """Nothing was imported: per-row ``errors`` and/or ``flagged`` rows needing confirmation."""

    def __init__(self, errors: list[RowProblem], flagged: list[RowProblem], message: str = ""):
        super().__init__(message or "import refused")
        self.errors, self.flagged, self.message = errors, flagged, message


@dataclass
class ImportResult:
    recorded: int = 0
    confirmed: int = 0
    skipped: int = 0
    rows: list[MeterReading] = field(default_factory=list)


def reading_template(estate: Estate, period: dt.date) -> bytes:
    """The month's import sheet, pre-filled with every meter's code, name and previous reading."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = f"抄表{period:%Y-%m}"
    sheet.append([str(title) for title in IMPORT_HEADERS.values()])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for meter in meters_for_reading(estate, period):
        before = _previous(meter, period)
        current = meter.readings.filter(period=period).first()
        sheet.append(
            [
                meter.code,
                meter.name,
                meter_scope_label(meter),
                meter.get_kind_display(),
                f"{period:%Y-%m}",
                before.reading if before else None,
                current.reading if current else None,
                "",
            ]
        )
    for (cell,) in sheet.iter_rows(min_row=2, min_col=1, max_col=1):
        cell.number_format = "@"
    for letter, width in zip("ABCDEFGH", (16, 24, 14, 8, 10, 12, 12, 24), strict=True):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def reading_rows_from_xlsx(content: bytes) -> list[dict]:
    """The data rows of an uploaded sheet: {row, code, month, reading, note} (blank rows out)."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise ValidationError(
            {"file": [_("无法读取该文件，请上传从本页下载的 .xlsx 模板")]}
        ) from None
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [str(v or "").strip() for v in next(rows, ())]
    col = {name: _column(header, name) for name in ("表号", "本期读数")}
    if None in col.values():
        raise ValidationError(
            {"file": [_("表头须包含表号和本期读数两列，请使用本页下载的模板")]}
        ) from None
    month_col = _column(header, "月份")
    note_col = _column(header, "备注")
    out = []
    for n, values in enumerate(rows, start=2):
        values = list(values) + [None] * len(header)
        code = str(values[col["表号"]] or "").strip()
        reading = values[col["本期读数"]]
        if not code and reading in (None, ""):
            continue
        if len(out) >= IMPORT_MAX_ROWS:
            raise ValidationError({"file": [_("一次最多导入 %(n)d 行") % {"n": IMPORT_MAX_ROWS}]})
        month = values[month_col] if month_col is not None else None
        if isinstance(month, dt.datetime | dt.date):
            month = f"{month:%Y-%m}"
        out.append(
            {
                "row": n,
                "code": code,
                "reading": reading,
                "month": str(month or "").strip(),
                "note": str(values[note_col] or "").strip() if note_col is not None else "",
            }
        )
    book.close()
    return out


def meter_reading_import(
    *,
    estate: Estate,
    period: dt.date,
    rows: list[dict],
    by,
    confirm: bool = False,
    note: str = "",
) -> ImportResult:
    """Import a month's readings: every row is checked, and all are recorded or none (one
    transaction). Flagged rows (below the previous reading, a jump) pass only with ``confirm``
    and a note (the row's own note, else the form's)."""
    actor = _actor(by)
    _check(
        actor,
        estate.pk,
        may_record_readings(actor),
        _("只有工程设备部、财务人员或企业高层可以抄表"),
    )
    period = _check_month(estate, period)
    note = (note or "").strip()
    meters = {m.code: m for m in Meter.objects.filter(estate=estate)}
    errors: list[RowProblem] = []
    flagged: list[RowProblem] = []
    result = ImportResult()
    seen: set[str] = set()
    if not rows:
        raise ImportRefused([], [], _("文件中没有读数"))
    with transaction.atomic():
        for row in rows:
            code = row["code"]
            meter = meters.get(code)
            if not code:
                errors.append(RowProblem(row["row"], code, _("缺少表号")))
                continue
            if meter is None:
                errors.append(RowProblem(row["row"], code, _("本项目没有这个表号")))
                continue
            if code in seen:
                errors.append(RowProblem(row["row"], code, _("表号重复出现")))
                continue
            seen.add(code)
            if row["month"] and parse_month(row["month"]) != period:
                errors.append(
                    RowProblem(
                        row["row"],
                        code,
                        _("月份 %(m)s 与所选月份 %(p)s 不符")
                        % {"m": row["month"], "p": f"{period:%Y-%m}"},
                    )
                )
                continue
            if row["reading"] in (None, ""):
                result.skipped += 1
                continue
            try:
                with transaction.atomic():
                    reading = _record(
                        meter=meter,
                        period=period,
                        reading=row["reading"],
                        by=actor,
                        confirm=confirm,
                        note=row["note"] or note,
                        start=None,
                        source="xlsx",
                    )
            except Implausible as error:
                flagged.append(RowProblem(row["row"], code, " ".join(error.messages)))
                continue
            except ValidationError as error:
                errors.append(RowProblem(row["row"], code, " ".join(error.messages)))
                continue
            except Conflict as error:
                errors.append(RowProblem(row["row"], code, error.message))
                continue
            result.recorded += 1
            result.confirmed += int(reading.implausible)
            result.rows.append(reading)
        if errors or flagged:
            raise ImportRefused(errors, flagged)
    return result

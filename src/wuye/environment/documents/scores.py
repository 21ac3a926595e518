"""The month's scores as an Excel file (月度考核表): a sheet of zones and green areas, one of
people, one of the last twelve months — exactly what the scores page shows."""

from __future__ import annotations

import io

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from wuye.base.xlsx import file_response

from ..selectors.scores import ScoreRow


def _number(value):
    return float(value) if value is not None else None


def _row(r: ScoreRow, kind: str = "") -> list:
    return [
        *([kind] if kind else []),
        r.name,
        _number(r.average),
        r.inspections,
        r.failures,
        r.tasks_due,
        r.tasks_on_time,
        r.tasks_late,
        r.tasks_missed,
        _number(r.completion),
    ]


def _sheet(sheet, title: str, headers: list[str], rows: list[list], widths: list[int]) -> None:
    sheet.title = title[:31]
    sheet.append([str(h) for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for values in rows:
        sheet.append(values)
    for i, width in enumerate(widths):
        sheet.column_dimensions[get_column_letter(i + 1)].width = width


def scores_xlsx(data: dict, estate_name: str) -> HttpResponse:
    figures = [
        _("平均得分（百分制）"),
        _("检查次数"),
        _("不合格次数"),
        _("应完成任务"),
        _("按时完成"),
        _("逾期完成"),
        _("未完成"),
        _("按时完成率（%）"),
    ]
    kinds = {"zone": _("清洁区域"), "green_area": _("绿化区域")}
    workbook = Workbook()
    _sheet(
        workbook.active,
        _("区域"),
        [_("类型"), _("区域"), *figures],
        [
            *[_row(r, kinds.get(r.kind, "")) for r in data["places"]],
            _row(data["total"], _("合计")),
        ],
        [10, 20, 14, 10, 10, 12, 10, 10, 10, 14],
    )
    _sheet(
        workbook.create_sheet(),
        _("人员"),
        [_("姓名"), *figures],
        [_row(r) for r in data["people"]],
        [14, 14, 10, 10, 12, 10, 10, 10, 14],
    )
    _sheet(
        workbook.create_sheet(),
        _("近12个月"),
        [_("月份"), _("平均得分（百分制）"), _("检查次数"), _("不合格次数"), _("按时完成率（%）")],
        [
            [
                f"{m['month']:%Y-%m}",
                _number(m["average"]),
                m["inspections"],
                m["failures"],
                _number(m["completion"]),
            ]
            for m in data["trend"]
        ],
        [10, 18, 10, 12, 16],
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    month = data["month"]
    filename = "-".join(p for p in (estate_name, _("环境月度考核"), f"{month:%Y%m}") if p)
    return file_response(buffer.getvalue(), f"{filename}.xlsx")

"""The complaint analysis (投诉分析, COMPLAINT-14/18) as .xlsx: an overview and one sheet per
breakdown. The page and the API answer the same file."""

from __future__ import annotations

import datetime as dt
import io

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from wuye.base.xlsx import file_response
from wuye.complaints.services.analysis import AnalysisShown
from wuye.core.models import Estate

WEEKDAYS = (gettext_lazy("周一"), gettext_lazy("周二"), gettext_lazy("周三"), gettext_lazy("周四"),
            gettext_lazy("周五"), gettext_lazy("周六"), gettext_lazy("周日"))  # fmt: skip


def period_label(start: dt.date, end: dt.date) -> str:
    """2026-11-16（周一）至 2026-11-22（周日）."""
    return _("%(start)s（%(wd1)s）至 %(end)s（%(wd2)s）") % {
        "start": f"{start:%Y-%m-%d}",
        "wd1": WEEKDAYS[start.weekday()],
        "end": f"{end:%Y-%m-%d}",
        "wd2": WEEKDAYS[end.weekday()],
    }


def _sheet(workbook: Workbook, title: str, headers: list[str], rows: list[list],
           widths: list[int], percent_columns: tuple[int, ...] = ()) -> None:  # fmt: skip
    sheet = workbook.create_sheet(title[:31])
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for values in rows:
        sheet.append(values)
    for i in percent_columns:
        for (cell,) in sheet.iter_rows(min_row=2, min_col=i + 1, max_col=i + 1):
            cell.number_format = "0.0%"
    for i, width in enumerate(widths):
        sheet.column_dimensions[get_column_letter(i + 1)].width = width


def _count_sheet(workbook, title: str, first: str, rows: list[dict]) -> None:
    _sheet(workbook, title, [first, _("件数"), _("占比")],
           [[r["label"], r["count"], r["share"]] for r in rows], [24, 10, 10], (2,))  # fmt: skip


def analysis_xlsx_response(estate: Estate, shown: AnalysisShown) -> HttpResponse:
    """The figures shown (``services.analysis.analysis_shown``) as .xlsx: an overview (with the
    week's measures when it is a stored week) and one sheet per breakdown."""
    f = shown.figures
    workbook = Workbook()
    workbook.remove(workbook.active)
    handling, satisfaction = f["handling"], f["satisfaction"]
    overview = [
        [_("项目"), estate.name],
        [_("统计区间"), period_label(shown.start, shown.end)],
        [_("数据来源"), _("每周自动生成的周分析") if shown.stored else _("按当前数据实时统计")],
        [_("投诉总数"), f["total"]],
        [_("其中已撤销"), f["cancelled"]],
        [_("重大投诉"), f["major"]],
        [_("不满意重新处理"), f["reopened"]],
        [_("有处理时限的投诉"), handling["with_clock"]],
        [_("处理超时"), handling["overdue"]],
        rate := [_("超时率"), handling["overdue_rate"]],
        [_("平均满意度（5分制）"), satisfaction["average"]],
        [_("已评价"), satisfaction["rated"]],
    ]
    if shown.stored is not None:
        overview.append([_("改进措施"), shown.stored.measures])
    _sheet(workbook, _("概况"), [_("指标"), _("数值")], overview, [20, 60])
    workbook.worksheets[0].cell(row=overview.index(rate) + 2, column=2).number_format = "0.0%"
    type_rows = []
    for row in f["by_type"]:
        type_rows.append([row["label"], "", row["count"], row["share"]])
        for other in row.get("others", []):
            type_rows.append([row["label"], other["label"], other["count"], other["share"]])
    _sheet(workbook, _("按类型"), [_("投诉类型"), _("其他类型说明"), _("件数"), _("占比")],
           type_rows, [14, 24, 10, 10], (3,))  # fmt: skip
    _count_sheet(workbook, _("按责任部门"), _("责任部门"), f["by_department"])
    _count_sheet(workbook, _("按渠道"), _("投诉渠道"), f["by_channel"])
    _count_sheet(workbook, _("按紧急程度"), _("紧急程度"), f["by_urgency"])
    separator = pgettext("list separator", "、")
    _sheet(workbook, _("高频问题（关键词）"),
           [_("排名"), _("问题"), _("关键词"), _("涉及件数"), _("占比")],
           [[i, s["label"], separator.join(s["words"]), s["count"], s["share"]]
            for i, s in enumerate(f["top_subjects"], 1)],
           [6, 16, 36, 10, 10], (4,))  # fmt: skip
    _sheet(workbook, _("高频问题（类型）"), [_("排名"), _("投诉类型"), _("件数"), _("占比")],
           [[i, t["label"], t["count"], t["share"]] for i, t in enumerate(f["top_types"], 1)],
           [6, 30, 10, 10], (3,))  # fmt: skip
    _sheet(workbook, _("近8周趋势"), [_("周一"), _("周日"), _("投诉件数")],
           [[w["week_start"], w["week_end"], w["count"]] for w in f["trend"]],
           [12, 12, 10])  # fmt: skip
    buffer = io.BytesIO()
    workbook.save(buffer)
    name = f"{estate.name}-{_('投诉分析')}-{shown.start:%Y%m%d}-{shown.end:%Y%m%d}.xlsx"
    return file_response(buffer.getvalue(), name)

"""《清洁卫生检查记录表》 / 《绿化养护检查记录表》 as an Excel file (CLEAN-14, GREEN-11): exactly
the filtered records, one row per record with its failed items, times local to the estate."""

from __future__ import annotations

from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.http import HttpResponse
from django.utils.translation import gettext as _

from wuye.base.pages import excel_time
from wuye.base.xlsx import dated_filename, xlsx_response

from ..choices import InspectionKind
from ..models import Inspection

__all__ = ["inspection_record_xlsx"]


def _num(value) -> float:
    return float(value)


def inspection_record_xlsx(
    records: Iterable[Inspection], *, tz: ZoneInfo, estate_name: str = ""
) -> HttpResponse:
    headers = [
        _("检查时间"),
        _("检查类型"),
        _("区域"),
        _("责任人"),
        _("检查表"),
        _("得分"),
        _("满分"),
        _("结果"),
        _("不合格项"),
        _("检查意见"),
        _("检查人"),
        _("整改单号"),
    ]
    rows = (
        [
            excel_time(r.at, tz),
            str(InspectionKind(r.kind).label),
            (r.zone or r.green_area).name,
            r.responsible_name,
            r.checklist_name,
            _num(r.score),
            _num(r.full_score),
            _("合格") if r.passed else _("不合格"),
            "；".join(
                f"{i.label}（{i.score.normalize():f}）{i.note}"
                for i in r.items.all()
                if not i.passed
            ),
            r.note,
            r.inspector_name,
            _rectification_number(r),
        ]
        for r in records
    )
    return xlsx_response(
        filename=dated_filename(estate_name, _("清洁卫生检查记录表")),
        title=_("清洁卫生检查记录表"),
        headers=headers,
        rows=rows,
        widths=(17, 12, 16, 14, 18, 8, 8, 8, 40, 30, 10, 20),
    )


def _failed(record: Inspection) -> str:
    return "；".join(
        f"{i.label}（{i.score.normalize():f}）{i.note}" for i in record.items.all() if not i.passed
    )


def _rectification_number(record: Inspection) -> str:
    rectification = getattr(record, "rectification", None)
    try:
        return rectification.case.number if rectification is not None else ""
    except Inspection.rectification.RelatedObjectDoesNotExist:
        return ""

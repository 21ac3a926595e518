"""Fires and fire drills as Excel files: exactly the filtered lists (local times of the estate)."""

from __future__ import annotations

from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.http import HttpResponse
from django.utils.translation import gettext as _

from wuye.base.pages import excel_time
from wuye.base.xlsx import dated_filename, xlsx_response

from ..choices import FireFacilityKind, FireSize, Trapped
from ..models import FireDrill, FireIncident
from ..processes import FIRE_DRILL, FIRE_INCIDENT


def _zone(estate) -> ZoneInfo:
    return ZoneInfo(estate.time_zone or "Asia/Shanghai")


def fires_xlsx(fires: Iterable[FireIncident], estate_name: str = "") -> HttpResponse:
    headers = [
        _("编号"),
        _("项目"),
        _("火灾地点"),
        _("火势大小"),
        _("有无人员被困"),
        _("报警时间"),
        _("拨打119时间"),
        _("拨打119人"),
        _("使用的消防设施"),
        _("疏散完成时间"),
        _("火灾原因"),
        _("调查的消防部门"),
        _("状态"),
        _("结案时间"),
    ]

    def row(f: FireIncident) -> list:
        tz = _zone(f.estate)
        used = "、".join(str(FireFacilityKind(k).label) for k in f.facilities_used
                        if k in FireFacilityKind.values)  # fmt: skip
        return [
            f.case.number,
            f.estate.name,
            f.place,
            str(FireSize(f.size).label),
            str(Trapped(f.trapped).label),
            excel_time(f.reported_at, tz),
            excel_time(f.called_119_at, tz),
            f.called_119_by,
            used,
            excel_time(f.evacuated_at, tz),
            f.cause,
            f.investigated_by,
            str(FIRE_INCIDENT.state_label(f.case.status)),
            excel_time(f.closed_at, tz),
        ]

    return xlsx_response(
        filename=dated_filename(estate_name, _("火灾记录")), title=_("火灾记录"),
        headers=headers, rows=(row(f) for f in fires), text_columns=(0,),
        widths=(20, 12, 24, 10, 10, 17, 17, 10, 20, 17, 30, 20, 10, 17),
    )  # fmt: skip


def drills_xlsx(drills: Iterable[FireDrill], estate_name: str = "") -> HttpResponse:
    headers = [_("编号"), _("项目"), _("演练科目"), _("计划日期"), _("实际日期"), _("组织人"),
               _("参与人数"), _("参与人员"), _("演练总结"), _("状态")]  # fmt: skip
    rows = (
        [d.case.number, d.estate.name, d.scenario, d.planned_on, d.held_on, d.organiser.name,
         d.participant_count, d.participants, d.summary,
         str(FIRE_DRILL.state_label(d.case.status))]
        for d in drills
    )  # fmt: skip
    return xlsx_response(
        filename=dated_filename(estate_name, _("消防演练")), title=_("消防演练"),
        headers=headers, rows=rows, text_columns=(0,),
        widths=(20, 12, 26, 12, 12, 10, 10, 30, 40, 10),
    )  # fmt: skip

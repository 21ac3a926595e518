"""The incidents and the supplies as Excel files: exactly what is filtered, times local to the
estate."""

from __future__ import annotations

from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.http import HttpResponse
from django.utils.translation import gettext as _

from wuye.base.pages import excel_time
from wuye.base.xlsx import dated_filename, xlsx_response

from ..choices import IncidentKind, IncidentStatus, Level, MovementKind, SupplyCategory
from ..models import Incident, SupplyItem, SupplyMovement

__all__ = ["incidents_xlsx", "movements_xlsx", "supplies_xlsx"]


def _tz(estate) -> ZoneInfo:
    return ZoneInfo(estate.time_zone)


def incidents_xlsx(incidents: Iterable[Incident]) -> HttpResponse:
    headers = [_("工单号"), _("项目"), _("事件类型"), _("演练"), _("响应级别"), _("状态"),
               _("地点"), _("涉及户数"), _("涉及人数"), _("接报时间"), _("处置结束时间"),
               _("情况描述")]  # fmt: skip
    rows = (
        [i.case.number, i.estate.name, str(IncidentKind(i.kind).label),
         _("演练") if i.exercise else "", str(Level(i.level).label),
         str(IncidentStatus(i.case.status).label), i.place, i.households, i.people,
         excel_time(i.reported_at, _tz(i.estate)), excel_time(i.ended_at, _tz(i.estate)),
         i.description]
        for i in incidents
    )  # fmt: skip
    return xlsx_response(filename=dated_filename(_("突发事件")), title=_("突发事件"),
                         headers=headers, rows=rows,
                         widths=(20, 14, 12, 6, 16, 10, 20, 8, 8, 17, 17, 40))  # fmt: skip


def supplies_xlsx(items: Iterable[SupplyItem]) -> HttpResponse:
    headers = [_("项目"), _("类别"), _("名称"), _("单位"), _("库存"), _("最低库存"),
               _("存放位置"), _("有效期至"), _("低于最低库存")]  # fmt: skip
    rows = (
        [i.estate.name, str(SupplyCategory(i.category).label), i.name, i.unit, i.quantity,
         i.minimum, i.location, i.expires_on, _("是") if i.quantity < i.minimum else ""]
        for i in items
    )  # fmt: skip
    return xlsx_response(filename=dated_filename(_("应急物资")), title=_("应急物资"),
                         headers=headers, rows=rows,
                         widths=(14, 10, 16, 6, 8, 8, 16, 12, 10))  # fmt: skip


def movements_xlsx(movements: Iterable[SupplyMovement]) -> HttpResponse:
    headers = [_("时间"), _("项目"), _("物资"), _("类型"), _("数量变化"), _("结存"),
               _("事件"), _("经办人"), _("备注")]  # fmt: skip
    rows = (
        [excel_time(m.at, _tz(m.item.estate)), m.item.estate.name, m.item.name,
         str(MovementKind(m.kind).label), m.delta, m.balance,
         m.incident.case.number if m.incident_id else "",
         getattr(getattr(m.by, "staff", None), "name", "") or (m.by.get_username() if m.by else ""),
         m.note]
        for m in movements
    )  # fmt: skip
    return xlsx_response(filename=dated_filename(_("应急物资出入库")), title=_("出入库台账"),
                         headers=headers, rows=rows,
                         widths=(17, 14, 16, 10, 8, 8, 20, 10, 30))  # fmt: skip

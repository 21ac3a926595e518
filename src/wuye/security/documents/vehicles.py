"""The 《车辆管理台账》 as an Excel file: exactly the filtered ledger (VEHICLE-09)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.http import HttpResponse
from django.utils.translation import gettext as _

from wuye.base.pages import excel_time
from wuye.base.xlsx import dated_filename, xlsx_response

from ..choices import PlateKind
from ..models import Vehicle


def _current_pass(vehicle: Vehicle, today: dt.date) -> str:
    for monthly in getattr(vehicle, "pass_list", []):
        if monthly.start <= today <= monthly.end:
            return f"{monthly.start}～{monthly.end}"
    return ""


def vehicle_ledger_xlsx(vehicles: Iterable[Vehicle], today: dt.date, tz: ZoneInfo,
                        estate_name: str = "") -> HttpResponse:  # fmt: skip
    headers = [_("车牌号"), _("车牌类型"), _("车主"), _("房屋"), _("车位"), _("品牌颜色"),
               _("当前包月"), _("在册"), _("登记时间"), _("备注")]  # fmt: skip
    rows = (
        [
            v.plate,
            str(PlateKind(v.plate_kind).label),
            v.owner.name if v.owner_id else "",
            str(v.room) if v.room_id else "",
            v.parking_space.number if v.parking_space_id else "",
            v.description,
            _current_pass(v, today),
            _("是") if v.active else _("否"),
            excel_time(v.registered_at, tz),
            v.note,
        ]
        for v in vehicles
    )
    return xlsx_response(
        filename=dated_filename(estate_name, _("车辆管理台账")),
        title=_("车辆管理台账"),
        headers=headers,
        rows=rows,
        text_columns=(0,),
        widths=(12, 10, 10, 12, 10, 14, 24, 6, 18, 24),
    )

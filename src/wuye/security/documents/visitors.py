"""《外来人员登记表》 as an Excel file: exactly the filtered register, times local to the estate."""

from __future__ import annotations

from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.http import HttpResponse
from django.utils.translation import gettext as _

from wuye.base.pages import excel_time
from wuye.base.xlsx import dated_filename, xlsx_response
from wuye.core.validators import mask_id_number

from ..choices import VisitReason
from ..models import Visitor


def visitor_register_xlsx(
    visitors: Iterable[Visitor], *, tz: ZoneInfo, estate_name: str = "", full_id: bool = False
) -> HttpResponse:
    """``full_id``: the ID numbers in full (staff who may see personal data), else masked."""
    headers = [
        _("姓名"),
        _("身份证号"),
        _("手机号"),
        _("拜访房屋"),
        _("来访事由"),
        _("门岗"),
        _("进入时间"),
        _("离开时间"),
        _("临时出入证"),
        _("登记人"),
        _("备注"),
    ]
    rows = (
        [
            v.name,
            v.id_number if full_id else mask_id_number(v.id_number),
            v.mobile,
            v.room.label if v.room_id else "",
            str(VisitReason(v.reason).label),
            v.gate,
            excel_time(v.entered_at, tz),
            excel_time(v.left_at, tz),
            v.temporary_pass.code if v.temporary_pass_id else "",
            v.registered_by.get_full_name() or v.registered_by.username,
            v.note,
        ]
        for v in visitors
    )
    return xlsx_response(
        filename=dated_filename(estate_name, _("外来人员登记表")),
        title=_("外来人员登记表"),
        headers=headers,
        rows=rows,
        text_columns=(1, 2),
        widths=(10, 20, 13, 16, 10, 8, 17, 17, 11, 10, 20),
    )

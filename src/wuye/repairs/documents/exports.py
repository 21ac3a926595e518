"""The desk's repair-order list as .xlsx (UX.md: export exactly what is filtered). The page and
the API answer the same file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.http import HttpResponse
from django.utils.translation import gettext as _

from wuye.base.pages import excel_time
from wuye.base.xlsx import dated_filename, xlsx_response
from wuye.core.models import Estate
from wuye.core.scoping import Actor
from wuye.core.shortcuts import estate_tz
from wuye.core.templatetags.wuye import overdue_by, person
from wuye.core.validators import mask_mobile
from wuye.repairs.models import RepairOrder
from wuye.repairs.processes import REPAIR

EXPORT_LIMIT = 20_000  # rows of one file


def orders_xlsx_response(
    *, estate: Estate, orders: Iterable[RepairOrder], actor: Actor, now: dt.datetime
) -> HttpResponse:
    """报修工单: the orders as the list filters them (``filters.RepairOrderFilter.qs``, which
    annotates ``next_due``), at most ``EXPORT_LIMIT``; phones masked unless the role may see
    them."""
    tz = estate_tz(estate)
    show_phone = actor.can_see_pii()
    rows = []
    for o in orders:
        status = REPAIR.state(o.case.status).label
        rows.append([
            o.case.number, str(status), o.get_urgency_display(), o.get_category_display(),
            o.place_label, o.description, o.contact_name,
            o.contact_phone if show_phone else mask_mobile(o.contact_phone),
            o.get_channel_display(), excel_time(o.reported_at, tz),
            excel_time(o.dispatched_at, tz), person(o.case.assignee),
            excel_time(o.arrived_at, tz), excel_time(o.completed_at, tz),
            excel_time(o.next_due, tz), overdue_by(o.next_due, now) if o.next_due else "",
            _("是") if o.repeat_of_id else "", o.charge_total, o.satisfaction,
        ])  # fmt: skip
    headers = [_("工单号"), _("状态"), _("紧急程度"), _("类别"), _("报修位置"), _("报修内容"),
               _("联系人"), _("联系电话"), _("报修渠道"), _("报修时间"), _("派单时间"),
               _("维修人"), _("到场时间"), _("完成时间"), _("下一到期时间"), _("超时时长"),
               _("返修"), _("维修费用（元）"), _("满意度")]  # fmt: skip
    return xlsx_response(
        filename=dated_filename(estate.name, _("报修工单")),
        title=_("报修工单"),
        headers=headers,
        rows=rows,
        text_columns=(0, 7),
        widths=(20, 8, 10, 10, 20, 40, 10, 14, 8, 17, 17, 10, 17, 17, 17, 18, 6, 12, 8),
    )

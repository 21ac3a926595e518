"""The spreadsheet of the takeover acceptance (接管验收): a plan's defects with their deadlines,
as .xlsx (to send on or to follow up). The page and the API answer the same file."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _

from wuye.base.pages import excel_time
from wuye.base.xlsx import dated_filename, xlsx_response
from wuye.core.shortcuts import estate_tz
from wuye.handover.models import TakeoverPlan
from wuye.handover.processes import TAKEOVER_DEFECT


def defects_xlsx_response(plan: TakeoverPlan) -> HttpResponse:
    """《接管验收问题》 of one plan: number, location, description, item, state, when found, the
    《整改通知书》 and its deadline with the clock's state (TAKEOVER-07)."""
    tz = estate_tz(plan.project.estate)
    rows = []
    for d in plan.defects.select_related("case", "notice", "item").prefetch_related("case__clocks"):
        clock = next(iter(d.case.clocks.all()), None)
        rows.append([
            d.case.number, d.location, d.description, d.item.name,
            str(TAKEOVER_DEFECT.state(d.case.status).label), excel_time(d.created_at, tz),
            d.notice.number if d.notice else "", excel_time(clock.due_at if clock else None, tz),
            str(clock.get_state_display()) if clock else "",
        ])  # fmt: skip
    headers = [_("问题编号"), _("部位"), _("问题描述"), _("检查项目"), _("状态"), _("发现时间"),
               _("整改通知书"), _("整改期限"), _("时限状态")]  # fmt: skip
    return xlsx_response(
        filename=dated_filename(plan.project.estate.name, _("接管验收问题"), plan.case.number),
        title=_("接管验收问题"), headers=headers, rows=rows, text_columns=(0, 6),
        widths=(22, 18, 40, 18, 10, 17, 26, 17, 10),
    )  # fmt: skip

"""The outages as an Excel file: exactly what the list shows with its filters, times local to the
estate, how long ahead each notice went out (EMERG-OUTAGE-04)."""

from __future__ import annotations

from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.http import HttpResponse
from django.utils.translation import gettext as _

from wuye.base.pages import excel_time
from wuye.base.xlsx import dated_filename, xlsx_response

from ..choices import IncidentStatus, Level
from ..models import Outage
from ..selectors.outages import (
    STATE_LABELS,
    ahead_text,
    kind_label,
    outage_notice_ahead,
    outage_state,
)

__all__ = ["outages_xlsx"]


def outages_xlsx(outages: Iterable[Outage]) -> HttpResponse:
    headers = [_("工单号"), _("项目"), _("类型"), _("范围"), _("涉及户数"), _("响应级别"),
               _("停水停电时间"), _("预计恢复时间"), _("实际恢复时间"), _("通知提前"),
               _("状态"), _("事件状态"), _("注意事项"), _("原因")]  # fmt: skip

    def row(o: Outage) -> list:
        incident, zone = o.incident, ZoneInfo(o.incident.estate.time_zone or "Asia/Shanghai")
        return [
            incident.case.number, incident.estate.name, kind_label(o), incident.place,
            incident.households, str(Level(incident.level).label),
            excel_time(o.starts_at, zone), excel_time(o.expected_end_at, zone),
            excel_time(o.restored_at, zone), ahead_text(outage_notice_ahead(o)),
            str(STATE_LABELS[outage_state(o)]), str(IncidentStatus(incident.case.status).label),
            # What a planned outage is for, else the cause engineering found (EMERG-OUTAGE-09).
            o.precautions, o.cause or incident.description,
        ]  # fmt: skip

    widths = (20, 14, 10, 24, 8, 16, 17, 17, 17, 18, 10, 10, 40, 30)
    return xlsx_response(filename=dated_filename(_("停水停电")), title=_("停水停电"),
                         headers=headers, rows=(row(o) for o in outages),
                         widths=widths)  # fmt: skip

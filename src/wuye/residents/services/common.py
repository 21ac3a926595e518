"""What the move-in services share: the acting person, the notice's lateness and the clocks'
checks."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wuye.core.choices import DepartmentKind
from wuye.core.models import Building, Estate
from wuye.core.scoping import Actor, actor_for
from wuye.handover.selectors import takeover_confirmed
from wuye.workflow.calendar import latest_date_ahead

from ..processes import DESK

NOTICE_DAYS = 7  # MOVEIN-03: 提前7天
FEE_MONTHS = 6  # MOVEIN-05: 半年物业费
MAX_KEYS = 20
# MOVEIN-10: 电话或上门
REVISIT_METHODS = {"phone": gettext_lazy("电话"), "visit": gettext_lazy("上门")}
# MOVEIN-11: the departments a need may go to.
NEED_DEPARTMENTS = (
    DepartmentKind.CUSTOMER_SERVICE,
    DepartmentKind.ENGINEERING,
    DepartmentKind.ORDER,
    DepartmentKind.ENVIRONMENT,
    DepartmentKind.FINANCE,
)


def _actor(by) -> Actor:
    return by if isinstance(by, Actor) else actor_for(by)


def _tz(estate: Estate) -> ZoneInfo:
    return ZoneInfo(estate.time_zone or "Asia/Shanghai")


def _today(estate: Estate, now: dt.datetime | None = None) -> dt.date:
    return timezone.localtime(now or timezone.now(), _tz(estate)).date()


def _check_estate(actor: Actor, estate_id: int) -> None:
    if not actor.is_superuser and estate_id not in actor.estate_ids:
        raise Http404


def _check_desk(actor: Actor) -> None:
    """MOVEIN-01: customer service leads the move-in (department heads and executives too)."""
    if not (actor.is_superuser or actor.role in DESK):
        raise PermissionDenied(_("只有客服中心、部门负责人或企业高层可以办理入住"))


def _check_gate(building: Building) -> None:
    """TAKEOVER-15: no move-in before the takeover of the building (or its estate) is
    confirmed."""
    if not takeover_confirmed(building):
        raise ValidationError({"building": [
            _("%(building)s尚未通过接管验收（未签署《接管验收确认书》），不能安排业主入住"
              "（TAKEOVER-15）") % {"building": building.name}
        ]})  # fmt: skip


def notice_deadline(batch_start: dt.datetime, estate: Estate) -> dt.date:
    """MOVEIN-03: the last day the notices may go out (提前7天: on or before the date 7 days
    before the start, local to the estate)."""
    return latest_date_ahead(timezone.localtime(batch_start, _tz(estate)).date(), NOTICE_DAYS)


def notice_late(batch_start: dt.datetime, estate: Estate, now: dt.datetime | None = None) -> bool:
    return _today(estate, now) > notice_deadline(batch_start, estate)


def _late_message(batch_start: dt.datetime, estate: Estate) -> str:
    start = timezone.localtime(batch_start, _tz(estate))
    return _(
        "入住通知须至少提前 %(days)d 天发出：入住开始 %(start)s，最晚应在 "
        "%(deadline)s 发出通知，现已来不及。请把入住时间改到 %(earliest)s 或以后。"
    ) % {
        "days": NOTICE_DAYS,
        "start": start.strftime("%Y-%m-%d %H:%M"),
        "deadline": notice_deadline(batch_start, estate).isoformat(),
        "earliest": (_today(estate) + dt.timedelta(days=NOTICE_DAYS)).isoformat(),
    }

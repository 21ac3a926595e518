"""What every write of fees shares: the acting person, an amount in 元 to the fen, the finance check
(FEE-02/04) and the row locks that serialise work on one room or estate."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.billing.models import (
    ChargeBasis,
)
from wuye.core.choices import DepartmentKind, Role
from wuye.core.models import Estate
from wuye.core.scoping import Actor, actor_for

log = logging.getLogger("wuye.billing")
CENT = Decimal("0.01")
NOTICE_DAYS = 15  # FEE-05: the notice goes out 15 days before the payment is due
PERIODIC = (ChargeBasis.PER_M2_MONTH, ChargeBasis.PER_ROOM_MONTH, ChargeBasis.PER_SPACE_MONTH)


def _actor(by) -> Actor:
    return by if isinstance(by, Actor) else actor_for(by)


def money(value, field_name: str = "amount") -> Decimal:
    """A positive amount in 元 to the fen, or a ValidationError naming the field."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({field_name: [_("请填写正确的金额，如 35.00")]}) from None
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(CENT):
        raise ValidationError({field_name: [_("金额须大于 0，最多两位小数")]})
    if amount >= Decimal("1000000000"):
        raise ValidationError({field_name: [_("金额过大")]})
    return amount


def _check_finance(actor: Actor, estate: Estate) -> None:
    """FEE-02/04: finance calculates and collects; executives may too."""
    if actor.is_superuser:
        return
    if estate.pk not in actor.estate_ids:
        raise Http404
    if actor.role in (Role.FINANCE_CLERK, Role.EXECUTIVE):
        return
    if actor.role == Role.DEPARTMENT_HEAD and actor.staff.department.kind == DepartmentKind.FINANCE:
        return
    raise PermissionDenied(_("只有财务人员或企业高层可以办理收费"))


def _lock(model, pk) -> None:
    """Hold the row's lock until the transaction ends (serialises work on one room/estate)."""
    list(model.objects.select_for_update().filter(pk=pk).order_by().values_list("pk", flat=True))


def estate_today(estate: Estate, now: dt.datetime) -> dt.date:
    return timezone.localtime(now, ZoneInfo(estate.time_zone)).date()

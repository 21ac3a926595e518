"""What the meter services share: who may set up meters, read them and publish a disclosure, and
the month a reading is for."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.base.bounds import DATE_MAX, DATE_MIN
from wuye.billing.selectors.meters import (
    month_start,
)
from wuye.billing.services.common import estate_today
from wuye.core.choices import DepartmentKind, Role
from wuye.core.models import Estate
from wuye.core.scoping import Actor
from wuye.core.validators import check_date

JUMP_FACTOR = Decimal("2")  # usage above twice the usual needs a confirmation…
JUMP_FLOOR = Decimal("20")  # …and more than 20 吨/度 above it (tiny usages vary a lot)
HISTORY_MONTHS = 3
READING_MAX = Decimal("1000000000000")
SHARED_ITEM_NAME = "公摊水电费"


# --- Permissions -------------------------------------------------------------------------------


def _department(actor: Actor):
    return getattr(getattr(actor.staff, "department", None), "kind", None)


def may_edit_meters(actor: Actor) -> bool:
    if actor.is_superuser or actor.role in (Role.FINANCE_CLERK, Role.EXECUTIVE):
        return True
    return actor.role == Role.DEPARTMENT_HEAD and _department(actor) in (
        DepartmentKind.FINANCE,
        DepartmentKind.ENGINEERING,
    )


def may_read_meters(actor: Actor) -> bool:
    """Whoever sets up meters, reads them, or reads the fees (the disclosure's drafts too)."""
    if may_edit_meters(actor) or actor.role == Role.AUDITOR:
        return True
    if actor.role == Role.TECHNICIAN and _department(actor) == DepartmentKind.ENGINEERING:
        return True
    return actor.role == Role.CS_AGENT or (
        actor.role == Role.DEPARTMENT_HEAD and _department(actor) == DepartmentKind.CUSTOMER_SERVICE
    )


def may_record_readings(actor: Actor) -> bool:
    if may_edit_meters(actor):
        return True
    return actor.role == Role.TECHNICIAN and _department(actor) == DepartmentKind.ENGINEERING


def may_prepare_disclosure(actor: Actor) -> bool:
    if actor.is_superuser or actor.role in (Role.FINANCE_CLERK, Role.EXECUTIVE):
        return True
    return actor.role == Role.DEPARTMENT_HEAD and _department(actor) == DepartmentKind.FINANCE


def may_publish_disclosure(actor: Actor) -> bool:
    if actor.is_superuser or actor.role == Role.EXECUTIVE:
        return True
    return actor.role == Role.DEPARTMENT_HEAD and _department(actor) == DepartmentKind.FINANCE


def _check(actor: Actor, estate_id: int, allowed: bool, message: str) -> None:
    if actor.is_superuser:
        return
    if estate_id not in actor.estate_ids:
        raise Http404
    if not allowed:
        raise PermissionDenied(message)


# --- Months ------------------------------------------------------------------------------------


def parse_month(text: str | None) -> dt.date | None:
    """ "2026-11" → 2026-11-01; anything else (a year outside 1900–2100 too) → None."""
    try:
        year, month = (int(p) for p in str(text or "").strip().split("-")[:2])
        day = dt.date(year, month, 1)
    except (ValueError, TypeError):
        return None
    return day if DATE_MIN <= day <= DATE_MAX else None


def current_month(estate: Estate) -> dt.date:
    return month_start(estate_today(estate, timezone.now()))


def _check_month(estate: Estate, period: dt.date, field_name: str = "period") -> dt.date:
    if not isinstance(period, dt.date):
        raise ValidationError({field_name: [_("请选择月份")]})
    period = month_start(period)
    check_date(period, field=field_name, label=_("月份"))
    if period > current_month(estate):
        raise ValidationError({field_name: [_("不能录入未来月份")]})
    return period

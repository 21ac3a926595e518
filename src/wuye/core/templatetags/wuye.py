"""Template filters for the formats of UX.md: dates, money, areas, masked numbers, deadlines."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wuye.base.formats import decimal_2 as _decimal
from wuye.base.formats import money
from wuye.core.validators import mask_id_number, mask_mobile

register = template.Library()

WEEKDAYS = [
    gettext_lazy("周一"),
    gettext_lazy("周二"),
    gettext_lazy("周三"),
    gettext_lazy("周四"),
    gettext_lazy("周五"),
    gettext_lazy("周六"),
    gettext_lazy("周日"),
]
# A qualification (or anything with an end date) turns amber this many days before it ends.
EXPIRY_WARNING_DAYS = 30


register.filter("money", money)


@register.filter
def area(value) -> str:
    """89.50 m²."""
    amount = _decimal(value)
    if amount is None:
        return ""
    return f"{amount:,.2f} m²"


@register.filter
def percent(value, places: int = 1) -> str:
    """0.856 → 85.6%."""
    try:
        return f"{float(value) * 100:.{int(places)}f}%"
    except (TypeError, ValueError):
        return ""


@register.filter(name="datetime")
def datetime_(value) -> str:
    """2026-11-26 14:05 in the current time zone."""
    if not isinstance(value, dt.datetime):
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%Y-%m-%d %H:%M")


@register.filter
def day(value) -> str:
    """2026-11-26."""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    if not isinstance(value, dt.date):
        return ""
    return value.strftime("%Y-%m-%d")


@register.filter
def weekday(value) -> str:
    """周一 … 周日."""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    if not isinstance(value, dt.date):
        return ""
    return str(WEEKDAYS[value.weekday()])


@register.filter
def mobile_masked(value) -> str:
    """138****1234."""
    return mask_mobile(value or "")


@register.filter
def id_masked(value) -> str:
    """1101**********1234."""
    return mask_id_number(value or "")


@register.filter
def mobile_for(value, actor) -> str:
    """The full number for an actor who may see it (detail pages only), else masked."""
    if actor is not None and actor.can_see_pii():
        return value or ""
    return mask_mobile(value or "")


@register.filter
def id_for(value, actor) -> str:
    if actor is not None and actor.can_see_pii():
        return value or ""
    return mask_id_number(value or "")


def expiry_state(value: dt.date | None, today: dt.date | None = None) -> str:
    """ok / warn (within 30 days) / breach (past) — the SLA colours of UX.md."""
    if value is None:
        return "paused"
    today = today or timezone.localdate()
    if value < today:
        return "breach"
    if value <= today + dt.timedelta(days=EXPIRY_WARNING_DAYS):
        return "warn"
    return "ok"


@register.inclusion_tag("web/partials/expiry_badge.html")
def expiry_badge(value: dt.date | None):
    state = expiry_state(value)
    labels = {
        "ok": _("有效"),
        "warn": _("即将到期"),
        "breach": _("已过期"),
        "paused": _("未填写"),
    }
    return {"state": state, "label": labels[state], "date": value}


@register.filter
def minutes(value) -> int | str:
    """A timedelta in whole minutes (rounded up), '' for anything else."""
    if not isinstance(value, dt.timedelta):
        return ""
    return max(1, -(-int(value.total_seconds()) // 60))


@register.filter(name="expiry_state")
def expiry_state_filter(value) -> str:
    return expiry_state(value)


@register.filter
def person(user) -> str:
    """A user as people know them: the staff member's or resident's name, else the login."""
    if user is None:
        return ""
    for related in ("staff", "resident"):
        record = getattr(user, related, None) if hasattr(user, related) else None
        if record is not None and getattr(record, "name", ""):
            return record.name
    return user.get_full_name() or user.get_username()


def duration_text(seconds: float) -> str:
    """A length of time as the desk reads it: '2 天 3 小时', '2 小时 15 分', '15 分' (rounded up
    to the minute, at least 1 分)."""
    total = max(1, -(-int(seconds) // 60))
    days, rest = divmod(total, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return (
            _("%(d)s 天 %(h)s 小时") % {"d": days, "h": hours}
            if hours
            else _("%(d)s 天") % {"d": days}
        )
    if hours:
        return (
            _("%(h)s 小时 %(m)s 分") % {"h": hours, "m": mins}
            if mins
            else _("%(h)s 小时") % {"h": hours}
        )
    return _("%(m)s 分") % {"m": mins}


@register.filter
def overdue_by(due_at, now=None) -> str:
    """'已超时 2 小时 15 分' for a due time in the past, '' otherwise (``now``: the time compared
    with; the current time when omitted)."""
    if not isinstance(due_at, dt.datetime):
        return ""
    now = now if isinstance(now, dt.datetime) else timezone.now()
    if due_at >= now:
        return ""
    return _("已超时 %(duration)s") % {"duration": duration_text((now - due_at).total_seconds())}


@register.filter
def due_in(due_at, now=None) -> str:
    """'剩余 3 小时 5 分' for a due time ahead, the overdue text for one in the past."""
    if not isinstance(due_at, dt.datetime):
        return ""
    now = now if isinstance(now, dt.datetime) else timezone.now()
    if due_at < now:
        return overdue_by(due_at, now)
    return _("剩余 %(duration)s") % {"duration": duration_text((due_at - now).total_seconds())}

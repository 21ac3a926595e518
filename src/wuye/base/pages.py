"""What every list page shares, with no app behind it: paging, the full page or HTMX fragment
answer, Excel times, and the countdown text of a deadline."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _


def paginate(request: HttpRequest, items, per_page: int | None = None) -> Page:
    paginator = Paginator(items, per_page or settings.WUYE["PAGE_SIZE"])
    return paginator.get_page(request.GET.get("page"))


def wants_fragment(request: HttpRequest) -> bool:
    """An HTMX swap asks for the fragment; a history restore (back button, cache miss) for the
    full page."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


def render_list(request: HttpRequest, template: str, fragment: str, context: dict) -> HttpResponse:
    """The full page, or only the results when HTMX swaps them (filters, paging)."""
    # Whether the user narrowed the list: an empty result then says "change the filters", not
    # "nothing here yet".
    context.setdefault("filtered", any(v for k, v in request.GET.items() if k != "page"))
    response = render(request, fragment if wants_fragment(request) else template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def excel_time(value: dt.datetime | None, tz: ZoneInfo) -> dt.datetime | None:
    """An Excel date-time: local to the estate, without a zone (Excel has none)."""
    return value.astimezone(tz).replace(tzinfo=None) if value is not None else None


def due_text(due: dt.datetime | None, now: dt.datetime) -> str:
    """还剩 25 分钟 / 还剩 3 小时 20 分钟 / 已超时 12 分钟 (whole minutes, rounded toward zero)."""
    if due is None:
        return ""
    seconds = int((due - now).total_seconds())
    late, seconds = seconds < 0, abs(seconds)
    hours, minutes = divmod(seconds // 60, 60)
    days, hours = divmod(hours, 24)
    if days:
        amount = _("%(d)d 天 %(h)d 小时") % {"d": days, "h": hours}
    elif hours:
        amount = _("%(h)d 小时 %(m)d 分钟") % {"h": hours, "m": minutes}
    else:
        amount = _("%(m)d 分钟") % {"m": minutes}
    return (_("已超时 %(t)s") if late else _("还剩 %(t)s")) % {"t": amount}

"""What every view of the UI shares: the current estate, the staff-only guard, paging, and the
full page or HTMX fragment answer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from wuye.core.models import Estate
from wuye.core.scoping import Actor, actor_for


def current_estate(request: HttpRequest) -> Estate | None:
    """The estate of the switcher (set lazily by CurrentEstateMiddleware) as a plain instance."""
    estate = getattr(request, "estate", None)
    if estate is None or not estate:  # `not` evaluates the lazy object
        return None
    return getattr(estate, "_wrapped", estate)


def is_staff(actor: Actor) -> bool:
    return actor.staff is not None or actor.is_superuser


def staff_required(view: Callable) -> Callable:
    """Login, then staff only (residents and contractors get a 403 page)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_staff(actor_for(request.user)):
            raise PermissionDenied(_("此页面仅供物业员工使用"))
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def estate_page(view: Callable) -> Callable:
    """A staff page about the current estate: the view gets it as ``estate``; without one the user
    sees what to do instead of an empty list."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        estate = current_estate(request)
        if estate is None:
            return render(request, "web/no_estate.html", status=200)
        return view(request, *args, estate=estate, **kwargs)

    return staff_required(wrapper)


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


# --- Times as the estate's people read them ------------------------------------------------------


def estate_tz(estate: Estate) -> ZoneInfo:
    return ZoneInfo(estate.time_zone or "Asia/Shanghai")


def render_local(request, template: str, context: dict, estate: Estate, status: int = 200):
    """Render with the estate's time zone, so every time on the page is local to the estate."""
    with timezone.override(estate_tz(estate)):
        return render(request, template, context, status=status)


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

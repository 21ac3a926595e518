"""What every staff page shares that needs the core: the current estate, the staff-only guard, and
times in the estate's time zone. The page helpers with no app behind them are in
:mod:`wuye.base.pages`."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import render
from django.utils import timezone
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


# --- Times as the estate's people read them ------------------------------------------------------


def estate_tz(estate: Estate) -> ZoneInfo:
    return ZoneInfo(estate.time_zone or "Asia/Shanghai")


def render_local(request, template: str, context: dict, estate: Estate, status: int = 200):
    """Render with the estate's time zone, so every time on the page is local to the estate."""
    with timezone.override(estate_tz(estate)):
        return render(request, template, context, status=status)

"""What every view of the UI shares: the current estate, the staff-only guard, paging, and the
full page or HTMX fragment answer."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
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

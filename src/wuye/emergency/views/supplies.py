"""Pages of emergency supplies (应急物资, EMERG-03): the estate's stock with its flags (count
overdue, below minimum, expiring), a new item, restock, the count, the movements ledger and the
Excel files. Every write goes through ``services.supplies``, as the API does."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from wuye.base.pages import paginate
from wuye.core.scoping import actor_for
from wuye.core.shortcuts import current_estate, estate_tz, staff_required
from wuye.core.shortcuts import render_local as render_in

from ..choices import SupplyCategory
from ..documents.incidents import movements_xlsx, supplies_xlsx
from ..selectors import organisation as selectors
from ..services import supplies as services


def _estate(request):
    estate = current_estate(request)
    if estate is None:
        raise Http404
    return estate


def _int(value):
    return int(value) if str(value or "").strip().isdigit() else value


def _report(request, error) -> None:
    if isinstance(error, ValidationError):
        for problems in error.message_dict.values():
            for problem in problems:
                messages.error(request, problem)
    else:
        messages.error(request, str(error))


@require_GET
@staff_required
def supply_list(request):
    """应急物资: the estate's stock, what needs attention first."""
    estate = _estate(request)
    items = selectors.supply_list(actor=request.user, estate_id=estate.pk,
                                  low=request.GET.get("low") == "1")  # fmt: skip
    context = {"estate": estate, "items": items, "status": services.supply_status(estate),
               "categories": SupplyCategory.choices,
               "can_keep": services.can_keep(actor_for(request.user))}  # fmt: skip
    return render_in(request, "emergency/supplies/list.html", context, estate)


@require_POST
@staff_required
def supply_create(request):
    estate = _estate(request)
    post = request.POST
    try:
        services.item_create(
            estate=estate, by=request.user, category=post.get("category", ""),
            name=post.get("name", ""), unit=post.get("unit", ""),
            minimum=_int(post.get("minimum") or 0), quantity=_int(post.get("quantity") or 0),
            location=post.get("location", ""),
        )  # fmt: skip
    except (ValidationError, PermissionDenied) as error:
        _report(request, error)
    else:
        messages.success(request, _("已登记"))
    return redirect("emergency:supply_list")


@require_POST
@staff_required
def supply_restock(request, pk: int):
    item = selectors.supply_get_for_user(request.user, pk)
    try:
        services.supply_restock(item=item, by=request.user, quantity=_int(request.POST.get(
            "quantity")), note=request.POST.get("note", ""))  # fmt: skip
    except (ValidationError, PermissionDenied) as error:
        _report(request, error)
    else:
        messages.success(request, _("已入库"))
    return redirect("emergency:supply_list")


@staff_required
def supply_check(request):
    """物资盘点: every active item counted; differences booked."""
    estate = _estate(request)
    items = list(selectors.supply_list(actor=request.user, estate_id=estate.pk))
    if request.method == "POST":
        lines = [{"item": i.pk, "counted": _int(request.POST.get(f"counted-{i.pk}")),
                  "usable": request.POST.get(f"usable-{i.pk}") == "on",
                  "note": request.POST.get(f"note-{i.pk}", "")} for i in items]  # fmt: skip
        try:
            check = services.supply_check_record(estate=estate, by=request.user, lines=lines)
        except (ValidationError, PermissionDenied) as error:
            _report(request, error)
        else:
            messages.success(request, _("盘点已记录，问题项 %(n)d 项") % {"n": check.problems})
            return redirect("emergency:supply_list")
    return render_in(request, "emergency/supplies/check.html",
                     {"estate": estate, "items": items}, estate)  # fmt: skip


def _movements(request, estate):
    return selectors.movement_list(
        actor=request.user, estate_id=estate.pk, kind=request.GET.get("kind", ""),
        zone=estate_tz(estate),
    )  # fmt: skip


@require_GET
@staff_required
def supply_movements(request):
    estate = _estate(request)
    page = paginate(request, _movements(request, estate))
    return render_in(request, "emergency/supplies/movements.html",
                     {"estate": estate, "page": page}, estate)  # fmt: skip


@require_GET
@staff_required
def supply_export(request):
    estate = _estate(request)
    return supplies_xlsx(selectors.supply_list(actor=request.user, estate_id=estate.pk))


@require_GET
@staff_required
def supply_movement_export(request):
    return movements_xlsx(_movements(request, _estate(request)))


urlpatterns: list = [
    path("supplies/", supply_list, name="supply_list"),
    path("supplies/new/", supply_create, name="supply_create"),
    path("supplies/export.xlsx", supply_export, name="supply_export"),
    path("supplies/check/", supply_check, name="supply_check"),
    path("supplies/movements/", supply_movements, name="supply_movements"),
    path("supplies/movements/export.xlsx", supply_movement_export, name="supply_movement_export"),
    path("supplies/<int:pk>/restock/", supply_restock, name="supply_restock"),
]

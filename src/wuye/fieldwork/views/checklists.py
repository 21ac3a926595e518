"""Pages of field work: checklist templates (检查表) — the list (kind, estate, active; paged), a new
template, and the desktop editor: name and source, items (add, edit, move, remove),
deactivate / reactivate, copy. Every write posts to its own URL and calls the same service as
the API; an error re-renders the editor with the message next to the field."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wuye.base.pages import paginate, render_list
from wuye.core.choices import Role
from wuye.core.scoping import actor_for
from wuye.core.shortcuts import current_estate, render_local, staff_required

from ..choices import ItemKind
from ..models import ChecklistItem
from ..selectors import checklists as selectors
from ..services import checklists as services

ITEM_FIELDS = ("label", "kind", "unit", "low", "high", "hint")


def _can_write(actor) -> bool:
    return actor.is_superuser or actor.role in services.WRITE_ROLES


def _item_data(post) -> dict:
    data = {f: post.get(f, "").strip() for f in ITEM_FIELDS}
    data["required"] = post.get("required") == "on"
    return data


def _render_editor(request, checklist, *, errors=None, form=None, item_key=None, status=200):
    """The editor; ``errors`` of the template's fields, or of one item (``item_key``: its id,
    or "new" for the item being added), shown next to the fields with the input kept."""
    actor = actor_for(request.user)
    estate = checklist.estate or current_estate(request)
    items = list(checklist.items.order_by("position"))
    for item in items:
        item.errors = errors if item_key == item.pk else {}
        item.form = form if item_key == item.pk else None
    context = {
        "checklist": checklist,
        "items": items,
        "kinds": ItemKind.choices,
        "can_write": _can_write(actor),
        "errors": errors if item_key is None else {},
        "form": form if item_key is None else {},
        "new_errors": errors if item_key == "new" else {},
        "new_form": form if item_key == "new" else {},
        "new_general": (errors or {}).get("items", []) if item_key == "new" else [],
        "used": checklist.records.exists(),
    }
    if estate is None:
        return render(request, "fieldwork/checklists/editor.html", context, status=status)
    return render_local(request, "fieldwork/checklists/editor.html", context, estate, status)


@staff_required
def checklist_list(request):
    """检查表 — filter by kind, estate (the current one's and the company's) and active."""
    actor = actor_for(request.user)
    estate = current_estate(request)
    active = {"1": True, "0": False}.get(request.GET.get("active", "1"))
    kind = request.GET.get("kind", "").strip()[:30]
    scope = request.GET.get("scope", "")
    qs = selectors.checklist_list(
        actor=actor, kind=kind, active=active, q=request.GET.get("q", "").strip()[:100],
        estate=estate.pk if estate is not None and scope != "all" else None,
    )  # fmt: skip
    context = {
        "page": paginate(request, qs),
        "kinds": selectors.checklist_kinds(actor=actor),
        "kind": kind,
        "active": request.GET.get("active", "1"),
        "scope": scope,
        "estate": estate,
        "can_write": _can_write(actor),
    }
    return render_list(request, "fieldwork/checklists/list.html",
                       "fieldwork/checklists/partials/results.html", context)  # fmt: skip


@staff_required
def checklist_create(request):
    """新建检查表 — for the current estate, or company-wide (executives)."""
    actor = actor_for(request.user)
    estate = current_estate(request)
    errors, form = {}, {}
    if request.method == "POST":
        form = request.POST
        try:
            checklist = services.checklist_create(
                name=form.get("name", ""), kind=form.get("kind", ""),
                source=form.get("source", ""), by=request.user,
                estate=None if form.get("company_wide") == "on" else estate,
            )  # fmt: skip
        except ValidationError as error:
            errors = error.message_dict
        else:
            messages.success(request, _("已新建检查表，请添加检查项"))
            return redirect("fieldwork:checklist_detail", checklist.pk)
    context = {"errors": errors, "form": form, "estate": estate,
               "is_executive": actor.is_superuser or actor.role == Role.EXECUTIVE}  # fmt: skip
    return render(request, "fieldwork/checklists/create.html", context,
                  status=400 if errors else 200)  # fmt: skip


@staff_required
def checklist_detail(request, pk: int):
    """The editor (GET), and saving the name, kind and source (POST)."""
    checklist = selectors.checklist_get_for_user(request.user, pk)
    if request.method == "POST":
        try:
            services.checklist_update(
                checklist=checklist, by=request.user, name=request.POST.get("name", ""),
                kind=request.POST.get("kind", checklist.kind),
                source=request.POST.get("source", ""),
            )  # fmt: skip
        except ValidationError as error:
            return _render_editor(request, checklist, errors=error.message_dict,
                                  form=request.POST, status=400)  # fmt: skip
        messages.success(request, _("已保存"))
        return redirect("fieldwork:checklist_detail", pk)
    return _render_editor(request, checklist)


@require_POST
@staff_required
def checklist_item_add(request, pk: int):
    checklist = selectors.checklist_get_for_user(request.user, pk)
    try:
        services.checklist_item_add(checklist=checklist, by=request.user,
                                    **_item_data(request.POST))  # fmt: skip
    except ValidationError as error:
        return _render_editor(request, checklist, errors=error.message_dict, form=request.POST,
                              item_key="new", status=400)  # fmt: skip
    return redirect(reverse("fieldwork:checklist_detail", args=[pk]) + "#items")


def _item(request, pk: int) -> ChecklistItem:
    item = get_object_or_404(ChecklistItem.objects.select_related("checklist"), pk=pk)
    selectors.checklist_get_for_user(request.user, item.checklist_id)
    return item


@require_POST
@staff_required
def checklist_item_edit(request, pk: int):
    item = _item(request, pk)
    try:
        services.checklist_item_update(item=item, by=request.user, **_item_data(request.POST))
    except ValidationError as error:
        return _render_editor(request, item.checklist, errors=error.message_dict,
                              form=request.POST, item_key=item.pk, status=400)  # fmt: skip
    return redirect(reverse("fieldwork:checklist_detail", args=[item.checklist_id]) + "#items")


@require_POST
@staff_required
def checklist_item_remove(request, pk: int):
    item = _item(request, pk)
    services.checklist_item_remove(item=item, by=request.user)
    messages.success(request, _("已删除检查项“%(label)s”") % {"label": item.label})
    return redirect(reverse("fieldwork:checklist_detail", args=[item.checklist_id]) + "#items")


@require_POST
@staff_required
def checklist_item_move(request, pk: int):
    """Move an item one place up or down (the API takes the whole order)."""
    item = _item(request, pk)
    order = list(item.checklist.items.order_by("position").values_list("pk", flat=True))
    index = order.index(item.pk)
    other = index - 1 if request.POST.get("direction") == "up" else index + 1
    if 0 <= other < len(order):
        order[index], order[other] = order[other], order[index]
        services.checklist_items_reorder(checklist=item.checklist, order=order, by=request.user)
    return redirect(reverse("fieldwork:checklist_detail", args=[item.checklist_id]) + "#items")


@require_POST
@staff_required
def checklist_active(request, pk: int):
    checklist = selectors.checklist_get_for_user(request.user, pk)
    active = request.POST.get("active") == "1"
    services.checklist_set_active(checklist=checklist, active=active, by=request.user)
    messages.success(request, _("已启用") if active else _("已停用"))
    return redirect("fieldwork:checklist_detail", pk)


@require_POST
@staff_required
def checklist_copy(request, pk: int):
    """A copy for the current estate (or company-wide when asked)."""
    checklist = selectors.checklist_get_for_user(request.user, pk)
    estate = None if request.POST.get("company_wide") == "on" else current_estate(request)
    copy = services.checklist_copy(checklist=checklist, by=request.user, estate=estate)
    messages.success(request, _("已复制为“%(name)s”") % {"name": copy.name})
    return redirect("fieldwork:checklist_detail", copy.pk)


urlpatterns = [
    path("fieldwork/checklists/", checklist_list, name="checklist_list"),
    path("fieldwork/checklists/new/", checklist_create, name="checklist_create"),
    path("fieldwork/checklists/<int:pk>/", checklist_detail, name="checklist_detail"),
    path("fieldwork/checklists/<int:pk>/items/", checklist_item_add, name="checklist_item_add"),
    path("fieldwork/checklists/<int:pk>/active/", checklist_active, name="checklist_active"),
    path("fieldwork/checklists/<int:pk>/copy/", checklist_copy, name="checklist_copy"),
    path("fieldwork/checklist-items/<int:pk>/", checklist_item_edit, name="checklist_item_edit"),
    path("fieldwork/checklist-items/<int:pk>/remove/", checklist_item_remove,
         name="checklist_item_remove"),
    path("fieldwork/checklist-items/<int:pk>/move/", checklist_item_move,
         name="checklist_item_move"),
]  # fmt: skip

"""Repairs pages of the desk (客服中心, 工程主管, 管理层; technicians may look): the order list with
its export, intake, the order page with the steps this user may take, the price list.

Thin: reads through selectors, every write through ``services``; a service's ValidationError
goes next to the form field, a Conflict or PermissionDenied becomes a message with its reason.
"""

from __future__ import annotations

import datetime as dt
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from wuye.base.pages import paginate
from wuye.core.choices import Role
from wuye.core.exceptions import Conflict
from wuye.core.forms import add_service_errors
from wuye.core.models import Estate
from wuye.core.scoping import actor_for, get_or_404
from wuye.core.selectors import find_rooms, room_owner
from wuye.core.shortcuts import estate_page, is_staff, staff_required
from wuye.core.shortcuts import render_local as render_in
from wuye.core.templatetags.wuye import due_in, overdue_by
from wuye.core.templatetags.wuye import person as _staff_name
from wuye.repairs import services
from wuye.repairs.documents.exports import EXPORT_LIMIT, orders_xlsx_response
from wuye.repairs.forms.desk import ActionForm, PriceItemForm, RepairIntakeForm, action_form
from wuye.repairs.selectors import orders as selectors
from wuye.workflow.attachments import attachments_from_request
from wuye.workflow.engine import get_process
from wuye.workflow.services import allowed_actions

from ..choices import Category, Status
from ..filters import TABS, RepairOrderFilter
from ..models import PriceItem, RepairOrder
from ..processes import DESK, DESK_VIEWERS, REPAIR

# Guards, cleaners and finance have their own pages (DESK_VIEWERS: processes.py).
INTAKE_ROLES = DESK | {Role.TECHNICIAN}
# Actions that carry photos or a signature from the form.
WITH_ATTACHMENTS = frozenset({"complete", "sign_off"})
# Statuses after which the acceptance slip (《维修验收单》, REPAIR-10) can be printed.
SLIP_STATUSES = (Status.WAITING_REVISIT, Status.DONE, Status.CLOSED)


def _require_role(request, roles) -> None:
    actor = actor_for(request.user)
    if not (actor.is_superuser or actor.role in roles):
        raise PermissionDenied(_("此页面仅供客服中心、工程部和管理层使用"))


def desk_page(view):
    """A desk page about the current estate (list, intake, price list)."""

    @wraps(view)
    def wrapper(request, *args, estate: Estate, **kwargs):
        _require_role(request, DESK_VIEWERS)
        return view(request, *args, estate=estate, **kwargs)

    return estate_page(wrapper)


# --- Deadlines as people read them -------------------------------------------------------------


def decorate(orders, now: dt.datetime | None = None):
    """Each order's next deadline as a colour (ok / warn / breach, UX.md) and a countdown
    ("剩余 3 小时 5 分", or by how much it is late: "已超时 2 小时 15 分")."""
    now = now or timezone.now()
    for order in orders:
        due = getattr(order, "next_due", None)
        warn = getattr(order, "next_warn", None)
        late = due is not None and due <= now
        order.overdue = bool(getattr(order, "breached", False)) or late
        order.due_state = "breach" if late else "warn" if warn is not None and warn <= now else "ok"
        order.due_text = due_in(due, now)
        order.status_label = REPAIR.state(order.case.status).label
    return orders


# --- The list ----------------------------------------------------------------------------------


def _filter(request, estate: Estate) -> RepairOrderFilter:
    return RepairOrderFilter(request.GET, actor=actor_for(request.user), estate=estate)


@desk_page
def order_list(request, estate: Estate):
    filterset = _filter(request, estate)
    page = paginate(request, filterset.qs)
    decorate(page.object_list)
    counts = filterset.tab_counts()
    current = filterset.current_tab
    context = {
        "filter": filterset,
        "page": page,
        "tabs": [
            {
                "value": value,
                "label": label,
                "count": counts[value],
                "active": value == current,
                "query": _tab_query(request, value),
            }
            for value, label, _f in TABS
        ],
        "tab": current,
        "can_create": _can(request, INTAKE_ROLES),
        "filtered": any(v for k, v in request.GET.items() if k not in ("page", "tab", "sort")),
    }
    # Filters and paging swap only the results; a history restore gets the whole page.
    htmx = getattr(request, "htmx", None)
    fragment = bool(htmx) and not htmx.history_restore_request and htmx.target == "results"
    template = "repairs/desk/partials/results.html" if fragment else "repairs/desk/list.html"
    response = render_in(request, template, context, estate)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


def _tab_query(request, tab: str) -> str:
    """The list's query string with another quick tab (the other filters kept, page 1)."""
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("tab", None)
    if tab:
        query["tab"] = tab
    return query.urlencode()


def _can(request, roles) -> bool:
    actor = actor_for(request.user)
    return actor.is_superuser or actor.role in roles


@require_GET
@desk_page
def order_export(request, estate: Estate):
    """Exactly what the list shows with these filters, as .xlsx (UX.md: export what is filtered)."""
    orders = _filter(request, estate).qs[:EXPORT_LIMIT]
    return orders_xlsx_response(
        estate=estate, orders=orders, actor=actor_for(request.user), now=timezone.now()
    )


# --- Intake (REPAIR-02/04) ---------------------------------------------------------------------


@desk_page
def order_create(request, estate: Estate):
    _require_role(request, INTAKE_ROLES)
    form = RepairIntakeForm(request.POST or None, estate=estate)
    if request.method == "POST" and form.is_valid():
        try:
            order = services.repair_order_create(
                **form.service_kwargs(),
                attachments=attachments_from_request(request) or None,
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("已登记报修 %(number)s（%(urgency)s）")
                % {"number": order.case.number, "urgency": order.get_urgency_display()},
            )
            return redirect("repairs:detail", pk=order.pk)
    suggestion = _suggestion(form["description"].value())
    context = {"form": form, "estate": estate, "suggestion": suggestion}
    return render_in(request, "repairs/desk/create.html", context, estate)


def _suggestion(description: str | None) -> dict | None:
    """REPAIR-04: the classification the system suggests (urgency and category), and the words
    that suggested them."""
    description = (description or "").strip()
    if not description:
        return None
    urgency, word = services.urgency_hint(description)
    category, category_word = services.category_hint(description)
    return {
        "urgency": urgency, "label": urgency.label, "word": word,
        "category": category, "category_label": Category(category).label,
        "category_word": category_word,
    }  # fmt: skip


@require_GET
@desk_page
def intake_suggest(request, estate: Estate):
    """HTMX: the classification suggestion for the description being typed."""
    context = {"suggestion": _suggestion(request.GET.get("description"))}
    return render(request, "repairs/desk/partials/suggestion.html", context)


@require_GET
@desk_page
def room_lookup(request, estate: Estate):
    """HTMX: the rooms matching the typed number, with the owner to call back."""
    building = None
    if request.GET.get("building", "").isdigit():
        building = estate.buildings.filter(pk=request.GET["building"]).first()
    text = request.GET.get("room", "")
    rooms = list(find_rooms(estate, text, building)[:6])
    owner = room_owner(rooms[0]) if len(rooms) == 1 else None
    context = {"rooms": rooms, "text": text.strip(), "owner": owner,
               "show_phone": actor_for(request.user).can_see_pii()}  # fmt: skip
    return render(request, "repairs/desk/partials/room_match.html", context)


# --- The order page ----------------------------------------------------------------------------


def _timeline(order: RepairOrder, actor) -> list:
    process = get_process(order.case.process)
    events = order.case.events.select_related("actor__staff").order_by("at", "id")
    if hasattr(events.model, "attachments"):
        events = events.prefetch_related("attachments")
    events = selectors.comments_visible(events, actor=actor)
    for e in events:
        e.label = process.event_label(e)
        e.from_label = process.state_label(e.from_status) if e.from_status else ""
        e.to_label = process.state_label(e.to_status)
    return events


def order_facts(order: RepairOrder) -> dict:
    """What both order pages show besides the actions."""
    clocks = list(order.case.clocks.order_by("started_at", "id"))
    now = timezone.now()
    for c in clocks:
        c.view_state = (
            "paused" if c.state in ("cancelled", "paused")
            else "breach" if c.state == "breached" or (c.state == "running" and c.due_at <= now)
            else "warn" if c.state == "running" and (c.warned_at or c.warn_at <= now)
            else "ok"
        )  # fmt: skip
        # A clock still counting (running, or late and not stopped) says how long is left or
        # by how much it is late.
        counting = c.state in ("running", "breached") and c.stopped_at is None
        c.countdown = due_in(c.due_at, now) if counting else ""
        # A clock stopped late: by how much it was late when the work was done.
        c.late_by = overdue_by(c.due_at, c.stopped_at) if c.stopped_at else ""
    return {
        "order": order,
        "case": order.case,
        "status_label": REPAIR.state(order.case.status).label,
        "clocks": clocks,
        "charges": list(order.charges.all()),
        "materials": list(order.materials.all()),
        "photos": _customer_photos(order),
    }


def _customer_photos(order: RepairOrder) -> list:
    """The photos the reporter sent with the request."""
    try:
        from wuye.workflow.models import Attachment
    except ImportError:  # pragma: no cover - the attachments are being built
        return []
    return list(Attachment.objects.filter(case=order.case, event__action="created", kind="photo"))


def _desk_forms(request, order: RepairOrder, bound: ActionForm | None) -> list[ActionForm]:
    """A form for each desk step this user may take now (REPAIR-03's order is the process's)."""
    forms = []
    for action in allowed_actions(case=order.case, user=request.user):
        if not action.roles & DESK or action.name in ("finish", "auto_close"):
            continue
        if action.name == "repeat_cause" and order.repeat_of_id is None:
            continue
        if bound is not None and bound.action == action.name:
            forms.append(bound)
        else:
            forms.append(action_form(action.name, order))
    if bound is not None and bound not in forms:
        # A step this page does not offer (no longer, or not for this order): its errors.
        for errors in bound.errors.values():
            for error in errors:
                messages.error(request, error)
    return forms


def _detail_context(request, order: RepairOrder, bound: ActionForm | None = None) -> dict:
    actor = actor_for(request.user)
    forms = _desk_forms(request, order, bound)
    context = order_facts(order)
    context.update(
        {
            "forms": {f.action: f for f in forms},
            "action_forms": forms,
            "bound": bound,
            "events": _timeline(order, actor),
            "actor": actor,
            "is_technician": actor.role == Role.TECHNICIAN,
            "show_slip": order.case.status in SLIP_STATUSES or order.completed_at is not None,
            "repeat_tech": _repeat_technician(order),
            # REPAIR-14/15: whether the technician who has it now confirmed their arrival.
            "arrived": services.arrival_recorded(order),
            "next": request.get_full_path() if bound is None else next_url(request, order),
        }
    )
    return context


def _repeat_technician(order: RepairOrder) -> str:
    """Who repaired the order this one repeats (REPAIR-13): the team lead wants the name."""
    if order.repeat_of_id is None:
        return ""
    return _staff_name(order.repeat_of.completed_by or order.repeat_of.case.assignee)


def get_order(request, pk: int) -> RepairOrder:
    """The order if this user may see it (else 404), with what its pages show."""
    orders = selectors.repair_order_list(actor=actor_for(request.user)).select_related(
        "repeat_of__case__assignee__staff", "repeat_of__completed_by__staff", "follow_up",
        "reported_by", "completed_by__staff", "accepted_by", "revisited_by__staff",
    )  # fmt: skip
    return get_or_404(orders, pk)


def render_detail(request, order: RepairOrder, bound: ActionForm | None = None, status=200):
    context = _detail_context(request, order, bound)
    return render_in(request, "repairs/desk/detail.html", context, order.estate, status)


@login_required
def order_detail(request, pk: int):
    actor = actor_for(request.user)
    if actor.role == Role.RESIDENT:
        # Residents follow links to /repairs/<pk>/ in their messages: their own page for the
        # order (which checks that it is theirs).
        return redirect("repairs:my_detail", pk=pk)
    if not is_staff(actor):
        raise PermissionDenied(_("此页面仅供物业员工使用"))
    _require_role(request, DESK_VIEWERS)
    return render_detail(request, get_order(request, pk))


def next_url(request, order: RepairOrder) -> str:
    """Where to go after a step: the page the form came from (desk or technician), if safe."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("repairs:detail", args=[order.pk])


@require_POST
@staff_required
def order_dispatch_auto(request, pk: int):
    """按工作量自动派单 (REPAIR-07): the least loaded technician of the estate."""
    order = get_order(request, pk)
    try:
        order = services.repair_order_dispatch_auto(order=order, by=request.user)
    except ValidationError as exc:
        for field_errors in exc.message_dict.values():
            for message in field_errors:
                messages.error(request, message)
    except (Conflict, PermissionDenied) as exc:
        messages.error(request, getattr(exc, "message", None) or str(exc))
    else:
        messages.success(
            request, _("已按工作量派单给 %(name)s") % {"name": _staff_name(order.case.assignee)}
        )
    return redirect("repairs:detail", pk=order.pk)


# --- Price list (收费标准, REPAIR-11) -----------------------------------------------------------


def _can_edit_prices(request, estate: Estate) -> bool:
    try:
        # The service's own check (engineering heads and executives), asked before the form.
        services.check_price_list_write(actor_for(request.user), estate)
    except (PermissionDenied, Http404):
        return False
    return True


def _save_price(request, estate: Estate, form: PriceItemForm, item: PriceItem | None) -> bool:
    if not form.is_valid():
        return False
    try:
        services.price_item_save(estate=estate, item=item, by=request.user, **form.cleaned_data)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return False
    messages.success(request, _("已保存收费项目“%(name)s”") % {"name": form.cleaned_data["name"]})
    return True


@desk_page
def price_list(request, estate: Estate):
    return _price_page(request, estate)


@desk_page
def price_edit(request, pk: int, estate: Estate):
    return _price_page(request, estate, pk)


def _price_page(request, estate: Estate, pk: int | None = None):
    can_edit = _can_edit_prices(request, estate)
    item = None
    if pk is not None:
        item = PriceItem.objects.filter(estate=estate, pk=pk).first()
        if item is None:
            raise Http404
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("只有工程部主管或公司管理层可以维护收费标准"))
        form = PriceItemForm.for_item(item, request.POST)
        if _save_price(request, estate, form, item):
            return redirect("repairs:prices")
    else:
        form = PriceItemForm.for_item(item)
    items = selectors.price_list(estate_id=estate.pk, active_only=False)
    context = {"items": items, "form": form if can_edit else None, "item": item,
               "can_edit": can_edit, "estate": estate}  # fmt: skip
    return render_in(request, "repairs/desk/prices.html", context, estate)


urlpatterns = [
    path("repairs/", order_list, name="list"),
    path("repairs/export/", order_export, name="export"),
    path("repairs/new/", order_create, name="create"),
    path("repairs/new/suggest/", intake_suggest, name="suggest"),
    path("repairs/new/room/", room_lookup, name="room_lookup"),
    path("repairs/prices/", price_list, name="prices"),
    path("repairs/prices/<int:pk>/", price_edit, name="price_edit"),
    path("repairs/<int:pk>/", order_detail, name="detail"),
    path("repairs/<int:pk>/dispatch-auto/", order_dispatch_auto, name="dispatch_auto"),
]

"""Repairs pages of the technician's phone (工程维修): my orders and the pool to grab from, and
the order with its steps in the manual's order — accept, arrive with the conduct checklist
(REPAIR-14/15), diagnose, complete with photos, materials and charges from the price list
(REPAIR-11), the owner's signature (REPAIR-10). Every step posts to ``repairs:act``."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wuye.core.choices import Role
from wuye.core.scoping import actor_for
from wuye.core.shortcuts import current_estate
from wuye.repairs import services
from wuye.repairs.forms.desk import ActionForm, action_form
from wuye.repairs.selectors import orders as selectors
from wuye.workflow.services import allowed_actions

from ..choices import Status
from ..models import RepairOrder
from .desk import decorate, get_order, order_facts, render_in

QUEUE_LIMIT = 100
# The steps of the phone page, in the manual's order (REPAIR-03).
STEPS = ("grab", "accept", "arrive", "diagnose", "complete", "sign_off", "hand_back")


def technician_page(view):
    """Technicians only (and superusers, who see every page)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        actor = actor_for(request.user)
        if not (actor.is_superuser or actor.role == Role.TECHNICIAN):
            raise PermissionDenied(_("此页面仅供工程维修人员使用"))
        return view(request, *args, **kwargs)

    return login_required(wrapper)


@technician_page
def tech_home(request):
    """我的工单 (emergencies first, then the nearest deadline) and 抢单池."""
    actor = actor_for(request.user)
    tab = "pool" if request.GET.get("tab") == "pool" else "mine"
    mine = decorate(list(selectors.technician_queue(actor=actor)[:QUEUE_LIMIT]))
    pool = decorate(list(selectors.technician_pool(actor=actor)[:QUEUE_LIMIT]))
    context = {"tab": tab, "mine": mine, "pool": pool, "orders": pool if tab == "pool" else mine}
    estate = current_estate(request)
    if estate is None:
        return render(request, "repairs/tech/home.html", context)
    return render_in(request, "repairs/tech/home.html", context, estate)


def _steps(request, order: RepairOrder, bound: ActionForm | None) -> dict[str, ActionForm]:
    """The forms of the steps this technician may take now, in order. Only the assignee works
    on an order; anyone of the estate's technicians may grab one waiting for dispatch."""
    allowed = {a.name for a in allowed_actions(case=order.case, user=request.user)}
    mine = order.case.assignee_id == request.user.pk
    # REPAIR-14/15: this technician's own arrival (a reassigned one arrives again).
    arrived = services.arrival_recorded(order)
    wanted = {
        "grab": order.case.assignee_id is None,
        "accept": mine,
        "hand_back": mine,
        # Arrival first (the checklist), then diagnosis and completion.
        "arrive": mine and not arrived,
        "diagnose": mine and arrived,
        "complete": mine and arrived,
        "sign_off": mine,
    }
    forms = {}
    for name in STEPS:
        if name in allowed and wanted[name]:
            forms[name] = (
                bound if bound is not None and bound.action == name else action_form(name, order)
            )
    return forms


PRIMARY_LABELS = {
    "grab": gettext_lazy("抢单"),
    "accept": gettext_lazy("接单"),
    "arrive": gettext_lazy("确认到达现场"),
    "complete": gettext_lazy("提交完成"),
    "sign_off": gettext_lazy("业主确认签字"),
}


def render_tech_detail(request, order: RepairOrder, bound: ActionForm | None = None):
    forms = _steps(request, order, bound)
    # The main step of the moment goes into the sticky bar at the bottom (thumb reach).
    primary = next((name for name in PRIMARY_LABELS if name in forms), None)
    context = order_facts(order)
    decorate([order_with_due(order, context["clocks"])])
    context.update(
        {
            "steps": forms,
            "primary": primary,
            "primary_label": PRIMARY_LABELS.get(primary, ""),
            "prices": list(selectors.price_list(estate_id=order.estate_id)),
            "next": reverse("repairs:tech_detail", args=[order.pk]),
            "pool_next": reverse("repairs:tech_home") + "?tab=pool",
            "mine": order.case.assignee_id == request.user.pk,
            "arrived": services.arrival_recorded(order),
            "done": order.case.status in (Status.WAITING_REVISIT, Status.DONE, Status.CLOSED),
            "bound": bound,
        }
    )
    return render_in(request, "repairs/tech/detail.html", context, order.estate)


def order_with_due(order: RepairOrder, clocks: list) -> RepairOrder:
    """The next deadline of one order, of the clocks still counting (running, or late and not
    stopped), as the lists annotate it in their query (``selectors.with_next_due``)."""
    counting = [c for c in clocks if c.state in ("running", "breached") and c.stopped_at is None]
    order.next_due = min((c.due_at for c in counting), default=None)
    order.next_warn = min((c.warn_at for c in clocks if c.state == "running"), default=None)
    order.breached = any(c.state == "breached" and c.stopped_at is None for c in clocks)
    return order


@technician_page
def tech_detail(request, pk: int):
    return render_tech_detail(request, get_order(request, pk))


urlpatterns = [
    path("repairs/tech/", tech_home, name="tech_home"),
    path("repairs/tech/<int:pk>/", tech_detail, name="tech_detail"),
]

"""Pages of response plans (应急预案): each kind's plan the current estate uses (its own, else
the company's, else the manual's), "采用手册预案" / an estate's own copy, and the editing of the
steps (add, change, move, remove; version bumped each time). Writes through ``services.plans``,
as the API does."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from wuye.core.choices import DepartmentKind
from wuye.core.scoping import get_or_404
from wuye.core.shortcuts import current_estate, staff_required
from wuye.core.shortcuts import render_local as render_in

from ..choices import IncidentKind
from ..models import PlanStep
from ..selectors import organisation as selectors
from ..services import plans as services
from ..services.incidents import plan_for
from ..services.plan_defaults import DEFAULT_PLANS


def _estate(request):
    estate = current_estate(request)
    if estate is None:
        raise Http404
    return estate


def _report(request, error) -> None:
    if isinstance(error, ValidationError):
        for problems in error.message_dict.values():
            for problem in problems:
                messages.error(request, problem)
    else:
        messages.error(request, str(error))


@require_GET
@staff_required
def plan_list(request):
    estate = _estate(request)
    rows = []
    for kind, label in IncidentKind.choices:
        plan = plan_for(estate, kind)
        rows.append({"kind": kind, "label": label, "plan": plan,
                     "default_name": DEFAULT_PLANS[kind]["name"]})  # fmt: skip
    return render_in(request, "emergency/plans/list.html", {"estate": estate, "rows": rows}, estate)


@require_POST
@staff_required
def plan_adopt(request):
    """采用手册预案 (company) or 本项目专用 (a copy for the estate)."""
    estate = _estate(request)
    try:
        plan = services.plan_ensure(
            company=estate.company, kind=request.POST.get("kind", ""), by=request.user,
            estate=estate if request.POST.get("scope") == "estate" else None,
        )  # fmt: skip
    except (ValidationError, PermissionDenied) as error:
        _report(request, error)
        return redirect("emergency:plan_list")
    return redirect("emergency:plan_detail", pk=plan.pk)


@require_GET
@staff_required
def plan_detail(request, pk: int):
    plan = selectors.plan_get_for_user(request.user, pk)
    estate = plan.estate or _estate(request)
    context = {"plan": plan, "steps": list(plan.steps.order_by("order")),
               "departments": DepartmentKind.choices,
               "manual": services.manual_codes(plan.kind)}  # fmt: skip
    return render_in(request, "emergency/plans/detail.html", context, estate)


@require_POST
@staff_required
def plan_step_save(request, pk: int):
    """Add a step (no ``step``) or change one."""
    plan = selectors.plan_get_for_user(request.user, pk)
    post = request.POST
    values = {k: post.get(k, "") for k in ("title", "department", "guidance", "checklist")}
    try:
        if post.get("step"):
            step = get_or_404(PlanStep.objects.filter(plan=plan), post["step"])
            services.plan_step_update(step=step, by=request.user, **values)
        else:
            services.plan_step_add(plan=plan, by=request.user, **values)
    except (ValidationError, PermissionDenied) as error:
        _report(request, error)
    else:
        messages.success(request, _("预案已修订"))
    return redirect("emergency:plan_detail", pk=pk)


@require_POST
@staff_required
def plan_step_act(request, pk: int, step_pk: int, action: str):
    """Move a step up or down, or remove it."""
    plan = selectors.plan_get_for_user(request.user, pk)
    step = get_or_404(PlanStep.objects.filter(plan=plan), step_pk)
    try:
        if action == "remove":
            services.plan_step_remove(step=step, by=request.user)
        elif action in ("up", "down"):
            services.plan_step_move(step=step, by=request.user, direction=action)
        else:
            raise Http404
    except (ValidationError, PermissionDenied) as error:
        _report(request, error)
    return redirect("emergency:plan_detail", pk=pk)


urlpatterns: list = [
    path("plans/", plan_list, name="plan_list"),
    path("plans/adopt/", plan_adopt, name="plan_adopt"),
    path("plans/<int:pk>/", plan_detail, name="plan_detail"),
    path("plans/<int:pk>/steps/", plan_step_save, name="plan_step_save"),
    path("plans/<int:pk>/steps/<int:step_pk>/<str:action>/", plan_step_act, name="plan_step_act"),
]

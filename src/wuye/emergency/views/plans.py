"""Pages of response plans (应急预案): each kind's plan the current estate uses (its own, else
the company's, else the manual's), "采用手册预案" / an estate's own copy, and the editing of the
steps (add, change, move, remove; version bumped each time). Writes through ``services.plans``,
as the API does; a refused change shows the page again with the error next to the field and
what was typed kept."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from wuye.core.choices import DepartmentKind
from wuye.core.forms import add_service_errors
from wuye.core.scoping import get_or_404
from wuye.core.shortcuts import current_estate, staff_required
from wuye.core.shortcuts import render_local as render_in

from ..choices import IncidentKind
from ..models import PlanStep
from ..selectors import organisation as selectors
from ..services import plans as services
from ..services.plan_defaults import DEFAULT_PLANS

T = "emergency/plans/"


def _estate(request):
    estate = current_estate(request)
    if estate is None:
        raise Http404
    return estate


def _problems(error: Exception) -> list[str]:
    if isinstance(error, ValidationError):
        return [m for ms in error.message_dict.values() for m in ms]
    return [str(error)]


def _status(error: Exception) -> int:
    return 403 if isinstance(error, PermissionDenied) else 400


class PlanStepForm(forms.Form):
    """One step of a plan: added at the end, or changed."""

    title = forms.CharField(label=gettext_lazy("步骤"), max_length=60)
    department = forms.ChoiceField(
        label=gettext_lazy("责任部门"), required=False, choices=[("", "—"), *DepartmentKind.choices]
    )
    guidance = forms.CharField(
        label=gettext_lazy("操作要点"), max_length=1000, required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
    checklist = forms.CharField(
        label=gettext_lazy("确认事项（每行一项）"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip


def _step_form(step: PlanStep | None, data=None) -> PlanStepForm:
    """The form of a step (``auto_id`` keeps each one's ids apart on the page); bound to
    ``data`` when it is the one that was sent."""
    auto_id = f"s{step.pk}-%s" if step else "new-%s"
    if data is not None:
        return PlanStepForm(data, auto_id=auto_id)
    initial = {}
    if step is not None:
        initial = {"title": step.title, "department": step.department,
                   "guidance": step.guidance, "checklist": "\n".join(step.checklist)}  # fmt: skip
    return PlanStepForm(initial=initial, auto_id=auto_id)


def _list_page(request, estate, errors=(), status: int = 200):
    in_use = services.plans_in_use(estate)
    rows = [{"kind": kind, "label": label, "plan": in_use.get(kind),
             "default_name": DEFAULT_PLANS[kind]["name"]}
            for kind, label in IncidentKind.choices]  # fmt: skip
    context = {"estate": estate, "rows": rows, "errors": list(errors)}
    return render_in(request, T + "list.html", context, estate, status)


@require_GET
@staff_required
def plan_list(request):
    return _list_page(request, _estate(request))


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
        return _list_page(request, estate, _problems(error), _status(error))
    return redirect("emergency:plan_detail", pk=plan.pk)


def _detail_page(request, plan, *, sent: PlanStepForm | None = None, sent_step=None,
                 errors=(), status: int = 200):  # fmt: skip
    """The plan with a form per step and one to add a step; ``sent`` is the form that was sent
    back with its errors (``sent_step`` its step, None for a new one)."""
    estate = plan.estate or _estate(request)
    steps = []
    for step in plan.steps.order_by("order"):
        form = sent if sent is not None and sent_step == step.pk else _step_form(step)
        steps.append({"step": step, "form": form})
    context = {
        "plan": plan, "steps": steps, "errors": list(errors),
        "new_form": sent if sent is not None and sent_step is None else _step_form(None),
        "manual": services.manual_codes(plan.kind),
    }  # fmt: skip
    return render_in(request, T + "detail.html", context, estate, status)


@require_GET
@staff_required
def plan_detail(request, pk: int):
    return _detail_page(request, selectors.plan_get_for_user(request.user, pk))


@require_POST
@staff_required
def plan_step_save(request, pk: int):
    """Add a step (no ``step``) or change one."""
    plan = selectors.plan_get_for_user(request.user, pk)
    step = None
    if request.POST.get("step"):
        step = get_or_404(PlanStep.objects.filter(plan=plan), request.POST["step"])
    form = _step_form(step, request.POST)
    status = 400
    if form.is_valid():
        values = form.cleaned_data
        try:
            if step is not None:
                services.plan_step_update(step=step, by=request.user, **values)
            else:
                services.plan_step_add(plan=plan, by=request.user, **values)
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
            status = 403
        else:
            messages.success(request, _("预案已修订"))
            return redirect("emergency:plan_detail", pk=pk)
    plan.refresh_from_db()
    return _detail_page(request, plan, sent=form, sent_step=step.pk if step else None,
                        status=status)  # fmt: skip


@require_POST
@staff_required
def plan_step_act(request, pk: int, step_pk: int, action: str):
    """Move a step up or down, or remove it."""
    plan = selectors.plan_get_for_user(request.user, pk)
    step = get_or_404(PlanStep.objects.filter(plan=plan), step_pk)
    if action not in ("remove", "up", "down"):
        raise Http404
    try:
        if action == "remove":
            services.plan_step_remove(step=step, by=request.user)
        else:
            services.plan_step_move(step=step, by=request.user, direction=action)
    except (ValidationError, PermissionDenied) as error:
        return _detail_page(request, plan, errors=_problems(error), status=_status(error))
    return redirect("emergency:plan_detail", pk=pk)


urlpatterns: list = [
    path("plans/", plan_list, name="plan_list"),
    path("plans/adopt/", plan_adopt, name="plan_adopt"),
    path("plans/<int:pk>/", plan_detail, name="plan_detail"),
    path("plans/<int:pk>/steps/", plan_step_save, name="plan_step_save"),
    path("plans/<int:pk>/steps/<int:step_pk>/<str:action>/", plan_step_act, name="plan_step_act"),
]

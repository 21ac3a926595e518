"""Takeover on site: the checklist on a phone (TAKEOVER-05/12) and a defect's page with its
steps."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wuye.core.exceptions import Conflict
from wuye.core.forms import add_service_errors
from wuye.core.shortcuts import render_local as render_in
from wuye.handover.choices import TakeoverStatus
from wuye.handover.models import (
    CheckItem,
    CheckResult,
    CheckSystem,
)
from wuye.handover.processes import TAKEOVER, TAKEOVER_DEFECT
from wuye.handover.services import takeover as services
from wuye.handover.views.takeover import (
    DEFECT_ACTIONS,
    RESULT_BADGE,
    STATUS_BADGE,
    CheckForm,
    _clock_view,
    _error_message,
    _timeline,
    takeover_page,
)
from wuye.workflow.attachments import attachments_from_request
from wuye.workflow.services import allowed_actions


def _in_order(items) -> list[CheckItem]:
    """Building by building, the whole estate's items last (the phone walks them in order)."""
    return sorted(
        items.select_related("building"),
        key=lambda i: (i.building is None, i.building.sort if i.building else 0,
                       i.building_id or 0, i.sort, i.pk),
    )  # fmt: skip


@takeover_page
def checklist(request, pk: int):
    plan = services.takeover_plan_get_for_user(request.user, pk)
    items = _in_order(plan.items.all())
    groups: dict[str, list[CheckItem]] = {}
    for item in items:
        item.badge = RESULT_BADGE[item.result]
        groups.setdefault(item.building.name if item.building_id else _("全项目"), []).append(item)
    done = sum(1 for i in items if i.result != CheckResult.PENDING)
    context = {
        "plan": plan, "case": plan.case, "groups": groups, "done": done, "total": len(items),
        "status_label": TAKEOVER.state(plan.case.status).label,
        "checking": plan.case.status in (TakeoverStatus.INSPECTING, TakeoverStatus.RECTIFYING),
        "next_item": next((i for i in items if i.result == CheckResult.PENDING), None),
    }  # fmt: skip
    return render_in(request, "handover/takeover/checklist.html", context, plan.project.estate)


@takeover_page
def item_check(request, pk: int):
    item = services.check_item_get_for_user(request.user, pk)
    plan = item.plan
    form = CheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            attachments = attachments_from_request(request, plan.case)
            services.check_item_record(
                item=item, result=form.cleaned_data["result"], by=request.user,
                note=form.cleaned_data["note"], elevator_runs_ok=form.runs(),
                description=form.cleaned_data["description"],
                location=form.cleaned_data["location"], attachments=attachments,
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
            if "elevator_runs_ok" in exc.message_dict:
                form.add_error("run3", exc.message_dict["elevator_runs_ok"][0])
            if "photos" in exc.message_dict:
                form.photo_errors = exc.message_dict["photos"]
        except (Conflict, PermissionDenied) as exc:
            _error_message(request, exc)
            return redirect("handover:takeover_checklist", pk=plan.pk)
        else:
            label = CheckResult(form.cleaned_data["result"]).label
            messages.success(request, _("“%(name)s”已登记为%(result)s")
                             % {"name": item.name, "result": label})  # fmt: skip
            pending = _in_order(plan.items.filter(result=CheckResult.PENDING))
            following = pending[0] if pending else None
            if following is not None:
                return redirect("handover:takeover_item", pk=following.pk)
            return redirect("handover:takeover_checklist", pk=plan.pk)
    item.badge = RESULT_BADGE[item.result]
    context = {
        "item": item, "plan": plan, "case": plan.case, "form": form,
        "is_elevator": item.system == CheckSystem.ELEVATOR,
        "checking": plan.case.status in (TakeoverStatus.INSPECTING, TakeoverStatus.RECTIFYING),
        "photo_errors": getattr(form, "photo_errors", []),
        "defects": list(item.defects.select_related("case")),
    }  # fmt: skip
    status = 400 if request.method == "POST" else 200
    return render_in(request, "handover/takeover/item.html", context, plan.project.estate, status)


@takeover_page
def defect_detail(request, pk: int):
    defect = services.takeover_defect_get_for_user(request.user, pk)
    now = timezone.now()
    clocks = list(defect.case.clocks.order_by("started_at", "id"))
    for c in clocks:
        _clock_view(c, now)
    allowed = {a.name for a in allowed_actions(case=defect.case, user=request.user)}
    photos = list(defect.item.event.attachments.all()) if defect.item.event_id else []
    context = {
        "defect": defect, "case": defect.case, "plan": defect.plan, "clocks": clocks,
        "status_label": TAKEOVER_DEFECT.state(defect.case.status).label,
        "badge": STATUS_BADGE[defect.case.status], "photos": photos,
        "actions": [a for a in DEFECT_ACTIONS if a in allowed],
        "action_labels": {a.name: a.label for a in TAKEOVER_DEFECT.actions},
        "note_required": {a.name for a in TAKEOVER_DEFECT.actions if a.note_required},
        "events": _timeline(defect.case),
    }  # fmt: skip
    return render_in(request, "handover/takeover/defect.html", context, defect.plan.project.estate)


@require_POST
@takeover_page
def defect_act(request, pk: int, action: str):
    if action not in DEFECT_ACTIONS:
        raise Http404
    defect = services.takeover_defect_get_for_user(request.user, pk)
    try:
        attachments = attachments_from_request(request, defect.case)
        services.takeover_defect_act(defect=defect, action=action, by=request.user,
                                     note=request.POST.get("note", ""),
                                     attachments=attachments)  # fmt: skip
    except (ValidationError, Conflict, PermissionDenied) as exc:
        _error_message(request, exc)
    else:
        label = TAKEOVER_DEFECT.action(action).label
        messages.success(request, _("已%(action)s") % {"action": label})
    return redirect("handover:takeover_defect", pk=defect.pk)


urlpatterns = [
    path("handover/takeover/<int:pk>/checklist/", checklist, name="takeover_checklist"),
    path("handover/takeover/items/<int:pk>/", item_check, name="takeover_item"),
    path("handover/takeover/defects/<int:pk>/", defect_detail, name="takeover_defect"),
    path(
        "handover/takeover/defects/<int:pk>/act/<slug:action>/",
        defect_act,
        name="takeover_defect_act",
    ),
]

"""Rectification pages (CLEAN-15, GREEN-11): the estate's list, the assignee's own on their phone,
one rectification with its buttons, the re-check scoring, the cause analysis and its
timeline."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from wuye.base.pages import due_text, paginate, render_list
from wuye.core.exceptions import Conflict
from wuye.core.scoping import actor_for
from wuye.core.shortcuts import estate_page, estate_tz, render_local, staff_required
from wuye.workflow.attachments import attachments_from_request
from wuye.workflow.selectors import case_timeline_labelled
from wuye.workflow.services import allowed_actions

from ..choices import CauseKind, RectificationStatus
from ..selectors import rectifications as selectors
from ..services import inspections as inspection_services
from ..services import rectifications as services
from .inspections import answers_from_post


def _list(request, estate, mine: bool, template: str):
    status = request.GET.get("status", "")
    status = status if status in RectificationStatus.values else ""
    qs = selectors.rectification_list(
        actor=actor_for(request.user), estate_id=estate.pk, status=status, mine=mine
    )
    page = paginate(request, qs)
    now = timezone.now()
    for r in page.object_list:
        r.due = due_text(r.deadline, now) if r.closed_at is None else ""
        r.overdue = r.closed_at is None and r.deadline <= now
    context = {"estate": estate, "page": page, "status": status, "mine": mine,
               "statuses": RectificationStatus.choices}  # fmt: skip
    with timezone.override(estate_tz(estate)):
        return render_list(request, template, "environment/rectifications/results.html", context)


@require_GET
@estate_page
def rectification_list(request, estate):
    return _list(request, estate, False, "environment/rectifications/list.html")


@require_GET
@estate_page
def my_rectifications(request, estate):
    """The cleaner's or gardener's own rectifications, on their phone."""
    return _list(request, estate, True, "environment/rectifications/mine.html")


@staff_required
def rectification_detail(request, pk: int):
    rectification = selectors.rectification_get_for_user(request.user, pk)
    estate = rectification.estate
    actions = allowed_actions(case=rectification.case, user=request.user)
    context = {
        "r": rectification,
        "estate": estate,
        "actions": [a for a in actions if not a.name.startswith("recheck")],
        "recheck": any(a.name.startswith("recheck") for a in actions),
        "items": _form_items(rectification),
        "causes": CauseKind.choices,
        "needs_plan_change": services.rectification_needs_plan_change(rectification),
        "plan_link": services.plan_link(rectification),
        "timeline": case_timeline_labelled(rectification.case),
        "rechecks": rectification.rechecks.order_by("at"),
        "now": timezone.now(),
    }  # fmt: skip
    return render_local(request, "environment/rectifications/detail.html", context, estate)


def _form(rectification):
    return inspection_services.inspection_form(
        rectification.estate,
        inspection_services.CLEAN_KIND if rectification.zone_id
        else inspection_services.GREEN_KIND,
    )  # fmt: skip


def _form_items(rectification) -> list:
    form = _form(rectification)
    return list(form.items.order_by("position")) if form is not None else []


def _message(exc) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(
            m for ms in getattr(exc, "message_dict", {"": exc.messages}).values() for m in ms
        )
    return getattr(exc, "message", None) or str(exc)


@require_POST
@staff_required
def rectification_act(request, pk: int, action: str):
    rectification = selectors.rectification_get_for_user(request.user, pk)
    allowed = {a.name for a in allowed_actions(case=rectification.case, user=request.user)}
    if action not in allowed:
        messages.error(request, _("您现在不能执行这个操作"))
        return redirect("environment:rectification_detail", pk=pk)
    data = {}
    try:
        if action.startswith("recheck"):
            form = _form(rectification)
            if form is None:
                raise ValidationError({"checklist": [_("尚未设置检查记录表")]})
            data = {"answers": answers_from_post(request, form),
                    "cause_kind": request.POST.get("cause_kind", ""),
                    "cause": request.POST.get("cause", "")[:600]}  # fmt: skip
            attachments = []
        else:
            attachments = attachments_from_request(request, case=rectification.case)
        services.rectification_act(
            rectification=rectification, action=action, by=request.user,
            note=request.POST.get("note", "")[:2000], data=data,
            attachments=attachments or None,
        )  # fmt: skip
    except (ValidationError, Conflict, PermissionDenied) as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(request, _("已处理"))
    return redirect("environment:rectification_detail", pk=pk)


@require_POST
@staff_required
def rectification_cause(request, pk: int):
    """CLEAN-15: the department's cause analysis."""
    try:
        services.rectification_cause_set(
            rectification=pk, cause_kind=request.POST.get("cause_kind", ""),
            cause=request.POST.get("cause", "")[:600], by=request.user,
        )  # fmt: skip
    except (ValidationError, Conflict, PermissionDenied) as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(request, _("已记录原因分析"))
    return redirect("environment:rectification_detail", pk=pk)


urlpatterns = [
    path("rectifications/", rectification_list, name="rectification_list"),
    path("rectifications/mine/", my_rectifications, name="my_rectifications"),
    path("rectifications/<int:pk>/", rectification_detail, name="rectification_detail"),
    path("rectifications/<int:pk>/cause/", rectification_cause, name="rectification_cause"),
    path("rectifications/<int:pk>/<slug:action>/", rectification_act, name="rectification_act"),
]

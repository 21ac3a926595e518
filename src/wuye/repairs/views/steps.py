"""One POST for every step of a repair order, from the desk's page and from the technician's
phone: the step through ``services.repair_order_act``, then back to the page the form came from,
or that page again with the form's errors beside the fields."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import Resolver404, path, resolve
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from wuye.core.exceptions import Conflict
from wuye.core.forms import add_service_errors
from wuye.core.shortcuts import staff_required
from wuye.core.templatetags.wuye import person as _staff_name
from wuye.repairs import services
from wuye.repairs.forms.desk import action_form
from wuye.repairs.models import RepairOrder
from wuye.repairs.processes import REPAIR
from wuye.workflow.attachments import attachments_from_request

from .desk import WITH_ATTACHMENTS, get_order, next_url, render_detail
from .tech import render_tech_detail


def _came_from_tech(target: str) -> bool:
    try:
        return resolve(target.split("?", 1)[0]).view_name in (
            "repairs:tech_detail",
            "repairs:tech_home",
        )
    except Resolver404:
        return False


ACTION_NAMES = {a.name for a in REPAIR.actions if a.roles != frozenset({"system"})}


DONE_MESSAGES = {
    "grab": gettext_lazy("抢单成功，请尽快联系业主并接单"),
    "accept": gettext_lazy("已接单，请按时到达现场"),
    "arrive": gettext_lazy("已确认到达现场"),
    "complete": gettext_lazy("已提交完成，请邀请业主签字验收"),
    "sign_off": gettext_lazy("业主已签字验收"),
}


@require_POST
@staff_required
def order_act(request, pk: int, action: str):
    """One POST for every step, from the desk and from the technician's phone."""
    if action not in ACTION_NAMES:
        raise Http404
    order = get_order(request, pk)
    target = next_url(request, order)
    form = action_form(action, order, request.POST, request.FILES)
    if form.is_valid():
        try:
            attachments = (
                attachments_from_request(request, order.case)
                if action in WITH_ATTACHMENTS
                else None
            )
            services.repair_order_act(
                order=order, action=action, by=request.user, attachments=attachments,
                **form.service_args(),
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        except Conflict as exc:
            messages.error(request, _conflict_message(request, order, action, exc))
            return redirect(target)
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("您不能执行该操作"))
            return redirect(target)
        else:
            label = REPAIR.action(action).label
            messages.success(
                request, DONE_MESSAGES.get(action) or _("已%(action)s") % {"action": label}
            )
            if action == "grab":
                return redirect("repairs:tech_detail", pk=order.pk)
            return redirect(target)
    # Bad input: the same page again, the form keeping what was typed, errors beside the fields.
    order = get_order(request, pk)
    if _came_from_tech(target):
        return render_tech_detail(request, order, bound=form)
    return render_detail(request, order, bound=form)


def _conflict_message(request, order: RepairOrder, action: str, exc: Conflict) -> str:
    if action == "grab":
        order.case.refresh_from_db(fields=["assignee", "status"])
        if order.case.assignee_id == request.user.pk:
            return _("这张工单已经是您的了")
        if order.case.assignee_id is not None:
            return _("已被他人抢单：%(number)s 已由%(name)s接手") % {
                "number": order.case.number,
                "name": _staff_name(order.case.assignee),
            }
        return _("已被他人抢单")
    return getattr(exc, "message", None) or str(exc)


urlpatterns = [
    path("repairs/<int:pk>/act/<str:action>/", order_act, name="act"),
]

"""The generic case page: status and clocks on top, the actions this user may take, the timeline.

Domain apps (repairs, complaints…) will show their own details above the same partials."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wuye.core.exceptions import Conflict
from wuye.core.scoping import get_or_404
from wuye.web.shortcuts import staff_required

from . import selectors, services
from .engine import get_process


def _context(request, case) -> dict:
    process = get_process(case.process)
    return {
        "case": case,
        "process": process,
        "status_label": process.state(case.status).label,
        "clocks": list(case.clocks.all()),
        "actions": services.allowed_actions(case=case, user=request.user),
        "assignable": selectors.assignable_users(case),
        "events": _timeline(case),
    }


def _timeline(case) -> list:
    """The events with the labels of their action and states, as people read them."""
    process = get_process(case.process)
    events = list(selectors.case_timeline(case=case))
    for e in events:
        e.label = process.action_label(e.action)
        e.from_label = process.state_label(e.from_status) if e.from_status else ""
        e.to_label = process.state_label(e.to_status)
    return events


@staff_required
def case_detail(request, pk: int):
    case = selectors.case_get_for_user(request.user, pk)
    return render(request, "workflow/case_detail.html", _context(request, case))


@staff_required
def case_timeline(request, pk: int):
    case = selectors.case_get_for_user(request.user, pk)
    return render(
        request, "workflow/partials/timeline.html", {"case": case, "events": _timeline(case)}
    )


@require_POST
@staff_required
def case_action(request, pk: int, action: str):
    case = selectors.case_get_for_user(request.user, pk)
    assignee = None
    if request.POST.get("assignee"):
        assignee = get_or_404(selectors.assignable_users(case), request.POST["assignee"])
    try:
        services.case_act(
            case=case, action=action, by=request.user, note=request.POST.get("note", ""),
            assignee=assignee,
        )  # fmt: skip
    except (Conflict, PermissionDenied) as exc:
        messages.error(request, getattr(exc, "message", None) or str(exc))
    except ValidationError as exc:
        for field_errors in exc.message_dict.values():
            for message in field_errors:
                messages.error(request, message)
    else:
        messages.success(request, _("已记录"))
    return redirect("workflow:case_detail", pk=case.pk)

"""Obstruction pages (FIRE-14, VEHICLE-12): the open ones by next re-check, one obstruction with
its re-check buttons (a photo each), its timeline."""

from __future__ import annotations

from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from wuye.base.pages import due_text, paginate, render_list
from wuye.core.scoping import actor_for
from wuye.core.shortcuts import estate_page, estate_tz, render_local, staff_required
from wuye.workflow.selectors import case_timeline_labelled
from wuye.workflow.services import allowed_actions

from ..choices import ObstructionKind
from ..selectors import obstructions as selectors
from ..services import obstructions as services
from .guards_common import case_step


@require_GET
@estate_page
def obstruction_list(request, estate):
    show = request.GET.get("show", "open")
    kind = request.GET.get("kind", "")
    kind = kind if kind in ObstructionKind.values else ""
    qs = selectors.obstruction_list(
        actor=actor_for(request.user), estate_id=estate.pk, kind=kind, open_only=show != "all"
    )
    page = paginate(request, qs)
    now = timezone.now()
    for o in page.object_list:
        o.due = due_text(o.next_recheck_at, now) if o.next_recheck_at else ""
        o.overdue = bool(o.next_recheck_at and o.next_recheck_at <= now)
    context = {"estate": estate, "page": page, "show": show, "kind": kind,
               "kinds": ObstructionKind.choices}  # fmt: skip
    with timezone.override(estate_tz(estate)):
        return render_list(
            request, "security/guards/obstructions.html",
            "security/guards/obstruction_results.html", context,
        )  # fmt: skip


@staff_required
def obstruction_detail(request, pk: int):
    obstruction = selectors.obstruction_get_for_user(request.user, pk)
    context = {
        "obstruction": obstruction,
        "estate": obstruction.estate,
        "actions": allowed_actions(case=obstruction.case, user=request.user),
        "timeline": case_timeline_labelled(obstruction.case),
    }
    return render_local(
        request, "security/guards/obstruction_detail.html", context, obstruction.estate
    )


def _act(obstruction, **kwargs):
    return services.obstruction_act(obstruction=obstruction, **kwargs)


@require_POST
@staff_required
def obstruction_act(request, pk: int, action: str):
    obstruction = selectors.obstruction_get_for_user(request.user, pk)
    return case_step(request, obstruction, action, _act, "security:obstruction_detail")


urlpatterns = [
    path("obstructions/", obstruction_list, name="obstruction_list"),
    path("obstructions/<int:pk>/", obstruction_detail, name="obstruction_detail"),
    path("obstructions/<int:pk>/<slug:action>/", obstruction_act, name="obstruction_act"),
]

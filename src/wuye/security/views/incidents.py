"""Security incident pages (治安事件, GUARD-11): the list, one incident with its steps (question,
the 110 call, close) and its timeline."""

from __future__ import annotations

from django.urls import path
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET, require_POST

from wuye.base.pages import paginate, render_list
from wuye.core.scoping import actor_for
from wuye.core.shortcuts import estate_page, estate_tz, render_local, staff_required
from wuye.workflow.selectors import case_timeline_labelled
from wuye.workflow.services import allowed_actions

from ..selectors import incidents as selectors
from ..services import incidents as services
from .guards_common import case_step


@require_GET
@estate_page
def incident_list(request, estate):
    show = request.GET.get("show", "open")
    qs = selectors.incident_list(
        actor=actor_for(request.user), estate_id=estate.pk, open_only=show != "all"
    )
    context = {"estate": estate, "page": paginate(request, qs), "show": show}
    with timezone.override(estate_tz(estate)):
        return render_list(
            request, "security/guards/incidents.html", "security/guards/incident_results.html",
            context,
        )  # fmt: skip


@staff_required
def incident_detail(request, pk: int):
    incident = selectors.incident_get_for_user(request.user, pk)
    context = {
        "incident": incident,
        "estate": incident.estate,
        "actions": allowed_actions(case=incident.case, user=request.user),
        "timeline": case_timeline_labelled(incident.case),
        "now": timezone.now(),
    }
    return render_local(request, "security/guards/incident_detail.html", context, incident.estate)


def _act(incident, **kwargs):
    return services.incident_act(incident=incident, **kwargs)


@require_POST
@staff_required
def incident_act(request, pk: int, action: str):
    incident = selectors.incident_get_for_user(request.user, pk)
    data = None
    if action == "call_police":
        called = request.POST.get("called_at", "")[:20]
        called_at = None
        if called:
            try:
                called_at = parse_datetime(called)
            except ValueError:
                called_at = None
            if called_at is not None and timezone.is_naive(called_at):
                called_at = timezone.make_aware(called_at, estate_tz(incident.estate))
        data = {"called_at": called_at or "", "police_ref": request.POST.get("police_ref", "")}
    return case_step(request, incident, action, _act, "security:incident_detail", data)


urlpatterns = [
    path("incidents/", incident_list, name="incident_list"),
    path("incidents/<int:pk>/", incident_detail, name="incident_detail"),
    path("incidents/<int:pk>/<slug:action>/", incident_act, name="incident_act"),
]

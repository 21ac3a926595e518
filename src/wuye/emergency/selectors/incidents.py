"""Reads of incidents: the list a user may see with its filters (estate, kind, level, status,
drill or real, date range), newest first; one incident as a user may see it; what the live
page shows (pages and acknowledgements, steps, tasks, contacts, releases, follow-ups)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet
from django.http import Http404

from wuye.core.scoping import actor_for, scope_to_estates

from ..choices import IncidentKind, IncidentStatus, Level
from ..models import Incident
from .scope import as_actor, in_scope

__all__ = ["incident_get_for_user", "incident_list", "local_bounds"]

DRILL_FILTER = {"yes": True, "no": False}


def local_bounds(zone: ZoneInfo, since: dt.date | None, until: dt.date | None):
    start = dt.datetime.combine(since, dt.time.min, zone) if since else None
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, zone) if until else None
    return start, end


def incident_list(
    *,
    actor,
    estate_id: int | None = None,
    kind: str = "",
    level: int | str | None = None,
    status: str = "",
    drill: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
    q: str = "",
    zone: ZoneInfo | None = None,
) -> QuerySet[Incident]:
    """The incidents the actor may see (staff of their estates), newest first. ``drill``:
    "yes" only drills, "no" only real ones. Unknown filter values match nothing rather than
    everything."""
    actor = as_actor(actor)
    qs = scope_to_estates(Incident.objects.all(), actor).select_related("estate", "case")
    if estate_id is not None:
        qs = qs.filter(estate_id=estate_id)
    if kind:
        qs = qs.filter(kind=kind) if kind in IncidentKind.values else qs.none()
    if level not in (None, ""):
        try:
            value = int(level)
        except (TypeError, ValueError):
            value = 0
        qs = qs.filter(level=value) if value in Level.values else qs.none()
    if status:
        qs = qs.filter(case__status=status) if status in IncidentStatus.values else qs.none()
    if drill:
        qs = qs.filter(exercise=DRILL_FILTER[drill]) if drill in DRILL_FILTER else qs.none()
    start, end = local_bounds(zone or ZoneInfo("Asia/Shanghai"), since, until)
    if start:
        qs = qs.filter(reported_at__gte=start)
    if end:
        qs = qs.filter(reported_at__lt=end)
    if q:
        qs = qs.filter(Q(case__number__icontains=q) | Q(place__icontains=q)
                       | Q(case__title__icontains=q))  # fmt: skip
    return qs.order_by("-reported_at", "-pk")


def incident_get_for_user(user, pk) -> Incident:
    """One incident, for staff of its estate (and the contractor called to an entrapment);
    anyone else a 404."""
    actor = user if hasattr(user, "estate_ids") else actor_for(user)
    try:
        incident = Incident.objects.select_related("estate", "case", "fault", "plan").get(pk=pk)
    except (Incident.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    in_scope(actor, incident)
    return incident


def incident_live(incident: Incident) -> dict:
    """What the live page shows beside the case: pages, steps, tasks, contacts, releases,
    follow-ups, level changes, the report and the supplies drawn."""
    return {
        "pages": list(incident.pages.select_related("user__staff", "reminder")),
        "steps": list(incident.steps.select_related("done_by__staff").order_by("order")),
        "tasks": list(incident.tasks.select_related("assignee", "done_by__staff", "step")),
        "contacts": list(incident.contacts.select_related("by__staff")),
        "releases": list(incident.releases.select_related("by__staff")),
        "followups": list(incident.followups.select_related("room", "by__staff")),
        "level_changes": list(incident.level_changes.select_related("by__staff")),
        "report": getattr(incident, "report", None) if _has_report(incident) else None,
        "draws": list(incident.supply_movements.select_related("item", "by__staff")),
        "buildings": list(incident.buildings.order_by("name")),
    }


def _has_report(incident: Incident) -> bool:
    from ..models import IncidentReport

    return IncidentReport.objects.filter(incident=incident).exists()

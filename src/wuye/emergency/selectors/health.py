"""Reads of public-health events (EMERG-HEALTH): the events a user may see, one event's page
(closures, disinfection rounds, releases, protective-equipment confirmations, deliveries), the
deliveries a member of staff or a resident sees."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from wuye.core.scoping import Actor, actor_for, visible_rooms
from wuye.workflow.models import PlannedTask

from ..choices import DeliveryStatus, IncidentKind
from ..models import Closure, Delivery, Incident
from .closures import in_force_q

__all__ = [
    "closure_rounds",
    "closures_of",
    "closures_with_rounds",
    "deliveries_for",
    "health_event_get",
    "health_events",
]


def _actor(user) -> Actor:
    return user if isinstance(user, Actor) else actor_for(user)


def health_events(user, estate_id: int | None = None, status: str = "") -> QuerySet[Incident]:
    """The health events of the estates the user works in, newest first (staff only)."""
    actor = _actor(user)
    qs = Incident.objects.filter(kind=IncidentKind.HEALTH).select_related("case", "estate")
    if not actor.is_superuser:
        if actor.staff is None:
            return qs.none()
        qs = qs.filter(estate_id__in=actor.estate_ids)
    if estate_id is not None:
        qs = qs.filter(estate_id=estate_id)
    if status:
        qs = qs.filter(case__status=status)
    return qs.order_by("-reported_at", "-pk")


def health_event_get(user, pk: int) -> Incident:
    found = health_events(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def closures_of(incident: Incident) -> list[Closure]:
    now = timezone.now()
    running = set(
        Closure.objects.filter(in_force_q(now), incident=incident).values_list("pk", flat=True)
    )
    rows = list(
        incident.closures.select_related("building", "unit__building", "disinfection")
        .order_by("starts_at", "pk")
    )  # fmt: skip
    for row in rows:
        row.running = row.pk in running
    return rows


def closure_rounds(closure: Closure) -> QuerySet[PlannedTask]:
    """The disinfection rounds of a closure (done, missed, planned, cancelled)."""
    if closure.disinfection_id is None:
        return PlannedTask.objects.none()
    return PlannedTask.objects.filter(schedule_id=closure.disinfection_id).order_by(
        "scheduled_for", "pk"
    )


def closures_with_rounds(incident: Incident) -> list[Closure]:
    """``closures_of`` with each closure's disinfection rounds (``rounds``), in one query for
    all of them."""
    closures = closures_of(incident)
    rounds: dict[int, list[PlannedTask]] = {}
    schedules = [c.disinfection_id for c in closures if c.disinfection_id]
    for task in PlannedTask.objects.filter(schedule_id__in=schedules).order_by(
        "scheduled_for", "pk"
    ):
        rounds.setdefault(task.schedule_id, []).append(task)
    for closure in closures:
        closure.rounds = rounds.get(closure.disinfection_id, [])
    return closures


def deliveries_for(user, *, estate_id: int | None = None, status: str = "",
                   incident_id: int | None = None) -> QuerySet[Delivery]:  # fmt: skip
    """Staff: the deliveries of their estates; a resident: those of their rooms."""
    actor = _actor(user)
    qs = Delivery.objects.select_related("room__building", "room__unit", "assignee",
                                         "incident__case")  # fmt: skip
    if not actor.is_superuser:
        if actor.staff is not None:
            qs = qs.filter(room__estate_id__in=actor.estate_ids)
        elif actor.resident is not None:
            qs = qs.filter(room__in=visible_rooms(actor))
        else:
            return qs.none()
    if estate_id is not None:
        qs = qs.filter(room__estate_id=estate_id)
    if incident_id is not None:
        qs = qs.filter(incident_id=incident_id)
    if status in DeliveryStatus.values:
        qs = qs.filter(status=status)
    return qs.order_by("-requested_at", "-pk")

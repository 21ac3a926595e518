"""Reads of the process engine: scoped case lists and the case getter."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q, QuerySet

from wuye.core.scoping import Actor, actor_for, get_or_404, visible_estates

from .engine import get_process, processes
from .models import Case, Event, SlaClock


def case_list(
    *,
    actor: Actor,
    estate_id: int | None = None,
    process: str = "",
    status: str = "",
    mine: bool = False,
) -> QuerySet[Case]:
    """Staff see the cases of their estates; a resident the cases each process lets residents
    see (``Process.resident_cases``: their own reports); anyone else only cases assigned to
    them (a contractor's work)."""
    if actor.is_superuser:
        qs = Case.objects.all()
    elif actor.staff is not None:
        qs = Case.objects.filter(estate__in=visible_estates(actor))
    elif actor.resident is not None:
        qs = Case.objects.filter(resident_cases_q(actor))
    elif actor.user is not None and getattr(actor.user, "is_authenticated", False):
        qs = Case.objects.filter(assignee=actor.user)
    else:
        return Case.objects.none()
    if estate_id:
        qs = qs.filter(estate_id=estate_id)
    if process:
        qs = qs.filter(process=process)
    if status:
        qs = qs.filter(status=status)
    if mine:
        qs = qs.filter(assignee=actor.user)
    return qs.select_related("estate", "assignee").prefetch_related(
        Prefetch("clocks", queryset=SlaClock.objects.order_by("started_at", "id"))
    )


def resident_cases_q(actor: Actor) -> Q:
    """The cases a resident may see, over every process that shows residents any."""
    q = Q(pk__in=[])
    for process in processes():
        if process.resident_cases is not None:
            q |= Q(process=process.code) & process.resident_cases(actor)
    return q


def case_get_for_user(user, pk) -> Case:
    case = get_or_404(case_list(actor=actor_for(user)), pk)
    return case


def assignable_users(case: Case) -> QuerySet:
    """Who may be assigned a case: active staff of the case's estate."""
    return (
        get_user_model()
        .objects.filter(staff__estates=case.estate_id, staff__is_active=True)
        .select_related("staff")
        .order_by("staff__department__kind", "staff__name")
    )


def case_timeline(*, case: Case, actor: Actor | None = None) -> QuerySet[Event]:
    """The events of a case; for an ``actor`` who is not staff, without internal comments."""
    events = case.events.select_related("actor__staff", "actor__resident").order_by("at", "id")
    if actor is not None and actor.staff is None and not actor.is_superuser:
        events = events.exclude(action="comment", data__internal=True)
    return events


def overdue_q() -> Q:
    return Q(clocks__state="breached", clocks__stopped_at__isnull=True)


def counting_clocks_q(prefix: str = "") -> Q:
    """Clocks still counting: not stopped, not paused, not cancelled — running or already late
    (a breached clock keeps counting until the work is accepted). ``prefix``: the lookup path
    from the queried model to the clock, e.g. ``"case__clocks__"`` from a repair order."""
    return Q(**{f"{prefix}stopped_at__isnull": True, f"{prefix}state__in": ("running", "breached")})


def case_timeline_labelled(case) -> list:
    """The events with the labels of their action and states, as people read them."""
    process = get_process(case.process)
    events = list(case_timeline(case=case).prefetch_related("attachments"))
    for e in events:
        e.label = process.event_label(e)
        e.from_label = process.state_label(e.from_status) if e.from_status else ""
        e.to_label = process.state_label(e.to_status)
    return events

"""Reads of complaints: scoped lists, the ledger (《投诉处理台账》) and the getter."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db.models import Min, Prefetch, Q, QuerySet
from django.utils import timezone

from wuye.complaints.choices import Status
from wuye.complaints.models import Complaint
from wuye.core.models import Estate
from wuye.core.scoping import Actor, actor_for, get_or_404, visible_estates
from wuye.workflow.models import Event
from wuye.workflow.selectors import counting_clocks_q

OPEN_STATUSES = (Status.WAITING_ASSIGN, Status.HANDLING, Status.WAITING_APPROVAL,
                 Status.WAITING_REPLY, Status.REPLIED)  # fmt: skip


def complaint_list(
    *,
    actor: Actor,
    estate_id: int | None = None,
    status: str | list[str] = "",
    type: str = "",
    urgency: str = "",
    department: str = "",
    channel: str = "",
    received_from: dt.datetime | None = None,
    received_to: dt.datetime | None = None,
    open_only: bool = False,
    overdue: bool = False,
    major: bool = False,
    q: str = "",
) -> QuerySet[Complaint]:
    """Staff: their estates' complaints. A resident: the complaints they made. Nobody else.
    ``received_to`` is exclusive."""
    if actor.is_superuser:
        qs = Complaint.objects.all()
    elif actor.staff is not None:
        qs = Complaint.objects.filter(estate__in=visible_estates(actor))
    elif actor.resident is not None:
        qs = Complaint.objects.filter(Q(complainant=actor.resident) | Q(reported_by=actor.user))
    else:
        return Complaint.objects.none()
    if estate_id:
        qs = qs.filter(estate_id=estate_id)
    if status:
        qs = qs.filter(case__status__in=[status] if isinstance(status, str) else status)
    if open_only:
        qs = qs.filter(case__status__in=OPEN_STATUSES)
    if type:
        qs = qs.filter(type=type)
    if urgency:
        qs = qs.filter(urgency=urgency)
    if department:
        qs = qs.filter(department=department)
    if channel:
        qs = qs.filter(channel=channel)
    if received_from:
        qs = qs.filter(received_at__gte=received_from)
    if received_to:
        qs = qs.filter(received_at__lt=received_to)
    if overdue:
        qs = qs.filter(
            pk__in=Complaint.objects.filter(
                case__clocks__state="breached", case__clocks__stopped_at__isnull=True
            ).values("pk")
        )
    if major:
        qs = qs.filter(is_major=True)
    if q:
        qs = qs.filter(
            Q(case__number__icontains=q) | Q(content__icontains=q)
            | Q(contact_name__icontains=q) | Q(contact_phone__contains=q)
        )  # fmt: skip
    return qs.select_related("case__assignee__staff", "estate", "room__building", "room__unit")


def with_next_due(qs: QuerySet[Complaint]) -> QuerySet[Complaint]:
    """``next_due``: the earliest due time of the clocks still counting — running, or late and
    not yet met (an overdue clock keeps its due time, so the list says how late it is)."""
    return qs.annotate(
        next_due=Min("case__clocks__due_at", filter=counting_clocks_q("case__clocks__"))
    )


def complaint_get_for_user(user, pk) -> Complaint:
    return get_or_404(complaint_list(actor=actor_for(user)), pk)


def ledger(*, actor: Actor, estate_id: int, day: dt.date | None = None) -> list[Complaint]:
    """COMPLAINT-11 《投诉处理台账》: every open complaint of the estate with its owner, its
    clock and its progress of the day (``today_progress``: the latest progress note written on
    ``day`` in the estate's time zone, None when nobody wrote one — shown as not updated)."""
    qs = with_next_due(complaint_list(actor=actor, estate_id=estate_id, open_only=True))
    complaints = list(qs.order_by("next_due", "received_at"))
    if not complaints:
        return []
    tz = ZoneInfo(complaints[0].estate.time_zone)
    day = day or timezone.localdate(timezone=tz)
    start = dt.datetime.combine(day, dt.time.min, tz)
    end = start + dt.timedelta(days=1)
    notes: dict[int, Event] = {}
    for event in (
        Event.objects.filter(
            case_id__in=[c.case_id for c in complaints],
            action="progress",
            at__gte=start,
            at__lt=end,
        )
        .select_related("actor__staff")  # who wrote it, shown beside it
        .order_by("at", "id")
    ):
        notes[event.case_id] = event  # the day's latest
    for c in complaints:
        c.today_progress = notes.get(c.case_id)
    return complaints


def ledger_day(estate: Estate, day: dt.date | None = None) -> dt.date:
    """The ledger's day: the one asked for but never after today, by default today (in the
    estate's time zone)."""
    today = timezone.localdate(timezone=ZoneInfo(estate.time_zone or "Asia/Shanghai"))
    return today if day is None else min(day, today)


def timeline_for(complaint: Complaint, actor: Actor) -> list[Event]:
    """The events as this person may read them (residents: no internal comments)."""
    from wuye.workflow.selectors import case_timeline

    return list(case_timeline(case=complaint.case, actor=actor).prefetch_related(
        Prefetch("attachments")))  # fmt: skip

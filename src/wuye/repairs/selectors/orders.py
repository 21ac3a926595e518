"""Reads of repairs: scoped repair-order lists, the technician's queue and pool, the getter."""

from __future__ import annotations

import datetime as dt

from django.db.models import Case as When_
from django.db.models import F, IntegerField, Min, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from wuye.core.scoping import Actor, actor_for, get_or_404, visible_estates, visible_rooms
from wuye.repairs.choices import Status, Urgency
from wuye.repairs.models import PriceItem, RepairOrder
from wuye.workflow.models import Event
from wuye.workflow.selectors import counting_clocks_q

OPEN_STATUSES = (Status.WAITING_DISPATCH, Status.WAITING_ACCEPT, Status.IN_PROGRESS,
                 Status.WAITING_ACCEPTANCE, Status.WAITING_REVISIT)  # fmt: skip


def repair_order_list(
    *,
    actor: Actor,
    estate_id: int | None = None,
    status: str | list[str] = "",
    urgency: str = "",
    category: str = "",
    technician: int | None = None,
    building: int | None = None,
    reported_from: dt.datetime | None = None,
    reported_to: dt.datetime | None = None,
    open_only: bool = False,
    overdue: bool = False,
    repeat: bool = False,
    q: str = "",
) -> QuerySet[RepairOrder]:
    """Staff: their estates' orders. A resident: orders for the rooms they live in and the ones
    they reported themselves (a public area, say). Nobody else sees repair orders.

    Filters as the desk uses them; ``reported_to`` is exclusive. The work lists sort it with
    ``by_urgency``."""
    if actor.is_superuser:
        qs = RepairOrder.objects.all()
    elif actor.staff is not None:
        qs = RepairOrder.objects.filter(estate__in=visible_estates(actor))
    elif actor.resident is not None:
        qs = RepairOrder.objects.filter(
            Q(room__in=visible_rooms(actor)) | Q(reported_by=actor.user)
        )
    else:
        return RepairOrder.objects.none()
    if estate_id:
        qs = qs.filter(estate_id=estate_id)
    if status:
        qs = qs.filter(case__status__in=[status] if isinstance(status, str) else status)
    if open_only:
        qs = qs.filter(case__status__in=OPEN_STATUSES)
    if urgency:
        qs = qs.filter(urgency=urgency)
    if category:
        qs = qs.filter(category=category)
    if technician:
        qs = qs.filter(case__assignee_id=technician)
    if building:
        qs = qs.filter(Q(room__building_id=building) | Q(public_area__building_id=building))
    if reported_from:
        qs = qs.filter(reported_at__gte=reported_from)
    if reported_to:
        qs = qs.filter(reported_at__lt=reported_to)
    if overdue:
        qs = qs.filter(
            pk__in=RepairOrder.objects.filter(
                case__clocks__state="breached", case__clocks__stopped_at__isnull=True
            ).values("pk")
        )
    if repeat:
        qs = qs.filter(repeat_of__isnull=False)
    if q:
        qs = qs.filter(
            Q(case__number__icontains=q) | Q(description__icontains=q)
            | Q(contact_name__icontains=q) | Q(contact_phone__contains=q)
        )  # fmt: skip
    return qs.select_related(
        "case__assignee__staff", "estate", "room__building", "room__unit", "public_area"
    ).order_by("-reported_at", "-id")


def with_next_due(qs: QuerySet[RepairOrder]) -> QuerySet[RepairOrder]:
    """``next_due``: the earliest due time of a clock still counting — running, or breached and
    not stopped (a late clock keeps counting until the work is done: its due time is in the
    past, so the order is overdue); ``next_warn``: when the earliest running one warns."""
    return qs.annotate(
        next_due=Min("case__clocks__due_at", filter=counting_clocks_q("case__clocks__")),
        next_warn=Min("case__clocks__warn_at", filter=Q(case__clocks__state="running")),
    )


def by_urgency(qs: QuerySet[RepairOrder], now: dt.datetime | None = None) -> QuerySet:
    """The order of every work list (desk list, technician queue and pool): overdue first, the
    most overdue first; then emergencies; then the nearest due time; finished orders last
    (newest first). ``work_rank``: 0 overdue, 1 emergency, 2 other open, 3 finished."""
    now = now or timezone.now()
    return (
        with_next_due(qs)
        .annotate(
            work_rank=When_(
                When(~Q(case__status__in=OPEN_STATUSES), then=Value(3)),
                When(next_due__lt=now, then=Value(0)),
                When(urgency=Urgency.EMERGENCY, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("work_rank", F("next_due").asc(nulls_last=True), "-reported_at", "-id")
    )


def with_arrival(qs: QuerySet[RepairOrder]) -> QuerySet[RepairOrder]:
    """``last_assign_or_arrive``: the latest of the order's dispatch, grab, reassignment and
    arrival steps — "arrive" when the technician who has it now arrived (REPAIR-14/15), read by
    ``services.arrival_recorded`` without a query per order."""
    last = Event.objects.filter(
        case_id=OuterRef("case_id"), action__in=("dispatch", "grab", "reassign", "arrive")
    ).order_by("-at", "-id")
    return qs.annotate(last_assign_or_arrive=Subquery(last.values("action")[:1]))


def technician_queue(*, actor: Actor, now: dt.datetime | None = None) -> QuerySet[RepairOrder]:
    """My orders (待接单, 处理中, 待验收): overdue first, then emergencies, then the nearest due."""
    qs = repair_order_list(actor=actor).filter(
        case__assignee=actor.user,
        case__status__in=(Status.WAITING_ACCEPT, Status.IN_PROGRESS, Status.WAITING_ACCEPTANCE),
    )
    return by_urgency(qs, now)


def technician_pool(*, actor: Actor, now: dt.datetime | None = None) -> QuerySet[RepairOrder]:
    """Orders waiting for dispatch in the technician's estates, to grab (in the same order)."""
    return by_urgency(repair_order_list(actor=actor, status=Status.WAITING_DISPATCH), now)


def repair_order_get_for_user(user, pk) -> RepairOrder:
    return get_or_404(repair_order_list(actor=actor_for(user)), pk)


def price_list(*, estate_id: int, active_only: bool = True) -> QuerySet[PriceItem]:
    """The estate's published repair price list (收费标准, REPAIR-11)."""
    qs = PriceItem.objects.filter(estate_id=estate_id)
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("category", "name")


def comments_visible(events, *, actor: Actor):
    """The timeline as this person may read it: residents do not see internal comments."""
    if actor.staff is not None or actor.is_superuser:
        return list(events)
    return [e for e in events if not (e.action == "comment" and e.data.get("internal"))]

"""Reads of repairs: scoped repair-order lists and the getter."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from wuye.core.scoping import Actor, actor_for, get_or_404, visible_estates, visible_rooms

from .models import RepairOrder


def repair_order_list(
    *, actor: Actor, estate_id: int | None = None, status: str = "", urgency: str = ""
) -> QuerySet[RepairOrder]:
    """Staff: their estates' orders. A resident: orders for the rooms they live in and the ones
    they reported themselves (a public area, say). Nobody else sees repair orders yet."""
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
        qs = qs.filter(case__status=status)
    if urgency:
        qs = qs.filter(urgency=urgency)
    return qs.select_related("case", "room__building", "room__unit", "public_area").order_by(
        "-reported_at", "-id"
    )


def repair_order_get_for_user(user, pk) -> RepairOrder:
    return get_or_404(repair_order_list(actor=actor_for(user)), pk)

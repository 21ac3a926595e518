"""Reads of the organisation, plans and supplies: scoped to what a user may see."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db.models import F, Q, QuerySet
from django.http import Http404

from wuye.core.scoping import actor_for, get_or_404, scope_to_estates

from ..models import GroupMember, ResponsePlan, SupplyItem, SupplyMovement
from .incidents import local_bounds

__all__ = [
    "member_get_for_user",
    "movement_list",
    "plan_get_for_user",
    "plan_list",
    "supply_get_for_user",
    "supply_list",
]


def _actor(user):
    return user if hasattr(user, "estate_ids") else actor_for(user)


def supply_list(*, actor, estate_id: int | None = None, category: str = "", low: bool = False,
                active: bool | None = True, q: str = "") -> QuerySet[SupplyItem]:  # fmt: skip
    qs = scope_to_estates(SupplyItem.objects.all(), _actor(actor)).select_related("estate")
    if estate_id is not None:
        qs = qs.filter(estate_id=estate_id)
    if category:
        qs = qs.filter(category=category)
    if low:
        qs = qs.filter(quantity__lt=F("minimum"))
    if active is not None:
        qs = qs.filter(active=active)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(location__icontains=q))
    return qs.order_by("estate_id", "category", "name", "pk")


def supply_get_for_user(user, pk) -> SupplyItem:
    return get_or_404(supply_list(actor=_actor(user), active=None), pk)


def movement_list(*, actor, estate_id: int | None = None, item_id: int | None = None,
                  kind: str = "", since: dt.date | None = None, until: dt.date | None = None,
                  zone: ZoneInfo | None = None) -> QuerySet[SupplyMovement]:  # fmt: skip
    qs = scope_to_estates(SupplyMovement.objects.all(), _actor(actor), "item__estate")
    qs = qs.select_related("item__estate", "incident__case", "by__staff")
    if estate_id is not None:
        qs = qs.filter(item__estate_id=estate_id)
    if item_id is not None:
        qs = qs.filter(item_id=item_id)
    if kind:
        qs = qs.filter(kind=kind)
    start, end = local_bounds(zone or ZoneInfo("Asia/Shanghai"), since, until)
    if start:
        qs = qs.filter(at__gte=start)
    if end:
        qs = qs.filter(at__lt=end)
    return qs.order_by("-at", "-pk")


def plan_list(*, actor, estate_id: int | None = None) -> QuerySet[ResponsePlan]:
    """The company's plans and those of the estates the actor works in."""
    actor = _actor(actor)
    qs = ResponsePlan.objects.all() if actor.is_superuser else ResponsePlan.objects.filter(
        company_id=actor.company_id
    )  # fmt: skip
    if not actor.is_superuser:
        if actor.staff is None:
            return qs.none()
        qs = qs.filter(Q(estate__isnull=True) | Q(estate_id__in=actor.estate_ids))
    if estate_id is not None:
        qs = qs.filter(Q(estate__isnull=True) | Q(estate_id=estate_id))
    return qs.select_related("estate").order_by("kind", "estate_id", "pk")


def plan_get_for_user(user, pk) -> ResponsePlan:
    return get_or_404(plan_list(actor=_actor(user)), pk)


def member_get_for_user(user, pk) -> GroupMember:
    actor = _actor(user)
    try:
        member = GroupMember.objects.select_related("group", "staff").get(pk=pk)
    except (GroupMember.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    group = member.group
    if not actor.is_superuser and (
        actor.company_id != group.company_id
        or (group.estate_id is not None and group.estate_id not in actor.estate_ids)
    ):
        raise Http404
    return member

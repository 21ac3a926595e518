"""Reads of 《临时出入证》: the staff's list of an estate's passes, a resident's own pre-registered
passes, one pass (with its scans) as a user may see it."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from wuye.core.scoping import actor_for, get_or_404, scope_to_estates, visible_rooms

from ..models import PassScan, TemporaryPass


def pass_list(
    *,
    actor,
    estate_id: int | None = None,
    kind: str = "",
    active: bool | None = None,
    search: str = "",
    now: dt.datetime | None = None,
) -> QuerySet[TemporaryPass]:
    """Staff: their estates' passes. A resident: the passes they issued to rooms they live in.
    ``active``: not revoked and not past its period (entries may be used up)."""
    qs = TemporaryPass.objects.all()
    if actor.staff is None and not actor.is_superuser and actor.resident is not None:
        qs = qs.filter(issued_by=actor.user, room__in=visible_rooms(actor))
    else:
        qs = scope_to_estates(qs, actor)
    qs = qs.select_related("estate", "room__building", "room__unit", "decoration_permit")
    if estate_id is not None:
        qs = qs.filter(estate_id=estate_id)
    if kind:
        qs = qs.filter(kind=kind)
    now = now or timezone.now()
    if active is True:
        qs = qs.filter(revoked_at__isnull=True, valid_until__gte=now - dt.timedelta(minutes=1))
    elif active is False:
        qs = qs.filter(
            Q(revoked_at__isnull=False) | Q(valid_until__lt=now - dt.timedelta(minutes=1))
        )
    if search:
        search = search.strip()
        qs = qs.filter(
            Q(visitor_name__icontains=search)
            | Q(code=search.replace("-", "").upper())
            | Q(room__number=search)
        )
    return qs.order_by("-valid_from", "-id")


def pass_get_for_user(user, pk) -> TemporaryPass:
    return get_or_404(pass_list(actor=actor_for(user)), pk)


def pass_scans(temporary_pass: TemporaryPass) -> QuerySet[PassScan]:
    return temporary_pass.scans.select_related("guard").order_by("-scanned_at", "-id")


def scan_list(*, actor, estate_id: int | None = None) -> QuerySet[PassScan]:
    qs = scope_to_estates(PassScan.objects.all(), actor).select_related("temporary_pass", "guard")
    if estate_id is not None:
        qs = qs.filter(estate_id=estate_id)
    return qs.order_by("-scanned_at", "-id")

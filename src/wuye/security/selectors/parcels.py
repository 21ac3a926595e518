"""Reads of 代收快递: the gate's parcels waiting, one parcel as a user may see it."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from wuye.core.scoping import actor_for, get_or_404, scope_to_estates

from ..models import Parcel


def parcel_list(
    *, actor, estate_id: int | None = None, status: str = "", search: str = ""
) -> QuerySet[Parcel]:
    """The staff's parcels of their estates, the oldest waiting first."""
    qs = scope_to_estates(Parcel.objects.all(), actor).select_related(
        "estate", "room__building", "room__unit", "received_by"
    )
    if estate_id is not None:
        qs = qs.filter(estate_id=estate_id)
    if status:
        qs = qs.filter(status=status)
    if search:
        search = search.strip()
        qs = qs.filter(
            Q(tracking_no__icontains=search)
            | Q(room__number=search)
            | Q(recipient_name__icontains=search)
        )
    return qs.order_by("status", "received_at", "id")


def parcel_get_for_user(user, pk) -> Parcel:
    return get_or_404(parcel_list(actor=actor_for(user)), pk)

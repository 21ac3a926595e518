"""Small reads the pages need on top of wuye.core.selectors (occupants of rooms, rooms of a
resident). Each keeps a list page to a fixed number of queries."""

from __future__ import annotations

from django.db.models import F, Prefetch, QuerySet
from django.utils import timezone

from wuye.core.models import Occupancy, Resident, Room
from wuye.core.scoping import Actor, visible_estates


def current_occupancies() -> QuerySet[Occupancy]:
    return Occupancy.objects.filter(Occupancy.current_q()).select_related("resident")


def rooms_with_occupants(rooms: QuerySet[Room]) -> QuerySet[Room]:
    """Rooms with ``current_occupancies`` (residents joined) prefetched, in one more query."""
    return rooms.prefetch_related(
        Prefetch(
            "occupancies",
            queryset=current_occupancies().order_by("relation", "start_date"),
            to_attr="current_occupancies",
        )
    )


def room_occupancies(room: Room) -> tuple[list[Occupancy], list[Occupancy]]:
    """(current and future, past) occupancies of a room, latest first."""
    today = timezone.localdate()
    rows = list(
        room.occupancies.select_related("resident").order_by("-start_date", "relation", "pk")
    )
    current = [o for o in rows if o.end_date is None or o.end_date >= today]
    past = [o for o in rows if o.end_date is not None and o.end_date < today]
    return current, past


def resident_occupancies(resident: Resident, actor: Actor) -> QuerySet[Occupancy]:
    """A resident's rooms in the estates the actor may see, current first."""
    return (
        resident.occupancies.filter(estate__in=visible_estates(actor))
        .select_related("estate", "room__building", "room__unit")
        .order_by(F("end_date").desc(nulls_first=True), "-start_date")
    )

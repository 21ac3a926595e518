"""Reads of the core app: scoped lists and permission-checked getters."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from .models import (
    Building,
    Contractor,
    Estate,
    Occupancy,
    PublicArea,
    Resident,
    Room,
    Staff,
    Unit,
)
from .scoping import Actor, actor_for, get_or_404, scope_to_estates, visible_estates, visible_rooms


def estate_list(*, actor: Actor) -> QuerySet[Estate]:
    return visible_estates(actor).select_related("company")


def estate_get_for_user(user, pk) -> Estate:
    return get_or_404(estate_list(actor=actor_for(user)), pk)


def estate_overview(*, estate: Estate) -> dict:
    """Figures of the estate overview page: buildings, rooms, occupancy, staff."""
    rooms = Room.objects.filter(estate=estate)
    occupied = (
        Occupancy.objects.filter(Occupancy.current_q(), estate=estate)
        .values("room_id")
        .distinct()
        .count()
    )
    buildings = (
        Building.objects.filter(estate=estate)
        .annotate(
            room_count=Count("rooms", distinct=True), unit_count=Count("units", distinct=True)
        )
        .order_by("sort", "name")
    )
    total = rooms.count()
    by_department = (
        Staff.objects.filter(estates=estate, is_active=True)
        .values("department__kind")
        .annotate(n=Count("id"))
        .order_by("department__kind")
    )
    return {
        "building_count": len(buildings),
        "buildings": buildings,
        "room_count": total,
        "occupied_count": occupied,
        "occupancy_rate": (occupied / total) if total else 0.0,
        "resident_count": Resident.objects.filter(
            occupancies__in=Occupancy.objects.filter(Occupancy.current_q(), estate=estate)
        )
        .distinct()
        .count(),
        "public_area_count": PublicArea.objects.filter(estate=estate).count(),
        "parking_count": estate.parking_spaces.count(),
        "staff_count": Staff.objects.filter(estates=estate, is_active=True).count(),
        "staff_by_department": list(by_department),
    }


def building_list(*, actor: Actor, estate: Estate | None = None) -> QuerySet[Building]:
    qs = Building.objects.filter(estate__in=visible_estates(actor)).select_related("estate")
    if actor.staff is None and not actor.is_superuser:
        qs = qs.filter(rooms__in=visible_rooms(actor)).distinct()
    if estate is not None:
        qs = qs.filter(estate=estate)
    return qs


def building_get_for_user(user, pk) -> Building:
    return get_or_404(building_list(actor=actor_for(user)), pk)


def unit_list(*, actor: Actor, building: Building | None = None) -> QuerySet[Unit]:
    qs = Unit.objects.filter(estate__in=visible_estates(actor)).select_related("building")
    if actor.staff is None and not actor.is_superuser:
        qs = qs.filter(rooms__in=visible_rooms(actor)).distinct()
    return qs if building is None else qs.filter(building=building)


def unit_get_for_user(user, pk) -> Unit:
    return get_or_404(unit_list(actor=actor_for(user)), pk)


def room_occupants(*, room: Room) -> QuerySet[Occupancy]:
    return room.occupancies.filter(Occupancy.current_q()).select_related("resident")


def room_list(
    *,
    actor: Actor,
    estate: Estate | None = None,
    building_id: int | None = None,
    search: str = "",
) -> QuerySet[Room]:
    qs = visible_rooms(actor).select_related("estate", "building", "unit")
    if estate is not None:
        qs = qs.filter(estate=estate)
    if building_id:
        qs = qs.filter(building_id=building_id)
    if search:
        qs = qs.filter(room_search_q(search))
    return qs


def room_search_q(text: str) -> Q:
    """Look a room up the way the desk types it: "1-2-301", "1栋2单元301", "301"."""
    import re

    text = text.strip()
    parts = [p for p in re.split(r"[\s\-—/栋幢座单元室号]+", text) if p]
    if len(parts) == 3:
        b, u, n = parts
        return (
            Q(building__name__in=[b, f"{b}栋", f"{b}幢", f"{b}座"])
            & Q(unit__name__in=[u, f"{u}单元"])
            & Q(number=n)
        )
    if len(parts) == 2:
        b, n = parts
        return Q(building__name__in=[b, f"{b}栋", f"{b}幢", f"{b}座"]) & Q(number=n)
    return Q(number__icontains=text) | Q(building__name__icontains=text)


def room_get_for_user(user, pk) -> Room:
    return get_or_404(room_list(actor=actor_for(user)), pk)


def resident_list(
    *, actor: Actor, estate: Estate | None = None, search: str = ""
) -> QuerySet[Resident]:
    if actor.resident is not None and actor.staff is None and not actor.is_superuser:
        qs = Resident.objects.filter(pk=actor.resident.pk)
    elif actor.staff is None and not actor.is_superuser:
        return Resident.objects.none()
    else:
        occupancies = Occupancy.objects.filter(estate__in=visible_estates(actor))
        if estate is not None:
            occupancies = occupancies.filter(estate=estate)
        qs = Resident.objects.filter(pk__in=occupancies.values("resident_id"))
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(mobile__contains=search))
    current = Occupancy.objects.filter(Occupancy.current_q()).select_related(
        "room__building", "room__unit", "estate"
    )
    return qs.prefetch_related(
        Prefetch("occupancies", queryset=current, to_attr="current_occupancies")
    )


def resident_get_for_user(user, pk) -> Resident:
    return get_or_404(resident_list(actor=actor_for(user)), pk)


def staff_list(*, actor: Actor, estate: Estate | None = None, search: str = "") -> QuerySet[Staff]:
    if actor.is_superuser:
        qs = Staff.objects.all()
    elif actor.staff is None:
        return Staff.objects.none()
    else:
        qs = scope_to_estates(Staff.objects.all(), actor, field="estates").distinct()
        # Staff who belong to no estate (head office) are visible to their company's executives.
        if actor.role == "executive":
            qs = Staff.objects.filter(company_id=actor.company_id)
    if estate is not None:
        qs = qs.filter(estates=estate)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(employee_no__icontains=search))
    return qs.select_related("department", "position", "user").prefetch_related("estates")


def staff_get_for_user(user, pk) -> Staff:
    return get_or_404(staff_list(actor=actor_for(user)), pk)


def contractor_list(*, actor: Actor) -> QuerySet[Contractor]:
    if actor.contractor is not None and actor.staff is None:
        return Contractor.objects.filter(pk=actor.contractor.pk)
    if actor.is_superuser:
        return Contractor.objects.all()
    if actor.staff is None:
        return Contractor.objects.none()
    return Contractor.objects.filter(estates__in=visible_estates(actor)).distinct()


# --- Occupants of rooms and rooms of a resident, for the list pages ----------------------------


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


def residents_with_rooms_here(residents: Iterable[Resident], estate: Estate) -> list[Resident]:
    """Each resident's current rooms in this estate as ``rooms_here`` (``residents`` from
    ``resident_list``, which prefetches ``current_occupancies``), for the list and its export."""
    residents = list(residents)
    for resident in residents:
        resident.rooms_here = [o for o in resident.current_occupancies if o.estate_id == estate.pk]
    return residents


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


def find_rooms(estate: Estate, text: str, building: Building | None = None) -> QuerySet[Room]:
    """The estate's rooms matching what the desk typed ("1-2-301", "1栋2单元301室", "301")."""
    rooms = Room.objects.filter(estate=estate).select_related("building", "unit")
    if building is not None:
        rooms = rooms.filter(building=building)
    text = text.strip()
    return rooms.filter(room_search_q(text)) if text else rooms.none()


def room_owner(room: Room) -> Occupancy | None:
    """Whom to call about a room: its current owner, else anyone living there now."""
    from django.db.models import Case, IntegerField, Value, When

    return (
        Occupancy.objects.filter(Occupancy.current_q(), room=room)
        .select_related("resident")
        .annotate(
            owner_first=Case(
                When(relation="owner", then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("owner_first", "start_date", "pk")
        .first()
    )

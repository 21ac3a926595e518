"""The one scoping layer: what a user may see.

Every list and every getter of every app goes through these functions. Staff see only the estates
they are assigned to (executives: every estate of their company); a resident sees only the rooms
they currently occupy and what belongs to them; a contractor only work assigned to it. Anything
outside that is a 404, never a 403, so its existence does not leak.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.contrib.auth.models import AnonymousUser
from django.db.models import Model, QuerySet
from django.http import Http404

from .choices import PII_ROLES, ROSTER_WRITE_ROLES, STAFF_WRITE_ROLES, Role
from .models import Company, Estate, Occupancy, Room


@dataclass(frozen=True)
class Actor:
    """Who is acting: the user, the role, and the company and estates they work in."""

    user: object
    role: Role | None
    company_id: int | None
    staff: object | None = None
    resident: object | None = None
    contractor: object | None = None

    @property
    def is_superuser(self) -> bool:
        return bool(getattr(self.user, "is_superuser", False))

    @property
    def is_staff_member(self) -> bool:
        return self.staff is not None

    @cached_property
    def estate_ids(self) -> frozenset[int]:
        return frozenset(visible_estates(self).values_list("id", flat=True))

    def can_see_pii(self) -> bool:
        return self.is_superuser or self.role in PII_ROLES

    def can_write_roster(self, estate: Estate | int | None = None) -> bool:
        if self.is_superuser:
            return True
        if self.role not in ROSTER_WRITE_ROLES:
            return False
        if estate is None:
            return True
        return (estate if isinstance(estate, int) else estate.pk) in self.estate_ids

    def can_write_staff(self) -> bool:
        return self.is_superuser or self.role in STAFF_WRITE_ROLES


def actor_for(user) -> Actor:
    """Build the actor of a user once per request (cached on the user object)."""
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return Actor(user=user, role=None, company_id=None)
    cached = getattr(user, "_wuye_actor", None)
    if cached is not None:
        return cached
    staff = getattr(user, "staff", None) if hasattr(user, "staff") else None
    if staff is not None and not staff.is_active:
        staff = None
    resident = getattr(user, "resident", None) if hasattr(user, "resident") else None
    account = (
        getattr(user, "contractor_account", None) if hasattr(user, "contractor_account") else None
    )
    if staff is not None:
        actor = Actor(user=user, role=Role(staff.role), company_id=staff.company_id, staff=staff)
    elif resident is not None:
        actor = Actor(
            user=user, role=Role.RESIDENT, company_id=resident.company_id, resident=resident
        )
    elif account is not None:
        contractor = account.contractor
        actor = Actor(
            user=user, role=Role.CONTRACTOR, company_id=contractor.company_id, contractor=contractor
        )
    else:
        actor = Actor(user=user, role=None, company_id=None)
    user._wuye_actor = actor
    return actor


def visible_estates(actor: Actor) -> QuerySet[Estate]:
    if actor.is_superuser:
        return Estate.objects.all()
    if actor.staff is not None:
        if actor.role == Role.EXECUTIVE:
            return Estate.objects.filter(company_id=actor.company_id)
        return Estate.objects.filter(staff=actor.staff)
    if actor.resident is not None:
        return Estate.objects.filter(
            occupancies__in=Occupancy.objects.filter(Occupancy.current_q(), resident=actor.resident)
        ).distinct()
    if actor.contractor is not None:
        return Estate.objects.filter(contractors=actor.contractor)
    return Estate.objects.none()


def visible_rooms(actor: Actor) -> QuerySet[Room]:
    if actor.resident is not None and actor.staff is None and not actor.is_superuser:
        return Room.objects.filter(
            occupancies__in=Occupancy.objects.filter(Occupancy.current_q(), resident=actor.resident)
        ).distinct()
    if actor.contractor is not None and actor.staff is None and not actor.is_superuser:
        # A contractor works on assigned work orders, not on the roster.
        return Room.objects.none()
    return Room.objects.filter(estate__in=visible_estates(actor))


def scope_to_estates(qs: QuerySet, actor: Actor, field: str = "estate") -> QuerySet:
    """Limit any queryset of estate-owned rows to the estates the actor works in (staff only)."""
    if actor.is_superuser:
        return qs
    if actor.staff is None:
        return qs.none()
    return qs.filter(**{f"{field}__in": visible_estates(actor)})


def get_or_404(qs: QuerySet, pk) -> Model:
    try:
        return qs.get(pk=pk)
    except (qs.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def visible_companies(actor: Actor) -> QuerySet[Company]:
    if actor.is_superuser:
        return Company.objects.all()
    return Company.objects.filter(pk=actor.company_id)

"""Reads of fire drills: the scoped list, the getter, each estate's count this year against
FIRE-13's target of 1–2."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from wuye.core.models import Estate
from wuye.core.scoping import Actor, actor_for, get_or_404, visible_estates

from ..choices import DRILLS_PER_YEAR
from ..models import FireDrill


def drill_list(
    *, actor: Actor, estate_id: int | None = None, status: str = "", year: int | None = None,
    q: str = "",
) -> QuerySet[FireDrill]:  # fmt: skip
    if actor.is_superuser:
        qs = FireDrill.objects.all()
    elif actor.staff is not None:
        qs = FireDrill.objects.filter(estate__in=visible_estates(actor))
    else:
        return FireDrill.objects.none()
    if estate_id:
        qs = qs.filter(estate_id=estate_id)
    if status:
        qs = qs.filter(case__status=status)
    if year:
        qs = qs.filter(Q(held_on__year=year) | Q(held_on__isnull=True, planned_on__year=year))
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(scenario__icontains=q) | Q(case__number__icontains=q))
    return qs.select_related(
        "case", "estate", "organiser", "organiser__user", "incident__case"
    ).order_by("-planned_on", "-id")


def drill_get_for_user(user, pk) -> FireDrill:
    return get_or_404(drill_list(actor=actor_for(user)), pk)


@dataclass(frozen=True)
class DrillYear:
    """One estate's drills of a year against FIRE-13's 1–2."""

    estate: Estate
    year: int
    done: int
    planned: int
    target_min: int = DRILLS_PER_YEAR[0]
    target_max: int = DRILLS_PER_YEAR[1]

    @property
    def met(self) -> bool:
        return self.done >= self.target_min


def drill_year_summary(*, actor: Actor, year: int, estate_id: int | None = None) -> list[DrillYear]:
    """Per visible estate: drills done this year and still planned."""
    estates = visible_estates(actor)
    if estate_id:
        estates = estates.filter(pk=estate_id)
    estates = estates.annotate(
        done=Count("fire_drills", filter=Q(fire_drills__case__status="done",
                                           fire_drills__held_on__year=year)),
        planned=Count("fire_drills", filter=Q(fire_drills__case__status="planned",
                                              fire_drills__planned_on__year=year)),
    ).order_by("name")  # fmt: skip
    return [DrillYear(estate=e, year=year, done=e.done, planned=e.planned) for e in estates]

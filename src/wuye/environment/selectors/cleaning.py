"""Reads of the cleaning plan (《清洁卫生计划》): its lines and revisions, scoped."""

from __future__ import annotations

from django.db.models import QuerySet

from wuye.core.scoping import actor_for, get_or_404, scope_to_estates

from ..models import PlanLine, PlanRevision

__all__ = ["line_get_for_user", "lines_for_user", "revisions_for_user"]


def lines_for_user(user) -> QuerySet[PlanLine]:
    actor = actor_for(user)
    qs = PlanLine.objects.filter(zone__isnull=False).select_related(
        "estate", "zone", "schedule", "schedule__spec", "schedule__assignee__staff"
    )
    if actor.staff is None and not actor.is_superuser:
        return qs.none()
    return scope_to_estates(qs, actor).order_by("zone__kind", "zone__name", "work", "id")


def line_get_for_user(user, pk: int) -> PlanLine:
    return get_or_404(lines_for_user(user), pk)


def revisions_for_user(user) -> QuerySet[PlanRevision]:
    actor = actor_for(user)
    qs = PlanRevision.objects.filter(zone__isnull=False).select_related("zone", "line", "by")
    if actor.staff is None and not actor.is_superuser:
        return qs.none()
    return scope_to_estates(qs, actor)

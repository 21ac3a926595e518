"""Reads of checklist templates: the ones a user may see (the company's own, and those of the
estates they work in) and the one getter every page and endpoint goes through."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from wuye.core.scoping import Actor, actor_for, get_or_404

from ..models import Checklist


def checklist_list(
    *,
    actor: Actor,
    kind: str = "",
    estate: int | None = None,
    active: bool | None = None,
    q: str = "",
) -> QuerySet[Checklist]:
    """Templates staff may see: their company's company-wide ones and their estates' own.
    ``estate``: that estate's own and the company-wide ones (what it may use)."""
    qs = Checklist.objects.select_related("estate").annotate(n_items=Count("items"))
    if not actor.is_superuser:
        if actor.staff is None:
            return qs.none()
        qs = qs.filter(company_id=actor.company_id).filter(
            Q(estate__isnull=True) | Q(estate_id__in=actor.estate_ids)
        )
    if kind:
        qs = qs.filter(kind=kind)
    if estate is not None:
        qs = qs.filter(Q(estate__isnull=True) | Q(estate_id=estate))
    if active is not None:
        qs = qs.filter(active=active)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(source__icontains=q))
    return qs.order_by("-active", "kind", "name", "id")


def checklist_get_for_user(user, pk) -> Checklist:
    """The template if the user may see it, else a 404."""
    actor = actor_for(user)
    return get_or_404(checklist_list(actor=actor).prefetch_related("items"), pk)


def checklist_kinds(*, actor: Actor) -> list[str]:
    """The kinds in use (the list's filter)."""
    return sorted(set(checklist_list(actor=actor).values_list("kind", flat=True)))

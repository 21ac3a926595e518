"""Reads of 装修登记: an estate's decorations, one permit with its workers' passes."""

from __future__ import annotations

from django.db.models import QuerySet

from wuye.core.scoping import actor_for, get_or_404, scope_to_estates

from ..models import DecorationPermit


def decoration_permit_list(
    *, actor, estate_id: int | None = None, status: str = "", search: str = ""
) -> QuerySet[DecorationPermit]:
    qs = scope_to_estates(DecorationPermit.objects.all(), actor).select_related(
        "estate", "room__building", "room__unit"
    )
    if estate_id is not None:
        qs = qs.filter(estate_id=estate_id)
    if status:
        qs = qs.filter(status=status)
    if search:
        qs = qs.filter(company__icontains=search.strip())
    return qs.order_by("-starts_on", "-id")


def decoration_permit_get_for_user(user, pk) -> DecorationPermit:
    return get_or_404(decoration_permit_list(actor=actor_for(user)), pk)

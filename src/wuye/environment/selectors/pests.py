"""Reads of pest treatments (病虫害防治记录, GREEN-13/15): the scoped list with its filters, one
treatment, and what the record form offers (green areas, products a method may use, the open
pest-control tasks)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from wuye.core.scoping import actor_for, get_or_404, scope_to_estates
from wuye.workflow.models import PlannedTask, PlannedTaskStatus

from ..choices import PEST_WORK, ProductKind
from ..models import GreenArea, PestTreatment, Product

__all__ = [
    "open_pest_tasks",
    "treatment_get_for_user",
    "treatment_list",
    "treatment_products",
    "visible_green_areas",
]


def treatment_list(
    *,
    actor,
    estate_id: int | None = None,
    green_area_id: int | None = None,
    method: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
    zone=None,
    q: str = "",
) -> QuerySet[PestTreatment]:
    """The treatments the actor may see, newest first; ``since``/``until`` local dates."""
    qs = scope_to_estates(PestTreatment.objects.all(), actor).select_related(
        "estate", "green_area", "product", "product__store", "by", "by__staff"
    )
    if estate_id is not None:
        qs = qs.filter(estate_id=estate_id)
    if green_area_id is not None:
        qs = qs.filter(green_area_id=green_area_id)
    if method:
        qs = qs.filter(method=method)
    zone = zone or timezone.get_current_timezone()
    if since is not None:
        qs = qs.filter(at__gte=dt.datetime.combine(since, dt.time.min, zone))
    if until is not None:
        qs = qs.filter(at__lt=dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, zone))
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(pest__icontains=q) | Q(measure__icontains=q) | Q(reason__icontains=q))
    return qs.order_by("-at", "-id")


def treatment_get_for_user(user, pk) -> PestTreatment:
    actor = user if hasattr(user, "estate_ids") else actor_for(user)
    return get_or_404(treatment_list(actor=actor), pk)


def visible_green_areas(actor, estate_id: int | None = None) -> QuerySet[GreenArea]:
    qs = scope_to_estates(GreenArea.objects.filter(active=True), actor)
    if estate_id is not None:
        qs = qs.filter(estate_id=estate_id)
    return qs.order_by("name", "id")


def treatment_products(actor, estate_id: int) -> QuerySet[Product]:
    """What a treatment may draw: the estate's active pesticides and biological agents."""
    qs = scope_to_estates(Product.objects.all(), actor, "store__estate")
    return (
        qs.filter(
            store__estate_id=estate_id,
            store__active=True,
            active=True,
            kind__in=(ProductKind.PESTICIDE, ProductKind.BIOLOGICAL),
        )
        .select_related("store")
        .order_by("kind", "name", "id")
    )


def open_pest_tasks(actor, estate_id: int, green_area_id: int | None = None):
    """The open planned pest-control tasks (GREEN-06/07) of the estate, begun already."""
    qs = scope_to_estates(PlannedTask.objects.all(), actor).filter(
        estate_id=estate_id,
        status__in=(PlannedTaskStatus.PLANNED, PlannedTaskStatus.MISSED),
        scheduled_for__lte=timezone.now(),
        schedule__environment_line__work__in=PEST_WORK,
    )
    if green_area_id is not None:
        qs = qs.filter(schedule__environment_line__green_area_id=green_area_id)
    return qs.select_related("schedule").order_by("scheduled_for", "id")

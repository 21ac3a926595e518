"""Reads of the store: the stores a user may see with this month's check and an overdue flag,
one store (or product) as a user may see it, products with their below-minimum flag, the
movements ledger with its filters, the store checks, and ``products_below_minimum`` for the
environment head's board (CLEAN-11, CLEAN-17, GREEN-15)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from wuye.core.models import Estate
from wuye.core.scoping import actor_for, get_or_404, scope_to_estates
from wuye.workflow.models import PlannedTask, PlannedTaskStatus

from ..models import Product, StockMovement, Store, StoreCheck

__all__ = [
    "check_list",
    "movement_list",
    "product_get_for_user",
    "product_list",
    "products_below_minimum",
    "store_get_for_user",
    "store_list",
]


def _overdue(now: dt.datetime):
    """CLEAN-17: a month's check task past its due time and still not done."""
    return PlannedTask.objects.filter(
        schedule_id=OuterRef("check_schedule_id"),
        status__in=(PlannedTaskStatus.PLANNED, PlannedTaskStatus.MISSED),
        due_at__lt=now,
    )


def store_list(
    *, actor, estate_id: int | None = None, active: bool | None = True, now=None
) -> QuerySet[Store]:
    """The stores the actor may see, each with ``overdue`` (a month's check not done in time)
    and ``low`` (a product below its minimum)."""
    now = now or timezone.now()
    qs = scope_to_estates(Store.objects.all(), actor).select_related("estate", "keeper")
    if estate_id is not None:
        qs = qs.filter(estate_id=estate_id)
    if active is not None:
        qs = qs.filter(active=active)
    low = Product.objects.filter(store=OuterRef("pk"), active=True, stock__lt=F("minimum"))
    return qs.annotate(overdue=Exists(_overdue(now)), low=Exists(low)).order_by("name", "id")


def store_get_for_user(user, pk) -> Store:
    actor = user if hasattr(user, "estate_ids") else actor_for(user)
    if actor.staff is None and not actor.is_superuser:
        return get_or_404(Store.objects.none(), pk)
    return get_or_404(store_list(actor=actor, active=None), pk)


def _products(actor) -> QuerySet[Product]:
    return scope_to_estates(Product.objects.all(), actor, "store__estate").select_related(
        "store", "store__estate"
    )


def product_list(
    *,
    actor,
    estate_id: int | None = None,
    store_id: int | None = None,
    kind: str = "",
    low: bool = False,
    q: str = "",
    active: bool | None = True,
) -> QuerySet[Product]:
    """The products the actor may see; ``low``: only those below their minimum."""
    qs = _products(actor)
    if estate_id is not None:
        qs = qs.filter(store__estate_id=estate_id)
    if store_id is not None:
        qs = qs.filter(store_id=store_id)
    if kind:
        qs = qs.filter(kind=kind)
    if active is not None:
        qs = qs.filter(active=active)
    if low:
        qs = qs.filter(stock__lt=F("minimum"))
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(spec__icontains=q))
    return qs.order_by("store__name", "kind", "name", "id")


def product_get_for_user(user, pk) -> Product:
    actor = user if hasattr(user, "estate_ids") else actor_for(user)
    if actor.staff is None and not actor.is_superuser:
        return get_or_404(Product.objects.none(), pk)
    return get_or_404(_products(actor), pk)


def products_below_minimum(estate: Estate | int) -> QuerySet[Product]:
    """For the environment head's board: the estate's active products whose stock is below their
    minimum (库存低于最低库存), the furthest below first. Not scoped: the caller has the estate."""
    estate_id = estate if isinstance(estate, int) else estate.pk
    return (
        Product.objects.filter(
            store__estate_id=estate_id, store__active=True, active=True, stock__lt=F("minimum")
        )
        .select_related("store")
        .annotate(shortfall=F("minimum") - F("stock"))
        .order_by("-shortfall", "name", "id")
    )


def movement_list(
    *,
    actor,
    estate_id: int | None = None,
    store_id: int | None = None,
    product_id: int | None = None,
    kind: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
    zone=None,
    q: str = "",
) -> QuerySet[StockMovement]:
    """The movements ledger (出入库台账), newest first; ``since``/``until`` local dates."""
    qs = scope_to_estates(StockMovement.objects.all(), actor, "product__store__estate")
    qs = qs.select_related("product", "product__store", "by", "by__staff", "treatment")
    if estate_id is not None:
        qs = qs.filter(product__store__estate_id=estate_id)
    if store_id is not None:
        qs = qs.filter(product__store_id=store_id)
    if product_id is not None:
        qs = qs.filter(product_id=product_id)
    if kind:
        qs = qs.filter(kind=kind)
    zone = zone or timezone.get_current_timezone()
    if since is not None:
        qs = qs.filter(at__gte=dt.datetime.combine(since, dt.time.min, zone))
    if until is not None:
        qs = qs.filter(at__lt=dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, zone))
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(product__name__icontains=q) | Q(purpose__icontains=q))
    return qs.order_by("-at", "-id")


def check_list(*, actor, estate_id: int | None = None, store_id: int | None = None,
               passed: bool | None = None) -> QuerySet[StoreCheck]:  # fmt: skip
    """The monthly store checks, newest month first."""
    qs = scope_to_estates(StoreCheck.objects.all(), actor, "store__estate")
    qs = qs.select_related("store", "by", "by__staff", "photo")
    if estate_id is not None:
        qs = qs.filter(store__estate_id=estate_id)
    if store_id is not None:
        qs = qs.filter(store_id=store_id)
    if passed is not None:
        qs = qs.filter(passed=passed)
    return qs.order_by("-month", "store__name", "-id")

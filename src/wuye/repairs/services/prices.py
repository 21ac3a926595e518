"""The price list (收费标准, REPAIR-11): what a paid repair costs, set per estate."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from wuye.core.choices import DepartmentKind, Role
from wuye.core.models import Estate
from wuye.core.scoping import Actor
from wuye.core.validators import (
    exact_decimal,
)

from ..models import PriceItem
from .intake import _actor

# --- Price list (收费标准) ----------------------------------------------------------------------

PRICE_LIST_ROLES = frozenset({Role.DEPARTMENT_HEAD, Role.EXECUTIVE})


def check_price_list_write(actor: Actor, estate: Estate) -> None:
    if actor.is_superuser:
        return
    if estate.pk not in actor.estate_ids:
        raise Http404
    if actor.role not in PRICE_LIST_ROLES or (
        actor.role == Role.DEPARTMENT_HEAD
        and actor.staff.department.kind != DepartmentKind.ENGINEERING
    ):
        raise PermissionDenied(_("只有工程部主管或公司管理层可以维护收费标准"))


@transaction.atomic
def price_item_save(
    *,
    estate: Estate,
    name: str,
    category: str,
    unit: str,
    price,
    note: str = "",
    is_active: bool = True,
    item: PriceItem | None = None,
    by,
) -> PriceItem:
    """Add or change a line of the estate's published repair price list (REPAIR-11). A price
    change does not touch charges already recorded (they keep the price of their day)."""
    actor = _actor(by)
    check_price_list_write(actor, estate)
    if item is not None and item.estate_id != estate.pk:
        raise Http404
    item = item or PriceItem(estate=estate)
    # A price is refused with more than two decimal places, never rounded.
    price = exact_decimal(
        price, places=2, field="price", label=_("单价"), invalid=_("请填写正确的单价，如 35.00")
    )
    item.name, item.category, item.unit = name.strip(), category, (unit.strip() or "项")
    item.price, item.note, item.is_active = price, note.strip(), is_active
    item.full_clean(validate_constraints=False)
    if PriceItem.objects.filter(estate=estate, name=item.name).exclude(pk=item.pk).exists():
        raise ValidationError({"name": [_("本项目已有同名收费项目")]})
    item.save()
    return item

"""The store (物料存放点) and its products: cleaning products, disinfectants, pesticides,
biological agents, fertilisers and protective items, with their stock (CLEAN-11, CLEAN-17,
GREEN-15).

The rules, as decided for issue 17:

- CLEAN-17 (定点存放，避免儿童接触): every product is kept in a store, a fixed place of one estate.
  A store that is not locked, or not out of children's reach, may not hold disinfectants or
  pesticides (``SECURE_KINDS``): such a product is refused there, and a store holding one cannot
  be changed to unlocked or within reach. Each store gets a monthly check, planned with it
  (``processes.STORE_CHECK_KIND``, for its keeper, else the environment department's head); see
  ``services.store_checks``.
- CLEAN-11 / GREEN-15 (符合环保要求): a product that does not meet the environmental requirements
  (``eco_compliant=False``; protective items are not concerned) may be recorded in the store —
  received, or found in stock at a count — but it is never issued for use: its only way out is
  ``stock_out(dispose=True)``, a return to the supplier or a disposal (退回/报废) with its reason.
- Stock moves only through ``StockMovement`` rows (in, out, a count's adjustment), each with the
  balance after it, the product row locked (``select_for_update``) so two people drawing the
  last bottles at once cannot both get them; the stock never goes below zero.
- A product whose stock drops below its minimum (from at or above it) is announced once to the
  store's keeper and the environment department's heads; later draws while it stays below say
  nothing more, a stock-in above the minimum re-arms it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.choices import DepartmentKind, Role
from wuye.core.models import Estate, Staff
from wuye.core.scoping import Actor, actor_for
from wuye.core.shortcuts import estate_tz
from wuye.core.validators import check_model_text, exact_decimal
from wuye.fieldwork.services.tasks import plan_create, plan_deactivate, plan_update
from wuye.notify.services import message_enqueue
from wuye.workflow.calendar import due_at
from wuye.workflow.models import Frequency, PlannedTask, PlannedTaskStatus, Schedule

from ..choices import MovementKind, ProductKind
from ..models import Product, StockMovement, Store
from ..processes import ENVIRONMENT_LEADS, ENVIRONMENT_TEAM, STORE_CHECK_KIND

__all__ = [
    "CHECK_DUE_DAYS",
    "ECO_EXEMPT_KINDS",
    "SECURE_KINDS",
    "STOCK_ROLES",
    "STORE_WRITE_ROLES",
    "product_create",
    "product_update",
    "stock_adjust",
    "stock_in",
    "stock_out",
    "store_create",
    "store_update",
]

# CLEAN-17: who sets up stores and products (the department plans); who moves stock (the
# department and the cleaners and gardeners who draw products for their work).
STORE_WRITE_ROLES = ENVIRONMENT_LEADS
STOCK_ROLES = ENVIRONMENT_TEAM
# CLEAN-17: what only a locked store out of children's reach may hold.
SECURE_KINDS = frozenset({ProductKind.DISINFECTANT, ProductKind.PESTICIDE})
# CLEAN-11 / GREEN-15: gloves and masks are not "products that meet environmental requirements";
# every other kind is, and is issued only when it does.
ECO_EXEMPT_KINDS = frozenset({ProductKind.PROTECTIVE})
# The monthly check is planned on the 1st at 09:00 and due 27 days later (the 28th, 23:59:59):
# inside the month even in February.
CHECK_DUE_DAYS = 27
QUANTITY_MAX = Decimal("999999999.999")
PRODUCT_FIELDS = ("name", "kind", "spec", "unit", "eco_compliant", "compliance_note", "minimum",
                  "active")  # fmt: skip
STORE_FIELDS = ("name", "location", "keeper", "locked", "out_of_reach", "active")


def _actor(by) -> Actor:
    return by if isinstance(by, Actor) else actor_for(by)


def _user(actor: Actor):
    return actor.user if getattr(actor.user, "is_authenticated", False) else None


def in_estate(actor: Actor, estate_id: int) -> None:
    if not actor.is_superuser and (actor.staff is None or estate_id not in actor.estate_ids):
        raise Http404


def _check_writer(actor: Actor, estate_id: int) -> None:
    in_estate(actor, estate_id)
    if not actor.is_superuser and actor.role not in STORE_WRITE_ROLES:
        raise PermissionDenied(_("存放点和物料由环境管理部负责人登记"))


def _check_stock_role(actor: Actor, estate_id: int) -> None:
    in_estate(actor, estate_id)
    if not actor.is_superuser and actor.role not in STOCK_ROLES:
        raise PermissionDenied(_("只有环境管理部及保洁、绿化人员可以办理出入库"))


def _text(value, field: str, label: str, errors: dict, *, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors.setdefault(field, []).append(_("%(label)s格式不正确") % {"label": label})
        return ""
    value = value.strip()
    if required and not value:
        errors.setdefault(field, []).append(_("请填写%(label)s") % {"label": label})
    return value


def quantity_clean(value, field: str = "quantity", label: str | None = None,
                   *, allow_zero: bool = False) -> Decimal:  # fmt: skip
    """A quantity as typed: a number with at most 3 decimals, above zero (or zero when
    ``allow_zero``), below a billion."""
    label = label or _("数量")
    if value is None or value == "" or isinstance(value, bool):
        raise ValidationError({field: [_("请填写%(label)s") % {"label": label}]})
    number = exact_decimal(value, places=3, field=field, label=label)
    if number < 0 or (number == 0 and not allow_zero):
        message = _("%(label)s应大于 0") if not allow_zero else _("%(label)s不能为负数")
        raise ValidationError({field: [message % {"label": label}]})
    if number > QUANTITY_MAX:
        raise ValidationError({field: [_("%(label)s过大") % {"label": label}]})
    return number


def fmt_quantity(value: Decimal) -> str:
    """3.500 → "3.5", 12.000 → "12": how a person writes a quantity."""
    text = format(value.normalize(), "f")
    return text


# --- Stores -------------------------------------------------------------------------------------


def _keeper(estate: Estate, keeper, errors: dict) -> Staff | None:
    if keeper is None or keeper == "":
        return None
    if not isinstance(keeper, Staff) or not (
        keeper.company_id == estate.company_id
        and keeper.is_active
        and keeper.estates.filter(pk=estate.pk).exists()
    ):
        errors.setdefault("keeper", []).append(_("保管人须为本项目在职员工"))
        return None
    return keeper


def _check_secure(store: Store, kinds, errors: dict, field: str) -> None:
    """CLEAN-17: disinfectants and pesticides only in a locked store out of children's reach."""
    if store.locked and store.out_of_reach:
        return
    if set(kinds) & SECURE_KINDS:
        errors.setdefault(field, []).append(_("消毒剂、农药只能存放在加锁且儿童无法接触的存放点"))


def _month_bounds(estate: Estate, now: dt.datetime) -> tuple[dt.date, dt.datetime, dt.datetime]:
    zone = estate_tz(estate)
    month = now.astimezone(zone).date().replace(day=1)
    first = dt.datetime.combine(month, dt.time(9), zone)
    end = dt.datetime.combine(
        (month + dt.timedelta(days=32)).replace(day=1), dt.time.min, zone
    ) - dt.timedelta(seconds=1)
    return month, first, end


def _plan_check(store: Store, actor: Actor, now: dt.datetime) -> Schedule:
    """CLEAN-17: the store's monthly check, for its keeper (else the department's head). A store
    set up after this month's planned day still gets this month's check, due at the month's end
    (the engine plans only occurrences after a schedule exists)."""
    month, first, end = _month_bounds(store.estate, now)
    schedule = plan_create(
        estate=store.estate, name=_("存放点月检 %(name)s") % {"name": store.name},
        kind=STORE_CHECK_KIND, rule="CLEAN-17", frequency=Frequency.MONTHLY, day_of_month=1,
        anchor=month, due_amount=CHECK_DUE_DAYS, due_unit="days",
        **_assignee(store), department=DepartmentKind.ENVIRONMENT, by=actor,
    )  # fmt: skip
    if first <= now < end:
        due = due_at(first, CHECK_DUE_DAYS, "days", estate_tz(store.estate), store.estate_id)
        PlannedTask.objects.get_or_create(
            schedule=schedule, scheduled_for=first,
            defaults={"estate_id": store.estate_id, "due_at": due if due > now else end,
                      "status": PlannedTaskStatus.PLANNED},
        )  # fmt: skip
    return schedule


def _assignee(store: Store) -> dict:
    if store.keeper_id is not None:
        return {"assignee": store.keeper.user, "assignee_role": ""}
    return {"assignee": None, "assignee_role": Role.DEPARTMENT_HEAD}


@transaction.atomic
def store_create(
    *,
    estate: Estate,
    name: str,
    location: str,
    by,
    keeper: Staff | None = None,
    locked: bool = True,
    out_of_reach: bool = True,
    now: dt.datetime | None = None,
) -> Store:
    """登记存放点 (CLEAN-17: a fixed place) with its monthly check planned."""
    actor = _actor(by)
    _check_writer(actor, estate.pk)
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    name = _text(name, "name", _("名称"), errors, required=True)
    location = _text(location, "location", _("存放位置"), errors, required=True)
    check_model_text(Store, errors, name=name, location=location)
    keeper = _keeper(estate, keeper, errors)
    for field, value in (("locked", locked), ("out_of_reach", out_of_reach)):
        if not isinstance(value, bool):
            errors.setdefault(field, []).append(_("请选择是或否"))
    if name and Store.objects.filter(estate=estate, name=name).exists():
        errors.setdefault("name", []).append(_("本项目已有同名存放点"))
    if errors:
        raise ValidationError(errors)
    store = Store.objects.create(
        estate=estate, name=name, location=location, keeper=keeper, locked=locked,
        out_of_reach=out_of_reach, created_at=now,
    )  # fmt: skip
    store.check_schedule = _plan_check(store, actor, now)
    store.save(update_fields=["check_schedule"])
    return store


@transaction.atomic
def store_update(*, store: Store, by, **changes) -> Store:
    """Change a store (``STORE_FIELDS``). CLEAN-17: a store holding disinfectants or pesticides
    stays locked and out of reach; a store with stock cannot be stopped. A new keeper takes over
    the monthly check."""
    actor = _actor(by)
    _check_writer(actor, store.estate_id)
    unknown = set(changes) - set(STORE_FIELDS)
    if unknown:
        raise ValidationError({key: [_("不能修改此项")] for key in sorted(unknown)})
    store = Store.objects.select_for_update().select_related("estate").get(pk=store.pk)
    errors: dict[str, list[str]] = {}
    if "name" in changes:
        changes["name"] = _text(changes["name"], "name", _("名称"), errors, required=True)
        if Store.objects.filter(estate=store.estate, name=changes["name"]).exclude(
            pk=store.pk
        ).exists():  # fmt: skip
            errors.setdefault("name", []).append(_("本项目已有同名存放点"))
    if "location" in changes:
        changes["location"] = _text(changes["location"], "location", _("存放位置"), errors,
                                    required=True)  # fmt: skip
    check_model_text(Store, errors, **{k: changes[k] for k in ("name", "location") if k in changes})
    if "keeper" in changes:
        changes["keeper"] = _keeper(store.estate, changes["keeper"], errors)
    for field in ("locked", "out_of_reach", "active"):
        if field in changes and not isinstance(changes[field], bool):
            errors.setdefault(field, []).append(_("请选择是或否"))
    if errors:
        raise ValidationError(errors)
    old_keeper = store.keeper_id
    for key, value in changes.items():
        setattr(store, key, value)
    held = Product.objects.filter(store=store, active=True)
    kinds = set(held.values_list("kind", flat=True))
    field = "locked" if not store.locked else "out_of_reach"
    _check_secure(store, kinds, errors, field)
    if not store.active and held.filter(stock__gt=0).exists():
        errors.setdefault("active", []).append(_("存放点还有库存，请先出库或转移后再停用"))
    if errors:
        raise ValidationError(errors)
    store.save()
    if store.check_schedule_id is not None:
        if not store.active and store.check_schedule.active:
            plan_deactivate(schedule=store.check_schedule, by=actor)
        elif store.keeper_id != old_keeper and store.active:
            plan_update(schedule=store.check_schedule, by=actor, **_assignee(store))
    return store


# --- Products -----------------------------------------------------------------------------------


def _product_values(values: dict, errors: dict) -> dict:
    clean = dict(values)
    if "name" in clean:
        clean["name"] = _text(clean["name"], "name", _("名称"), errors, required=True)
    if "unit" in clean:
        clean["unit"] = _text(clean["unit"], "unit", _("单位"), errors, required=True)
    for key, label in (("spec", _("规格")), ("compliance_note", _("环保依据"))):
        if key in clean:
            clean[key] = _text(clean[key], key, label, errors)
    check_model_text(Product, errors, **{k: clean[k] for k in ("name", "unit", "spec",
                     "compliance_note") if k in clean})  # fmt: skip
    if "kind" in clean and clean["kind"] not in ProductKind.values:
        errors.setdefault("kind", []).append(_("请选择物料类别"))
    for key in ("eco_compliant", "active"):
        if key in clean and not isinstance(clean[key], bool):
            errors.setdefault(key, []).append(_("请选择是或否"))
    if "minimum" in clean:
        try:
            clean["minimum"] = quantity_clean(clean["minimum"] if clean["minimum"] is not None
                                              else 0, "minimum", _("最低库存"),
                                              allow_zero=True)  # fmt: skip
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                errors.setdefault(key, []).extend(messages)
    return clean


@transaction.atomic
def product_create(
    *,
    store: Store,
    name: str,
    kind: str,
    unit: str,
    by,
    spec: str = "",
    eco_compliant: bool = False,
    compliance_note: str = "",
    minimum=0,
    now: dt.datetime | None = None,
) -> Product:
    """登记物料 in a store, with no stock yet (stock comes in by ``stock_in``). CLEAN-17: no
    disinfectant or pesticide in a store that is unlocked or within children's reach."""
    actor = _actor(by)
    _check_writer(actor, store.estate_id)
    store = Store.objects.select_for_update().get(pk=store.pk)
    errors: dict[str, list[str]] = {}
    clean = _product_values(
        {"name": name, "kind": kind, "unit": unit, "spec": spec, "eco_compliant": eco_compliant,
         "compliance_note": compliance_note, "minimum": minimum}, errors,
    )  # fmt: skip
    if not store.active:
        errors.setdefault("store", []).append(_("存放点已停用"))
    _check_secure(store, [clean["kind"]], errors, "kind")
    if clean["name"] and Product.objects.filter(
        store=store, name=clean["name"], spec=clean["spec"]
    ).exists():  # fmt: skip
        errors.setdefault("name", []).append(_("该存放点已有同名同规格的物料"))
    if errors:
        raise ValidationError(errors)
    return Product.objects.create(store=store, created_at=now or timezone.now(), **clean)


@transaction.atomic
def product_update(*, product: Product, by, **changes) -> Product:
    """Change a product (``PRODUCT_FIELDS``); its store and its stock stay (stock moves only
    by movements)."""
    actor = _actor(by)
    _check_writer(actor, product.store.estate_id)
    unknown = set(changes) - set(PRODUCT_FIELDS)
    if unknown:
        raise ValidationError({key: [_("不能修改此项")] for key in sorted(unknown)})
    product = Product.objects.select_for_update().select_related("store").get(pk=product.pk)
    errors: dict[str, list[str]] = {}
    clean = _product_values(changes, errors)
    if errors:
        raise ValidationError(errors)
    for key, value in clean.items():
        setattr(product, key, value)
    _check_secure(product.store, [product.kind], errors, "kind")
    if Product.objects.filter(store=product.store, name=product.name, spec=product.spec).exclude(
        pk=product.pk
    ).exists():  # fmt: skip
        errors.setdefault("name", []).append(_("该存放点已有同名同规格的物料"))
    if errors:
        raise ValidationError(errors)
    product.save()
    return product


# --- Stock --------------------------------------------------------------------------------------


def issuable(product: Product) -> bool:
    """CLEAN-11 / GREEN-15: may the product be issued for use?"""
    return product.eco_compliant or product.kind in ECO_EXEMPT_KINDS


def _locked(product: Product, actor: Actor) -> Product:
    _check_stock_role(actor, product.store.estate_id)
    return (
        Product.objects.select_for_update(of=("self",))
        .select_related("store", "store__estate", "store__keeper__user")
        .get(pk=product.pk)
    )


def _write(product: Product, kind: str, delta: Decimal, purpose: str, actor: Actor,
           treatment=None) -> StockMovement:  # fmt: skip
    before = product.stock
    after = before + delta
    if after < 0:
        raise ValidationError({"quantity": [
            _("库存不足：%(name)s 现有 %(stock)s %(unit)s") % {
                "name": product, "stock": fmt_quantity(before), "unit": product.unit}
        ]})  # fmt: skip
    if actor.user is None or not getattr(actor.user, "is_authenticated", False):
        raise PermissionDenied(_("出入库须由员工办理"))
    product.stock = after
    product.save(update_fields=["stock"])
    movement = StockMovement.objects.create(
        product=product, kind=kind, quantity=delta, balance=after, purpose=purpose,
        treatment=treatment, by=actor.user, at=timezone.now(),
    )  # fmt: skip
    if product.minimum > 0 and before >= product.minimum > after:
        _announce_low(product, movement)
    return movement


def _purpose(value, errors: dict, *, required: bool, label: str, field: str = "purpose") -> str:
    text = _text(value, field, label, errors, required=required)
    check_model_text(StockMovement, errors, purpose=text)
    if field != "purpose" and "purpose" in errors:
        errors.setdefault(field, []).extend(errors.pop("purpose"))
    return text


@transaction.atomic
def stock_in(*, product: Product, quantity, by, purpose: str = "") -> StockMovement:
    """入库: ``quantity`` (> 0) received, ``purpose`` where it came from (supplier, delivery
    note). A product not meeting environmental requirements may be received and recorded
    (CLEAN-11 / GREEN-15), it just cannot be issued."""
    actor = _actor(by)
    product = _locked(product, actor)
    errors: dict[str, list[str]] = {}
    purpose = _purpose(purpose, errors, required=False, label=_("来源"))
    try:
        amount = quantity_clean(quantity)
    except ValidationError as error:
        errors.update(error.message_dict)
    _check_active(product, errors)
    if errors:
        raise ValidationError(errors)
    return _write(product, MovementKind.IN, amount, purpose, actor)


def _check_active(product: Product, errors: dict) -> None:
    if not product.active or not product.store.active:
        errors.setdefault("product", []).append(_("物料或存放点已停用"))


@transaction.atomic
def stock_out(
    *,
    product: Product,
    quantity,
    purpose: str,
    by,
    dispose: bool = False,
    treatment=None,
) -> StockMovement:
    """出库: ``quantity`` (> 0) drawn for ``purpose`` (required). Never below zero (the product
    row is locked: two people drawing the last bottles at once, one gets them). CLEAN-11 /
    GREEN-15: a product that does not meet environmental requirements is never issued for use —
    only returned or disposed of (``dispose=True``, 退回/报废, ``purpose`` the reason)."""
    actor = _actor(by)
    product = _locked(product, actor)
    errors: dict[str, list[str]] = {}
    label = _("退回/报废原因") if dispose else _("用途")
    purpose = _purpose(purpose, errors, required=True, label=label)
    try:
        amount = quantity_clean(quantity)
    except ValidationError as error:
        errors.update(error.message_dict)
    if not isinstance(dispose, bool):
        errors["dispose"] = [_("请选择是否退回/报废")]
    if not dispose and not issuable(product):
        # CLEAN-11 / GREEN-15
        errors.setdefault("product", []).append(
            _("%(name)s不符合环保要求，不得领用；只能退回或报废") % {"name": product}
        )
    if not dispose:
        _check_active(product, errors)
    if errors:
        raise ValidationError(errors)
    if dispose:
        purpose = (_("退回/报废：%(reason)s") % {"reason": purpose})[:200]
    return _write(product, MovementKind.OUT, -amount, purpose, actor, treatment)


@transaction.atomic
def stock_adjust(*, product: Product, counted, reason: str, by) -> StockMovement:
    """盘点调整: the stock counted in the store replaces the book's, with the reason of the
    difference (required). A count equal to the book is refused (nothing to adjust)."""
    actor = _actor(by)
    product = _locked(product, actor)
    errors: dict[str, list[str]] = {}
    reason = _purpose(reason, errors, required=True, label=_("盘点差异原因"), field="reason")
    try:
        amount = quantity_clean(counted, "counted", _("实盘数量"), allow_zero=True)
    except ValidationError as error:
        errors.update(error.message_dict)
        amount = None
    if amount is not None and amount == product.stock:
        errors.setdefault("counted", []).append(_("实盘数量与账面库存一致，无需调整"))
    if errors:
        raise ValidationError(errors)
    return _write(product, MovementKind.ADJUST, amount - product.stock,
                  _("盘点：%(reason)s") % {"reason": reason}, actor)  # fmt: skip


# --- Below the minimum --------------------------------------------------------------------------


def store_heads(estate_id: int, company_id: int) -> list:
    """The environment department's heads of the estate (users)."""
    return list(
        get_user_model().objects.filter(
            staff__company_id=company_id, staff__is_active=True, staff__estates=estate_id,
            staff__role=Role.DEPARTMENT_HEAD, staff__department__kind=DepartmentKind.ENVIRONMENT,
        ).distinct()
    )  # fmt: skip


def _announce_low(product: Product, movement: StockMovement) -> None:
    store = product.store
    users = store_heads(store.estate_id, store.estate.company_id)
    if store.keeper_id is not None and store.keeper.is_active:
        users.append(store.keeper.user)
    title = _("库存低于最低库存")
    body = _("%(store)s 的 %(name)s 现有 %(stock)s %(unit)s，低于最低库存 %(min)s %(unit)s，"
             "请及时采购补充。") % {
        "store": store.name, "name": product, "stock": fmt_quantity(product.stock),
        "unit": product.unit, "min": fmt_quantity(product.minimum),
    }  # fmt: skip
    url = reverse("environment:store_detail", args=[store.pk])
    for user in {u.pk: u for u in users}.values():
        message_enqueue(
            recipient=user, template="notice", context={"title": title, "body": body},
            estate=store.estate, ref=store.name, url=url,
            idempotency_key=f"store_low:{product.pk}:{movement.pk}",
        )  # fmt: skip

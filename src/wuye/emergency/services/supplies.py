"""Emergency supplies (应急物资, EMERG-03): each estate's stock kept by the logistics group.

- items with a minimum and an expiry; restock; a draw during an incident (the incident's
  ``draw`` event and a ``SupplyMovement`` in one transaction); every movement kept with the
  balance after it;
- the item row is locked (``select_for_update``) for every movement, so two people drawing the
  last units at once never take the stock below zero (the second is refused);
- a periodic count (``SupplyCheck``): counted, usable; a difference is booked as an
  adjustment. Its period is the estate's (``SupplySettings.check_every_days``, 30 days unless
  the estate sets 1 to 365: ``supply_settings_update``), since a count is of the whole stock;
- ``supply_sweep`` (a periodic job): an overdue check, items below their minimum or expiring
  within 30 days, told to the estate's logistics group once a day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.choices import DepartmentKind, Role
from wuye.core.models import Estate
from wuye.core.scoping import Actor
from wuye.notify.choices import Channel
from wuye.notify.services import message_enqueue

from ..choices import GroupKind, MovementKind, SupplyCategory
from ..models import Incident, SupplyCheck, SupplyItem, SupplyMovement, SupplySettings
from ..models.supplies import CHECK_EVERY_DAYS_DEFAULT, CHECK_EVERY_DAYS_MAX
from .common import as_actor, in_scope, lock_incident, precheck, record
from .groups import group_users

__all__ = [
    "CHECK_PERIOD_DAYS",
    "SupplyStatus",
    "check_period",
    "item_create",
    "item_update",
    "supply_check_record",
    "supply_draw",
    "supply_restock",
    "supply_settings_update",
    "supply_status",
    "supply_sweep",
]

CHECK_PERIOD_DAYS = CHECK_EVERY_DAYS_DEFAULT  # the count's period unless the estate sets one
EXPIRY_WARNING_DAYS = 30
QTY_MAX = 1_000_000
# Who keeps the stock: the logistics departments (EMERG-03), heads and executives.
KEEPER_DEPARTMENTS = frozenset({DepartmentKind.ADMINISTRATION, DepartmentKind.FINANCE})


def can_keep(actor: Actor) -> bool:
    if actor.is_superuser:
        return True
    if actor.staff is None:
        return False
    if actor.role in (Role.EXECUTIVE, Role.DEPARTMENT_HEAD):
        return True
    return getattr(actor.staff.department, "kind", "") in KEEPER_DEPARTMENTS


def _check_keeper(actor: Actor, estate_id: int) -> None:
    if not actor.is_superuser and (actor.staff is None or estate_id not in actor.estate_ids):
        raise Http404
    if not can_keep(actor):
        raise PermissionDenied(_("只有后勤保障人员、部门负责人或企业高层可以管理应急物资"))


def _quantity(value, errors: dict, name: str = "quantity", *, allow_zero=False) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            value = int(str(value))
        except (TypeError, ValueError):
            errors[name] = [_("请填写整数数量")]
            return 0
    low = 0 if allow_zero else 1
    if not low <= value <= QTY_MAX:
        errors[name] = [_("数量应在 %(low)d 至 %(high)d 之间") % {"low": low, "high": QTY_MAX}]
    return value


def _text(value, limit: int, name: str, errors: dict, *, required: bool = False) -> str:
    text = str(value or "").strip()
    if required and not text:
        errors[name] = [_("此项必填")]
    elif len(text) > limit:
        errors[name] = [_("不能超过 %(n)d 个字") % {"n": limit}]
    elif "\x00" in text:
        errors[name] = [_("不能包含空字符")]
    return text


def _item_values(values: dict, errors: dict) -> dict:
    clean: dict = {}
    if "category" in values:
        if values["category"] not in SupplyCategory.values:
            errors["category"] = [_("请选择类别")]
        clean["category"] = values["category"]
    for key, limit in (("name", 60), ("unit", 10), ("location", 60)):
        if key in values:
            clean[key] = _text(values[key], limit, key, errors, required=key != "location")
    if "minimum" in values:
        clean["minimum"] = _quantity(values["minimum"], errors, "minimum", allow_zero=True)
    if "expires_on" in values:
        expires = values["expires_on"]
        if expires is not None and not isinstance(expires, dt.date):
            errors["expires_on"] = [_("请填写有效期")]
        clean["expires_on"] = expires
    if "active" in values:
        clean["active"] = bool(values["active"])
    return clean


def _write(item: SupplyItem, kind: str, delta: int, actor: Actor, note: str,
           incident: Incident | None = None) -> SupplyMovement:  # fmt: skip
    SupplyItem.objects.filter(pk=item.pk).update(quantity=F("quantity") + delta)
    item.refresh_from_db(fields=["quantity"])
    if item.quantity < 0:  # the lock makes this impossible; the guard keeps it so
        raise ValidationError({"quantity": [_("库存不足")]})
    return SupplyMovement.objects.create(item=item, kind=kind, delta=delta, balance=item.quantity,
                                         incident=incident, at=timezone.now(), by=actor.user,
                                         note=note)  # fmt: skip


def _lock(item: SupplyItem | int) -> SupplyItem:
    pk = item.pk if isinstance(item, SupplyItem) else item
    try:
        return SupplyItem.objects.select_for_update().select_related("estate").get(pk=pk)
    except (SupplyItem.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


@transaction.atomic
def item_create(*, estate: Estate, by, category: str, name: str, unit: str, minimum: int = 0,
                location: str = "", expires_on: dt.date | None = None,
                quantity: int = 0) -> SupplyItem:  # fmt: skip
    """A new item of the estate's stock; an opening quantity is booked as a restock."""
    actor = as_actor(by)
    _check_keeper(actor, estate.pk)
    errors: dict[str, list[str]] = {}
    values = _item_values({"category": category, "name": name, "unit": unit, "minimum": minimum,
                           "location": location, "expires_on": expires_on}, errors)  # fmt: skip
    opening = _quantity(quantity, errors, allow_zero=True)
    if not errors and SupplyItem.objects.filter(estate=estate, name=values["name"]).exists():
        errors["name"] = [_("本项目已有同名物资")]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            item = SupplyItem.objects.create(estate=estate, quantity=0, **values)
    except IntegrityError:
        raise ValidationError({"name": [_("本项目已有同名物资")]}) from None
    if opening:
        _write(item, MovementKind.RESTOCK, opening, actor, _("初始库存"))
    return item


@transaction.atomic
def item_update(*, item: SupplyItem, by, **changes) -> SupplyItem:
    """Change the item's description (its quantity moves only by restock, draw and count)."""
    actor = as_actor(by)
    item = _lock(item)
    _check_keeper(actor, item.estate_id)
    errors: dict[str, list[str]] = {}
    values = _item_values(changes, errors)
    if (
        "name" in values
        and SupplyItem.objects.filter(estate_id=item.estate_id, name=values["name"])
        .exclude(pk=item.pk)
        .exists()
    ):
        errors["name"] = [_("本项目已有同名物资")]
    if errors:
        raise ValidationError(errors)
    for key, value in values.items():
        setattr(item, key, value)
    if values:
        item.save(update_fields=list(values))
    return item


@transaction.atomic
def supply_restock(*, item: SupplyItem | int, quantity: int, by, note: str = "",
                   expires_on: dt.date | None = None) -> SupplyMovement:  # fmt: skip
    """入库; a new batch may bring a new expiry date."""
    actor = as_actor(by)
    item = _lock(item)
    _check_keeper(actor, item.estate_id)
    errors: dict[str, list[str]] = {}
    quantity = _quantity(quantity, errors)
    note = _text(note, 200, "note", errors)
    if expires_on is not None and not isinstance(expires_on, dt.date):
        errors["expires_on"] = [_("请填写有效期")]
    if errors:
        raise ValidationError(errors)
    if expires_on is not None:
        item.expires_on = expires_on
        item.save(update_fields=["expires_on"])
    return _write(item, MovementKind.RESTOCK, quantity, actor, note)


@transaction.atomic
def supply_draw(*, item: SupplyItem | int, quantity: int, by, incident: Incident | int | None,
                note: str = "") -> SupplyMovement:  # fmt: skip
    """领用 during an incident (EMERG-03): anyone on duty for the incident may draw; the stock
    never goes below zero; the incident's ``draw`` event names the item and the quantity."""
    actor = as_actor(by)
    errors: dict[str, list[str]] = {}
    quantity = _quantity(quantity, errors)
    note = _text(note, 200, "note", errors)
    if incident is None:
        errors["incident"] = [_("请选择领用物资的事件")]
    if errors:
        raise ValidationError(errors)
    incident = lock_incident(incident)
    in_scope(actor, incident)
    precheck(actor, "draw", incident)
    item = _lock(item)
    if item.estate_id != incident.estate_id:
        raise ValidationError({"item": [_("请选择本项目的应急物资")]})
    if not item.active:
        raise ValidationError({"item": [_("该物资已停用")]})
    if item.quantity < quantity:
        raise ValidationError(
            {"quantity": [_("库存不足：%(name)s 仅剩 %(n)d %(unit)s")
                          % {"name": item.name, "n": item.quantity, "unit": item.unit}]}
        )  # fmt: skip
    movement = _write(item, MovementKind.DRAW, -quantity, actor, note, incident=incident)
    record(incident, action="draw", actor=actor, note=note or f"{item.name} × {quantity}",
           data={"item": item.pk, "name": item.name, "quantity": quantity,
                 "movement": movement.pk})  # fmt: skip
    return movement


@transaction.atomic
def supply_check_record(*, estate: Estate, by, lines: list[dict],
                        note: str = "") -> SupplyCheck:  # fmt: skip
    """A count of the estate's stock: each active item counted (``{"item", "counted",
    "usable", "note"}``); a counted quantity that differs from the book is booked as an
    adjustment; an unusable item or a difference is a problem."""
    actor = as_actor(by)
    _check_keeper(actor, estate.pk)
    items = {i.pk: i for i in SupplyItem.objects.select_for_update().filter(estate=estate,
                                                                          active=True)}  # fmt: skip
    errors: dict[str, list[str]] = {}
    given: dict[int, dict] = {}
    for line in lines or []:
        try:
            pk = int(line.get("item"))
        except (TypeError, ValueError, AttributeError):
            errors["lines"] = [_("检查明细有误")]
            break
        if pk not in items:
            errors["lines"] = [_("请选择本项目在用的应急物资")]
            break
        counted = _quantity(line.get("counted"), errors, "lines", allow_zero=True)
        given[pk] = {"counted": counted, "usable": bool(line.get("usable", True)),
                     "note": _text(line.get("note"), 200, "lines", errors)}  # fmt: skip
    if not errors and set(given) != set(items):
        errors["lines"] = [_("请逐项清点全部在用物资")]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    rows, problems = [], 0
    for pk, item in items.items():
        line = given[pk]
        expected = item.quantity
        if line["counted"] != expected:
            _write(
                item,
                MovementKind.ADJUST,
                line["counted"] - expected,
                actor,
                _("盘点调整：账面 %(a)d，实盘 %(b)d") % {"a": expected, "b": line["counted"]},
            )
        bad = line["counted"] != expected or not line["usable"]
        problems += bad
        rows.append({"item": pk, "name": item.name, "expected": expected,
                     "counted": line["counted"], "usable": line["usable"],
                     "note": line["note"]})  # fmt: skip
    return SupplyCheck.objects.create(estate=estate, at=now, by=actor.user, lines=rows,
                                      problems=problems)  # fmt: skip


def check_period(estate: Estate) -> int:
    """How many days the estate's stock may go uncounted (its setting, else 30)."""
    try:
        return estate.emergency_supply_settings.check_every_days
    except ObjectDoesNotExist:
        return CHECK_PERIOD_DAYS


@transaction.atomic
def supply_settings_update(*, estate: Estate, by, check_every_days: int) -> SupplySettings:
    """The estate's count period: a whole number of days, 1 to 365 (the stock keepers)."""
    actor = as_actor(by)
    _check_keeper(actor, estate.pk)
    days = check_every_days
    if isinstance(days, str) and days.strip().isdigit():
        days = int(days.strip())
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= CHECK_EVERY_DAYS_MAX:
        raise ValidationError(
            {"check_every_days": [_("盘点周期应为 1 至 %(n)d 天") % {"n": CHECK_EVERY_DAYS_MAX}]}
        )
    saved, _created = SupplySettings.objects.update_or_create(
        estate=estate, defaults={"check_every_days": days}
    )
    estate.emergency_supply_settings = saved
    return saved


@dataclass
class SupplyStatus:
    estate: Estate
    last_check: SupplyCheck | None
    check_due_at: dt.datetime | None
    check_overdue: bool
    period_days: int = CHECK_PERIOD_DAYS
    low: list = field(default_factory=list)
    expiring: list = field(default_factory=list)
    expired: list = field(default_factory=list)

    @property
    def problems(self) -> bool:
        return bool(self.check_overdue or self.low or self.expiring or self.expired)


def supply_status(estate: Estate, *, now: dt.datetime | None = None,
                  period_days: int | None = None) -> SupplyStatus:  # fmt: skip
    """The estate's stock as the logistics group must see it: the last count and whether the
    next is overdue (none within ``period_days``: the estate's count period), items below
    their minimum, expiring within 30 days, or expired (dates local to the estate)."""
    now = now or timezone.now()
    period_days = period_days or check_period(estate)
    today = timezone.localtime(now, ZoneInfo(estate.time_zone)).date()
    items = list(SupplyItem.objects.filter(estate=estate, active=True).order_by("name"))
    last = SupplyCheck.objects.filter(estate=estate).order_by("-at").first()
    due = last.at + dt.timedelta(days=period_days) if last else None
    overdue = bool(items) and (due is None or due < now)
    soon = today + dt.timedelta(days=EXPIRY_WARNING_DAYS)
    return SupplyStatus(
        estate=estate, last_check=last, check_due_at=due, check_overdue=overdue,
        period_days=period_days, low=[i for i in items if i.quantity < i.minimum],
        expiring=[i for i in items if i.expires_on and today <= i.expires_on <= soon],
        expired=[i for i in items if i.expires_on and i.expires_on < today],
    )  # fmt: skip


def supply_alert_text(status: SupplyStatus) -> str:
    parts = []
    if status.check_overdue:
        parts.append(_("应急物资超过 %(n)d 天未盘点") % {"n": status.period_days})
    if status.low:
        parts.append(
            _("低于最低库存：%(items)s")
            % {
                "items": "、".join(
                    f"{i.name}（{i.quantity}/{i.minimum}{i.unit}）" for i in status.low
                )
            }
        )
    if status.expiring:
        parts.append(
            _("即将过期：%(items)s")
            % {"items": "、".join(f"{i.name}（{i.expires_on:%Y-%m-%d}）" for i in status.expiring)}
        )
    if status.expired:
        parts.append(
            _("已过期：%(items)s")
            % {"items": "、".join(f"{i.name}（{i.expires_on:%Y-%m-%d}）" for i in status.expired)}
        )
    return "；".join(parts)  # fmt: skip


def supply_sweep(*, now: dt.datetime | None = None) -> int:
    """The periodic job: every estate with stock whose check is overdue or with items low,
    expiring or expired, its logistics group told by inbox, once per estate and day (the
    message's idempotency key), so any number of workers may run it. Returns the estates
    told."""
    from django.urls import reverse

    now = now or timezone.now()
    told = 0
    estate_ids = SupplyItem.objects.filter(active=True).values_list("estate_id", flat=True)
    estates = Estate.objects.filter(pk__in=estate_ids.distinct()).select_related(
        "emergency_supply_settings"
    )
    for estate in estates:
        status = supply_status(estate, now=now)
        if not status.problems:
            continue
        text = supply_alert_text(status)
        day = timezone.localtime(now, ZoneInfo(estate.time_zone)).date().isoformat()
        with transaction.atomic():
            for user in group_users(estate, GroupKind.LOGISTICS):
                message_enqueue(
                    recipient=user, template="notice", channels=[Channel.INBOX], estate=estate,
                    context={"title": _("应急物资提醒：%(estate)s") % {"estate": estate.name},
                             "body": text},
                    url=reverse("emergency:supply_list") + f"?estate={estate.pk}",
                    idempotency_key=f"emergency:supplies:{estate.pk}:{day}",
                )  # fmt: skip
        told += 1
    return told

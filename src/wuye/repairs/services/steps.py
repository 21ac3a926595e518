"""The steps of a repair order: each action's inputs checked, then taken through the engine with
the manual's rules (REPAIR-05..12)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from wuye.core.choices import DepartmentKind, Role
from wuye.core.exceptions import Conflict
from wuye.core.scoping import Actor, get_or_404
from wuye.core.validators import (
    check_max_chars,
    exact_decimal,
)
from wuye.workflow import services as engine

from ..choices import Acceptance, Category, RepeatCause, RevisitSource, Status, Urgency
from ..models import PriceItem, RepairCharge, RepairMaterial, RepairOrder, RepairSettings
from ..processes import FOLLOW_UP, REPAIR
from .common import ASSIGNING_ACTIONS, CENT
from .intake import _actor, _notify

# --- Checking an action's inputs ---------------------------------------------------------------


def _score(data: dict, key: str, errors: dict, *, required: bool) -> int | None:
    value = data.get(key)
    if value in (None, ""):
        if required:
            errors[key] = [_("请评分（1～5 分）")]
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if not 1 <= number <= 5:
        errors[key] = [_("评分应为 1～5 分")]
        return None
    return number


def _quantity(value, errors: dict, key: str) -> Decimal | None:
    """A quantity as typed: two decimal places at most, refused (not rounded) beyond."""
    try:
        number = exact_decimal(
            value, places=2, field=key, label=_("数量"), invalid=_("数量应在 0.01～9999 之间")
        )
    except ValidationError as e:
        errors[key] = e.message_dict[key]
        return None
    if not Decimal("0.01") <= number <= Decimal("9999"):
        errors[key] = [_("数量应在 0.01～9999 之间")]
        return None
    return number


def _clean_materials(raw, errors: dict) -> list[dict]:
    if raw in (None, ""):
        return []
    if not isinstance(raw, list):
        errors["materials"] = [_("用料格式不正确")]
        return []
    lines = []
    for line in raw:
        if not isinstance(line, dict) or not str(line.get("name", "")).strip():
            errors["materials"] = [_("请填写材料名称")]
            return []
        name, unit = str(line["name"]).strip(), str(line.get("unit") or "个").strip()
        name_max = RepairMaterial._meta.get_field("name").max_length
        unit_max = RepairMaterial._meta.get_field("unit").max_length
        if len(name) > name_max or len(unit) > unit_max:
            errors["materials"] = [
                _("材料名称不能超过 %(name)d 个字，单位不能超过 %(unit)d 个字")
                % {"name": name_max, "unit": unit_max}
            ]
            return []
        quantity = _quantity(line.get("quantity", 1), errors, "materials")
        if quantity is None:
            return []
        lines.append({"name": name, "quantity": str(quantity), "unit": unit})
    return lines


def _clean_charges(order: RepairOrder, raw, errors: dict) -> list[dict]:
    """REPAIR-11: chargeable items come from the estate's published price list only."""
    if raw in (None, ""):
        return []
    if not isinstance(raw, list):
        errors["charges"] = [_("收费项目格式不正确")]
        return []
    wanted = []
    for line in raw:
        try:
            wanted.append((int(line["item"]), line.get("quantity", 1)))
        except (KeyError, TypeError, ValueError):
            errors["charges"] = [_("请从收费标准中选择收费项目")]
            return []
    items = PriceItem.objects.in_bulk([item for item, _q in wanted])
    lines = []
    for item_id, raw_quantity in wanted:
        item = items.get(item_id)
        if item is None or item.estate_id != order.estate_id or not item.is_active:
            errors["charges"] = [_("收费项目不在本项目的收费标准中")]
            return []
        quantity = _quantity(raw_quantity, errors, "charges")
        if quantity is None:
            return []
        amount = (item.price * quantity).quantize(CENT, rounding=ROUND_HALF_UP)
        lines.append({
            "item": item.pk, "name": item.name, "unit": item.unit,
            "unit_price": str(item.price), "quantity": str(quantity), "amount": str(amount),
        })  # fmt: skip
    return lines


def _clean(order: RepairOrder, action: str, actor: Actor | None, data: dict) -> dict:
    """The domain's checks of an action's data, on the locked order; returns the data as the
    event records it. Bad input is a ValidationError naming the field; nothing is written."""
    errors: dict[str, list[str]] = {}
    clean = dict(data)
    if action == "reclassify":
        if data.get("urgency") not in Urgency.values:
            errors["urgency"] = [_("紧急程度应为一般报修或紧急报修")]
        clean["category"] = data.get("category") or order.category
        if clean["category"] not in Category.values:
            errors["category"] = [_("类别无效")]
    elif action == "arrive":
        # REPAIR-14/15: the technician confirms badge and uniform, and dust sheets laid.
        if data.get("badge_uniform") is not True and data.get("badge_uniform") not in ("on", "1"):
            errors["badge_uniform"] = [_("请确认已佩戴工牌、穿着统一工服")]
        if data.get("dust_sheet") is not True and data.get("dust_sheet") not in ("on", "1"):
            errors["dust_sheet"] = [_("请确认已铺设防尘布等保护措施")]
        clean["badge_uniform"] = clean["dust_sheet"] = True
    elif action in ("diagnose", "complete"):
        diagnosis = str(data.get("diagnosis") or "").strip()
        if len(diagnosis) > 2000:
            errors["diagnosis"] = [_("故障诊断不能超过 2000 字")]
        clean["diagnosis"] = diagnosis
        if action == "complete":
            clean["materials"] = _clean_materials(data.get("materials"), errors)
            clean["charges"] = _clean_charges(order, data.get("charges"), errors)
            total = sum((Decimal(c["amount"]) for c in clean["charges"]), Decimal("0.00"))
            clean["charge_total"] = str(total)
    elif action in ("confirm", "sign_off"):
        # REPAIR-11: the owner accepts the amount shown; a changed amount must be shown again.
        shown = data.get("amount")
        if order.charge_total > 0 or shown not in (None, ""):
            try:
                same = Decimal(str(shown)).quantize(CENT) == order.charge_total
            except (InvalidOperation, ValueError, TypeError):
                same = False
            if not same:
                raise Conflict(
                    _("维修费用为 ¥%(amount)s，与您确认的金额不一致，请刷新后重新确认")
                    % {"amount": order.charge_total},
                    code="amount_changed",
                )
        clean["amount"] = str(order.charge_total)
    elif action in ("revisit", "revisit_early", "rate"):
        # REPAIR-12: satisfaction with the quality and the attitude.
        clean["satisfaction"] = _score(data, "satisfaction", errors, required=True)
        clean["quality"] = _score(data, "quality", errors, required=False)
        clean["attitude"] = _score(data, "attitude", errors, required=False)
        clean["comment"] = str(data.get("comment") or "").strip()
        field = RepairOrder._meta.get_field("revisit_comment")
        check_max_chars(errors, comment=(clean["comment"], field.max_length, _("业主意见")))
    elif action == "repeat_cause":
        if order.repeat_of_id is None:
            errors["cause"] = [_("该报修不是返修，无需填写返修原因")]
        elif data.get("cause") not in RepeatCause.values:
            errors["cause"] = [_("请选择返修原因")]
    elif action == "comment":
        resident = actor is not None and actor.role == Role.RESIDENT
        clean["internal"] = bool(data.get("internal")) and not resident
    if errors:
        raise ValidationError(errors)
    return clean


# --- Acting on an order ------------------------------------------------------------------------


@transaction.atomic
def repair_order_act(
    *,
    order: RepairOrder | int,
    action: str,
    by,
    note: str = "",
    data: dict | None = None,
    attachments: list | None = None,
    assignee=None,
) -> RepairOrder:
    """Any step of the repair process, checked by the engine (role 403, state 409, inputs 400)
    and by the repair rules here (charges from the price list, the confirmed amount, scores…).
    ``grab`` assigns the order to the technician who grabs it; two grabbing at once: one wins,
    the other gets the state conflict (the case row is locked first). ``by=None``: the
    scheduler (auto-close)."""
    from wuye.repairs.selectors.orders import repair_order_list

    actor = None if by is None else _actor(by)
    # Read the order as this person may see it (404 otherwise), locking its case: the checks
    # below then read it as no concurrent step can change it (an amount confirmed while the
    # charges change). The engine locks the case again, cheaply.
    orders = RepairOrder.objects.all() if actor is None else repair_order_list(actor=actor)
    orders = (
        orders.select_related(None)
        .select_related(
            "case__assignee__staff", "estate", "reported_by__resident", "room__building",
            "room__unit", "public_area",
        )
        .select_for_update(no_key=True, of=("case",))
        .order_by()
    )  # fmt: skip
    order = get_or_404(orders, order.pk if isinstance(order, RepairOrder) else order)
    if action == "grab":
        assignee = actor.user
    if action == "complete":
        _check_arrived(order, actor)  # REPAIR-14/15
    clean = _clean(order, action, actor, data or {})
    result = engine.case_act(
        case=order.case, action=action, by=actor, note=note, data=clean,
        attachments=attachments, assignee=assignee,
    )  # fmt: skip
    order.case = result.case
    _apply(order, action, actor, clean, result.event.at)
    _notify(order, action, actor, note, clean)
    return order


def arrival_recorded(order: RepairOrder) -> bool:
    """REPAIR-14/15: whether the technician who has the order now confirmed their arrival (the
    checklist: badge and uniform, dust sheets) since it was given to them — an ``arrive`` event
    after the last dispatch, grab or reassignment. A reassigned technician arrives themselves."""
    if hasattr(order, "last_assign_or_arrive"):  # annotated by selectors.with_arrival
        return order.last_assign_or_arrive == "arrive"
    last = (
        order.case.events.filter(action__in=(*ASSIGNING_ACTIONS, "arrive"))
        .order_by("-at", "-id")
        .values_list("action", flat=True)
        .first()
    )
    return last == "arrive"


def _check_arrived(order: RepairOrder, actor: Actor | None) -> None:
    """REPAIR-14/15: no completion without the arrival record (409, code ``not_arrived``).
    Asked only of a completion the engine would otherwise take (the right person, the right
    state), so a wrong role or state still gets its own answer (403, 409)."""
    if order.case.status != Status.IN_PROGRESS:
        return
    decl = REPAIR.action("complete")
    if actor is not None and not actor.is_superuser:
        if actor.role not in decl.roles or order.case.assignee_id != actor.user.pk:
            return
    if not arrival_recorded(order):
        raise Conflict(
            _("请先确认到达现场（佩戴工牌、穿着工服，铺设防尘布），再提交完成"), code="not_arrived"
        )


def repair_case_act(*, case, action: str, by, **kwargs) -> RepairOrder:
    """The repair process's service for the generic case page and API (Process.service)."""
    return repair_order_act(order=case.repair_order, action=action, by=by, **kwargs)


def _apply(order: RepairOrder, action: str, actor: Actor | None, data: dict, now) -> None:
    """What a step changes on the order itself (the engine has moved the case and clocks)."""
    user = actor.user if actor is not None else None
    fields: list[str] = []

    def set_(**values):
        for key, value in values.items():
            setattr(order, key, value)
            fields.append(key)

    if action in ("dispatch", "grab", "reassign") and order.dispatched_at is None:
        set_(dispatched_at=now)
    elif action == "hand_back":
        order.case.assignee = None
        order.case.save(update_fields=["assignee"])
    elif action == "reclassify":
        set_(urgency=data["urgency"], category=data["category"])
    elif action == "arrive" and order.arrived_at is None:
        set_(arrived_at=now)
    elif action == "diagnose":
        set_(diagnosis=data["diagnosis"])
    elif action == "complete":
        if data["diagnosis"]:
            set_(diagnosis=data["diagnosis"])
        set_(completed_at=now, completed_by=user, charge_total=Decimal(data["charge_total"]))
        order.charges.all().delete()
        order.materials.all().delete()
        RepairCharge.objects.bulk_create(
            RepairCharge(
                order=order,
                price_item_id=c["item"],
                name=c["name"],
                unit=c["unit"],
                unit_price=Decimal(c["unit_price"]),
                quantity=Decimal(c["quantity"]),
                amount=Decimal(c["amount"]),
            )
            for c in data["charges"]
        )
        RepairMaterial.objects.bulk_create(
            RepairMaterial(
                order=order, name=m["name"], quantity=Decimal(m["quantity"]), unit=m["unit"]
            )
            for m in data["materials"]
        )
    elif action in ("confirm", "sign_off"):
        set_(
            accepted_at=now,
            accepted_by=user if action == "confirm" else None,
            acceptance=Acceptance.PORTAL if action == "confirm" else Acceptance.SIGNATURE,
        )
        _charge(order, now, user)
    elif action in ("close", "auto_close"):
        set_(acceptance=Acceptance.DESK_CLOSED if action == "close" else Acceptance.AUTO_CLOSED)
    elif action in ("revisit", "revisit_early", "rate"):
        set_(
            satisfaction=data["satisfaction"], quality_score=data["quality"],
            attitude_score=data["attitude"], revisit_comment=data["comment"], revisited_at=now,
            revisited_by=user,
            revisit_source=RevisitSource.RESIDENT if action == "rate" else RevisitSource.DESK,
        )  # fmt: skip
    elif action == "repeat_cause":
        set_(repeat_cause=data["cause"])
    if fields:
        order.save(update_fields=fields)
    if action in ("revisit", "revisit_early", "rate"):
        _follow_up_if_low(order, actor)
    if action in ("confirm", "sign_off") and order.revisited_at is not None:
        # Customer service called before the owner accepted: the order is finished now.
        result = engine.case_act(case=order.case, action="finish", by=None)
        order.case = result.case


def _charge(order: RepairOrder, now, user) -> None:
    """REPAIR-11: the amount the owner accepted becomes a bill of the room (费用结算)."""
    if order.charge_total <= 0 or order.room_id is None:
        return
    from wuye.billing.models import ChargeKind
    from wuye.billing.services import bill_from_source

    names = "、".join(order.charges.values_list("name", flat=True))
    bill_from_source(
        estate=order.estate, room=order.room, kind=ChargeKind.REPAIR, item_name=_("维修费"),
        source_ref=order.case.number, description=_("维修费：%(items)s") % {"items": names},
        amount=order.charge_total, at=now, by=user,
    )  # fmt: skip


def _follow_up_if_low(order: RepairOrder, actor: Actor | None) -> None:
    """A low score opens a follow-up case for customer service and tells its heads."""
    threshold = RepairSettings.for_estate(order.estate).follow_up_below
    scores = [order.satisfaction, order.quality_score, order.attitude_score]
    if order.follow_up_id or not any(s is not None and s < threshold for s in scores):
        return
    from wuye.notify.services import message_enqueue

    labels = [_("满意度"), _("维修质量"), _("服务态度")]
    text = "，".join(f"{label} {s}" for label, s in zip(labels, scores, strict=True) if s)
    case = engine.case_open(
        process=FOLLOW_UP, estate=order.estate, by=actor or _system_actor(order),
        title=_("%(number)s 回访低分跟进") % {"number": order.case.number},
        note=text, data={"repair_order": order.pk, "repair_case": order.case.number},
    )  # fmt: skip
    order.follow_up = case
    order.save(update_fields=["follow_up"])
    heads = engine.escalation_recipients(
        case, (Role.DEPARTMENT_HEAD,), DepartmentKind.CUSTOMER_SERVICE
    )
    for head in heads:
        message_enqueue(
            recipient=head, template="repair_follow_up", estate=order.estate,
            ref=case.number, url=reverse("workflow:case_detail", args=[case.pk]),
            context={"number": order.case.number, "title": order.description[:40],
                     "satisfaction": order.satisfaction or "—",
                     "quality": order.quality_score or "—",
                     "attitude": order.attitude_score or "—", "follow_up": case.number},
        )  # fmt: skip


def _system_actor(order: RepairOrder) -> Actor:
    return Actor(user=None, role=None, company_id=order.estate.company_id)

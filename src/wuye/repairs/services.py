"""Every write of repairs: intake and the actions on a repair order (through the engine)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.choices import DepartmentKind, Role
from wuye.core.exceptions import Conflict
from wuye.core.models import Estate, PublicArea, Room
from wuye.core.scoping import Actor, actor_for, get_or_404, visible_rooms
from wuye.core.validators import (
    check_max_chars,
    check_model_text,
    exact_decimal,
    normalize_mobile,
)
from wuye.workflow import services as engine
from wuye.workflow.calendar import due_at
from wuye.workflow.choices import TargetUnit

from .choices import Acceptance, Category, Channel, RepeatCause, RevisitSource, Status, Urgency
from .models import PriceItem, RepairCharge, RepairMaterial, RepairOrder, RepairSettings
from .processes import FOLLOW_UP, REPAIR

REPEAT_WINDOW_DAYS = 30  # REPAIR-13: the same problem must not come back within 30 days
# Steps that give the order to a technician: the one given it must arrive themselves (REPAIR-14/15).
ASSIGNING_ACTIONS = ("dispatch", "grab", "reassign")
CENT = Decimal("0.01")

# REPAIR-04: words that mark an emergency (e.g. a burst pipe); the agent may still change it.
EMERGENCY_WORDS = ("爆裂", "爆管", "漏水严重", "大量漏水", "漏电", "停电", "冒烟", "着火", "起火",
                   "困人", "燃气", "煤气", "跑水", "水淹")  # fmt: skip
PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


# REPAIR-04: words that name the kind of fault, per category, the first category that matches
# wins (gas and lifts before electricity, whose words they share; a street lamp is a public
# facility, not a fitting in a flat). The agent may still choose another category.
CATEGORY_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (Category.GAS, ("燃气", "煤气", "天然气")),
    (Category.ELEVATOR, ("电梯", "困人", "轿厢")),
    (Category.PUBLIC, ("路灯", "楼道灯", "道闸", "门禁", "健身器材", "绿化", "化粪池", "监控")),
    (Category.ELECTRICAL, ("漏电", "停电", "断电", "没电", "跳闸", "插座", "开关面板", "电线",
                           "空气开关", "电表", "灯", "冒烟")),
    (Category.PLUMBING, ("水管", "漏水", "水龙头", "下水", "堵塞", "堵了", "马桶", "地漏", "水压",
                         "没水", "停水", "爆管", "爆裂", "跑水", "水表", "水箱", "角阀", "花洒",
                         "淋浴", "水淹", "渗漏")),
    (Category.DOORS_WINDOWS, ("门锁", "锁芯", "门", "窗", "合页", "玻璃")),
    (Category.WALLS, ("墙", "地面", "地砖", "瓷砖", "地板", "裂缝", "天花", "吊顶", "发霉",
                      "空鼓", "脱落")),
)  # fmt: skip


def urgency_hint(description: str) -> tuple[str, str]:
    """The urgency the desk starts from (REPAIR-04) and the word that suggested it ("" 一般)."""
    word = next((word for word in EMERGENCY_WORDS if word in description), "")
    return (Urgency.EMERGENCY if word else Urgency.GENERAL), word


def suggest_urgency(description: str) -> str:
    return urgency_hint(description)[0]


def category_hint(description: str) -> tuple[str, str]:
    """The category the desk starts from and the word that suggested it ("" for 其他)."""
    for category, words in CATEGORY_WORDS:
        for word in words:
            if word in description:
                return category, word
    return Category.OTHER, ""


def suggest_category(description: str) -> str:
    """The category suggested by the description (REPAIR-04), like the urgency: 漏水 → 给排水."""
    return category_hint(description)[0]


def _actor(by) -> Actor:
    return by if isinstance(by, Actor) else actor_for(by)


@transaction.atomic
def repair_order_create(
    *,
    estate: Estate,
    description: str,
    contact_name: str,
    contact_phone: str,
    channel: str,
    category: str | None = None,
    room: Room | None = None,
    public_area: PublicArea | None = None,
    urgency: str | None = None,
    preferred_time: str = "",
    reported_at: dt.datetime | None = None,
    attachments: list | None = None,
    by,
) -> RepairOrder:
    """Intake (REPAIR-02) and classification (REPAIR-04): one call, one case, its clocks running
    from the report time (REPAIR-05/06/08/09). ``urgency`` and ``category`` left out (None or
    ""): the ones the description suggests. A repeat (REPAIR-13) is linked to the order it
    repeats; its cause is left for the desk to choose (``repeat_cause``)."""
    actor = _actor(by)
    if not actor.is_superuser and estate.pk not in actor.estate_ids:
        raise Http404
    if actor.role == Role.RESIDENT:
        # A resident reports for the rooms they live in, or for a public area of their estate.
        if room is not None and not visible_rooms(actor).filter(pk=room.pk).exists():
            raise Http404
        channel = Channel.APP
    elif actor.role == Role.CONTRACTOR or (actor.role is None and not actor.is_superuser):
        raise PermissionDenied(_("只有业主住户和物业员工可以报修"))
    errors: dict[str, list[str]] = {}
    description = description.strip()
    if not description:
        errors["description"] = [_("请填写报修内容，如“水管漏水”")]
    if (room is None) == (public_area is None):
        errors["room"] = [_("请选择报修的房屋或公共区域（二选一）")]
    elif room is not None and room.estate_id != estate.pk:
        errors["room"] = [_("该房屋不属于本项目")]
    elif public_area is not None and public_area.estate_id != estate.pk:
        errors["public_area"] = [_("该公共区域不属于本项目")]
    check_model_text(RepairOrder, errors, description=description)
    if not contact_name.strip():
        errors["contact_name"] = [_("请填写联系人")]
    phone = normalize_mobile(contact_phone)
    if not PHONE_RE.match(phone):
        errors["contact_phone"] = [_("请填写手机号或座机号，如 13800138000 或 0571-88886666")]
    if channel not in Channel.values:
        errors["channel"] = [_("报修渠道无效")]
    if category and category not in Category.values:
        errors["category"] = [_("类别无效")]
    if urgency is not None and urgency not in Urgency.values:
        errors["urgency"] = [_("紧急程度应为一般报修或紧急报修")]
    if errors:
        raise ValidationError(errors)
    suggested = suggest_urgency(description)
    urgency = urgency or suggested
    category = category or suggest_category(description)
    reported_at = reported_at or timezone.now()
    place = room.label if room is not None else public_area.name
    repeat_of = repeat_of_find(
        room=room, public_area=public_area, category=category, at=reported_at,
        tz=estate.time_zone or "Asia/Shanghai",
    )  # fmt: skip
    case = engine.case_open(
        process=REPAIR,
        estate=estate,
        title=f"{place} {description}"[:200],
        by=actor,
        at=reported_at,
        data={"urgency": urgency, "category": category},
        **({"attachments": attachments} if attachments else {}),
    )
    order = RepairOrder(
        case=case,
        estate=estate,
        room=room,
        public_area=public_area,
        description=description,
        urgency=urgency,
        suggested_urgency=suggested,
        category=category,
        channel=channel,
        contact_name=contact_name.strip(),
        contact_phone=phone,
        preferred_time=preferred_time.strip(),
        reported_at=reported_at,
        reported_by=actor.user,
        repeat_of=repeat_of,
        # REPAIR-13: why it came back is the desk's call (the repeat_cause step), never assumed.
        repeat_cause="",
    )
    # The places and the estate were checked above; the fields' own rules are checked here.
    order.full_clean(
        exclude=["case", "reported_by", "repeat_of", "estate", "room", "public_area"],
        validate_constraints=False,
    )
    order.save()
    return order


def repeat_window_end(completed_at: dt.datetime, tz) -> dt.datetime:
    """REPAIR-13: the end of the 30 days after a completion — calendar days as DESIGN counts
    them: 23:59:59 local time of the 30th date after the completion's date (not 720 hours)."""
    return due_at(completed_at, REPEAT_WINDOW_DAYS, TargetUnit.DAYS, tz)


def repeat_of_find(
    *, room, public_area, category: str, at: dt.datetime, tz="Asia/Shanghai"
) -> RepairOrder | None:
    """REPAIR-13: the latest order for the same place and category completed within the 30 days
    before ``at`` (a repeat repair, 返修), or None. Calendar days in the estate's time zone
    ``tz``: completed on 1 November, a report up to 1 December 23:59:59 is a repeat."""
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    # The earliest completion whose window still holds ``at``: the start of the 30th date before.
    first_day = at.astimezone(zone).date() - dt.timedelta(days=REPEAT_WINDOW_DAYS)
    since = dt.datetime.combine(first_day, dt.time.min, tzinfo=zone)
    place = Q(room=room) if room is not None else Q(public_area=public_area)
    latest = (
        RepairOrder.objects.filter(
            place,
            category=category,
            completed_at__isnull=False,
            completed_at__lte=at,
            completed_at__gte=since,
        )
        .exclude(case__status=Status.CANCELLED)
        .order_by("-completed_at", "-id")
        .first()
    )
    if latest is None or repeat_window_end(latest.completed_at, zone) < at:
        return None
    return latest


RESIDENT_MESSAGES = {
    "dispatch": "repair_dispatched",
    "grab": "repair_dispatched",
    "reassign": "repair_dispatched",
    "arrive": "repair_arrived",
    "complete": "repair_completed",
    "auto_close": "repair_auto_closed",
}


def _residents_to_tell(order: RepairOrder) -> list:
    """Who hears about a repair: the resident who reported it, else the room's residents with a
    login (a public-area report by staff tells nobody)."""
    reporter = order.reported_by
    if getattr(reporter, "resident", None) is not None:
        return [reporter]
    if order.room_id is None:
        return []
    from wuye.core.models import Occupancy

    occupancies = Occupancy.objects.filter(
        Occupancy.current_q(), room_id=order.room_id, resident__user__isnull=False
    ).select_related("resident__user")
    return list({o.resident.user_id: o.resident.user for o in occupancies}.values())


def _notify(order: RepairOrder, action: str, actor: Actor | None, note: str, data: dict) -> None:
    from wuye.notify.services import message_enqueue

    case = order.case
    context = {"number": case.number, "title": order.description[:40]}

    # The link opens the reader's own view of the order.
    resident_url = reverse("repairs:my_detail", args=[order.pk])
    technician_url = reverse("repairs:tech_detail", args=[order.pk])

    def tell(user, template, url=resident_url, **extra):
        message_enqueue(
            recipient=user, template=template, context={**context, **extra},
            estate=order.estate, ref=case.number, url=url,
        )  # fmt: skip

    if action in ("dispatch", "grab", "reassign") and case.assignee_id:
        tell(case.assignee, "case_assigned", url=technician_url)
    if action == "reject" and case.assignee_id:
        tell(case.assignee, "repair_rejected", url=technician_url, reason=note[:100])
    if action == "comment":
        if actor is not None and actor.role == Role.RESIDENT:
            if case.assignee_id:
                tell(case.assignee, "repair_comment", url=technician_url, note=note[:100])
        elif not data.get("internal"):
            for user in _residents_to_tell(order):
                if actor is None or user.pk != actor.user.pk:
                    tell(user, "repair_comment", note=note[:100])
        return
    template = RESIDENT_MESSAGES.get(action)
    if template is None:
        return
    extra = {}
    if template == "repair_dispatched":
        staff = getattr(case.assignee, "staff", None)
        extra["technician"] = staff.name if staff else case.assignee.get_username()
    if template == "repair_auto_closed":
        extra["days"] = RepairSettings.for_estate(order.estate).auto_close_days
    for user in _residents_to_tell(order):
        tell(user, template, **extra)


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


# --- Dispatch by workload ----------------------------------------------------------------------


def technicians_by_workload(estate: Estate):
    """The estate's active technicians, the least loaded first (open repair orders assigned),
    then the one who was given an order the longest ago: round-robin by workload."""
    open_states = (Status.WAITING_ACCEPT, Status.IN_PROGRESS)
    return (
        get_user_model()
        .objects.filter(
            staff__estates=estate,
            staff__is_active=True,
            staff__role=Role.TECHNICIAN,
            staff__department__kind=DepartmentKind.ENGINEERING,
        )
        .annotate(
            open_orders=Count(
                "assigned_cases",
                filter=Q(
                    assigned_cases__process=REPAIR.code, assigned_cases__status__in=open_states
                ),
                distinct=True,
            ),
            last_assigned=Max(
                "assigned_cases__repair_order__dispatched_at",
                filter=Q(assigned_cases__process=REPAIR.code),
            ),
        )
        .order_by("open_orders", "last_assigned", "pk")
    )


@transaction.atomic
def repair_order_dispatch_auto(*, order: RepairOrder, by) -> RepairOrder:
    """Dispatch to the technician with the least open work (REPAIR-07)."""
    technician = technicians_by_workload(order.estate).first()
    if technician is None:
        raise ValidationError({"assignee": [_("本项目没有在岗的工程维修人员")]})
    return repair_order_act(order=order, action="dispatch", by=by, assignee=technician)


# --- Auto-close --------------------------------------------------------------------------------


def repair_auto_close(*, now: dt.datetime | None = None) -> int:
    """Close the orders completed but neither accepted nor rejected for the estate's number of
    days (natural days, 自然日), recorded as such on the timeline. Idempotent; each order in its
    own transaction, so one failure does not hold back the rest."""
    now = now or timezone.now()
    candidates = (
        RepairOrder.objects.filter(
            case__status=Status.WAITING_ACCEPTANCE,
            completed_at__lte=now - dt.timedelta(days=1),
        )
        .select_related("estate")
        .order_by("completed_at")
    )
    days: dict[int, int] = {}
    closed = 0
    for order in candidates.iterator(chunk_size=500):
        if order.estate_id not in days:
            days[order.estate_id] = RepairSettings.for_estate(order.estate).auto_close_days
        if order.completed_at > now - dt.timedelta(days=days[order.estate_id]):
            continue
        try:
            repair_order_act(order=order, action="auto_close", by=None)
        except Conflict:
            continue  # accepted or rejected meanwhile
        closed += 1
    return closed


# --- Price list (收费标准) ----------------------------------------------------------------------

PRICE_LIST_ROLES = frozenset({Role.DEPARTMENT_HEAD, Role.EXECUTIVE})


def _check_price_list_write(actor: Actor, estate: Estate) -> None:
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
    _check_price_list_write(actor, estate)
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

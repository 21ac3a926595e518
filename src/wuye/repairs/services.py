"""Every write of repairs: intake and the actions on a repair order (through the engine)."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.choices import Role
from wuye.core.models import Estate, PublicArea, Room
from wuye.core.scoping import Actor, actor_for, visible_rooms
from wuye.core.validators import normalize_mobile
from wuye.workflow import services as engine

from .choices import Category, Channel, Urgency
from .models import RepairOrder
from .processes import REPAIR

# REPAIR-04: words that mark an emergency (e.g. a burst pipe); the agent may still change it.
EMERGENCY_WORDS = ("爆裂", "爆管", "漏水严重", "大量漏水", "漏电", "停电", "冒烟", "着火", "起火",
                   "困人", "燃气", "煤气", "跑水", "水淹")  # fmt: skip
PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


def suggest_urgency(description: str) -> str:
    """The classification the desk starts from (REPAIR-04)."""
    return (
        Urgency.EMERGENCY
        if any(word in description for word in EMERGENCY_WORDS)
        else Urgency.GENERAL
    )


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
    category: str = Category.OTHER,
    room: Room | None = None,
    public_area: PublicArea | None = None,
    urgency: str | None = None,
    preferred_time: str = "",
    reported_at: dt.datetime | None = None,
    by,
) -> RepairOrder:
    """Intake (REPAIR-02) and classification (REPAIR-04): one call, one case, its clocks running
    from the report time (REPAIR-05/06/08/09)."""
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
    if not contact_name.strip():
        errors["contact_name"] = [_("请填写联系人")]
    phone = normalize_mobile(contact_phone)
    if not PHONE_RE.match(phone):
        errors["contact_phone"] = [_("请填写手机号或座机号，如 13800138000 或 0571-88886666")]
    if channel not in Channel.values:
        errors["channel"] = [_("报修渠道无效")]
    if category not in Category.values:
        errors["category"] = [_("类别无效")]
    if urgency is not None and urgency not in Urgency.values:
        errors["urgency"] = [_("紧急程度应为一般报修或紧急报修")]
    if errors:
        raise ValidationError(errors)
    suggested = suggest_urgency(description)
    urgency = urgency or suggested
    reported_at = reported_at or timezone.now()
    place = room.label if room is not None else public_area.name
    case = engine.case_open(
        process=REPAIR,
        estate=estate,
        title=f"{place} {description}"[:200],
        by=actor,
        at=reported_at,
        data={"urgency": urgency, "category": category},
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
    )
    order.full_clean(exclude=["case", "reported_by"])
    order.save()
    return order


RESIDENT_MESSAGES = {
    "dispatch": "repair_dispatched",
    "grab": "repair_dispatched",
    "reassign": "repair_dispatched",
    "arrive": "repair_arrived",
    "complete": "repair_completed",
}


def _residents_to_tell(order: RepairOrder) -> list:
    """Who hears about a repair: the resident who reported it, else the room's residents with a
    login (a public-area report by staff tells nobody)."""
    reporter = order.reported_by
    if hasattr(reporter, "resident"):
        return [reporter]
    if order.room_id is None:
        return []
    from wuye.core.models import Occupancy

    occupancies = Occupancy.objects.filter(
        Occupancy.current_q(), room_id=order.room_id, resident__user__isnull=False
    ).select_related("resident__user")
    return list({o.resident.user_id: o.resident.user for o in occupancies}.values())


def _notify(order: RepairOrder, action: str) -> None:
    from wuye.notify.services import message_enqueue

    case = order.case
    context = {"number": case.number, "title": order.description[:40]}
    if action in ("dispatch", "grab", "reassign") and case.assignee_id:
        message_enqueue(
            recipient=case.assignee, template="case_assigned", context=context,
            estate=order.estate, ref=case.number, url=f"/cases/{case.pk}/",
        )  # fmt: skip
    template = RESIDENT_MESSAGES.get(action)
    if template is None:
        return
    if template == "repair_dispatched":
        staff = getattr(case.assignee, "staff", None)
        context = {**context, "technician": staff.name if staff else case.assignee.get_username()}
    for user in _residents_to_tell(order):
        message_enqueue(
            recipient=user, template=template, context=context, estate=order.estate,
            ref=case.number,
        )  # fmt: skip


@transaction.atomic
def repair_order_act(
    *,
    order: RepairOrder,
    action: str,
    by,
    note: str = "",
    data: dict | None = None,
    attachments: list[dict] | None = None,
    assignee=None,
) -> RepairOrder:
    """Any step of the repair process, checked by the engine (role 403, state 409, inputs 400).
    ``grab`` assigns the order to the technician who grabs it; two grabbing at once: one wins,
    the other gets the state conflict (the case row is locked)."""
    actor = _actor(by)
    if action == "grab":
        assignee = actor.user
    engine.case_act(
        case=order.case, action=action, by=actor, note=note, data=data,
        attachments=attachments, assignee=assignee,
    )  # fmt: skip
    order.case.refresh_from_db()
    # In the same transaction as the step: the messages go out only if the step is saved.
    _notify(order, action)
    return order

"""Taking a repair: the urgency and category suggested from the description, the order created with
its clocks (REPAIR-01..04), a repeat of a recent repair found (REPAIR-13), and who is told."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.choices import Role
from wuye.core.models import Estate, PublicArea, Room
from wuye.core.scoping import Actor, actor_for, visible_rooms
from wuye.core.validators import (
    check_model_text,
    normalize_mobile,
)
from wuye.workflow import services as engine
from wuye.workflow.calendar import due_at
from wuye.workflow.choices import TargetUnit

from ..choices import Category, Channel, Status, Urgency
from ..models import RepairOrder, RepairSettings
from ..processes import REPAIR
from .common import CATEGORY_WORDS, EMERGENCY_WORDS, PHONE_RE, REPEAT_WINDOW_DAYS


def urgency_hint(description: str) -> tuple[str, str]:
    """The urgency the desk starts from (REPAIR-04) and the word that suggested it ("" 一般)."""
    word = next((word for word in EMERGENCY_WORDS if word in description), "")
    return (Urgency.EMERGENCY if word else Urgency.GENERAL), word


def suggest_urgency(description: str) -> str:
    """The classification the desk starts from (REPAIR-04)."""
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

"""The gate's register of visitors (外来人员登记, GUARD-06/10) and the estate's visitor settings
(GUARD-13): who may write at the gate, registering a visitor with their ID card, their leaving."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.choices import Role
from wuye.core.exceptions import Conflict
from wuye.core.models import Estate, Room
from wuye.core.scoping import Actor, actor_for
from wuye.core.validators import (
    check_model_text,
    normalize_id_number,
    normalize_mobile,
    validate_cn_mobile,
    validate_id_number,
)
from wuye.emergency.selectors.closures import closure_for

from ..choices import VisitReason
from ..models import Visitor, VisitorSettings

# Who works the gate: guards, their head and the executives; customer service covers it too.
GATE_ROLES = frozenset({Role.GUARD, Role.DEPARTMENT_HEAD, Role.EXECUTIVE, Role.CS_AGENT})
# Who sets the estate's gate rules.
SETTINGS_ROLES = frozenset({Role.DEPARTMENT_HEAD, Role.EXECUTIVE})


def as_actor(by) -> Actor:
    return by if isinstance(by, Actor) else actor_for(by)


def estate_zone(estate: Estate) -> ZoneInfo:
    return ZoneInfo(estate.time_zone or "Asia/Shanghai")


def check_estate_staff(actor: Actor, estate_id: int, roles=GATE_ROLES, message: str = "") -> None:
    """Staff of the estate with one of ``roles``; out of the estate it does not exist (404)."""
    if actor.is_superuser:
        return
    if actor.staff is None or estate_id not in actor.estate_ids:
        raise Http404
    if actor.role not in roles:
        raise PermissionDenied(message or _("只有门岗秩序员和管理人员可以办理"))


def check_room(room: Room | None, estate: Estate, field: str = "room", required=True) -> None:
    if room is None:
        if required:
            raise ValidationError({field: [_("请填写房号，如 1-2-301")]})
        return
    if room.estate_id != estate.pk:
        raise ValidationError({field: [_("房屋不属于本项目")]})


def clean_id_number(value: str, errors: dict, *, required: bool) -> str:
    """GUARD-06: the ID card's number, checked as the roster import checks it (GB 11643)."""
    value = normalize_id_number(value)
    if not value:
        if required:
            errors["id_number"] = [_("请核验并填写来访人的身份证号")]
        return ""
    try:
        validate_id_number(value)
    except ValidationError as exc:
        errors["id_number"] = list(exc.messages)
    return value


def clean_mobile(value: str, errors: dict, field: str = "mobile") -> str:
    value = normalize_mobile(value)
    if value:
        try:
            validate_cn_mobile(value)
        except ValidationError as exc:
            errors[field] = list(exc.messages)
    return value


def clean_name(value: str, errors: dict, field: str = "name") -> str:
    value = (value or "").strip()
    if not value:
        errors[field] = [_("请填写姓名")]
    elif len(value) > 30:
        errors[field] = [_("姓名不能超过 30 个字")]
    return value


def refuse_closed(estate: Estate, room: Room | None, at: dt.datetime,
                  until: dt.datetime | None = None) -> None:  # fmt: skip
    """EMERG-HEALTH-05/10: no unrelated person (a visitor, a courier, a worker) enters a closed
    estate, building or unit; the residents of the unit are not visitors and pass as they live
    there. ``until``: any moment of a pass's period counts."""
    closure = closure_for(estate, room=room, at=at, until=until)
    if closure is not None:
        raise Conflict(closed_message(closure), code="closed_area")


def closed_message(closure) -> str:
    """What the gate says of a closure: which place is closed, to whom."""
    place = str(closure.unit or closure.building or _("整个小区"))
    return _("%(place)s正在封闭管控，禁止无关人员进入（快递、外卖请在门岗代收）") % {"place": place}


def couriers_may_enter(estate: Estate) -> bool:
    return VisitorSettings.for_estate(estate).couriers_may_enter


def visitor_register(
    *,
    estate: Estate,
    name: str,
    id_number: str,
    reason: str,
    room: Room | None = None,
    mobile: str = "",
    gate: str = "",
    note: str = "",
    entered_at: dt.datetime | None = None,
    by,
    temporary_pass=None,
) -> Visitor:
    """GUARD-06: a visitor shows the ID card and is written into the 《外来人员登记表》.

    GUARD-13: where couriers may not enter, a courier is not registered in: the gate receives
    the parcel (代收快递) instead, and says so."""
    actor = as_actor(by)
    check_estate_staff(actor, estate.pk)
    errors: dict[str, list[str]] = {}
    name = clean_name(name, errors)
    id_number = clean_id_number(id_number, errors, required=temporary_pass is None)
    mobile = clean_mobile(mobile, errors)
    if reason not in VisitReason.values:
        errors["reason"] = [_("请选择来访事由")]
    check_model_text(Visitor, errors, gate=gate.strip(), note=note.strip())
    try:
        check_room(room, estate, required=reason != VisitReason.OTHER)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    refuse_closed(estate, room, entered_at or timezone.now())  # EMERG-HEALTH-10
    if reason == VisitReason.COURIER and not couriers_may_enter(estate):
        # GUARD-13: refusing a courier entry comes with receiving the parcel at the gate.
        raise Conflict(_("本小区快递员不进入小区，请在门岗登记代收快递并通知业主取件"))
    return Visitor.objects.create(
        estate=estate,
        name=name,
        id_number=id_number,
        mobile=mobile,
        room=room,
        reason=reason,
        gate=gate.strip(),
        note=note.strip(),
        entered_at=entered_at or timezone.now(),
        temporary_pass=temporary_pass,
        registered_by=actor.user,
    )


@transaction.atomic
def visitor_leave(*, visitor: Visitor | int, by, left_at: dt.datetime | None = None) -> Visitor:
    """GUARD-06: the visitor's leaving time, written once."""
    actor = as_actor(by)
    pk = visitor.pk if isinstance(visitor, Visitor) else visitor
    visitor = Visitor.objects.select_for_update().filter(pk=pk).first()
    if visitor is None:
        raise Http404
    check_estate_staff(actor, visitor.estate_id)
    if visitor.left_at is not None:
        raise Conflict(_("该来访人已登记离开"))
    left_at = left_at or timezone.now()
    if left_at < visitor.entered_at:
        raise ValidationError({"left_at": [_("离开时间不能早于进入时间")]})
    visitor.left_at = left_at
    visitor.save(update_fields=["left_at"])
    return visitor


def visitor_settings_update(*, estate: Estate, couriers_may_enter: bool, by) -> VisitorSettings:
    """GUARD-13: whether couriers may enter; where they may not, the gate receives parcels."""
    actor = as_actor(by)
    check_estate_staff(
        actor, estate.pk, SETTINGS_ROLES, _("只有部门负责人和企业高层可以修改访客设置")
    )
    if not isinstance(couriers_may_enter, bool):
        raise ValidationError({"couriers_may_enter": [_("请选择是或否")]})
    settings, _created = VisitorSettings.objects.update_or_create(
        estate=estate, defaults={"couriers_may_enter": couriers_may_enter}
    )
    return settings

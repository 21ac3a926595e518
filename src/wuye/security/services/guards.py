"""The guards' posts and shifts (GUARD-01…05, GUARD-12), built on the field-work layer.

- GUARD-01: the guards' work is gate duty, patrols and visitors; their posts are duty posts of
  kind ``gate`` or ``patrol`` of the order department (秩序管理部).
- GUARD-02: the order department's head plans (posts, shifts, routes) and inspects; guards do the
  duty and the patrols.
- GUARD-03: the day starts with the handover (交接班); the open obstructions and incidents of the
  estate are copied into every guard handover (``processes._guard_open_items``), so nothing
  found on patrol is lost between shifts.
- GUARD-04/05: the handover itself is fieldwork's (``services.handovers``): the post's equipment
  checked item by item, the 三清 confirmed by both sides, both signatures to end the shift.
- GUARD-12: badge, uniform, polite language, confirmed by each guard at shift start.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.choices import DepartmentKind, Role
from wuye.core.exceptions import Conflict
from wuye.core.models import Estate, Staff
from wuye.core.scoping import Actor, actor_for
from wuye.fieldwork.models import DutyPost, Shift, ShiftStatus
from wuye.fieldwork.services import shifts as fieldwork_shifts

from ..choices import GuardPostKind
from ..models import ConductCheck

__all__ = [
    "DEFAULT_EQUIPMENT",
    "conduct_check_record",
    "guard_post_create",
    "order_heads",
]

# GUARD-04: "物品（如对讲机、警棍）" — the usual kit of a guard post, changed per post.
DEFAULT_EQUIPMENT = ("对讲机", "警棍", "手电筒", "岗亭钥匙", "《外来人员登记表》")


def _actor(by) -> Actor:
    return by if isinstance(by, Actor) else actor_for(by)


def order_heads(estate_id: int) -> list:
    """The order department's head(s) of the estate (GUARD-02, GUARD-11)."""
    staff = Staff.objects.filter(
        is_active=True,
        estates=estate_id,
        role=Role.DEPARTMENT_HEAD,
        department__kind=DepartmentKind.ORDER,
    ).select_related("user")
    return [s.user for s in staff]


@transaction.atomic
def guard_post_create(
    *,
    estate: Estate,
    name: str,
    kind: str,
    by,
    equipment: Iterable[str] | None = None,
) -> DutyPost:
    """GUARD-01/02/04/05: a gate or patrol post of the order department, its equipment checked at
    every handover and its handovers "三清" (the order department's head)."""
    if kind not in GuardPostKind.values:
        raise ValidationError({"kind": [_("请选择门岗或巡逻岗")]})
    return fieldwork_shifts.post_create(
        estate=estate,
        name=name,
        department=DepartmentKind.ORDER,
        kind=kind,
        equipment=list(DEFAULT_EQUIPMENT if equipment is None else equipment),
        three_clears=True,
        by=by,
    )


@transaction.atomic
def conduct_check_record(
    *, shift: Shift, by, badge: bool, uniform: bool, polite: bool
) -> ConductCheck:
    """GUARD-12: a guard on this shift confirms badge, uniform and polite language, once per
    shift, before or while on duty."""
    actor = _actor(by)
    shift = Shift.objects.select_related("post").get(pk=shift.pk)
    if not actor.is_superuser and (actor.staff is None or shift.estate_id not in actor.estate_ids):
        raise Http404
    if actor.staff is None or not shift.members.filter(staff=actor.staff).exists():
        raise PermissionDenied(_("只有本班次的秩序员可以确认仪容仪表"))
    if shift.post.kind not in GuardPostKind.values:
        raise ValidationError({"shift": [_("这不是秩序岗位的班次")]})
    if shift.status == ShiftStatus.ENDED:
        raise Conflict(_("班次已结束"), code="shift_ended")
    errors: dict[str, list[str]] = {}
    for field, value, message in (
        ("badge", badge, _("请确认已佩戴工牌")),
        ("uniform", uniform, _("请确认已穿着统一服装")),
        ("polite", polite, _("请确认使用礼貌用语")),
    ):
        if value is not True:
            errors[field] = [message]
    if errors:
        raise ValidationError(errors)
    existing = ConductCheck.objects.filter(shift=shift, staff=actor.staff).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return ConductCheck.objects.create(
                estate_id=shift.estate_id,
                shift=shift,
                staff=actor.staff,
                user=actor.user,
                badge=True,
                uniform=True,
                polite=True,
                checked_at=timezone.now(),
            )
    except IntegrityError:  # the same guard confirming twice at once
        return ConductCheck.objects.get(shift=shift, staff=actor.staff)

"""Patrols (巡逻, GUARD-07/08/09/11) on the field-work layer's rounds.

- ``patrol_routes_setup``: an estate's two default routes with their QR checkpoints and the
  GUARD-08 checklist on every checkpoint, and their schedules: the general route (main road →
  building units → underground car park) every 2 hours (GUARD-07), the key areas (underground car
  park, children's playground) every hour (GUARD-09). The schedules belong to the order
  department, so a missed round or checkpoint (fieldwork's ``round_sweep_missed``) escalates to
  its head.
- ``patrol_anomaly_report``: what a guard finds on patrol, photographed on the spot, goes to the
  right place (GUARD-11): damage → a repair order (the repairs desk's own service); a blocked
  fire lane or an e-bike in a corridor → an obstruction case (FIRE-14, VEHICLE-12); a suspicious
  person → a security incident, with the 110 call recorded where needed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.choices import DepartmentKind, Role
from wuye.core.models import Building, Estate, PublicArea, Room
from wuye.core.scoping import Actor, actor_for
from wuye.fieldwork.models import Checklist, Checkpoint, Route
from wuye.fieldwork.services.checklists import checklist_create
from wuye.fieldwork.services.rounds import checkpoint_create, route_create
from wuye.fieldwork.services.tasks import plan_create
from wuye.repairs.choices import Channel
from wuye.repairs.services.intake import repair_order_create
from wuye.workflow.models import Frequency, Schedule

from ..choices import PatrolAnomalyKind
from ..models import PatrolAnomaly
from ..models.patrols import DESCRIPTION_MAX
from .incidents import incident_act, incident_open
from .obstructions import obstruction_open
from .patrol_common import check_guard, require_photo

__all__ = ["PatrolRoutes", "patrol_anomaly_report", "patrol_routes_setup"]

# GUARD-08: what every checkpoint of a patrol checks.
PATROL_CHECKS = (
    ("消防通道是否畅通", "无杂物、自行车、纸箱堆放，无电动车停放在楼道内"),
    ("公共设施是否完好", "路灯、门禁、监控、健身器材、井盖等有无损坏"),
    ("是否有可疑人员", "发现徘徊、翻越、撬锁等可疑情况，立即上前询问"),
)
GENERAL_ROUTE = "秩序巡逻（每2小时）"
GENERAL_POINTS = ("主干道", "各楼栋单元", "地下停车场")
KEY_ROUTE = "重点区域巡逻（每1小时）"
KEY_POINTS = ("地下停车场", "儿童乐园")


def _actor(by) -> Actor:
    return by if isinstance(by, Actor) else actor_for(by)


@dataclass(frozen=True)
class PatrolRoutes:
    checklist: Checklist
    general: Route
    key: Route
    general_schedule: Schedule
    key_schedule: Schedule


def _check_order_lead(actor: Actor, estate: Estate) -> None:
    """GUARD-02: the order department plans the patrols (its head; or an executive)."""
    if actor.is_superuser:
        return
    if actor.staff is None or estate.pk not in actor.estate_ids:
        from django.http import Http404

        raise Http404
    if actor.role == Role.EXECUTIVE:
        return
    if actor.role != Role.DEPARTMENT_HEAD or actor.staff.department.kind != DepartmentKind.ORDER:
        raise PermissionDenied(_("巡逻路线由秩序管理部负责人制定"))


def _route(estate, name, points, checklist, by) -> Route:
    route = route_create(estate=estate, name=name, kind="security_patrol", ordered=True, by=by)
    for point in points:
        checkpoint_create(route=route, name=point, location=point, checklist=checklist, by=by)
    return route


@transaction.atomic
def patrol_routes_setup(*, estate: Estate, by, anchor: dt.date | None = None) -> PatrolRoutes:
    """GUARD-07/08/09: the estate's two patrol routes, their checkpoints (in order, each with the
    GUARD-08 checklist) and their schedules of rounds from ``anchor`` (today)."""
    actor = _actor(by)
    _check_order_lead(actor, estate)
    if Route.objects.filter(estate=estate, name__in=(GENERAL_ROUTE, KEY_ROUTE)).exists():
        raise ValidationError({"estate": [_("本项目已有默认巡逻路线")]})
    checklist = checklist_create(
        name="秩序巡逻检查",
        kind="patrol",
        estate=estate,
        source="物业管理手册·秩序管理（巡逻重点检查）",  # GUARD-08
        items=[{"label": label, "kind": "check", "hint": hint} for label, hint in PATROL_CHECKS],
        by=actor,
    )
    general = _route(estate, GENERAL_ROUTE, GENERAL_POINTS, checklist, actor)
    key = _route(estate, KEY_ROUTE, KEY_POINTS, checklist, actor)
    schedules = []
    for route, hours in ((general, 2), (key, 1)):  # GUARD-07: every 2 h; GUARD-09: every 1 h
        schedules.append(
            plan_create(
                estate=estate,
                name=route.name,
                kind="patrol",
                frequency=Frequency.HOURLY,
                interval=hours,
                times=["00:00"],
                anchor=anchor,
                due_amount=hours,
                due_unit="hours",
                assignee_role=Role.GUARD,
                department=DepartmentKind.ORDER,
                rule="GUARD-07" if hours == 2 else "GUARD-09",
                route=route,
                by=actor,
            )
        )
    return PatrolRoutes(checklist, general, key, schedules[0], schedules[1])


@transaction.atomic
def patrol_anomaly_report(
    *,
    estate: Estate,
    kind: str,
    description: str,
    attachments: list,
    by,
    location: str = "",
    checkpoint: Checkpoint | None = None,
    room: Room | None = None,
    building: Building | None = None,
    public_area: PublicArea | None = None,
    police_called_at: dt.datetime | None = None,
    police_ref: str = "",
) -> PatrolAnomaly:
    """GUARD-11: record a finding on patrol with its photo and send it where it belongs.

    ``damage`` needs the public area (a repair order for the repairs desk); ``fire_lane`` and
    ``ebike`` become obstruction cases (``room``: whose it is, the occupant is told);
    ``suspicious`` an incident, the order head told at once, and with ``police_ref`` the 110
    call recorded."""
    actor = _actor(by)
    check_guard(actor, estate.pk)
    errors: dict[str, list[str]] = {}
    if kind not in PatrolAnomalyKind.values:
        errors["kind"] = [_("请选择异常类别")]
    description, location = (description or "").strip(), (location or "").strip()
    if not description:
        errors["description"] = [_("请描述发现的情况")]
    elif len(description) > DESCRIPTION_MAX:
        errors["description"] = [_("情况说明不能超过 %(n)d 个字") % {"n": DESCRIPTION_MAX}]
    if checkpoint is not None and checkpoint.route.estate_id != estate.pk:
        errors["checkpoint"] = [_("巡检点不属于本项目")]
    if kind == PatrolAnomalyKind.DAMAGE and public_area is None:
        errors["public_area"] = [_("请选择损坏设施所在的公共区域")]
    if public_area is not None and public_area.estate_id != estate.pk:
        errors["public_area"] = [_("该公共区域不属于本项目")]
    if not location and checkpoint is not None:
        location = checkpoint.location or checkpoint.name
    if not location and public_area is not None:
        location = public_area.name
    if not location:
        errors["location"] = [_("请填写位置")]
    if errors:
        raise ValidationError(errors)
    photos = require_photo(actor, attachments)
    if kind == PatrolAnomalyKind.DAMAGE:
        staff = actor.staff
        order = repair_order_create(
            estate=estate, description=f"{location} {description}"[:500], public_area=public_area,
            contact_name=staff.name if staff else actor.user.get_username(),
            contact_phone=staff.mobile if staff else "", channel=Channel.COUNTER,
            attachments=photos, by=actor,
        )  # fmt: skip
        case = order.case
    elif kind in (PatrolAnomalyKind.FIRE_LANE, PatrolAnomalyKind.EBIKE):
        case = obstruction_open(
            estate=estate, kind=kind, location=location, description=description,
            attachments=photos, room=room, building=building, by=actor,
        ).case  # fmt: skip
    else:
        incident = incident_open(
            estate=estate, location=location, description=description, attachments=photos,
            by=actor,
        )  # fmt: skip
        if police_ref:
            incident = incident_act(
                incident=incident, action="call_police", by=actor,
                data={"called_at": police_called_at or timezone.now(), "police_ref": police_ref},
            )  # fmt: skip
        case = incident.case
    return PatrolAnomaly.objects.create(
        estate=estate,
        kind=kind,
        description=description,
        location=location[:100],
        checkpoint=checkpoint,
        found_at=timezone.now(),
        reported_by=actor.user,
        case=case,
    )

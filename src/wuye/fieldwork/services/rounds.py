"""Rounds (巡检/巡更) over QR checkpoints: routes and their checkpoints, the scans of a round, its
outcome (done when every active checkpoint is scanned, missed checkpoints named when its window
ends), and the defences against a photographed label (distance from the checkpoint, scans
impossibly fast one after the other).

Decisions (DESIGN.md, "Field work"):

- A round is the planned task of a schedule whose ``TaskSpec.route`` is the route; its window is
  ``scheduled_for <= now <= due_at`` (the engine's missed sweep takes ``due_at < now``, so a scan
  at ``due_at`` itself still counts).
- The checkpoint is named by its random QR token (or its short code), never by its id: a label
  resolves to its own checkpoint, hence to its own estate's route, so a photographed label of
  another estate cannot advance this estate's round.
- On an ordered route a checkpoint scanned before an earlier one still counts, and is flagged
  ``out_of_order``; scanning the same checkpoint again records nothing (``duplicate``).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.choices import Role
from wuye.core.exceptions import Conflict
from wuye.core.models import Estate, Staff
from wuye.core.scoping import Actor, actor_for
from wuye.core.validators import check_model_text
from wuye.workflow.models import PlannedTask, PlannedTaskStatus
from wuye.workflow.schedules import planned_task_complete, planned_task_sweep_missed

from ..models import Checklist, Checkpoint, MissedCheckpoint, Round, RoundStatus, Route, Scan
from ..models.rounds import CODE_ALPHABET, CODE_LENGTH, checkpoint_code, checkpoint_token

__all__ = [
    "ScanResult",
    "checkpoint_create",
    "checkpoint_regenerate_token",
    "checkpoint_reorder",
    "checkpoint_update",
    "distance_m",
    "normalize_code",
    "round_sweep_missed",
    "route_create",
    "route_update",
    "scan_record",
]

# Who plans routes and prints their labels.
ROUTE_WRITE_ROLES = frozenset({Role.EXECUTIVE, Role.DEPARTMENT_HEAD})
MAX_CHECKPOINTS = 200
EARTH_RADIUS_M = 6_371_000
SPEED_MAX = Decimal("99.9")
GAP_MAX = 86_400
RADIUS_MAX = 10_000
ACCURACY_MAX = 100_000
_KIND_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_")


def _actor(by) -> Actor:
    return by if isinstance(by, Actor) else actor_for(by)


def _check_writer(actor: Actor, estate_id: int) -> None:
    if actor.is_superuser:
        return
    if estate_id not in actor.estate_ids or actor.staff is None:
        raise Http404
    if actor.role not in ROUTE_WRITE_ROLES:
        raise PermissionDenied(_("只有部门负责人或企业高层可以维护巡查路线"))


def distance_m(lat1, lon1, lat2, lon2) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp, dl = p2 - p1, math.radians(float(lon2) - float(lon1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def _number(value, errors: dict, field: str, message: str) -> Decimal | None:
    """A finite number (int, float, Decimal or its text), or None when empty."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        errors.setdefault(field, []).append(message)
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors.setdefault(field, []).append(message)
        return None
    if not number.is_finite():
        errors.setdefault(field, []).append(message)
        return None
    return number


def _position(latitude, longitude, errors: dict) -> tuple[Decimal | None, Decimal | None]:
    """Latitude and longitude, both or neither, in range, rounded to six places (~0.1 m)."""
    lat = _number(latitude, errors, "latitude", _("纬度须为 -90 到 90 之间的数字"))
    lon = _number(longitude, errors, "longitude", _("经度须为 -180 到 180 之间的数字"))
    if lat is not None and not -90 <= lat <= 90:
        errors.setdefault("latitude", []).append(_("纬度须为 -90 到 90 之间的数字"))
        lat = None
    if lon is not None and not -180 <= lon <= 180:
        errors.setdefault("longitude", []).append(_("经度须为 -180 到 180 之间的数字"))
        lon = None
    if "latitude" in errors or "longitude" in errors:
        return None, None
    if (lat is None) != (lon is None):
        errors.setdefault("latitude" if lat is None else "longitude", []).append(
            _("经纬度须同时填写或同时留空")
        )
        return None, None
    places = Decimal("0.000001")
    return (
        lat.quantize(places) if lat is not None else None,
        lon.quantize(places) if lon is not None else None,
    )


def _whole(value, errors: dict, field: str, low: int, high: int, message: str) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        errors.setdefault(field, []).append(message)
        return None
    return value


# --- Routes and checkpoints ---------------------------------------------------------------------


def _route_fields(
    *,
    estate_id: int,
    name: str,
    kind: str,
    walking_speed,
    min_gap_seconds,
    exclude: int | None = None,
) -> tuple[dict, dict]:
    errors: dict[str, list[str]] = {}
    name, kind = (name or "").strip(), (kind or "").strip()
    if not name:
        errors["name"] = [_("请填写路线名称")]
    check_model_text(Route, errors, name=name)
    if not kind or not set(kind) <= _KIND_CHARS or not kind[0].isalpha() or len(kind) > 30:
        errors["kind"] = [_("类别须为小写英文代码，如 security_patrol")]
    speed = _number(walking_speed, errors, "walking_speed", _("步行速度上限须为正数"))
    if speed is not None and not Decimal("0.1") <= speed <= SPEED_MAX:
        errors.setdefault("walking_speed", []).append(_("步行速度上限须在 0.1 到 99.9 米/秒之间"))
    if speed is None and "walking_speed" not in errors:
        errors["walking_speed"] = [_("请填写步行速度上限")]
    gap = _whole(
        min_gap_seconds, errors, "min_gap_seconds", 0, GAP_MAX, _("两点最短间隔须为 0 到 86400 秒")
    )
    if name and "name" not in errors:
        clash = Route.objects.filter(estate_id=estate_id, name=name).exclude(pk=exclude)
        if clash.exists():
            errors["name"] = [_("本项目已有同名路线")]
    values = {"name": name, "kind": kind, "min_gap_seconds": gap}
    if speed is not None:
        values["walking_speed"] = speed.quantize(Decimal("0.1"))
    return values, errors


@transaction.atomic
def route_create(
    *,
    estate: Estate,
    name: str,
    kind: str,
    by,
    ordered: bool = False,
    walking_speed=Decimal(3),
    min_gap_seconds: int = 20,
) -> Route:
    """A new route (an executive or a department head of the estate)."""
    _check_writer(_actor(by), estate.pk)
    values, errors = _route_fields(
        estate_id=estate.pk,
        name=name,
        kind=kind,
        walking_speed=walking_speed,
        min_gap_seconds=min_gap_seconds,
    )
    if errors:
        raise ValidationError(errors)
    return Route.objects.create(estate=estate, ordered=bool(ordered), **values)


@transaction.atomic
def route_update(
    *,
    route: Route,
    by,
    name: str,
    kind: str,
    ordered: bool,
    walking_speed,
    min_gap_seconds: int,
    active: bool = True,
) -> Route:
    """Change a route. A round already running keeps its scans; the new rules apply to the next
    scan."""
    _check_writer(_actor(by), route.estate_id)
    route = Route.objects.select_for_update().get(pk=route.pk)
    values, errors = _route_fields(
        estate_id=route.estate_id,
        name=name,
        kind=kind,
        walking_speed=walking_speed,
        min_gap_seconds=min_gap_seconds,
        exclude=route.pk,
    )
    if errors:
        raise ValidationError(errors)
    for field, value in values.items():
        setattr(route, field, value)
    route.ordered, route.active = bool(ordered), bool(active)
    route.save()
    return route


def _checkpoint_fields(
    *,
    route: Route,
    name: str,
    location: str,
    latitude,
    longitude,
    radius_m,
    checklist: Checklist | None,
) -> dict:
    errors: dict[str, list[str]] = {}
    name, location = (name or "").strip(), (location or "").strip()
    if not name:
        errors["name"] = [_("请填写巡检点名称")]
    check_model_text(Checkpoint, errors, name=name, location=location)
    lat, lon = _position(latitude, longitude, errors)
    radius = _whole(radius_m, errors, "radius_m", 1, RADIUS_MAX, _("允许偏差须为 1 到 10000 米"))
    if checklist is not None and (
        checklist.company_id != route.estate.company_id
        or checklist.estate_id not in (None, route.estate_id)
        or not checklist.active
    ):
        errors["checklist"] = [_("请选择本项目在用的检查表")]
    if errors:
        raise ValidationError(errors)
    return {
        "name": name,
        "location": location,
        "latitude": lat,
        "longitude": lon,
        "radius_m": radius,
        "checklist": checklist,
    }


@transaction.atomic
def checkpoint_create(
    *,
    route: Route,
    name: str,
    by,
    location: str = "",
    latitude=None,
    longitude=None,
    radius_m: int = 50,
    checklist: Checklist | None = None,
) -> Checkpoint:
    """A checkpoint at the end of the route, with a new QR token and code."""
    _check_writer(_actor(by), route.estate_id)
    route = Route.objects.select_for_update().select_related("estate").get(pk=route.pk)
    values = _checkpoint_fields(
        route=route,
        name=name,
        location=location,
        latitude=latitude,
        longitude=longitude,
        radius_m=radius_m,
        checklist=checklist,
    )
    if route.checkpoints.count() >= MAX_CHECKPOINTS:
        raise ValidationError({"__all__": [_("一条路线最多 200 个巡检点")]})
    last = route.checkpoints.aggregate(last=Max("position"))["last"] or 0
    return Checkpoint.objects.create(route=route, position=last + 1, **values)


@transaction.atomic
def checkpoint_update(
    *,
    checkpoint: Checkpoint,
    by,
    name: str,
    location: str = "",
    latitude=None,
    longitude=None,
    radius_m: int = 50,
    checklist: Checklist | None = None,
    active: bool = True,
) -> Checkpoint:
    """Change a checkpoint, or deactivate it (``active=False``: no longer part of any round
    still to be closed; its past scans stay)."""
    _check_writer(_actor(by), checkpoint.route.estate_id)
    checkpoint = (
        Checkpoint.objects.select_for_update().select_related("route__estate").get(pk=checkpoint.pk)
    )
    values = _checkpoint_fields(
        route=checkpoint.route,
        name=name,
        location=location,
        latitude=latitude,
        longitude=longitude,
        radius_m=radius_m,
        checklist=checklist,
    )
    for field, value in values.items():
        setattr(checkpoint, field, value)
    checkpoint.active = bool(active)
    checkpoint.save()
    return checkpoint


@transaction.atomic
def checkpoint_reorder(*, route: Route, order: list[int], by) -> list[Checkpoint]:
    """Put the route's checkpoints in this order (their ids, every one of them once)."""
    _check_writer(_actor(by), route.estate_id)
    route = Route.objects.select_for_update().get(pk=route.pk)
    checkpoints = {c.pk: c for c in route.checkpoints.all()}
    if (
        not isinstance(order, list)
        or len(order) != len(checkpoints)
        or set(order) != set(checkpoints)
    ):
        raise ValidationError({"order": [_("请按新顺序列出本路线的全部巡检点，每个一次")]})
    # Two steps: the (route, position) constraint holds after each.
    for index, pk in enumerate(order, start=1):
        Checkpoint.objects.filter(pk=pk).update(position=10_000 + index)
    for index, pk in enumerate(order, start=1):
        Checkpoint.objects.filter(pk=pk).update(position=index)
    return list(route.checkpoints.order_by("position"))


@transaction.atomic
def checkpoint_regenerate_token(*, checkpoint: Checkpoint, by) -> Checkpoint:
    """A new QR token and code: the printed label and its code stop working (a label reported
    stolen or copied); print the new one."""
    _check_writer(_actor(by), checkpoint.route.estate_id)
    checkpoint = Checkpoint.objects.select_for_update().get(pk=checkpoint.pk)
    checkpoint.token, checkpoint.code = checkpoint_token(), checkpoint_code()
    checkpoint.save(update_fields=["token", "code"])
    return checkpoint


# --- Scanning -----------------------------------------------------------------------------------


def normalize_code(code: str) -> str:
    """What a guard types: any case, spaces or dashes."""
    return "".join(ch for ch in (code or "").upper() if ch not in " -")


@dataclass(frozen=True)
class ScanResult:
    scan: Scan
    round: Round
    duplicate: bool  # the checkpoint was already scanned in this round: nothing recorded
    completed: bool  # this scan completed the round


def _checkpoint_for_scan(actor: Actor, token: str, code: str) -> Checkpoint:
    qs = Checkpoint.objects.select_related("route__estate")
    if token:
        checkpoint = qs.filter(token=token).first()
    else:
        code = normalize_code(code)
        valid = len(code) == CODE_LENGTH and set(code) <= set(CODE_ALPHABET)
        checkpoint = qs.filter(code=code).first() if valid else None
    # Another estate's label is as unknown as a made-up one.
    if checkpoint is None or not (
        actor.is_superuser or checkpoint.route.estate_id in actor.estate_ids
    ):
        raise Http404(_("没有这个巡检点，标签可能已作废或不属于本项目"))
    if not (checkpoint.active and checkpoint.route.active):
        raise Conflict(_("该巡检点或路线已停用，无需打卡"), code="inactive")
    return checkpoint


def open_rounds(route: Route, now: dt.datetime):
    """The planned tasks of the route whose window contains ``now``, earliest first."""
    return PlannedTask.objects.filter(
        schedule__spec__route=route,
        status=PlannedTaskStatus.PLANNED,
        scheduled_for__lte=now,
        due_at__gte=now,
    ).order_by("scheduled_for", "id")


def _flags(*, route: Route, checkpoint: Checkpoint, rnd: Round, lat, lon, accuracy, now):
    distance = too_far = None
    if lat is not None and checkpoint.latitude is not None:
        distance = distance_m(lat, lon, checkpoint.latitude, checkpoint.longitude)
        too_far = distance > checkpoint.radius_m + (accuracy or 0)
    previous = rnd.scans.select_related("checkpoint").order_by("-scanned_at", "-id").first()
    too_fast = False
    if previous is not None:
        # The walk between the two checkpoints where both are surveyed, else between the two
        # phones' positions; with neither, the route's minimum gap.
        a, b = previous.checkpoint, checkpoint
        if a.latitude is not None and b.latitude is not None:
            needed = distance_m(a.latitude, a.longitude, b.latitude, b.longitude)
            needed /= float(route.walking_speed)
        elif previous.latitude is not None and lat is not None:
            needed = distance_m(previous.latitude, previous.longitude, lat, lon)
            needed /= float(route.walking_speed)
        else:
            needed = route.min_gap_seconds
        too_fast = (now - previous.scanned_at).total_seconds() < needed
    out_of_order = False
    if route.ordered:
        out_of_order = (
            route.checkpoints.filter(active=True, position__lt=checkpoint.position)
            .exclude(scans__round=rnd)
            .exists()
        )
    return {
        "distance_m": round(distance) if distance is not None else None,
        "too_far": bool(too_far),
        "too_fast": too_fast,
        "out_of_order": out_of_order,
    }


def _unscanned(rnd: Round):
    return rnd.route.checkpoints.filter(active=True).exclude(
        Exists(Scan.objects.filter(round=rnd, checkpoint=OuterRef("pk")))
    )


@transaction.atomic
def scan_record(
    *, by, token: str = "", code: str = "", latitude=None, longitude=None, accuracy=None
) -> ScanResult:
    """Record a scan of the checkpoint with this QR ``token`` (or typed ``code``) in the round
    of its route running now, at the server's time and, when the phone gave it, its position.

    Outside every round's window: a Conflict ("no round now"). The scan that leaves no active
    checkpoint unscanned completes the planned task, by this person.
    """
    actor = _actor(by)
    if not actor.is_superuser and actor.staff is None and actor.contractor is None:
        raise PermissionDenied(_("只有员工或维保单位可以巡查打卡"))
    errors: dict[str, list[str]] = {}
    token, code = (token or "").strip(), (code or "").strip()
    if not token and not code:
        errors["code"] = [_("请扫描巡检点二维码或输入巡检点编码")]
    lat, lon = _position(latitude, longitude, errors)
    acc = _number(accuracy, errors, "accuracy", _("定位精度须为非负数字"))
    if acc is not None and not 0 <= acc <= ACCURACY_MAX:
        errors.setdefault("accuracy", []).append(_("定位精度须为非负数字"))
    if errors:
        raise ValidationError(errors)
    accuracy_m = math.ceil(acc) if acc is not None and lat is not None else None
    checkpoint = _checkpoint_for_scan(actor, token, code)
    route = checkpoint.route
    now = timezone.now()
    candidates = list(open_rounds(route, now).values_list("pk", flat=True))
    if not candidates:
        # Another phone's scan just completed the round (window still open): a duplicate.
        window = {"round__task__scheduled_for__lte": now, "round__task__due_at__gte": now}
        if done := Scan.objects.filter(checkpoint=checkpoint, **window).order_by("id").last():
            return ScanResult(scan=done, round=done.round, duplicate=True, completed=False)
        raise Conflict(
            _("“%(route)s”现在没有进行中的巡查，无需打卡") % {"route": route.name}, code="no_round"
        )
    # Overlapping windows: the earliest round that still lacks this checkpoint.
    scanned = set(
        Scan.objects.filter(round__task_id__in=candidates, checkpoint=checkpoint).values_list(
            "round__task_id", flat=True
        )
    )
    task_id = next((pk for pk in candidates if pk not in scanned), candidates[0])
    # The task's row serialises the scans of one round (and the sweeps): the last checkpoint
    # scanned on two phones at once completes it once.
    task = PlannedTask.objects.select_for_update().get(pk=task_id)
    # The other phone's scan of this checkpoint, recorded while this one waited for the lock
    # (it may have completed the round): a duplicate, not a refusal.
    existing = Scan.objects.filter(round__task=task, checkpoint=checkpoint).first()
    if existing is not None:
        return ScanResult(scan=existing, round=existing.round, duplicate=True, completed=False)
    if task.status != PlannedTaskStatus.PLANNED or not task.scheduled_for <= now <= task.due_at:
        raise Conflict(_("本次巡查已结束，无法再打卡"), code="no_round")
    rnd, _created = Round.objects.get_or_create(
        task=task, defaults={"route": route, "estate_id": route.estate_id, "started_at": now}
    )
    flags = _flags(
        route=route, checkpoint=checkpoint, rnd=rnd, lat=lat, lon=lon, accuracy=accuracy_m, now=now
    )
    scan = Scan.objects.create(
        round=rnd,
        checkpoint=checkpoint,
        scanned_by=actor.user,
        scanned_at=now,
        typed=not token,
        latitude=lat,
        longitude=lon,
        accuracy_m=accuracy_m,
        **flags,
    )
    completed = False
    if not _unscanned(rnd).exists():
        planned_task_complete(task=task, by=actor)
        rnd.status, rnd.closed_at = RoundStatus.DONE, now
        rnd.save(update_fields=["status", "closed_at"])
        _notify(rnd, task, missed=[])
        completed = True
    return ScanResult(scan=scan, round=rnd, duplicate=False, completed=completed)


# --- Outcome ------------------------------------------------------------------------------------


def _heads(task: PlannedTask) -> list:
    """The department head responsible for the schedule (all heads of the estate when the
    schedule names no department)."""
    schedule = task.schedule
    heads = Staff.objects.filter(
        company_id=task.estate.company_id,
        is_active=True,
        estates=task.estate_id,
        role=Role.DEPARTMENT_HEAD,
    ).select_related("user")
    if schedule.department:
        heads = heads.filter(department__kind=schedule.department)
    return [s.user for s in heads]


def _notify(rnd: Round, task: PlannedTask, missed: list[Checkpoint]) -> None:
    """One inbox message per round to the department head, naming the missed checkpoints and
    the flagged scans; nothing when there are neither."""
    from wuye.notify.services import message_enqueue_bulk  # notify does not depend on us

    flagged = [s for s in rnd.scans.select_related("checkpoint") if s.flagged]
    if not missed and not flagged:
        return
    zone = ZoneInfo(task.estate.time_zone or "Asia/Shanghai")
    lines = []
    if missed:
        lines.append(_("漏检：%(names)s") % {"names": "、".join(c.name for c in missed)})
    for scan in flagged:
        reasons = []
        if scan.too_far:
            reasons.append(_("距巡检点 %(m)s 米") % {"m": scan.distance_m})
        if scan.too_fast:
            reasons.append(_("与上一点间隔过短"))
        if scan.out_of_order:
            reasons.append(_("未按顺序"))
        lines.append(
            _("%(name)s %(time)s 打卡异常：%(reasons)s")
            % {
                "name": scan.checkpoint.name,
                "time": scan.scanned_at.astimezone(zone).strftime("%H:%M"),
                "reasons": "，".join(reasons),
            }
        )
    values = {
        "route": rnd.route.name,
        "time": task.scheduled_for.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
    }
    title = (
        _("巡查漏检：%(route)s %(time)s") if missed else _("巡查打卡异常：%(route)s %(time)s")
    ) % values
    url = reverse("fieldwork:round_detail", args=[task.pk])
    message_enqueue_bulk(
        {
            "recipient": user,
            "template": "notice",
            "channels": ["inbox"],
            "context": {"title": title, "body": "\n".join(lines)},
            "estate": task.estate,
            "ref": f"round:{task.pk}",
            "url": url,
            "idempotency_key": f"round:{task.pk}",
        }
        for user in _heads(task)
    )
    rnd.notified_at = timezone.now()
    rnd.save(update_fields=["notified_at"])


def round_sweep_missed(*, now: dt.datetime | None = None, batch: int = 200) -> int:
    """Periodic job: close each round whose window has ended without every checkpoint scanned.

    The engine first marks the late planned tasks missed (``planned_task_sweep_missed``); then
    each missed round task not yet closed is claimed with SELECT … FOR UPDATE SKIP LOCKED, its
    unscanned active checkpoints are recorded as missed, the round is marked missed and the
    department head told, in one transaction, so concurrent sweepers close each round once.
    Returns how many rounds were closed.
    """
    now = now or timezone.now()
    planned_task_sweep_missed(now=now)
    closed = Round.objects.filter(task=OuterRef("pk"), closed_at__isnull=False)
    pending = Q(
        status=PlannedTaskStatus.MISSED, due_at__lt=now, schedule__spec__route__isnull=False
    ) & ~Exists(closed)
    count = 0
    while True:
        with transaction.atomic():
            ids = list(
                PlannedTask.objects.filter(pending)
                .order_by("id")
                .select_for_update(skip_locked=True, of=("self",))
                .values_list("id", flat=True)[:batch]
            )
            if not ids:
                break
            tasks = PlannedTask.objects.filter(pending, id__in=ids).select_related(
                "schedule__spec__route", "estate"
            )
            for task in tasks:
                _close_missed(task, now)
                count += 1
        if len(ids) < batch:
            break
    return count


def _close_missed(task: PlannedTask, now: dt.datetime) -> None:
    route = task.schedule.spec.route
    rnd, _created = Round.objects.get_or_create(
        task=task, defaults={"route": route, "estate_id": task.estate_id}
    )
    missed = list(_unscanned(rnd).order_by("position"))
    MissedCheckpoint.objects.bulk_create(
        [MissedCheckpoint(round=rnd, checkpoint=c) for c in missed], ignore_conflicts=True
    )
    rnd.status, rnd.closed_at = RoundStatus.MISSED, now
    rnd.save(update_fields=["status", "closed_at"])
    _notify(rnd, task, missed=missed)

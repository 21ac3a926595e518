"""The gate (VEHICLE-01: vehicles entering, parking and paying inside the estate;
VEHICLE-03/04/06/11): plate reads from the lanes' cameras (signed, one event per
camera event id) and the guard's manual entries; a known owner's car passes, a temporary car
gets a 《临时停车卡》 at entry and pays the estate's fee (billing's temporary-parking rule,
VEHICLE-07) before its exit is recorded; exits without an entry and stays without an exit are
left for the guard to resolve with a reason."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.billing.services.parking import parking_fee
from wuye.core.choices import Role
from wuye.core.exceptions import Conflict
from wuye.core.models import Estate
from wuye.core.scoping import Actor, actor_for
from wuye.core.validators import check_model_text
from wuye.fieldwork.models import Device, DeviceKind
from wuye.fieldwork.services.devices import SIGNATURE_MAX_SKEW, device_create

from ..choices import GateDirection, GateOutcome, GateSource, ParkingAreaKind, StayStatus
from ..models import GateEvent, GateLane, ParkingArea, ParkingStay, Vehicle
from ..selectors.gates import STAY_STALE_AFTER  # noqa: F401
from ..selectors.vehicles import plate_clean

# VEHICLE-04/06: the gate guards record and collect; their heads and executives may too.
GATE_ROLES = frozenset({Role.GUARD, Role.DEPARTMENT_HEAD, Role.EXECUTIVE})
# A paid car has this long to reach the exit before the fee runs on.
EXIT_GRACE = dt.timedelta(minutes=15)
# A camera's read older than this is refused: a replay, or a camera whose clock is wrong.
READ_MAX_AGE = dt.timedelta(days=1)
ZERO = Decimal("0.00")


def _actor(by) -> Actor:
    return by if isinstance(by, Actor) else actor_for(by)


def _check_gate(actor: Actor, estate_id: int) -> None:
    if not actor.is_superuser and estate_id not in actor.estate_ids:
        raise Http404
    if not (actor.is_superuser or actor.role in GATE_ROLES):
        raise PermissionDenied(_("只有门岗秩序员和管理人员可以登记车辆进出"))


def _zone(estate: Estate) -> ZoneInfo:
    return ZoneInfo(estate.time_zone or "Asia/Shanghai")


# --- Lanes --------------------------------------------------------------------------------------


@transaction.atomic
def gate_lane_create(
    *, estate: Estate, gate: str, name: str, direction: str, with_camera: bool = True, by
) -> tuple[GateLane, str | None]:
    """A lane of a gate and its plate-recognition camera (a fieldwork device, VEHICLE-04).
    Returns the lane and the camera's secret, shown this once."""
    actor = _actor(by)
    errors: dict[str, list[str]] = {}
    gate, name = (gate or "").strip(), (name or "").strip()
    if not gate:
        errors["gate"] = [_("请填写门岗，如 东门")]
    if not name:
        errors["name"] = [_("请填写通道名称，如 东门入口")]
    check_model_text(GateLane, errors, gate=gate, name=name)
    if direction not in GateDirection.values:
        errors["direction"] = [_("请选择入场或出场")]
    if name and GateLane.objects.filter(estate=estate, name=name).exists():
        errors["name"] = [_("本项目已有同名通道")]
    if errors:
        raise ValidationError(errors)
    device, secret = None, None
    if with_camera:  # device_create checks the role (the heads) and the estate
        device, secret = device_create(
            estate=estate, name=_("%(lane)s车牌识别") % {"lane": name},
            kind=DeviceKind.GATE_CAMERA, location=f"{gate} {name}", by=actor,
        )  # fmt: skip
    elif not (actor.is_superuser or actor.role in {Role.DEPARTMENT_HEAD, Role.EXECUTIVE}):
        raise PermissionDenied(_("只有部门负责人和企业高层可以设置道闸通道"))
    lane = GateLane.objects.create(
        estate=estate, gate=gate, name=name, direction=direction, device=device
    )
    return lane, secret


# --- What a read decides ------------------------------------------------------------------------


def known_vehicle(estate_id: int, plate: str, day: dt.date) -> Vehicle | None:
    """VEHICLE-10: the ledger's car that passes freely — a valid monthly pass that day, or a
    parking space of its own owner (billed monthly as 车位管理费)."""
    vehicle = (
        Vehicle.objects.filter(estate_id=estate_id, plate=plate, active=True)
        .select_related("parking_space")
        .first()
    )
    if vehicle is None:
        return None
    if vehicle.passes.filter(start__lte=day, end__gte=day).exists():
        return vehicle
    space = vehicle.parking_space
    if space is not None and vehicle.owner_id and space.holder_id == vehicle.owner_id:
        return vehicle
    return None


def temporary_area(estate_id: int) -> ParkingArea | None:
    """VEHICLE-05: the temporary area with the most free spaces (None: all full)."""
    areas = (
        ParkingArea.objects.filter(estate_id=estate_id, kind=ParkingAreaKind.TEMPORARY, active=True)
        .annotate(inside=Count("stays", filter=Q(stays__status=StayStatus.INSIDE)))
        .order_by("name")
    )
    best = max(areas, key=lambda a: a.capacity - a.inside, default=None)
    return best if best is not None and best.capacity > best.inside else None


def stay_due(stay: ParkingStay, at: dt.datetime) -> tuple[Decimal, Decimal]:
    """(fee, amount still due) of a stay leaving at ``at`` under the estate's rule of the entry
    day (VEHICLE-07). Paid within the last ``EXIT_GRACE``: the fee as it was when paid."""
    until = at
    if stay.paid_at is not None and at <= stay.paid_at + EXIT_GRACE:
        until = min(at, stay.paid_at)
    left = max(until, stay.entered_at)
    fee = parking_fee(estate=stay.estate, entered_at=stay.entered_at, left_at=left)
    return fee, max(fee - stay.paid_amount, ZERO)


def _card_number(stay: ParkingStay, at: dt.datetime) -> str:
    return f"TC{at.astimezone(_zone(stay.estate)):%Y%m%d}-{stay.pk:06d}"


def _new_stay(estate: Estate, plate: str, status: str, at: dt.datetime, **fields) -> ParkingStay:
    stay = ParkingStay.objects.create(
        estate=estate, plate=plate, status=status, card_no=f"new-{plate}-{at.timestamp()}"[:24],
        **fields,
    )  # fmt: skip
    stay.card_no = _card_number(stay, at)
    stay.save(update_fields=["card_no"])
    return stay


def _entry(event: GateEvent, estate: Estate, at: dt.datetime) -> None:
    try:
        with transaction.atomic():
            # VEHICLE-11: the 《临时停车卡》 with its entry time.
            event.stay = _new_stay(estate, event.plate, StayStatus.INSIDE, at, entered_at=at,
                                   area=temporary_area(estate.pk))  # fmt: skip
            event.outcome = GateOutcome.TEMPORARY_IN
    except IntegrityError:  # the car is inside already: a missed exit, or a second read
        event.stay = ParkingStay.objects.filter(
            estate=estate, plate=event.plate, status=StayStatus.INSIDE
        ).first()
        event.outcome = GateOutcome.ALREADY_INSIDE


def _exit(event: GateEvent, estate: Estate, at: dt.datetime) -> None:
    stay = (
        ParkingStay.objects.select_for_update()
        .filter(estate=estate, plate=event.plate, status=StayStatus.INSIDE)
        .first()
    )
    if stay is None:
        # Shown on the stays list for the guard to resolve (a missed entry read).
        event.stay = _new_stay(estate, event.plate, StayStatus.NO_ENTRY, at, left_at=at)
        event.outcome = GateOutcome.NO_ENTRY
        return
    event.stay = stay
    if at < stay.entered_at:
        raise ValidationError({"occurred_at": [_("出场时间早于该车入场时间")]})
    fee, due = stay_due(stay, at)
    if due > 0:
        # VEHICLE-06: no exit is recorded for an unpaid car; the amount due is on the event.
        event.outcome, event.amount_due = GateOutcome.UNPAID, due
        return
    stay.status, stay.left_at, stay.fee = StayStatus.LEFT, at, fee
    stay.save(update_fields=["status", "left_at", "fee"])
    event.outcome = GateOutcome.PAID_OUT if fee > 0 else GateOutcome.FREE_OUT


@dataclass(frozen=True)
class GateResult:
    event: GateEvent
    created: bool  # False: the camera's event id was posted before

    @property
    def open_barrier(self) -> bool:
        return self.event.outcome not in (GateOutcome.UNPAID, GateOutcome.NO_ENTRY)


def _record(*, estate: Estate, direction: str, plate: str, at: dt.datetime, source: str,
            lane: GateLane | None = None, device: Device | None = None,
            camera_event_id: str = "", photo_url: str = "", note: str = "",
            user=None) -> GateResult:  # fmt: skip
    now = timezone.now()
    event = GateEvent(
        estate=estate, lane=lane, direction=direction, source=source, device=device,
        camera_event_id=camera_event_id, plate=plate, occurred_at=at, received_at=now,
        photo_url=photo_url, note=note, recorded_by=user,
    )  # fmt: skip
    try:
        with transaction.atomic():
            day = at.astimezone(_zone(estate)).date()
            event.vehicle = known_vehicle(estate.pk, plate, day)
            if event.vehicle is not None:
                event.outcome = GateOutcome.OWNER  # VEHICLE-10: enters and leaves freely
            elif direction == GateDirection.ENTRY:
                _entry(event, estate, at)
            else:
                _exit(event, estate, at)
            event.save()
        return GateResult(event, created=True)
    except IntegrityError:
        if device is None:
            raise
        # VEHICLE-04: the same camera event posted again (or at once) is the one event.
        existing = GateEvent.objects.filter(device=device, camera_event_id=camera_event_id).first()
        if existing is None:
            raise
        return GateResult(existing, created=False)


def gate_event_receive(
    *, device: Device, plate: str, occurred_at: dt.datetime, camera_event_id: str,
    photo_url: str = "",
) -> GateResult:  # fmt: skip
    """A plate read of an authenticated camera (VEHICLE-04), deduplicated by its event id."""
    lane = GateLane.objects.filter(device=device, active=True).first()
    errors: dict[str, list[str]] = {}
    if device.kind != DeviceKind.GATE_CAMERA or lane is None:
        raise Conflict(_("该设备未绑定道闸通道"), code="no_lane")
    camera_event_id, photo_url = (camera_event_id or "").strip(), (photo_url or "").strip()
    if not camera_event_id:
        errors["camera_event_id"] = [_("请提供相机事件编号")]
    check_model_text(GateEvent, errors, camera_event_id=camera_event_id, photo_url=photo_url)
    try:
        plate = plate_clean(plate)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    now = timezone.now()
    if occurred_at is None or timezone.is_naive(occurred_at):
        errors["occurred_at"] = [_("请提供带时区的过闸时间")]
    elif not now - READ_MAX_AGE <= occurred_at <= now + SIGNATURE_MAX_SKEW:
        errors["occurred_at"] = [_("过闸时间应在最近一天内")]
    if errors:
        raise ValidationError(errors)
    existing = GateEvent.objects.filter(device=device, camera_event_id=camera_event_id).first()
    if existing is not None:
        return GateResult(existing, created=False)
    return _record(
        estate=device.estate, direction=lane.direction, plate=plate, at=occurred_at,
        source=GateSource.CAMERA, lane=lane, device=device, camera_event_id=camera_event_id,
        photo_url=photo_url,
    )  # fmt: skip


def gate_event_manual(
    *, estate: Estate, direction: str, plate: str, lane: GateLane | None = None, note: str = "",
    by,
) -> GateResult:  # fmt: skip
    """登记 by the gate guard on a phone (VEHICLE-04: an outside car, or a read the camera
    missed): the same decision as a camera's read, at this moment."""
    actor = _actor(by)
    _check_gate(actor, estate.pk)
    errors: dict[str, list[str]] = {}
    if direction not in GateDirection.values:
        errors["direction"] = [_("请选择入场或出场")]
    note = (note or "").strip()
    check_model_text(GateEvent, errors, note=note)
    if lane is not None and (lane.estate_id != estate.pk or lane.direction != direction):
        errors["lane"] = [_("通道与方向不符")]
    try:
        plate = plate_clean(plate)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return _record(estate=estate, direction=direction, plate=plate, at=timezone.now(),
                   source=GateSource.MANUAL, lane=lane, note=note, user=actor.user)  # fmt: skip

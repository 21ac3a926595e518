"""《车辆管理台账》 (VEHICLE-02/09/10): plates checked and normalised, registered by customer
service with owner, room and parking space; monthly passes (包月, VEHICLE-08) billed to the room
through billing's charge items; the designated parking areas (VEHICLE-05)."""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.billing import services as billing
from wuye.billing.models import ChargeBasis, ChargeKind
from wuye.core.choices import Role
from wuye.core.models import Estate, ParkingSpace, Resident, Room
from wuye.core.scoping import Actor, actor_for
from wuye.core.validators import check_date, check_model_text

from ..choices import ParkingAreaKind
from ..models import MonthlyPass, ParkingArea, Vehicle
from ..selectors.vehicles import plate_clean, plate_kind, plate_normalize  # noqa: F401

# VEHICLE-02: the customer-service centre registers vehicles; their heads and executives may too.
LEDGER_ROLES = frozenset({Role.CS_AGENT, Role.DEPARTMENT_HEAD, Role.EXECUTIVE})
# VEHICLE-02/05: order maintenance manages parking; its heads set the areas.
AREA_ROLES = frozenset({Role.DEPARTMENT_HEAD, Role.EXECUTIVE})
# VEHICLE-08: the charge item of monthly parking; finance sets its rate (元/月) in billing.
PASS_ITEM_NAME = "包月停车费"
PASS_MAX_MONTHS = 24


def _actor(by) -> Actor:
    return by if isinstance(by, Actor) else actor_for(by)


def _check_estate(actor: Actor, estate_id: int) -> None:
    if not actor.is_superuser and estate_id not in actor.estate_ids:
        raise Http404


def _check_ledger(actor: Actor, estate_id: int) -> None:
    _check_estate(actor, estate_id)
    if not (actor.is_superuser or actor.role in LEDGER_ROLES):
        raise PermissionDenied(_("车辆信息由客户服务中心登记"))  # VEHICLE-02


# --- The ledger ---------------------------------------------------------------------------------


def _links(estate: Estate, owner_id, room_id, space_id, errors: dict):
    owner = room = space = None
    if owner_id:
        owner = Resident.objects.filter(pk=owner_id, company_id=estate.company_id).first()
        if owner is None:
            errors["owner"] = [_("车主不存在")]
    if room_id:
        room = Room.objects.filter(pk=room_id, estate=estate).first()
        if room is None:
            errors["room"] = [_("房屋不属于本项目")]
    if space_id:
        space = ParkingSpace.objects.filter(pk=space_id, estate=estate).first()
        if space is None:
            errors["parking_space"] = [_("车位不属于本项目")]
    return owner, room, space


@transaction.atomic
def vehicle_register(
    *, estate: Estate, plate: str, owner_id: int | None = None, room_id: int | None = None,
    parking_space_id: int | None = None, description: str = "", note: str = "", by,
) -> Vehicle:  # fmt: skip
    """登记车辆 into the 《车辆管理台账》 (VEHICLE-09): plate, owner, room, space."""
    actor = _actor(by)
    _check_ledger(actor, estate.pk)
    errors: dict[str, list[str]] = {}
    try:
        plate = plate_clean(plate)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    description, note = (description or "").strip(), (note or "").strip()
    check_model_text(Vehicle, errors, description=description, note=note)
    owner, room, space = _links(estate, owner_id, room_id, parking_space_id, errors)
    if "plate" not in errors and Vehicle.objects.filter(estate=estate, plate=plate,
                                                        active=True).exists():  # fmt: skip
        errors["plate"] = [_("台账中已有车牌 %(plate)s") % {"plate": plate}]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    try:
        with transaction.atomic():
            return Vehicle.objects.create(
                estate=estate, plate=plate, plate_kind=plate_kind(plate), owner=owner, room=room,
                parking_space=space, description=description, note=note,
                registered_by=actor.user, registered_at=now, updated_at=now,
            )  # fmt: skip
    except IntegrityError:  # the same plate registered twice at once
        raise ValidationError(
            {"plate": [_("台账中已有车牌 %(plate)s") % {"plate": plate}]}
        ) from None


@transaction.atomic
def vehicle_update(
    *, vehicle: Vehicle, plate: str, owner_id: int | None = None, room_id: int | None = None,
    parking_space_id: int | None = None, description: str = "", note: str = "",
    active: bool = True, by,
) -> Vehicle:  # fmt: skip
    """修改台账: a changed plate, owner, room or space; 注销 with ``active=False``."""
    actor = _actor(by)
    _check_ledger(actor, vehicle.estate_id)
    vehicle = Vehicle.objects.select_for_update().select_related("estate").get(pk=vehicle.pk)
    errors: dict[str, list[str]] = {}
    try:
        plate = plate_clean(plate)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    description, note = (description or "").strip(), (note or "").strip()
    check_model_text(Vehicle, errors, description=description, note=note)
    owner, room, space = _links(vehicle.estate, owner_id, room_id, parking_space_id, errors)
    if (
        "plate" not in errors
        and active
        and Vehicle.objects.filter(estate_id=vehicle.estate_id, plate=plate, active=True)
        .exclude(pk=vehicle.pk)
        .exists()
    ):
        errors["plate"] = [_("台账中已有车牌 %(plate)s") % {"plate": plate}]
    if errors:
        raise ValidationError(errors)
    vehicle.plate, vehicle.plate_kind = plate, plate_kind(plate)
    vehicle.owner, vehicle.room, vehicle.parking_space = owner, room, space
    vehicle.description, vehicle.note, vehicle.active = description, note, bool(active)
    vehicle.updated_at = timezone.now()
    try:
        with transaction.atomic():
            vehicle.save()
    except IntegrityError:
        raise ValidationError(
            {"plate": [_("台账中已有车牌 %(plate)s") % {"plate": plate}]}
        ) from None
    return vehicle


def vehicle_get_for_user(user, pk, *, for_write: bool = False) -> Vehicle:
    """The vehicle if the user may see it (staff of its estate), else 404."""
    actor = _actor(user)
    qs = Vehicle.objects.select_related(
        "estate", "owner", "room__building", "room__unit", "parking_space"
    )
    if not actor.is_superuser:
        if not actor.is_staff_member:
            raise Http404
        qs = qs.filter(estate_id__in=actor.estate_ids)
    if for_write:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.get(pk=pk)
    except (Vehicle.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# --- Monthly passes (包月, VEHICLE-08) -----------------------------------------------------------


def _add_months(day: dt.date, months: int) -> dt.date:
    """The last day of a pass of ``months`` whole months from ``day``."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last)) - dt.timedelta(days=1)


def pass_item(estate: Estate):
    return billing.charge_item_get_or_create(
        estate=estate, kind=ChargeKind.PARKING, name=PASS_ITEM_NAME, basis=ChargeBasis.FIXED
    )


@transaction.atomic
def monthly_pass_create(*, vehicle: Vehicle, start: dt.date, months: int, by) -> MonthlyPass:
    """办理包月 (VEHICLE-08): whole months from ``start`` at the rate finance set for the
    "包月停车费" charge item on that day; the amount is a bill of the vehicle's room."""
    actor = _actor(by)
    _check_ledger(actor, vehicle.estate_id)
    vehicle = Vehicle.objects.select_for_update().select_related("estate").get(pk=vehicle.pk)
    errors: dict[str, list[str]] = {}
    check_date(start, field="start", label=_("开始日期"), errors=errors)
    if not isinstance(months, int) or not 1 <= months <= PASS_MAX_MONTHS:
        errors["months"] = [_("包月月数须在 1–%(max)d 之间") % {"max": PASS_MAX_MONTHS}]
    if not vehicle.active:
        errors["vehicle"] = [_("该车辆已注销")]
    if vehicle.room_id is None:
        errors["vehicle"] = [_("请先在台账中填写车辆所属房屋，包月费计入该房屋账单")]
    if errors:
        raise ValidationError(errors)
    end = _add_months(start, months)
    if MonthlyPass.objects.filter(vehicle=vehicle, start__lte=end, end__gte=start).exists():
        raise ValidationError({"start": [_("与该车辆已有的包月时段重叠")]})
    item = pass_item(vehicle.estate)
    rate = billing.rate_at(item, start)
    if rate is None:
        raise ValidationError({"start": [_("财务尚未设置包月停车费标准（元/月）")]})
    amount = (rate.amount * months).quantize(Decimal("0.01"))
    now = timezone.now()
    monthly = MonthlyPass.objects.create(
        estate=vehicle.estate, vehicle=vehicle, start=start, end=end, months=months,
        amount=amount, created_by=actor.user, created_at=now,
    )  # fmt: skip
    if amount > 0:
        monthly.bill = billing.bill_from_source(
            estate=vehicle.estate, room=vehicle.room, kind=ChargeKind.PARKING,
            item_name=PASS_ITEM_NAME, source_ref=f"vehicle-pass:{monthly.pk}",
            description=_("包月停车费 %(plate)s %(start)s～%(end)s")
            % {"plate": vehicle.plate, "start": start, "end": end},
            amount=amount, at=now, by=actor.user,
        )  # fmt: skip
        monthly.save(update_fields=["bill"])
    return monthly


def pass_valid_on(vehicle: Vehicle, day: dt.date) -> MonthlyPass | None:
    return vehicle.passes.filter(start__lte=day, end__gte=day).first()


# --- Parking areas (VEHICLE-05) ------------------------------------------------------------------


@transaction.atomic
def parking_area_save(
    *, estate: Estate, name: str, kind: str, capacity, location: str = "", active: bool = True,
    area: ParkingArea | None = None, by,
) -> ParkingArea:  # fmt: skip
    """Add or change a designated area and its capacity."""
    actor = _actor(by)
    _check_estate(actor, estate.pk)
    if not (actor.is_superuser or actor.role in AREA_ROLES):
        raise PermissionDenied(_("只有部门负责人和企业高层可以设置停车区域"))
    errors: dict[str, list[str]] = {}
    name, location = (name or "").strip(), (location or "").strip()
    if not name:
        errors["name"] = [_("请填写区域名称，如 地面临时车位")]
    check_model_text(ParkingArea, errors, name=name, location=location)
    if kind not in ParkingAreaKind.values:
        errors["kind"] = [_("请选择区域类型")]
    try:
        capacity = int(capacity)
        if not 0 <= capacity <= 100000:
            raise ValueError
    except (TypeError, ValueError):
        errors["capacity"] = [_("车位数须为 0–100000 的整数")]
    clash = ParkingArea.objects.filter(estate=estate, name=name)
    if area is not None:
        clash = clash.exclude(pk=area.pk)
    if name and clash.exists():
        errors["name"] = [_("本项目已有同名区域")]
    if errors:
        raise ValidationError(errors)
    area = area or ParkingArea(estate=estate)
    area.name, area.kind, area.capacity = name, kind, capacity
    area.location, area.active = location, bool(active)
    try:
        with transaction.atomic():
            area.save()
    except IntegrityError:
        raise ValidationError({"name": [_("本项目已有同名区域")]}) from None
    return area

"""The meter register: an estate's water and electricity meters, each for a room, a building or the
estate."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils.translation import gettext as _

from wuye.billing.models import (
    Meter,
    MeterKind,
)
from wuye.billing.services.common import _actor
from wuye.core.models import Building, Estate, Room

from .common import _check, may_edit_meters

# --- Meters ------------------------------------------------------------------------------------


def parse_decimal(value, field_name: str, places: str, message: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({field_name: [message]}) from None
    if not number.is_finite() or number != number.quantize(Decimal(places)):
        raise ValidationError({field_name: [message]})
    return number


@transaction.atomic
def meter_save(
    *,
    estate: Estate,
    by,
    code: str,
    name: str,
    kind: str,
    multiplier,
    unit_price,
    building: Building | None = None,
    room: Room | None = None,
    is_active: bool = True,
    meter: Meter | None = None,
) -> Meter:
    """Add a meter (``meter=None``) or change one. A building's meter is shared by that
    building's rooms; without building or room it is the whole estate's."""
    actor = _actor(by)
    _check(
        actor,
        estate.pk,
        may_edit_meters(actor),
        _("只有财务人员、工程设备部负责人或企业高层可以设置表计"),
    )
    if meter is not None and meter.estate_id != estate.pk:
        raise Http404
    errors: dict[str, list[str]] = {}
    code, name = (code or "").strip(), (name or "").strip()
    if not code:
        errors["code"] = [_("请填写表号")]
    elif len(code) > 30:
        errors["code"] = [_("表号不能超过 30 个字符")]
    elif (
        Meter.objects.filter(estate=estate, code=code)
        .exclude(pk=getattr(meter, "pk", None))
        .exists()
    ):
        errors["code"] = [_("本项目已有这个表号")]
    if not name:
        errors["name"] = [_("请填写名称，如 1栋公共照明电表")]
    elif len(name) > 60:
        errors["name"] = [_("名称不能超过 60 个字")]
    if kind not in MeterKind.values:
        errors["kind"] = [_("请选择水表或电表")]
    try:
        multiplier = parse_decimal(
            multiplier, "multiplier", "0.01", _("倍率须为数字，最多两位小数")
        )
        if multiplier <= 0 or multiplier >= Decimal("100000000"):
            errors["multiplier"] = [_("倍率须大于 0")]
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        unit_price = parse_decimal(
            unit_price, "unit_price", "0.0001", _("单价须为数字，最多四位小数")
        )
        if unit_price < 0 or unit_price >= Decimal("100000000"):
            errors["unit_price"] = [_("单价不能为负")]
    except ValidationError as error:
        errors.update(error.message_dict)
    if building is not None and building.estate_id != estate.pk:
        errors["building"] = [_("该楼栋不属于本项目")]
    if room is not None:
        if room.estate_id != estate.pk:
            errors["room"] = [_("该房屋不属于本项目")]
        else:
            building = room.building
    if errors:
        raise ValidationError(errors)
    meter = meter or Meter(estate=estate)
    meter.code, meter.name, meter.kind = code, name, kind
    meter.multiplier, meter.unit_price, meter.is_active = multiplier, unit_price, is_active
    meter.building, meter.room = building, room
    try:
        with transaction.atomic():
            meter.save()
    except IntegrityError:
        raise ValidationError({"code": [_("本项目已有这个表号")]}) from None
    return meter

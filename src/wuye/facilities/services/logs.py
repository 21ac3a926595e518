"""《设施设备运行记录表》 (EQUIP-OPS-05/06/07): the operating parameters of each category with their
normal ranges (a per-estate table seeded with defaults, editable by the heads), and the hourly
entries an operator on duty records on a phone. An out-of-range value or an "abnormal" state
marks the entry as an anomaly and reports one (EQUIP-OPS-08) in the same transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.choices import Role
from wuye.core.models import Estate
from wuye.core.scoping import Actor, actor_for
from wuye.core.validators import check_date
from wuye.fieldwork.choices import CertificateKind
from wuye.fieldwork.services.certificates import require_certificate

from ..choices import AnomalySource, EquipmentCategory, EquipmentStatus, ParameterKind, RunState
from ..models import Equipment, OperationLogEntry, OperationParameter
from ..processes import ANOMALY_OPEN
from ..selectors.logs import default_parameters, local_hour, parameters_for
from .anomalies import anomaly_report

# EQUIP-OPS-02/05: the operators on duty (engineering) log; their heads and executives may too.
LOG_ROLES = frozenset({Role.TECHNICIAN, Role.DEPARTMENT_HEAD, Role.EXECUTIVE})
# The parameter table is the heads' (and the executives').
PARAMETER_ROLES = frozenset({Role.DEPARTMENT_HEAD, Role.EXECUTIVE})
VALUE_MAX = Decimal("999999999")


def _actor(by) -> Actor:
    return by if isinstance(by, Actor) else actor_for(by)


def _zone(estate: Estate) -> ZoneInfo:
    return ZoneInfo(estate.time_zone or "Asia/Shanghai")


def _check_estate(actor: Actor, estate: Estate) -> None:
    if not actor.is_superuser and estate.pk not in actor.estate_ids:
        raise Http404


# --- The parameter table ------------------------------------------------------------------------


@transaction.atomic
def operation_parameters_seed(*, estate: Estate) -> int:
    """Give the estate the default parameters of every category it has none of. Idempotent."""
    have = set(OperationParameter.objects.filter(estate=estate).values_list("category", flat=True))
    rows = [
        p
        for cat in EquipmentCategory.values
        if cat not in have
        for p in default_parameters(estate, cat)
    ]
    OperationParameter.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _decimal(value, field: str, errors: dict) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors[field] = [_("请填写数字")]
        return None
    if not number.is_finite() or abs(number) > VALUE_MAX:
        errors[field] = [_("数值超出范围")]
        return None
    return number.quantize(Decimal("0.001"))


@transaction.atomic
def operation_parameter_save(
    *,
    estate: Estate,
    category: str,
    code: str,
    name: str,
    unit: str = "",
    kind: str = ParameterKind.NUMBER,
    low=None,
    high=None,
    active: bool = True,
    by,
) -> OperationParameter:
    """Add or change one parameter of a category (by its code) and its normal range."""
    actor = _actor(by)
    _check_estate(actor, estate)
    if not (actor.is_superuser or actor.role in PARAMETER_ROLES):
        raise PermissionDenied(_("只有部门负责人和企业高层可以修改运行参数"))
    errors: dict[str, list[str]] = {}
    code, name, unit = (code or "").strip(), (name or "").strip(), (unit or "").strip()
    if category not in EquipmentCategory.values:
        errors["category"] = [_("请选择设备类别")]
    if (
        not code
        or len(code) > 30
        or not code.replace("_", "").isascii()
        or not code.replace("_", "").isalnum()
    ):
        errors["code"] = [_("参数代码由字母、数字和下划线组成，最多 30 个字符")]
    if not name or len(name) > 40:
        errors["name"] = [_("请填写参数名称（最多 40 个字）")]
    if len(unit) > 16:
        errors["unit"] = [_("单位最多 16 个字符")]
    if kind not in ParameterKind.values:
        errors["kind"] = [_("请选择参数类型")]
    low, high = _decimal(low, "low", errors), _decimal(high, "high", errors)
    if low is not None and high is not None and high < low and "high" not in errors:
        errors["high"] = [_("正常上限不能小于正常下限")]
    if errors:
        raise ValidationError(errors)
    operation_parameters_seed(estate=estate)
    parameter, _created = OperationParameter.objects.select_for_update().get_or_create(
        estate=estate,
        category=category,
        code=code,
        defaults={
            "position": OperationParameter.objects.filter(estate=estate, category=category).count()
        },
    )
    parameter.name, parameter.unit, parameter.kind = name, unit, kind
    parameter.low, parameter.high = (None, None) if kind == ParameterKind.STATE else (low, high)
    parameter.active = bool(active)
    parameter.save()
    return parameter


# --- Hourly entries -----------------------------------------------------------------------------


# EQUIP-OPS-11 (持证上岗, "如电梯操作员证、电工证"): the certificate an operator on duty holds to
# log each category of equipment; a category not listed needs none.
OPERATOR_CERTIFICATE = {
    EquipmentCategory.ELEVATOR: CertificateKind.ELEVATOR_OPERATOR,
    EquipmentCategory.POWER: CertificateKind.ELECTRICIAN,
    EquipmentCategory.FIRE: CertificateKind.FIRE_OPERATOR,
}


def _check_operator_certificate(staff, equipment: Equipment, on: dt.date) -> None:
    """EQUIP-OPS-11: the operator holds a valid certificate for the equipment's category on
    ``on`` (ValidationError ``certificate`` naming it otherwise)."""
    kind = OPERATOR_CERTIFICATE.get(equipment.category)
    if kind is not None and staff is not None:
        require_certificate(kind=kind, on=on, staff=staff)


def _parse_values(parameters: list[OperationParameter], values: dict) -> tuple[dict, list]:
    errors: dict[str, list[str]] = {}
    known = {p.code for p in parameters}
    for key in values:
        if key not in known:
            errors[str(key)[:40]] = [_("本类设备没有这个运行参数")]
    clean, out = {}, []
    for p in parameters:
        raw = values.get(p.code)
        if raw in (None, ""):
            errors[p.code] = [_("请填写%(name)s") % {"name": p.name}]
            continue
        if p.kind == ParameterKind.STATE:
            if raw not in RunState.values:
                errors[p.code] = [_("请选择正常或异常")]
                continue
            clean[p.code] = raw
            if raw == RunState.ABNORMAL:
                out.append(p.code)
            continue
        number = _decimal(raw, p.code, errors)
        if number is None:
            continue
        clean[p.code] = f"{number.normalize():f}"
        if (p.low is not None and number < p.low) or (p.high is not None and number > p.high):
            out.append(p.code)
    if errors:
        raise ValidationError(errors)
    return clean, out


def _describe(parameters: list[OperationParameter], clean: dict, out: list) -> str:
    parts = []
    for p in parameters:
        if p.code not in out:
            continue
        if p.kind == ParameterKind.STATE:
            parts.append(_("%(name)s异常") % {"name": p.name})
        else:
            parts.append(
                _("%(name)s %(value)s%(unit)s（正常 %(range)s）")
                % {"name": p.name, "value": clean[p.code], "unit": p.unit, "range": p.range_text}
            )
    return _("运行记录异常：") + "；".join(parts)


@transaction.atomic
def log_entry_record(
    *,
    equipment: Equipment,
    values: dict,
    by,
    note: str = "",
    hour: dt.datetime | None = None,
) -> OperationLogEntry:
    """EQUIP-OPS-05: one hour's values of one piece of equipment. ``hour``: the local clock hour
    recorded (default the current one; an earlier one may be filled in late). A second entry
    for an hour amends the latest one before it, which stays; a note says why. A value out of
    its normal range, or an abnormal state, reports an anomaly at once (EQUIP-OPS-08)."""
    actor = _actor(by)
    _check_estate(actor, equipment.estate)
    if not (actor.is_superuser or actor.role in LOG_ROLES):
        raise PermissionDenied(_("只有工程部值班人员可以填写运行记录"))
    now = timezone.now()
    if actor.staff is not None:
        _check_operator_certificate(
            actor.staff, equipment, now.astimezone(_zone(equipment.estate)).date()
        )
    errors: dict[str, list[str]] = {}
    note = (note or "").strip()
    if len(note) > 200:
        errors["note"] = [_("备注最多 200 个字")]
    if hour is not None and (not isinstance(hour, dt.datetime) or timezone.is_naive(hour)):
        errors["hour"] = [_("记录时段无效")]
    elif hour is not None:
        check_date(hour.date(), field="hour", label=_("记录时段"), errors=errors)
        if not errors and hour > now:
            errors["hour"] = [_("不能填写未来时段的记录")]
    if not isinstance(values, dict):
        errors["values"] = [_("请填写运行参数")]
    if errors:
        raise ValidationError(errors)
    slot = local_hour(hour or now, equipment.estate)
    # One operator at a time per piece of equipment: the amendment chain stays a chain.
    equipment = Equipment.objects.select_for_update().select_related("estate").get(pk=equipment.pk)
    if equipment.status == EquipmentStatus.STOPPED:
        raise ValidationError({"equipment": [_("设备已停用，无需填写运行记录")]})
    parameters = parameters_for(equipment.estate, equipment.category)
    clean, out = _parse_values(parameters, values)
    previous = (
        OperationLogEntry.objects.filter(equipment=equipment, hour=slot, amended_by__isnull=True)
        .select_related("anomaly__case")
        .first()
    )
    if previous is not None and not note:
        raise ValidationError({"note": [_("该时段已有记录，更正时请说明原因")]})
    if not OperationParameter.objects.filter(estate=equipment.estate).exists():
        operation_parameters_seed(estate=equipment.estate)
    entry = OperationLogEntry.objects.create(
        estate=equipment.estate,
        equipment=equipment,
        hour=slot,
        values=clean,
        out_of_range=out,
        is_anomaly=bool(out),
        note=note,
        recorded_at=now,
        recorded_by=actor.user,
        amends=previous,
    )
    if out:
        prior = previous.anomaly if previous is not None else None
        if prior is not None and prior.case.status in ANOMALY_OPEN:
            entry.anomaly = prior  # the same finding, corrected: one anomaly
        else:
            case = anomaly_report(
                equipment=equipment,
                source=AnomalySource.LOG,
                description=_describe(parameters, clean, out),
                found_at=now,
                by=actor,
                data={
                    "log_entry": entry.pk,
                    "hour": slot.isoformat(),
                    "values": clean,
                    "out_of_range": out,
                },
                dedup=f"log:{entry.pk}",
            )
            entry.anomaly = case.equipment_anomaly
        entry.save(update_fields=["anomaly"])
    return entry

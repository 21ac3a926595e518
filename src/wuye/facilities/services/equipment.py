"""The equipment register (EQUIP-OPS-01): register and change a piece of equipment (its
contractor, status, yearly statutory inspection), regenerate its QR label, and its warranty
(设施设备保修卡, TAKEOVER-10), which the takeover's document handover fills in; set the status of
several pieces at once for another process (an entrapment, an outage), each change kept as an
``EquipmentStatusChange`` with its reason, source and author."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.choices import Role
from wuye.core.models import Building, Contractor, Estate
from wuye.core.scoping import Actor, actor_for
from wuye.core.validators import check_date, check_model_text

from ..choices import HOURLY_BY_DEFAULT, EquipmentStatus
from ..models import Equipment, EquipmentCategory, EquipmentStatusChange, qr_token_new

# Engineering keeps the register; the heads and the executives oversee it.
EQUIPMENT_WRITE_ROLES = frozenset({Role.TECHNICIAN, Role.DEPARTMENT_HEAD, Role.EXECUTIVE})
EDITABLE = ("code", "name", "category", "building", "location", "manufacturer", "model_no",
            "contractor", "status", "commissioned_on", "logs_hourly", "inspection_name",
            "inspected_on", "inspection_due_on", "inspection_certificate_no")  # fmt: skip
TEXTS = ("code", "name", "location", "manufacturer", "model_no", "inspection_name",
         "inspection_certificate_no")  # fmt: skip
REASON_MAX = EquipmentStatusChange._meta.get_field("reason").max_length
SOURCE_MAX = EquipmentStatusChange._meta.get_field("source").max_length


def _actor(by) -> Actor:
    return by if isinstance(by, Actor) else actor_for(by)


def _user(by):
    """The user behind ``by`` (an Actor or a user) for a record's author; None for the system
    (a monitoring alarm) or an anonymous caller."""
    user = by.user if isinstance(by, Actor) else by
    return user if getattr(user, "is_authenticated", False) else None


def _check_write(actor: Actor, estate: Estate) -> None:
    if not actor.is_superuser and estate.pk not in actor.estate_ids:
        raise Http404
    if not (actor.is_superuser or actor.role in EQUIPMENT_WRITE_ROLES):
        raise PermissionDenied(_("只有工程部人员和管理层可以登记设备"))


def _clean(estate: Estate, values: dict, *, exclude_pk: int | None = None) -> dict:
    errors: dict[str, list[str]] = {}
    clean = dict(values)
    for key in TEXTS:
        if key in clean:
            clean[key] = (clean[key] or "").strip()
    if "code" in clean:
        if not clean["code"]:
            errors["code"] = [_("请填写设备编号，如 DT-1-01")]
        elif len(clean["code"]) > 40:
            errors["code"] = [_("设备编号最多 40 个字符")]
        elif (
            Equipment.objects.filter(estate=estate, code=clean["code"])
            .exclude(pk=exclude_pk)
            .exists()
        ):
            errors["code"] = [_("本项目已有编号为“%(code)s”的设备") % {"code": clean["code"]}]
    if "name" in clean and not clean["name"]:
        errors["name"] = [_("请填写设备名称，如 1栋1号客梯")]
    texts = {k: clean[k] for k in TEXTS[1:] if k in clean}
    check_model_text(Equipment, errors, **texts)
    for key in ("warranty_from", "warranty_until", "commissioned_on", "inspected_on",
                "inspection_due_on"):  # fmt: skip
        if key in clean:
            label = Equipment._meta.get_field(key).verbose_name
            check_date(clean[key], field=key, label=label, errors=errors)
    if "category" in clean and clean["category"] not in EquipmentCategory.values:
        errors["category"] = [_("请选择设备类别")]
    if "status" in clean and clean["status"] not in EquipmentStatus.values:
        errors["status"] = [_("请选择设备状态：在用、停用或维修中")]
    if "logs_hourly" in clean and not isinstance(clean["logs_hourly"], bool):
        errors["logs_hourly"] = [_("请选择是或否")]
    inspected, due = clean.get("inspected_on"), clean.get("inspection_due_on")
    if inspected and due and due < inspected and "inspection_due_on" not in errors:
        errors["inspection_due_on"] = [_("下次检验到期日不能早于上次检验日期")]
    if (inspected or due or clean.get("inspection_certificate_no")) and not clean.get(
        "inspection_name", "x"
    ):
        errors["inspection_name"] = [_("请填写法定检验项目，如 电梯年检")]
    contractor = clean.get("contractor")
    if contractor is not None and (
        not isinstance(contractor, Contractor)
        or not contractor.estates.filter(pk=estate.pk).exists()
    ):
        errors["contractor"] = [_("该维保单位不服务于本项目")]
    building = clean.get("building")
    if building is not None and (
        not isinstance(building, Building) or building.estate_id != estate.pk
    ):
        errors["building"] = [_("该楼栋不属于本项目")]
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def equipment_create(
    *,
    estate: Estate,
    code: str,
    name: str,
    category: str,
    building: Building | None = None,
    location: str = "",
    manufacturer: str = "",
    model_no: str = "",
    contractor: Contractor | None = None,
    status: str = EquipmentStatus.IN_USE,
    commissioned_on: dt.date | None = None,
    logs_hourly: bool | None = None,
    inspection_name: str = "",
    inspected_on: dt.date | None = None,
    inspection_due_on: dt.date | None = None,
    inspection_certificate_no: str = "",
    by,
) -> Equipment:
    """登记设备: one piece of equipment of the estate, its code unique in the estate.
    ``logs_hourly`` defaults to the category's (power and elevators: EQUIP-OPS-06/07)."""
    actor = _actor(by)
    _check_write(actor, estate)
    if logs_hourly is None:
        logs_hourly = category in HOURLY_BY_DEFAULT
    values = _clean(estate, {"code": code, "name": name, "category": category,
                             "building": building, "location": location,
                             "manufacturer": manufacturer, "model_no": model_no,
                             "contractor": contractor, "status": status,
                             "commissioned_on": commissioned_on, "logs_hourly": logs_hourly,
                             "inspection_name": inspection_name, "inspected_on": inspected_on,
                             "inspection_due_on": inspection_due_on,
                             "inspection_certificate_no": inspection_certificate_no})  # fmt: skip
    equipment = Equipment(estate=estate, created_by=actor.user, **values)
    equipment.full_clean(exclude=["estate", "building", "created_by", "contractor"],
                         validate_constraints=False)  # fmt: skip
    try:
        with transaction.atomic():
            equipment.save()
    except IntegrityError:  # the same code entered twice at once
        raise ValidationError(
            {"code": [_("本项目已有编号为“%(code)s”的设备") % {"code": values["code"]}]}
        ) from None
    return equipment


@transaction.atomic
def equipment_update(*, equipment: Equipment, by, **values) -> Equipment:
    """Change the register's fields of one piece of equipment (not its warranty: see
    ``equipment_warranty_set``)."""
    actor = _actor(by)
    _check_write(actor, equipment.estate)
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise ValidationError({key: [_("不能修改此项")] for key in sorted(unknown)})
    equipment = Equipment.objects.select_for_update().get(pk=equipment.pk)
    was = equipment.status
    # The inspection's fields are checked together: the ones not sent are the stored ones.
    current = {k: getattr(equipment, k) for k in ("inspection_name", "inspected_on",
                                                  "inspection_due_on")}  # fmt: skip
    values = _clean(equipment.estate, {**current, **values}, exclude_pk=equipment.pk)
    values = {k: v for k, v in values.items() if k not in current or getattr(equipment, k) != v}
    for key, value in values.items():
        setattr(equipment, key, value)
    equipment.full_clean(exclude=["estate", "building", "created_by", "contractor"],
                         validate_constraints=False)  # fmt: skip
    if values:
        try:
            with transaction.atomic():
                equipment.save(update_fields=list(values))
        except IntegrityError:
            raise ValidationError(
                {"code": [_("本项目已有编号为“%(code)s”的设备") % {"code": equipment.code}]}
            ) from None
    if equipment.status != was:
        EquipmentStatusChange.objects.create(
            equipment=equipment, from_status=was, to_status=equipment.status,
            reason=_("设备台账修改"), by=_user(actor), at=timezone.now(),
        )  # fmt: skip
    return equipment


@transaction.atomic
def equipment_status_set(
    *,
    equipment_ids,
    to_status: str,
    from_status: str | None = None,
    reason: str,
    source: str = "",
    by,
    now: dt.datetime | None = None,
) -> list[int]:
    """Set the status of these pieces of equipment for another process (an entrapment puts its
    lift under repair, an outage stops the elevators), in the caller's transaction: the rows
    locked, only those still in ``from_status`` changed when it is given (a lift under repair
    stays under repair), those already in ``to_status`` left alone, one
    ``EquipmentStatusChange`` written per change. Returns the ids changed, in order.

    The caller has checked who may do it; ``by`` (a user, an Actor, or None for the system) is
    recorded as the author, ``source`` names the record that caused it (e.g. "电梯困人
    YJ-20260812-0001")."""
    errors: dict[str, list[str]] = {}
    if to_status not in EquipmentStatus.values:
        errors["to_status"] = [_("请选择设备状态：在用、停用或维修中")]
    if from_status is not None and from_status not in EquipmentStatus.values:
        errors["from_status"] = [_("请选择设备状态：在用、停用或维修中")]
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("请填写状态变更原因")]
    elif len(reason) > REASON_MAX:
        errors["reason"] = [_("变更原因不能超过 %(n)d 个字") % {"n": REASON_MAX}]
    ids = []
    for value in equipment_ids or ():
        pk = getattr(value, "pk", value)
        if isinstance(pk, bool) or not str(pk).isdigit() or len(str(pk)) > 18:
            errors["equipment_ids"] = [_("请选择设备")]
            break
        ids.append(int(pk))
    if errors:
        raise ValidationError(errors)
    now = now or timezone.now()
    # Locked in id order, so two processes setting overlapping lifts cannot deadlock.
    rows = list(Equipment.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    changed = [e for e in rows if e.status != to_status and from_status in (None, e.status)]
    if not changed:
        return []
    Equipment.objects.filter(pk__in=[e.pk for e in changed]).update(status=to_status)
    user, source = _user(by), (source or "").strip()[:SOURCE_MAX]
    EquipmentStatusChange.objects.bulk_create(
        EquipmentStatusChange(equipment=e, from_status=e.status, to_status=to_status,
                              reason=reason, source=source, by=user, at=now)
        for e in changed
    )  # fmt: skip
    return [e.pk for e in changed]


@transaction.atomic
def equipment_qr_regenerate(*, equipment: Equipment, by) -> Equipment:
    """A new QR label token: the old label stops opening the equipment (a label copied or
    photographed where it should not be)."""
    actor = _actor(by)
    _check_write(actor, equipment.estate)
    equipment = Equipment.objects.select_for_update().get(pk=equipment.pk)
    equipment.qr_token = qr_token_new()
    equipment.save(update_fields=["qr_token"])
    return equipment


@transaction.atomic
def equipment_warranty_set(
    *,
    equipment: Equipment,
    warranty_until: dt.date | None,
    warranty_unit: str,
    warranty_from: dt.date | None = None,
    warranty_contact: str = "",
    by,
) -> Equipment:
    """TAKEOVER-10: the warranty of a warranty card (保修卡): its period and the unit responsible
    for it, written onto the equipment for the maintenance work that follows."""
    actor = _actor(by)
    _check_write(actor, equipment.estate)
    errors: dict[str, list[str]] = {}
    warranty_unit = (warranty_unit or "").strip()
    check_date(warranty_from, field="warranty_from", label=_("保修起始日"), errors=errors)
    check_date(warranty_until, field="warranty_until", label=_("保修截止日"), errors=errors)
    if warranty_until is None:
        errors["warranty_until"] = [_("请填写保修截止日")]
    elif warranty_from is not None and warranty_until < warranty_from:
        errors["warranty_until"] = [_("保修截止日不能早于保修起始日")]
    if not warranty_unit:
        errors["warranty_unit"] = [_("请填写保修责任单位")]
    elif len(warranty_unit) > 100:
        errors["warranty_unit"] = [_("保修责任单位最多 100 个字符")]
    if len(warranty_contact or "") > 60:
        errors["warranty_contact"] = [_("保修联系方式最多 60 个字符")]
    if errors:
        raise ValidationError(errors)
    equipment = Equipment.objects.select_for_update().get(pk=equipment.pk)
    equipment.warranty_from = warranty_from
    equipment.warranty_until = warranty_until
    equipment.warranty_unit = warranty_unit
    fields = ["warranty_from", "warranty_until", "warranty_unit"]
    if warranty_contact:
        equipment.warranty_contact = warranty_contact.strip()
        fields.append("warranty_contact")
    equipment.save(update_fields=fields)
    return equipment

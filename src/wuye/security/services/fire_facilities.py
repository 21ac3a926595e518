"""Fire facilities (消防设施): registered by engineering as equipment of the facilities register
(category ``fire``, with its QR label) with their fire-specific data (FIRE-01: 工程设备部 maintains
them), and the guards' checks planned for an estate in one call (FIRE-03/04/05).

The checks, as DESIGN.md decided: the guards check every fire facility every month (FIRE-03),
extinguishers included (FIRE-04, monthly); a hydrant's monthly look is part of that, and its full
inspection (pressure, hose, valve) is quarterly (FIRE-05). In the first month of a quarter the
full inspection is that month's check of the hydrant (its checklist holds the look's items too),
so a hydrant gets one check a month: the look in the other eight months (a seasonal schedule of
those months), the full inspection in January, April, July and October (a quarterly schedule).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.choices import DepartmentKind, Role
from wuye.core.models import Building, Estate
from wuye.core.scoping import Actor, actor_for
from wuye.core.shortcuts import estate_tz
from wuye.core.validators import check_date, exact_decimal
from wuye.facilities.choices import EquipmentCategory
from wuye.facilities.services import equipment_create, equipment_update
from wuye.fieldwork.models import Checklist
from wuye.fieldwork.services.checklists import checklist_create
from wuye.fieldwork.services.tasks import plan_create
from wuye.workflow.calendar import due_at
from wuye.workflow.models import Frequency, PlannedTask, PlannedTaskStatus, Schedule

from ..choices import ExtinguisherAgent, FireFacilityKind
from ..models import FireFacility
from ..processes import FIRE_CHECK_KIND

__all__ = [
    "CHECKLISTS",
    "FACILITY_WRITE_ROLES",
    "fire_checks_setup",
    "fire_facility_create",
    "fire_facility_update",
]

K = FireFacilityKind
# FIRE-01: engineering (工程设备部) maintains the fire facilities; the heads and executives oversee.
FACILITY_WRITE_ROLES = frozenset({Role.TECHNICIAN, Role.DEPARTMENT_HEAD, Role.EXECUTIVE})
# Who plans the checks (the engine's schedule writers).
SETUP_ROLES = frozenset({Role.DEPARTMENT_HEAD, Role.EXECUTIVE})
FORM = "《消防设施检查记录表》"  # FIRE-03: the record every check fills in
# A monthly check is planned on the 1st and due 27 days later (the 28th, 23:59:59): inside the
# month even in February. The quarterly full inspection: 15 working days from the quarter's
# first day (the October one waits out the National Day holiday).
MONTHLY_DUE_DAYS = 27
QUARTERLY_DUE_WORKING_DAYS = 15
QUARTER_MONTHS = (1, 4, 7, 10)
LOOK_MONTHS = [m for m in range(1, 13) if m not in QUARTER_MONTHS]
# The green zone of a stored-pressure extinguisher's gauge (干粉 1.2 MPa rated).
EXTINGUISHER_RANGE = (Decimal("1.0"), Decimal("1.4"))
HYDRANT_RANGE = (Decimal("0.10"), Decimal("0.50"))  # static pressure at the outlet


def _check(label: str, hint: str = "") -> dict:
    return {"label": label, "kind": "check", "required": True, "hint": hint}


def _reading(label: str, unit: str, low: Decimal, high: Decimal) -> dict:
    return {"label": label, "kind": "reading", "unit": unit, "low": low, "high": high,
            "required": True}  # fmt: skip


# The labels of an extinguisher's items whose failure means replacing it (FIRE-06).
PRESSURE_GAUGE = "压力表指针在绿区"
PRESSURE_READING = "压力读数"
NOT_EXPIRED = "在有效期内（未过期）"
REPLACEMENT_ITEMS = frozenset({PRESSURE_GAUGE, PRESSURE_READING, NOT_EXPIRED})
_HYDRANT_LOOK = [
    _check("箱门完好、开启顺畅"),
    _check("水带、水枪、卷盘齐全"),
    _check("箱前无遮挡、标识清楚"),
]
# The default checklists per kind (key: the kind, or "hydrant_quarterly"): name and items.
CHECKLISTS: dict[str, tuple[str, list[dict]]] = {
    K.EXTINGUISHER: ("灭火器月度检查", [
        _check(PRESSURE_GAUGE),
        _reading(PRESSURE_READING, "MPa", *EXTINGUISHER_RANGE),
        _check("铅封、保险销完好"),
        _check(NOT_EXPIRED, "看瓶身标签的有效期或换药日期"),
        _check("筒体无锈蚀、变形，喷管完好"),
        _check("摆放位置取用方便、无遮挡"),
    ]),
    K.HYDRANT: ("消火栓月度外观检查", _HYDRANT_LOOK),
    "hydrant_quarterly": ("消火栓季度全面检查", [
        *_HYDRANT_LOOK,
        _check("阀门开关灵活、无渗漏"),
        _check("水带无破损、霉变，接口完好"),
        _check("水枪、接口完好"),
        _reading("栓口静水压力", "MPa", *HYDRANT_RANGE),
        _check("消防按钮、指示灯正常"),
    ]),
    K.ALARM_PANEL: ("火灾报警控制器月度检查", [
        _check("主、备电源正常"),
        _check("自检功能正常"),
        _check("无故障、无屏蔽点"),
        _check("打印机、声光报警正常"),
    ]),
    K.SPRINKLER: ("自动喷淋系统月度检查", [
        _check("报警阀组压力正常"),
        _check("末端试水装置出水正常"),
        _check("喷头无遮挡、无涂覆"),
        _reading("管网压力", "MPa", Decimal("0.10"), Decimal("1.20")),
    ]),
    K.EMERGENCY_LIGHT: ("应急照明及疏散指示月度检查", [
        _check("主电状态指示正常"),
        _check("切断主电后应急点亮"),
        _check("疏散指示方向正确、清晰"),
    ]),
    K.FIRE_DOOR: ("防火门月度检查", [
        _check("闭门器自动关闭严密"),
        _check("门扇、门框无变形损坏"),
        _check("常闭防火门处于关闭状态"),
        _check("门前无堆物"),
    ]),
}  # fmt: skip
RULE_OF = {"monthly": "FIRE-03", K.EXTINGUISHER: "FIRE-04", "hydrant_quarterly": "FIRE-05"}


def _actor(by) -> Actor:
    return by if isinstance(by, Actor) else actor_for(by)


def _in_estate(actor: Actor, estate_id: int) -> None:
    if not actor.is_superuser and (actor.staff is None or estate_id not in actor.estate_ids):
        raise Http404


def _check_maintainer(actor: Actor, estate_id: int) -> None:
    """FIRE-01: engineering registers and maintains the fire facilities."""
    _in_estate(actor, estate_id)
    if not actor.is_superuser and actor.role not in FACILITY_WRITE_ROLES:
        raise PermissionDenied(_("消防设施由工程设备部登记和维护"))


def _pressure(value, field: str, label: str, errors: dict) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        errors[field] = [_("%(label)s应为数字") % {"label": label}]
        return None
    try:
        number = exact_decimal(value, places=2, field=field, label=label)
    except ValidationError as error:
        errors.update(error.message_dict)
        return None
    if not Decimal("0") < number <= Decimal("99"):
        errors[field] = [_("%(label)s应大于 0、不超过 99") % {"label": label}]
        return None
    return number


def _clean(values: dict, kind: str) -> dict:
    errors: dict[str, list[str]] = {}
    clean = dict(values)
    if kind not in FireFacilityKind.values:
        errors["kind"] = [_("请选择设施类型")]
    agent = (clean.get("agent") or "").strip()
    if agent and agent not in ExtinguisherAgent.values:
        errors["agent"] = [_("请选择灭火剂类型")]
    if kind != K.EXTINGUISHER and agent:
        errors["agent"] = [_("只有灭火器有灭火剂类型")]
    clean["agent"] = agent
    capacity = (clean.get("capacity") or "").strip()
    if len(capacity) > 20:
        errors["capacity"] = [_("规格最多 20 个字符")]
    clean["capacity"] = capacity
    clean["rated_pressure"] = _pressure(clean.get("rated_pressure"), "rated_pressure",
                                        _("额定压力"), errors)  # fmt: skip
    clean["pressure_low"] = _pressure(clean.get("pressure_low"), "pressure_low",
                                      _("压力下限"), errors)  # fmt: skip
    rated, low = clean["rated_pressure"], clean["pressure_low"]
    if rated is not None and low is not None and low > rated:
        errors["pressure_low"] = [_("压力下限不能高于额定压力")]
    expires = clean.get("expires_on")
    if expires is not None and (
        not isinstance(expires, dt.date) or isinstance(expires, dt.datetime)
    ):
        errors["expires_on"] = [_("请填写有效期")]
    else:
        check_date(expires, field="expires_on", label=_("有效期至"), errors=errors)
    if kind == K.EXTINGUISHER and not errors.get("expires_on") and expires is None:
        errors["expires_on"] = [_("请填写灭火器的有效期")]
    if errors:
        raise ValidationError(errors)
    if kind == K.EXTINGUISHER and rated is not None and low is None:
        clean["pressure_low"] = (rated * EXTINGUISHER_RANGE[0] / Decimal("1.2")).quantize(
            Decimal("0.01")
        )
    return clean


FACILITY_FIELDS = ("agent", "capacity", "rated_pressure", "pressure_low", "expires_on")


@transaction.atomic
def fire_facility_create(
    *,
    estate: Estate,
    kind: str,
    code: str,
    name: str,
    building: Building | None = None,
    location: str = "",
    agent: str = "",
    capacity: str = "",
    rated_pressure=None,
    pressure_low=None,
    expires_on: dt.date | None = None,
    by,
) -> FireFacility:
    """登记消防设施: its equipment in the register (category fire, QR label) and its fire data.
    An extinguisher needs its expiry; its pressure floor defaults from the rated pressure."""
    actor = _actor(by)
    _check_maintainer(actor, estate.pk)
    errors: dict[str, list[str]] = {}
    try:
        clean = _clean({"agent": agent, "capacity": capacity, "rated_pressure": rated_pressure,
                        "pressure_low": pressure_low, "expires_on": expires_on}, kind)  # fmt: skip
    except ValidationError as error:
        errors.update(error.message_dict)
        clean = {}
    try:
        equipment = equipment_create(
            estate=estate, code=code, name=name, category=EquipmentCategory.FIRE,
            building=building, location=location, by=actor,
        )  # fmt: skip
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return FireFacility.objects.create(equipment=equipment, estate=estate, kind=kind, **clean)


@transaction.atomic
def fire_facility_update(*, facility: FireFacility, by, **values) -> FireFacility:
    """Change a facility's register fields (code, name, building, location, status) and its fire
    data (``FACILITY_FIELDS``); its kind stays."""
    actor = _actor(by)
    _check_maintainer(actor, facility.estate_id)
    register = {k: values.pop(k) for k in ("code", "name", "building", "location", "status")
                if k in values}  # fmt: skip
    unknown = set(values) - set(FACILITY_FIELDS)
    if unknown:
        raise ValidationError({key: [_("不能修改此项")] for key in sorted(unknown)})
    facility = FireFacility.objects.select_for_update().get(pk=facility.pk)
    current = {k: getattr(facility, k) for k in FACILITY_FIELDS}
    clean = _clean(current | values, facility.kind)
    if register:
        equipment_update(equipment=facility.equipment, by=actor, **register)
    for key, value in clean.items():
        setattr(facility, key, value)
    facility.save(update_fields=list(FACILITY_FIELDS))
    return facility


# --- The checks (FIRE-03/04/05) ---------------------------------------------------------------


def _checklists(estate: Estate, actor: Actor) -> dict[str, Checklist]:
    """The estate's fire checklists by key, made from ``CHECKLISTS`` where missing."""
    found = {
        c.source.partition("#")[2]: c
        for c in Checklist.objects.filter(estate=estate, kind=FIRE_CHECK_KIND, active=True)
    }
    for key, (name, items) in CHECKLISTS.items():
        if key not in found:
            found[key] = checklist_create(
                name=name, kind=FIRE_CHECK_KIND, by=actor, estate=estate,
                source=f"{FORM}#{key}", items=items,
            )  # fmt: skip
    return found


def _catch_up(
    schedule: Schedule, start: dt.datetime, planned: dt.datetime, due: dt.datetime
) -> None:
    """The current period's check of a plan made after the period's planned day: the month (or
    quarter) still needs its check, so it is due from now to the period's end (the engine plans
    only occurrences after a schedule exists)."""
    if planned <= start < due:
        PlannedTask.objects.get_or_create(
            schedule=schedule, scheduled_for=start,
            defaults={"estate_id": schedule.estate_id, "due_at": due,
                      "status": PlannedTaskStatus.PLANNED},
        )  # fmt: skip


def _plan(estate, facility, checklist, actor, *, frequency, rule, anchor, months=None,
          due_amount=MONTHLY_DUE_DAYS, due_unit="days", label="") -> Schedule:  # fmt: skip
    code = facility.equipment.code
    return plan_create(
        estate=estate, name=f"{label or checklist.name} {code}"[:100], kind=FIRE_CHECK_KIND,
        rule=rule, frequency=frequency, anchor=anchor,
        day_of_month=None if frequency == Frequency.QUARTERLY else 1, months=months,
        due_amount=due_amount, due_unit=due_unit, assignee_role=Role.GUARD,
        department=DepartmentKind.ORDER, subject=facility.equipment, checklist=checklist,
        by=actor,
    )  # fmt: skip


@transaction.atomic
def fire_checks_setup(*, estate: Estate, by, now: dt.datetime | None = None) -> int:
    """Plan the guards' checks of every fire facility of the estate not planned yet (run it again
    after registering new ones): the default checklists (``CHECKLISTS``, editable afterwards),
    one schedule a month per facility (FIRE-03; extinguishers FIRE-04) and the hydrants'
    quarterly full inspection (FIRE-05). A plan made after this period's planned day still gets
    this month's (quarter's) check. Returns how many facilities were planned."""
    actor = _actor(by)
    _in_estate(actor, estate.pk)
    if not actor.is_superuser and actor.role not in SETUP_ROLES:
        raise PermissionDenied(_("只有部门负责人或企业高层可以制定消防设施检查计划"))
    zone = estate_tz(estate)
    now = now or timezone.now()
    today = now.astimezone(zone).date()
    month = today.replace(day=1)
    quarter = month.replace(month=(month.month - 1) // 3 * 3 + 1)
    month_end = dt.datetime.combine(
        (month + dt.timedelta(days=32)).replace(day=1), dt.time.min, zone
    ) - dt.timedelta(seconds=1)
    first = dt.datetime.combine(month, dt.time(9), zone)  # the engine's default time
    lists = _checklists(estate, actor)
    facilities = (
        FireFacility.objects.select_for_update()
        .filter(estate=estate, monthly_schedule__isnull=True)
        .select_related("equipment")
        .order_by("equipment__code")
    )
    planned = 0
    for facility in facilities:
        if facility.equipment.status == "stopped":
            continue
        if facility.kind == K.HYDRANT:
            monthly = _plan(
                estate,
                facility,
                lists[K.HYDRANT],
                actor,
                rule=RULE_OF["monthly"],
                frequency=Frequency.SEASONAL,
                months=LOOK_MONTHS,
                anchor=month,
            )
            quarterly = _plan(estate, facility, lists["hydrant_quarterly"], actor,
                              rule=RULE_OF["hydrant_quarterly"], frequency=Frequency.QUARTERLY,
                              anchor=quarter, due_amount=QUARTERLY_DUE_WORKING_DAYS,
                              due_unit="working_days")  # fmt: skip
            facility.quarterly_schedule = quarterly
            if month.month in QUARTER_MONTHS:
                start = dt.datetime.combine(quarter, dt.time(9), zone)
                due = due_at(start, QUARTERLY_DUE_WORKING_DAYS, "working_days", zone, estate.pk)
                _catch_up(quarterly, now, start, due if due > now else month_end)
            else:
                _catch_up(monthly, now, first, month_end)
        else:
            rule = RULE_OF.get(facility.kind, RULE_OF["monthly"])
            monthly = _plan(estate, facility, lists[facility.kind], actor, rule=rule,
                            frequency=Frequency.MONTHLY, anchor=month)  # fmt: skip
            _catch_up(monthly, now, first, month_end)
        facility.monthly_schedule = monthly
        facility.save(update_fields=["monthly_schedule", "quarterly_schedule"])
        planned += 1
    return planned

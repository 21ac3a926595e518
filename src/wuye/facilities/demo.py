"""Demo facilities of 阳光花园: the equipment register (elevators, domestic water pumps, the
transformer and the low-voltage panel, fire and sprinkler pumps, air conditioners) with their
contractors and statutory inspections, the operation parameters, and a week of hourly logs of the
power system with two missing hours and, this hour, one out-of-range reading that opened an
anomaly (made through the service, so its clock and engineering's messages are real)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from wuye.core import services as core_services
from wuye.workflow.attachments import attachment_sample_signature

from .models import Equipment, OperationLogEntry
from .selectors.logs import estate_zone, local_hour
from .services import equipment as services
from .services.logs import log_entry_record, operation_parameters_seed

# (name, scope, qualification, contact, mobile, categories it maintains)
CONTRACTORS = [
    ("杭州安泰消防工程有限公司", "消防设施维保", "消防设施维护保养检测机构二级", "孙工",
     "13957112346", ("fire",)),
    ("浙江恒力机电设备有限公司", "水泵、空调维保", "机电工程施工总承包三级", "周工",
     "13957112347", ("water", "hvac")),
    ("杭州电力设备安装有限公司", "供配电设施维保", "承装（修、试）电力设施许可证 四级", "吴工",
     "13957112348", ("power",)),
]  # fmt: skip
# Hours (days ago, local hour) the operators did not log: visible as missing on the grid.
MISSING = ((2, 3), (4, 15))


def _equipment(estate, lead, lift_contractor, contractors, today):
    buildings = {b.name: b for b in estate.buildings.all()}
    made = []

    def add(code, name, category, **kw):
        made.append(services.equipment_create(estate=estate, code=code, name=name,
                                              category=category, by=lead, **kw))  # fmt: skip

    for n in range(1, 5):  # 1栋–4栋: two passenger lifts each
        for k in (1, 2):
            # 1栋1号 is due for its yearly inspection within the month; 2栋2号 is overdue.
            due = today + dt.timedelta(days=120 + 30 * n + k)
            if (n, k) == (1, 1):
                due = today + dt.timedelta(days=12)
            if (n, k) == (2, 2):
                due = today - dt.timedelta(days=3)
            add(f"DT-{n}-{k:02d}", f"{n}栋{k}号客梯", "elevator", building=buildings.get(f"{n}栋"),
                location=f"{n}栋{k}单元", manufacturer="日立电梯（中国）有限公司",
                model_no="HGP-1050", contractor=lift_contractor,
                commissioned_on=dt.date(2019, 6, 1), inspection_name="电梯年检",
                inspected_on=due - dt.timedelta(days=365), inspection_due_on=due,
                inspection_certificate_no=f"TS3110-2026-{n}{k:02d}")  # fmt: skip
    water, fire, power = contractors["water"], contractors["fire"], contractors["power"]
    add("SB-01", "生活水泵1号", "water", location="水泵房", contractor=water,
        manufacturer="南方泵业股份有限公司", model_no="CDLF32-40")  # fmt: skip
    add("SB-02", "生活水泵2号（备用）", "water", location="水泵房", contractor=water,
        manufacturer="南方泵业股份有限公司", model_no="CDLF32-40")  # fmt: skip
    add("PD-01", "1号变压器", "power", location="配电房", contractor=power,
        manufacturer="顺特电气设备有限公司", model_no="SCB13-1250/10",
        commissioned_on=dt.date(2019, 5, 20), inspection_name="电气预防性试验",
        inspected_on=today - dt.timedelta(days=200),
        inspection_due_on=today + dt.timedelta(days=165))  # fmt: skip
    add("PD-02", "低压配电柜", "power", location="配电房", contractor=power,
        manufacturer="正泰电气股份有限公司", model_no="GCS")  # fmt: skip
    add("XF-01", "消火栓泵", "fire", location="消防泵房", contractor=fire,
        manufacturer="上海连成（集团）有限公司", model_no="XBD8/30")  # fmt: skip
    add("XF-02", "喷淋泵", "fire", location="消防泵房", contractor=fire,
        manufacturer="上海连成（集团）有限公司", model_no="XBD7/25")  # fmt: skip
    add("KT-01", "物业服务中心空调", "hvac", location="物业服务中心", contractor=water,
        manufacturer="格力电器", model_no="RF12WQ")  # fmt: skip
    add("KT-02", "会所中央空调", "hvac", location="会所", contractor=water,
        manufacturer="大金空调", model_no="VRV-X")  # fmt: skip
    return made


def _month_of_power_logs(estate, power: list[Equipment], operators, now) -> int:
    """Thirty days of hourly entries (the hours before this one), as if recorded on time."""
    rng = random.Random(20261126)
    zone = estate_zone(estate)
    current = local_hour(now, estate)
    start = current - dt.timedelta(days=30)  # calendar time: the log runs around the clock
    # Registered before the month began, so the month's gaps count as missing.
    Equipment.objects.filter(pk__in=[e.pk for e in power]).update(created_at=start)
    missing = {(current - dt.timedelta(days=d)).replace(hour=h) for d, h in MISSING}
    rows = []
    hour = start
    while hour < current:
        local = hour.astimezone(zone)
        for equipment in power:
            if equipment.code == "PD-01" and local in missing:
                continue
            load = 0.55 + 0.35 * (8 <= local.hour <= 22)  # day and evening draw more
            rated = 790 if equipment.code == "PD-01" else 560  # amperes, inside the range
            values = {
                "voltage": str(Decimal(380 + rng.uniform(-8, 8)).quantize(Decimal("0.1"))),
                "current": str(int(rated * load * rng.uniform(0.85, 1.0))),
                "transformer_temperature": str(int(48 + 20 * load + rng.uniform(-3, 3))),
            }
            rows.append(OperationLogEntry(
                estate=estate, equipment=equipment, hour=hour, values=values,
                recorded_at=hour + dt.timedelta(minutes=rng.randint(2, 15)),
                recorded_by=operators[(local.hour // 8) % len(operators)],
            ))  # fmt: skip
        hour += dt.timedelta(hours=1)
    OperationLogEntry.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def load_facilities_demo(estates) -> int:
    """阳光花园's register, parameters and a week of power logs. Returns the equipment made."""
    estate = estates[0]
    User = get_user_model()
    admin = User.objects.filter(is_superuser=True).order_by("id").first()
    lead = User.objects.get(username="eng_head")
    operators = [User.objects.get(username=u) for u in ("tech", "tech2")]
    lift_contractor = estate.company.contractors.filter(scope="电梯维保").first()
    contractors = {}
    for name, scope, qualification, contact, mobile, categories in CONTRACTORS:
        contractor = core_services.contractor_create(
            company=estate.company, name=name, scope=scope, qualification=qualification,
            qualification_expires_on=dt.date(2028, 12, 31), contact_name=contact,
            contact_mobile=mobile, estates=estates, by=admin,
        )  # fmt: skip
        contractors.update({category: contractor for category in categories})
    now = timezone.now()
    today = timezone.localtime(now, estate_zone(estate)).date()
    made = _equipment(estate, lead, lift_contractor, contractors, today)
    operation_parameters_seed(estate=estate)
    _certificates(estate, operators, lift_contractor, admin, today)
    power = [e for e in made if e.category == "power"]
    _month_of_power_logs(estate, power, operators, now)
    # This hour: the transformer's voltage is out of range → an anomaly, engineering told.
    transformer = next(e for e in power if e.code == "PD-01")
    log_entry_record(equipment=transformer, by=operators[0], note="电压偏高，已复测",
                     values={"voltage": "418.5", "current": "612",
                             "transformer_temperature": "71"})  # fmt: skip
    log_entry_record(equipment=next(e for e in power if e.code == "PD-02"), by=operators[0],
                     values={"voltage": "381.2", "current": "402",
                             "transformer_temperature": "58"})  # fmt: skip
    _maintenance_demo(estate, lead, lift_contractor, contractors, today)
    _fieldwork_demo(estate, made, lead, operators, User.objects.get(username="agent"), now)
    return len(made)


def _certificates(estate, operators, lift_contractor, admin, today) -> None:
    """EQUIP-OPS-11 / EQUIP-MAINT-12: the operators' certificates and the lift contractor's
    qualification; tech2's lift operator certificate runs out in three weeks (the warning)."""
    from wuye.fieldwork.services.certificates import certificate_create

    tech, tech2 = (user.staff for user in operators)
    years = lambda n: today.replace(year=today.year + n)  # noqa: E731
    held = [
        (tech, "electrician", "T110101198801", "北京市应急管理局", years(3)),
        (tech, "elevator_operator", "TS3110-0458", "北京市市场监督管理局", years(2)),
        (tech2, "electrician", "T110101199203", "北京市应急管理局", years(4)),
        (tech2, "elevator_operator", "TS3110-0912", "北京市市场监督管理局",
         today + dt.timedelta(days=21)),
    ]  # fmt: skip
    for staff, kind, number, issuer, expires_on in held:
        certificate_create(
            kind=kind, number=number, issuer=issuer, expires_on=expires_on,
            issued_on=years(-2), staff=staff, by=admin,
        )  # fmt: skip
    if lift_contractor is not None:
        certificate_create(
            kind="elevator_maintenance", number="TS3111-2019-0087", issuer="国家市场监督管理总局",
            expires_on=dt.date(2028, 6, 30), issued_on=dt.date(2024, 7, 1),
            contractor=lift_contractor, by=admin,
        )  # fmt: skip


def _maintenance_demo(estate, lead, lift_contractor, contractors, today) -> None:
    """EQUIP-MAINT-03/05/09: the elevators' 15-day routine approved by an executive (its tasks
    generated by the engine), the water pumps' monthly plan waiting for approval."""
    from wuye.workflow.models import Frequency

    from .services import maintenance

    executive = (
        get_user_model()
        .objects.filter(staff__role="executive", staff__company=estate.company)
        .order_by("id")
        .first()
    )
    if lift_contractor is not None and executive is not None:
        plan = maintenance.plan_draft(
            estate=estate, by=lead, name="电梯半月保养", template="elevator_routine",
            category="elevator", frequency=Frequency.INTERVAL_DAYS, interval=15,
            anchor=today, contractor=lift_contractor,
            standard="TSG T5002-2017《电梯维护保养规则》附件A 半月维护保养项目",
        )  # fmt: skip
        maintenance.plan_submit(plan=plan, by=lead)
        maintenance.plan_approve(plan=plan, by=executive, note="维保费用已列入年度预算")
    pumps = maintenance.plan_draft(
        estate=estate, by=lead, name="生活水泵月度保养", template="water_pump_monthly",
        category="water", frequency=Frequency.MONTHLY, anchor=today.replace(day=1),
        contractor=contractors.get("water"),
    )  # fmt: skip
    maintenance.plan_submit(plan=pumps, by=lead)


def _fieldwork_demo(estate, made, lead, operators, agent, now) -> None:
    """阳光花园's field work for engineering's board: an open lift fault (the trapped people
    freed, being repaired) and a closed one with its report; monitors on a lift and on the
    transformer with one open alarm; the lift machine rooms' hourly round (4 checkpoints) with
    today's rounds, one of them missing a checkpoint; the duty post's shifts today and the last
    handover, signed by both."""
    from wuye.facilities.services.faults import fault_act, fault_create
    from wuye.fieldwork.models import Round, RoundStatus, Scan
    from wuye.fieldwork.services import handovers
    from wuye.fieldwork.services import shifts as shift_services
    from wuye.fieldwork.services.devices import device_create, device_event_receive
    from wuye.fieldwork.services.rounds import (
        checkpoint_create,
        round_sweep_missed,
        route_create,
    )
    from wuye.fieldwork.services.tasks import plan_create
    from wuye.workflow.models import Frequency, PlannedTask, PlannedTaskStatus, Schedule
    from wuye.workflow.schedules import schedule_generate

    tech, tech2 = operators
    by_code = {e.code: e for e in made}
    minutes = lambda n: now - dt.timedelta(minutes=n)  # noqa: E731

    # A trapped lift this morning: people freed, the door operator being replaced.
    lift = by_code["DT-3-01"]
    fault = fault_create(
        equipment=lift, severity="general", source="monitoring", entrapment=True,
        description="3栋1号客梯停在7楼与8楼之间，轿厢内2人被困", by=tech,
        detected_at=minutes(50),
    )  # fmt: skip
    fault_act(fault=fault, action="arrive", by=tech, note="到达现场，与被困人员通话安抚")
    fault_act(fault=fault, action="rescue", by=tech, note="盘车平层，2人已安全撤出")
    fault_act(fault=fault, action="investigate", by=tech, note="门机皮带断裂，需更换")
    # A pump's fault last week, repaired, accepted and reported: closed.
    pump = by_code["SB-01"]
    done = fault_create(
        equipment=pump, severity="general", source="monitoring", by=tech2,
        description="生活水泵1号运行噪声大，出水压力波动", detected_at=minutes(60 * 24 * 5),
    )  # fmt: skip
    for action, user, kwargs in (
        ("arrive", tech2, {}),
        ("investigate", tech2, {"note": "轴承磨损"}),
        ("repair_done", tech2, {"note": "更换轴承，校正联轴器"}),
        ("accept", lead, {"note": "试运行2小时，压力稳定在0.45MPa，噪声正常"}),
        ("inform_outcome", agent, {"data": {"body": "生活水泵已修复，供水恢复正常"}}),
        ("write_report", lead, {"data": {
            "cause": "水泵轴承长期运行磨损", "handling": "更换轴承并校正联轴器，试运行正常",
            "measures": [{"text": "每月检查水泵轴承温升与噪声", "interval_days": 30}],
        }}),
    ):  # fmt: skip
        fault_act(fault=done, action=action, by=user, **kwargs)

    # Monitors on a lift and on the transformer; the transformer's voltage alarm is open.
    device_create(estate=estate, name="1栋1号客梯监控", kind="elevator_monitor",
                  department="engineering", location="1栋电梯机房",
                  subject=by_code["DT-1-01"], by=lead)  # fmt: skip
    power, _secret = device_create(
        estate=estate, name="配电房供电监控", kind="power_monitor", department="engineering",
        location="配电房", subject=by_code["PD-01"], by=lead,
    )  # fmt: skip
    device_event_receive(
        device=power, event_type="voltage_high", dedup_key="PD-01-V-" + now.strftime("%Y%m%d%H"),
        occurred_at=minutes(4), severity="warning", message="A相电压 418V，超过上限 406.6V",
    )  # fmt: skip

    # The lift machine rooms' hourly round: 4 checkpoints, an hour each, since midnight.
    route = route_create(estate=estate, name="电梯机房每小时巡检", kind="equipment_round",
                         by=lead)  # fmt: skip
    points = [
        checkpoint_create(route=route, name=f"{n}栋电梯机房", location=f"{n}栋屋顶", by=lead)
        for n in range(1, 5)
    ]
    zone = estate_zone(estate)
    midnight = dt.datetime.combine(timezone.localtime(now, zone).date(), dt.time.min, zone)
    schedule = plan_create(
        estate=estate, name="电梯机房每小时巡检", kind="patrol", frequency=Frequency.HOURLY,
        interval=1, times=["00:00"], anchor=midnight.date(), due_amount=1, due_unit="hours",
        assignee_role="technician", department="engineering", route=route, by=lead,
    )  # fmt: skip
    # Planned since midnight: today's earlier rounds exist too.
    Schedule.objects.filter(pk=schedule.pk).update(generated_until=midnight)
    schedule_generate(now=now, horizon=dt.timedelta(hours=12))
    current = local_hour(now, estate)
    past = list(
        PlannedTask.objects.filter(schedule=schedule, due_at__lte=current).order_by("scheduled_for")
    )
    scans, rng = [], random.Random(20261207)
    for n, task in enumerate(past):
        who = operators[(task.scheduled_for.astimezone(zone).hour // 8) % 2]
        last = n == len(past) - 1  # the last hour's round: 4号 machine room was not visited
        rnd = Round.objects.create(
            task=task,
            route=route,
            estate=estate,
            started_at=task.scheduled_for + dt.timedelta(minutes=5),
        )
        at = rnd.started_at
        for point in points[:3] if last else points:
            at += dt.timedelta(minutes=rng.randint(3, 8))
            scans.append(Scan(round=rnd, checkpoint=point, scanned_by=who, scanned_at=at))
        if not last:
            Round.objects.filter(pk=rnd.pk).update(status=RoundStatus.DONE, closed_at=at)
            PlannedTask.objects.filter(pk=task.pk).update(
                status=PlannedTaskStatus.DONE, done_at=at, done_by=who
            )
    Scan.objects.bulk_create(scans)
    round_sweep_missed(now=now)

    # The engineering duty post: three shifts of eight hours today; the last handover accepted.
    post = shift_services.post_create(estate=estate, name="工程值班室", department="engineering",
                                      kind="engineering_duty", by=lead)  # fmt: skip
    block = midnight + dt.timedelta(hours=8 * (timezone.localtime(now, zone).hour // 8))
    eight = dt.timedelta(hours=8)
    outgoing, incoming, _next = (
        shift_services.shift_create(post=post, starts_at=block + k * eight,
                                    ends_at=block + (k + 1) * eight, staff=[who.staff], by=lead)
        for k, who in ((-1, tech2), (0, tech), (1, tech2))
    )  # fmt: skip
    shift_services.shift_start(shift=outgoing, by=tech2)
    handover = handovers.handover_open(shift=outgoing, by=tech2, incoming_shift=incoming)
    handovers.handover_sign_outgoing(
        handover=handover, attachments=[attachment_sample_signature(by=tech2)], by=tech2,
        operating_status="供配电、给排水、电梯运行正常；变压器电压偏高已复测",
        anomalies="3栋1号客梯门机皮带断裂，维修中", new_items=["4号电梯机房补巡"],
    )  # fmt: skip
    handovers.handover_sign_incoming(
        handover=handover, attachments=[attachment_sample_signature(by=tech)], by=tech
    )

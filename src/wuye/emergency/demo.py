"""The demo of emergencies (应急处理): the company's three groups and the manual's plans, each
estate's supplies, one entrapment from alarm to report, a planned outage with its notice, and a
public-health closure with deliveries. Called by ``web``'s demo command after the other
chapters (it uses their staff, equipment and rooms)."""

from __future__ import annotations


def load_emergency_demo(estates: list) -> dict:
    """``estates``: the demo's two estates. Returns counts for the demo summary."""
    context: dict = {}
    context.update(_demo_incidents(estates, context))
    context.update(_demo_lift(estates, context))
    context.update(_demo_outages(estates, context))
    context.update(_demo_health(estates, context))
    return context


# --- Incidents, groups, plans, supplies (h-incidents) ---


def _demo_incidents(estates: list, context: dict) -> dict:
    """The company's three groups from the demo's staff (executives command; order, engineering
    and customer service on site; administration and finance in logistics), the manual's plans,
    emergency supplies in each estate and one closed fire drill with its report."""
    from django.contrib.auth import get_user_model

    from wuye.core.choices import DepartmentKind, Role
    from wuye.core.models import Staff

    from .choices import GroupKind, IncidentKind, SupplyCategory
    from .models import EmergencyGroup, GroupMember, SupplyItem
    from .services.incidents import incident_act, incident_open
    from .services.plans import plan_ensure

    company = estates[0].company
    admin = get_user_model().objects.filter(is_superuser=True).first()
    staff = list(Staff.objects.filter(company=company, is_active=True)
                 .select_related("department", "user").order_by("pk"))  # fmt: skip
    kinds = {
        GroupKind.COMMAND: [s for s in staff if s.role == Role.EXECUTIVE],
        GroupKind.ONSITE: [s for s in staff if s.department.kind in (
            DepartmentKind.ORDER, DepartmentKind.ENGINEERING, DepartmentKind.CUSTOMER_SERVICE)],
        GroupKind.LOGISTICS: [s for s in staff if s.department.kind in (
            DepartmentKind.ADMINISTRATION, DepartmentKind.FINANCE)],
    }  # fmt: skip
    for kind, members in kinds.items():
        group, _made = EmergencyGroup.objects.get_or_create(company=company, estate=None,
                                                            kind=kind)  # fmt: skip
        for order, member in enumerate(members):
            GroupMember.objects.get_or_create(group=group, staff=member, defaults={
                "order": order, "leader": order == 0,
                "on_call": member.role in (Role.GUARD, Role.CS_AGENT)})  # fmt: skip
    by = admin or (kinds[GroupKind.COMMAND][0].user if kinds[GroupKind.COMMAND] else None)
    if by is None:
        return {"emergency_groups": 3}
    for kind in IncidentKind.values:
        plan_ensure(company=company, kind=kind, by=by)
    stock = ((SupplyCategory.LIGHTING, "应急灯", "个", 20, 10),
             (SupplyCategory.WATER, "瓶装水", "箱", 30, 20),
             (SupplyCategory.PROTECTIVE, "N95口罩", "个", 200, 100),
             (SupplyCategory.PROTECTIVE, "一次性手套", "副", 50, 100))  # fmt: skip
    for estate in estates:
        for category, name, unit, quantity, minimum in stock:
            if not SupplyItem.objects.filter(estate=estate, name=name).exists():
                from .services.supplies import item_create

                item_create(estate=estate, by=by, category=category, name=name, unit=unit,
                            quantity=quantity, minimum=minimum,
                            location="物业服务中心仓库")  # fmt: skip
    drill = incident_open(estate=estates[0], kind=IncidentKind.FIRE, place="3栋地下车库",
                          by=by, exercise=True, description="年度消防应急演练")  # fmt: skip
    incident_act(incident=drill, action="end", by=by, note="演练结束，人员已全部疏散")
    for step in drill.steps.filter(done_at__isnull=True).order_by("order"):
        incident_act(incident=drill, action="step", by=by,
                     data={"step": step.code, "checks": list(step.checklist)})  # fmt: skip
    incident_act(incident=drill, action="write_report", by=by, data={
        "summary": "组织3栋地下车库火灾应急演练，模拟初期火情。",
        "handling": "秩序员使用灭火器初期扑救，引导人员沿消防通道疏散，全程12分钟。",
        "lessons": "部分业主对疏散路线不熟悉，下次演练前张贴疏散示意图。"})  # fmt: skip
    return {"emergency_groups": 3, "emergency_drills": 1}


# --- Elevator entrapment (h-lift) ---


def _demo_lift(estates: list, context: dict) -> dict:
    """One entrapment of the first estate's first lift, from the monitoring's alarm to the
    report: the demo's guard reassures, the desk calls the lift contractor (its account
    ``lift``), which frees the two people; the technician's three no-load runs and acceptance
    return the lift to service; the desk visits both and writes the report."""
    from django.contrib.auth import get_user_model

    from wuye.facilities.models import Equipment

    from .services.lift import entrapment_act, entrapment_open

    users = {u.username: u for u in get_user_model().objects.filter(
        username__in=("agent", "guard", "tech", "lift"))}  # fmt: skip
    estate = estates[0]
    lift = Equipment.objects.filter(estate=estate, category="elevator").order_by("code").first()
    if lift is None or len(users) < 4 or lift.contractor_id is None:
        return {"entrapments": 0}
    incident = entrapment_open(estate=estate, lift=lift, by=users["agent"], people=2,
                               source="resident", caller="周女士", phone="13900002222",
                               description="轿厢停在3楼与4楼之间，2人被困")  # fmt: skip
    steps = {s.code: list(s.checklist) for s in incident.steps.all()}

    def act(action, who, note="", **data):
        entrapment_act(incident=incident.pk, action=action, by=users[who], note=note, data=data)

    act("guard_arrive", "guard", "已通过对讲安抚，被困人员情绪稳定", checks=steps["reassure"])
    act("call_contractor", "agent", "已电话通知维保单位值班人员")
    act("contractor_arrive", "lift")
    act("rescue", "lift", "三角钥匙开门，2人安全撤离", checks=steps["rescue"])
    act("arrive", "tech")
    act("investigate", "tech", "门锁回路接触不良")
    act("repair_done", "tech", "更换门锁触点")
    for n in (1, 2, 3):
        act("test_run", "tech", f"第{n}次空载试运行正常")
    act("accept", "tech", "三次空载试运行正常，恢复运行")
    act("end", "agent", "被困人员已安全解救，电梯已恢复运行")
    act(
        "followup",
        "agent",
        "无受伤，对处理表示满意",
        person="周女士",
        phone="13900002222",
        satisfaction=5,
    )
    act("followup", "agent", "无受伤", person="周女士的母亲", satisfaction=5)
    act("followup_done", "agent")
    act(
        "write_report",
        "agent",
        summary="1栋1号客梯停在3、4楼之间，2人被困约20分钟。",
        cause="门锁回路接触不良",
        handling="秩序员3分钟内到场安抚；维保单位到场后三角钥匙开门解救。",
        lessons="加强门锁回路的月度保养检查",
    )
    return {"entrapments": 1}


# --- Outages (h-outage) ---


def _demo_outages(estates: list, context: dict) -> dict:
    """阳光花园 (EMERG-OUTAGE): a planned water outage next week with its notice out 48 hours
    ahead and more, and a sudden power outage earlier today, its tasks done, the cause found,
    the utility called, restored, announced and its sample called back."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from wuye.core.models import Staff

    from .models import Followup
    from .services.incidents import incident_act
    from .services.outages import outage_plan, outage_report

    estate = estates[0]
    staff = {s.user.username: s for s in Staff.objects.filter(
        user__username__in=["agent", "tech", "guard"]).select_related("user")}  # fmt: skip
    agent, tech, guard = staff["agent"].user, staff["tech"].user, staff["guard"]
    buildings = list(estate.buildings.order_by("pk"))
    zone = ZoneInfo(estate.time_zone or "Asia/Shanghai")
    now = timezone.now()
    next_week = timezone.localtime(now, zone).replace(hour=9, minute=0, second=0, microsecond=0)
    next_week += dt.timedelta(days=7)
    planned = outage_plan(
        estate=estate, utility="water", starts_at=next_week,
        expected_end_at=next_week + dt.timedelta(hours=8),
        precautions="请业主提前储水，停水期间请关闭家中水龙头，恢复供水初期水质可能浑浊，请放水片刻后使用。",
        cause="二次供水水箱清洗消毒", buildings=buildings[:2], guard=guard,
        water_point="南大门", by=agent,
    )  # fmt: skip
    sudden = outage_report(
        estate=estate, utility="power", starts_at=now - dt.timedelta(hours=3),
        expected_end_at=now + dt.timedelta(hours=1),
        precautions="请勿乘坐电梯，关闭大功率电器，注意用火用电安全。",
        buildings=buildings[2:4] or buildings[:1], by=agent,
    )  # fmt: skip
    incident = sudden.incident
    for task in incident.tasks.order_by("pk"):
        note = "配电房高压开关柜故障跳闸" if task.kind == "cause" else "已完成"
        incident_act(incident=incident, action="task_done", by=tech, note=note,
                     data={"task": task.pk})  # fmt: skip
    incident_act(incident=incident, action="call_utility", by=agent, note="供电所已派员到场",
                 data={"organisation": "城区供电所", "phone": "95598",
                       "reference": "GD-DEMO-0001"})  # fmt: skip
    incident_act(incident=incident, action="restore", by=agent, note="供电所更换开关柜后恢复供电",
                 data={"restored_at": (now - dt.timedelta(minutes=20)).isoformat()})  # fmt: skip
    for n, visit in enumerate(Followup.objects.filter(incident=incident).order_by("pk")):
        reached = n % 4 != 3
        incident_act(incident=incident, action="sample_call", by=agent,
                     note="对处理过程满意" if reached else "电话未接通",
                     data={"followup": visit.pk, "reached": reached,
                           "satisfaction": 5 - n % 2 if reached else None})  # fmt: skip
    return {"outages": 2, "outage_planned": planned.pk, "outage_sudden": sudden.pk}


# --- Public health (h-health) ---


def _demo_health(estates: list, context: dict) -> dict:
    """A past public-health event in the second estate (EMERG-HEALTH): an owner's confirmed case
    reported to disease control, one unit closed for 14 days with its cordon and twice-a-day
    disinfection, three households' supply deliveries (confirmed), the closure ended, the final
    whole-estate disinfection done and the event ended — through the services, then moved into
    the past in bulk (the services stamp the present)."""
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from wuye.core.models import Occupancy, Staff, Unit

    from .choices import DeliveryStatus, IncidentKind, IncidentSource, TaskKind
    from .models import Closure, Delivery
    from .services.incidents import incident_act, incident_open

    if len(estates) < 2:
        return {}
    estate = estates[1]
    users = {u.username: u for u in get_user_model().objects.filter(
        username__in=["exec", "agent2", "cleaner2", "order_head"])}  # fmt: skip
    if len(users) < 4:
        return {}
    unit = (
        Unit.objects.filter(estate=estate, rooms__occupancies__isnull=False)
        .select_related("building").order_by("building__name", "name").first()
    )  # fmt: skip
    if unit is None:
        return {}
    place = str(unit)
    incident = incident_open(
        estate=estate, kind=IncidentKind.HEALTH, place=place, by=users["agent2"],
        source=IncidentSource.RESIDENT, buildings=[unit.building], households=1, people=1,
        description="业主来电：家人核酸检测阳性，已由疾控转运",
    )  # fmt: skip

    def act(action, by, note="", **data):
        incident_act(incident=incident, action=action, by=users[by], note=note, data=data)

    act("report_authority", "agent2", "电话上报并传真情况说明", organisation="区疾病预防控制中心",
        person="王医生", phone="010-6500 0000", reference="JK-DEMO-001")  # fmt: skip
    cleaner = Staff.objects.filter(user=users["cleaner2"]).first()
    act(
        "close_area",
        "exec",
        "按疾控要求封闭",
        scope="unit",
        unit=unit.pk,
        days=14,
        authority_reference="区疾控〔2026〕12号",
        cleaner=cleaner.pk if cleaner else None,
    )
    closure = incident.closures.get()
    cordon = incident.tasks.get(kind=TaskKind.CORDON)
    act("task_done", "order_head", "单元门口设置隔离带和告示", task=cordon.pk)
    now = timezone.now()
    start = now - dt.timedelta(days=15)
    rooms = list(
        Occupancy.objects.filter(Occupancy.current_q(), room__unit=unit)
        .values_list("room_id", "resident__user_id").distinct()[:3]
    )  # fmt: skip
    items = ("大米5斤、青菜、鸡蛋", "布洛芬、体温计", "牛奶两箱、水果")
    staff = Staff.objects.filter(user=users["order_head"]).first()
    Delivery.objects.bulk_create(
        Delivery(incident=incident, room_id=room_id, items=items[i % 3],
                 requested_at=start + dt.timedelta(days=2 + i, hours=1), requested_by_id=user_id,
                 status=DeliveryStatus.CONFIRMED, assignee=staff,
                 taken_at=start + dt.timedelta(days=2 + i, hours=1, minutes=10),
                 delivered_at=start + dt.timedelta(days=2 + i, hours=2),
                 confirmed_at=start + dt.timedelta(days=2 + i, hours=3))
        for i, (room_id, user_id) in enumerate(rooms)
    )  # fmt: skip
    act("lift_closure", "exec", "封闭期满，疾控通知解除", closure=closure.pk)
    Closure.objects.filter(pk=closure.pk).update(
        starts_at=start, ends_at=now - dt.timedelta(minutes=1), lifted_at=None
    )
    act("final_disinfection", "exec", "对小区公共区域全面消毒")
    final = incident.tasks.get(kind=TaskKind.FINAL_DISINFECTION)
    act("task_done", "cleaner2", "全小区公共区域消毒完毕", task=final.pk)
    act("end", "exec", "封闭解除、全面消毒完成，恢复正常秩序")
    return {"health_events": 1, "health_deliveries": len(rooms)}

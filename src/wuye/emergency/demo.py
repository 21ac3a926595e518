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
    return {}


# --- Elevator entrapment (h-lift) ---


def _demo_lift(estates: list, context: dict) -> dict:
    return {}


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
    return {}

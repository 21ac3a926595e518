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
    return {}


# --- Public health (h-health) ---


def _demo_health(estates: list, context: dict) -> dict:
    return {}

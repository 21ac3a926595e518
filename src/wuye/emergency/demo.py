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
    return {}


# --- Outages (h-outage) ---


def _demo_outages(estates: list, context: dict) -> dict:
    return {}


# --- Public health (h-health) ---


def _demo_health(estates: list, context: dict) -> dict:
    return {}

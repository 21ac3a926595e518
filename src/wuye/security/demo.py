"""Demo order and safety of 阳光花园 (manual ch.6), one function per topic, each made through the
services so clocks, messages and records are real."""

from __future__ import annotations


def load_security_demo(estates) -> dict:
    """Load every topic's demo into the estates; returns counts for the demo summary."""
    counts: dict = {}
    counts["fire_facilities"] = _load_fire_facilities(estates)
    return counts


# --- Fire facilities and their checks ---


def _load_fire_facilities(estates) -> int:
    """阳光花园's fire facilities: two extinguishers a building, a hydrant a building, the alarm
    panel, emergency lights and fire doors; the checks planned (FIRE-03/04/05) and this month's
    partly done by the guard; one extinguisher reads under pressure (its replacement open,
    FIRE-06) and one expires within the month (the daily job warns engineering)."""
    import datetime as dt
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from wuye.core.shortcuts import estate_tz

    from .services.fire_checks import fire_check_submit, fire_check_task, fire_expiry_sweep
    from .services.fire_facilities import fire_checks_setup, fire_facility_create

    User = get_user_model()
    estate = estates[0]
    tech = User.objects.get(username="tech")
    guard = User.objects.get(username="guard")
    head = User.objects.get(username="order_head")
    today = timezone.localtime(timezone.now(), estate_tz(estate)).date()
    made = []

    def add(kind, code, name, **kw):
        made.append(fire_facility_create(estate=estate, kind=kind, code=code, name=name,
                                         by=tech, **kw))  # fmt: skip

    buildings = list(estate.buildings.order_by("id")[:6])
    for n, building in enumerate(buildings, start=1):
        for floor, years in ((1, 3), (3, 2)):
            add("extinguisher", f"MHQ-{n}-{floor:02d}", f"{building.name}{floor}层灭火器",
                building=building, location=f"{floor}层电梯厅消防箱", agent="dry_powder",
                capacity="4kg", rated_pressure=Decimal("1.20"),
                expires_on=today.replace(year=today.year + years))  # fmt: skip
        add("hydrant", f"XHS-{n}-01", f"{building.name}1层室内消火栓", building=building,
            location="1层楼梯间旁")  # fmt: skip
        add("fire_door", f"FHM-{n}-01", f"{building.name}楼梯间防火门", building=building,
            location="1层楼梯间")  # fmt: skip
    add("extinguisher", "MHQ-DX-01", "地下车库灭火器", location="地下车库B区", agent="dry_powder",
        capacity="8kg", rated_pressure=Decimal("1.20"),
        expires_on=today + dt.timedelta(days=20))  # fmt: skip
    add("alarm_panel", "BJ-01", "火灾报警控制器", location="消防控制室")
    add("emergency_light", "YJ-01", "地下车库应急照明", location="地下车库")
    add("emergency_light", "YJ-02", "物业中心疏散指示", location="物业服务中心")
    fire_checks_setup(estate=estate, by=head)
    # This month: the guard has done about half; one extinguisher reads under pressure.
    for index, facility in enumerate(made):
        facility.refresh_from_db()
        task = fire_check_task(facility)
        if task is None or (index % 2 and facility.equipment.code != "MHQ-1-03"):
            continue
        answers = []
        for item in task.schedule.spec.checklist.items.order_by("position"):
            value = str((item.low + item.high) / 2) if item.kind == "reading" else True
            if facility.equipment.code == "MHQ-1-03" and item.kind == "reading":
                value = "0.85"
            if facility.equipment.code == "MHQ-1-03" and item.label == "压力表指针在绿区":
                value = False
            answers.append({"item": item.pk, "value": value})
        fire_check_submit(facility=facility, answers=answers, by=guard,
                          note="压力不足，已报工程部" if facility.equipment.code == "MHQ-1-03"
                          else "")  # fmt: skip
    fire_expiry_sweep()
    return len(made)

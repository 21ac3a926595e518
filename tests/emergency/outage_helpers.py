"""What the outage tests share: elevators in the register, a planned water outage, a sudden
power outage, a sudden water outage, and the walk of an outage's tasks."""

from __future__ import annotations

import datetime as dt

from wuye.emergency.choices import TaskStatus
from wuye.emergency.services.incidents import incident_act
from wuye.emergency.services.outages import outage_plan, outage_report
from wuye.facilities.choices import EquipmentCategory
from wuye.facilities.models import Equipment

from .helpers import at

PRECAUTIONS = "请业主提前储水，关闭家中水龙头"


def elevator(estate, building, code: str, **extra) -> Equipment:
    return Equipment.objects.create(
        estate=estate, building=building, code=code, name=f"{building.name}{code}客梯",
        category=EquipmentCategory.ELEVATOR, **extra,
    )  # fmt: skip


def plan_water(w, *, start="2026-08-14 03:00", end="2026-08-14 18:00", buildings=None, **kw):
    """A planned water outage of building 1 (by default) exactly 48 h after the fixture's now."""
    kw.setdefault("guard", w.guard)
    kw.setdefault("by", w.agent.user)
    return outage_plan(
        estate=w.estate, utility="water", starts_at=at(start), expected_end_at=at(end),
        precautions=PRECAUTIONS, buildings=buildings or [w.buildings[0]], **kw,
    )  # fmt: skip


def report_power(w, *, end_in_hours: float = 4, buildings=None, **kw):
    now = at("2026-08-12 03:00")
    kw.setdefault("by", w.agent.user)
    return outage_report(
        estate=w.estate, utility="power", expected_end_at=now + dt.timedelta(hours=end_in_hours),
        precautions="请勿乘坐电梯，注意用电安全", buildings=buildings or [w.buildings[0]], **kw,
    )  # fmt: skip


def finish_tasks(w, outage, *, cause: str = "供水管网检修") -> None:
    """Every open task done by the right people: the guard's and the engineers'."""
    incident = outage.incident
    for task in incident.tasks.filter(status=TaskStatus.OPEN).order_by("pk"):
        by = w.guard if task.department == "order" else w.tech
        note = cause if task.kind == "cause" else "已完成"
        incident_act(incident=incident, action="task_done", by=by.user, note=note,
                     data={"task": task.pk})  # fmt: skip


def report_water(w, *, starts_at=None, end_in_hours: float = 6, buildings=None, **kw):
    """A sudden water outage of building 1 (by default), entered at the fixture's now."""
    now = at("2026-08-12 03:00")
    kw.setdefault("by", w.agent.user)
    kw.setdefault("guard", w.guard)
    return outage_report(
        estate=w.estate, utility="water", starts_at=starts_at,
        expected_end_at=now + dt.timedelta(hours=end_in_hours), precautions=PRECAUTIONS,
        buildings=buildings or [w.buildings[0]], **kw,
    )  # fmt: skip

"""Helpers of the rounds tests: a route of surveyed checkpoints and a schedule of rounds over it
(written with the engine's ``schedule_create`` and the ``TaskSpec`` row, generated with
``schedule_generate``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from wuye.fieldwork.models import TaskSpec
from wuye.fieldwork.services import rounds as services
from wuye.workflow import schedules
from wuye.workflow.models import PlannedTask

SH = ZoneInfo("Asia/Shanghai")
# A courtyard in Shanghai; 0.001° of latitude is about 111 m.
LAT, LON = Decimal("31.230000"), Decimal("121.470000")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


def north(metres: float) -> Decimal:
    """The latitude ``metres`` north of LAT."""
    return (LAT + Decimal(metres / 111_195)).quantize(Decimal("0.000001"))


def make_route(
    estate,
    by,
    *,
    n: int = 3,
    ordered: bool = False,
    surveyed: bool = True,
    name: str = "夜间巡更",
    min_gap: int = 20,
):
    """A route of ``n`` checkpoints 100 m apart going north (positions when ``surveyed``)."""
    route = services.route_create(
        estate=estate,
        name=name,
        kind="security_patrol",
        ordered=ordered,
        min_gap_seconds=min_gap,
        by=by,
    )
    points = [
        services.checkpoint_create(
            route=route,
            name=f"巡检点{i + 1}",
            location=f"{i + 1}号楼",
            latitude=north(100 * i) if surveyed else None,
            longitude=LON if surveyed else None,
            radius_m=30,
            by=by,
        )
        for i in range(n)
    ]
    return route, points


def make_rounds(
    estate,
    route,
    by,
    *,
    anchor: dt.date,
    times=("22:00",),
    hours: int = 2,
    assignee=None,
    department: str = "engineering",
    frequency: str = "daily",
    interval: int = 1,
):
    """A schedule of rounds over ``route`` (``hours`` long each), generated a week ahead."""
    schedule = schedules.schedule_create(
        estate=estate,
        name=f"{route.name}计划",
        kind="patrol",
        frequency=frequency,
        interval=interval,
        times=list(times),
        anchor=anchor,
        due_amount=hours,
        due_unit="hours",
        assignee=assignee,
        assignee_role="" if assignee else "guard",
        department=department,
        by=by,
    )
    TaskSpec.objects.create(schedule=schedule, route=route)
    schedules.schedule_generate(now=timezone.now())
    return schedule


def task_at(schedule, text: str) -> PlannedTask:
    return PlannedTask.objects.get(schedule=schedule, scheduled_for=at(text))

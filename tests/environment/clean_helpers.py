"""What the cleaning tests share: the environment head, two cleaners, the estate's layout (two
buildings with elevators, a road, a public toilet, the garage), its zones built with the
cleaners and the plan seeded the day before."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from tests.factories import BuildingFactory, DepartmentKind, Role, make_staff
from wuye.core.choices import PublicAreaKind
from wuye.core.models import PublicArea
from wuye.workflow.models import PlannedTask, PlannedTaskStatus

SH = ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


def local_times(tasks) -> list[str]:
    return [t.scheduled_for.astimezone(SH).strftime("%H:%M") for t in tasks]


def day_tasks(line, day: str, *, cancelled: bool = False):
    start = at(f"{day} 00:00")
    qs = PlannedTask.objects.filter(
        schedule=line.schedule, scheduled_for__gte=start,
        scheduled_for__lt=start + dt.timedelta(days=1),
    ).order_by("scheduled_for")  # fmt: skip
    if not cancelled:
        qs = qs.exclude(status=PlannedTaskStatus.CANCELLED)
    return list(qs)


@pytest.fixture
def clean(world, time_machine):
    time_machine.move_to(at("2026-07-06 18:00"), tick=False)
    w = world
    w.env_head = make_staff(
        w.company, "env_head", Role.DEPARTMENT_HEAD, DepartmentKind.ENVIRONMENT, [w.estate]
    )
    w.cleaner = make_staff(
        w.company, "cleaner", Role.CLEANER, DepartmentKind.ENVIRONMENT, [w.estate], "张阿姨"
    )
    w.cleaner2 = make_staff(
        w.company, "cleaner2", Role.CLEANER, DepartmentKind.ENVIRONMENT, [w.estate], "王阿姨"
    )
    w.other_cleaner = make_staff(
        w.company, "cleaner_ch", Role.CLEANER, DepartmentKind.ENVIRONMENT, [w.other_estate]
    )
    w.building = w.room.unit.building
    w.building2 = BuildingFactory(estate=w.estate, name="2栋")
    for b in (w.building, w.building2):
        PublicArea.objects.create(
            estate=w.estate, building=b, kind=PublicAreaKind.ELEVATOR, name=f"{b.name}电梯"
        )
    PublicArea.objects.create(estate=w.estate, kind=PublicAreaKind.ROAD, name="主干道")
    PublicArea.objects.create(estate=w.estate, kind=PublicAreaKind.OTHER, name="会所公共卫生间")
    PublicArea.objects.create(estate=w.estate, kind=PublicAreaKind.GARAGE, name="地下车库")
    PublicArea.objects.create(estate=w.estate, kind=PublicAreaKind.GATE, name="南大门")
    return w


@pytest.fixture
def planned(clean):
    """The zones built with 张阿姨 named, the plan seeded on the evening before 2026-07-07."""
    from wuye.environment.services.cleaning import cleaning_plan_seed
    from wuye.environment.services.zones import zones_build
    from wuye.workflow.schedules import schedule_generate

    w = clean
    w.zones = {z.name: z for z in zones_build(estate=w.estate, by=w.env_head.user,
                                              cleaners=[w.cleaner])}  # fmt: skip
    w.lines = cleaning_plan_seed(estate=w.estate, by=w.env_head.user)
    schedule_generate(now=at("2026-07-06 18:00"))
    return w


def line_of(w, zone_name: str, work: str):
    from wuye.environment.models import PlanLine

    return PlanLine.objects.get(zone=w.zones[zone_name], work=work, active=True)

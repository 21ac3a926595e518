"""Helpers of the checklist and task-record tests: a department head of engineering, a
maintenance plan with a TaskSpec and a checklist of each kind of item, a planned task of it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from tests.factories import make_staff
from wuye.core.choices import DepartmentKind, Role
from wuye.core.services import api_token_issue
from wuye.fieldwork.models import Checklist, ChecklistItem, TaskSpec
from wuye.workflow.models import Frequency, PlannedTask, Schedule

SH = ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


def auth(user) -> dict:
    token, _ = api_token_issue(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def eng_head(world):
    """工程部负责人 of the estate (writes checklists)."""
    return make_staff(
        world.company, "enghead", Role.DEPARTMENT_HEAD, DepartmentKind.ENGINEERING, [world.estate]
    )


def checklist(world, estate=None, kind="maintenance", name="电梯半月保养") -> Checklist:
    c = Checklist.objects.create(
        company=world.company, estate=estate if estate is not None else world.estate,
        name=name, kind=kind, source="《电梯维护保养规则》", created_at=timezone.now(),
    )  # fmt: skip
    rows = [
        ("制动器检查", "check", "", None, None, True),
        ("电机温度", "reading", "℃", Decimal("10"), Decimal("80"), True),
        ("机房照片", "photo", "", None, None, True),
        ("其他情况", "note", "", None, None, False),
    ]
    for i, (label, kind_, unit, low, high, required) in enumerate(rows, 1):
        ChecklistItem.objects.create(checklist=c, position=i, label=label, kind=kind_, unit=unit,
                                     low=low, high=high, required=required)  # fmt: skip
    return c


def task(world, *, estate=None, kind="maintenance", scheduled="2026-03-31 09:00",
         due="2026-03-31 23:59:59", spec=True, checklist_=None, photos=1, signature=True,
         contractor=None, subject=None) -> PlannedTask:  # fmt: skip
    estate = estate or world.estate
    s = Schedule.objects.create(
        estate=estate, name="电梯日常保养", kind=kind, rule="EQUIP-MAINT-09",
        frequency=Frequency.INTERVAL_DAYS, interval=15, anchor=at(scheduled).date(),
        created_at=at(scheduled) - dt.timedelta(days=30),
    )  # fmt: skip
    if spec:
        TaskSpec.objects.create(
            schedule=s, checklist=checklist_ if checklist_ is not None else checklist(world),
            photos=photos, signature=signature, contractor=contractor,
            subject_type=ContentType.objects.get_for_model(subject) if subject else None,
            subject_id=subject.pk if subject else None,
        )  # fmt: skip
    return PlannedTask.objects.create(
        schedule=s, estate=estate, scheduled_for=at(scheduled), due_at=at(due)
    )


def items(t: PlannedTask) -> dict[str, int]:
    """Item ids of the task's checklist by label."""
    return {i.label: i.pk for i in t.schedule.spec.checklist.items.all()}


def good_answers(t: PlannedTask, photo, temperature="45.5") -> list[dict]:
    ids = items(t)
    return [
        {"item": ids["制动器检查"], "value": True},
        {"item": ids["电机温度"], "value": temperature},
        {"item": ids["机房照片"], "value": str(photo.pk)},
    ]

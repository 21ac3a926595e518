"""What the inspection and rectification tests share: the environment head, two cleaners and a
gardener of the test estate, three zones and a green area, the record forms and rounds set up,
and answers that pass or fail."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from tests.factories import DepartmentKind, Role, make_staff
from tests.images import photo_of
from wuye.environment.models import CleaningZone, GreenArea
from wuye.environment.services.inspections import (
    CLEAN_KIND,
    GREEN_KIND,
    inspection_form,
    inspection_plans_setup,
)

SH = ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


def zone(estate, name: str, *cleaners, kind: str = "corridor", created: str = "2026-07-01"):
    z = CleaningZone.objects.create(estate=estate, name=name, kind=kind, created_at=at(created))
    for staff in cleaners:
        z.cleaners.add(staff)
    return z


@pytest.fixture
def env(world, time_machine):
    time_machine.move_to(at("2026-09-15 10:00"), tick=False)  # a Tuesday
    w = world
    w.env_head = make_staff(
        w.company, "env_head", Role.DEPARTMENT_HEAD, DepartmentKind.ENVIRONMENT, [w.estate]
    )
    w.cleaner = make_staff(w.company, "cleaner", Role.CLEANER, DepartmentKind.ENVIRONMENT,
                           [w.estate], name="张阿姨")  # fmt: skip
    w.cleaner2 = make_staff(w.company, "cleaner2", Role.CLEANER, DepartmentKind.ENVIRONMENT,
                            [w.estate], name="李师傅")  # fmt: skip
    w.gardener = make_staff(w.company, "gardener", Role.GARDENER, DepartmentKind.ENVIRONMENT,
                            [w.estate], name="王师傅")  # fmt: skip
    w.other_head = make_staff(w.company, "other_env", Role.DEPARTMENT_HEAD,
                              DepartmentKind.ENVIRONMENT, [w.other_estate])  # fmt: skip
    w.lobby = zone(w.estate, "1栋电梯间", w.cleaner, w.cleaner2, kind="elevator")
    w.road = zone(w.estate, "小区主干道", w.cleaner2, kind="road")
    w.toilet = zone(w.estate, "会所公共卫生间", w.cleaner, kind="toilet")
    w.lawn = GreenArea.objects.create(estate=w.estate, name="中心草坪", kind="lawn",
                                      created_at=at("2026-07-01"))  # fmt: skip
    w.lawn.gardeners.add(w.gardener)
    w.rounds = inspection_plans_setup(estate=w.estate, by=w.env_head.user)
    w.clean_form = inspection_form(w.estate, CLEAN_KIND)
    w.green_form = inspection_form(w.estate, GREEN_KIND)
    return w


def answers(form, user=None, **scores) -> list[dict]:
    """Full points for every item; ``scores`` by position (``p2=3``) give other points, and a
    failed item gets a note and (with ``user``) a photo."""
    rows = []
    for item in form.items.order_by("position"):
        score = scores.get(f"p{item.position}", item.high)
        row = {"item": item.pk, "score": str(score)}
        if score < item.low:
            row["note"] = f"{item.label}不合格"
            if user is not None:
                row["photo"] = str(photo_of(user).pk)
        rows.append(row)
    return rows

"""What the shift tests share: an engineering duty post with its head and operators, shifts in
the estate's time, signatures."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from tests.factories import make_staff
from tests.images import signature_of
from wuye.core.choices import DepartmentKind, Role
from wuye.fieldwork.services import handovers
from wuye.fieldwork.services import shifts as services

ZONE = ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    """'2026-10-31 20:00' in the estate's time."""
    return dt.datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=ZONE)


def duty(world) -> SimpleNamespace:
    """工程值班 of the world's estate: head ``ehead``, operators ``op1``…``op4``."""
    company, estate = world.company, world.estate
    head = make_staff(company, "ehead", Role.DEPARTMENT_HEAD, DepartmentKind.ENGINEERING, [estate])
    ops = [
        make_staff(
            company,
            f"op{n}",
            Role.TECHNICIAN,
            DepartmentKind.ENGINEERING,
            [estate],
            name=f"值班员{n}",
        )
        for n in range(1, 5)
    ]
    post = services.post_create(
        estate=estate,
        name="工程值班室",
        department="engineering",
        kind="engineering_duty",
        by=head.user,
    )
    return SimpleNamespace(head=head, ops=ops, post=post)


def shift(d, start: str, end: str, *people, name: str = ""):
    return services.shift_create(
        post=d.post,
        starts_at=at(start),
        ends_at=at(end),
        staff=list(people),
        name=name,
        by=d.head.user,
    )


def sign(user) -> list:
    return [signature_of(user)]


def hand_over(out_user, shift, *, status="设备运行正常", anomalies="", new_items=(), done=()):
    """Open and sign the outgoing side of a handover."""
    handover = handovers.handover_open(shift=shift, by=out_user)
    return handovers.handover_sign_outgoing(
        handover=handover,
        attachments=sign(out_user),
        by=out_user,
        operating_status=status,
        anomalies=anomalies,
        new_items=list(new_items),
        done_items=list(done),
    )

"""A known month of clocks (November 2026, Shanghai time), counted as of 25 November 10:00.

Repairs' handling limit (``repair.handle``) of 阳光测试苑:

====  ===============================  =====================  ==========
case  state                            due (local)            counts as
====  ===============================  =====================  ==========
met1  met (stopped an hour early)      11-10 12:00            kept
met2  met (stopped at its due time)    11-15 12:00            kept
late  breached (stopped a day late)    11-12 09:00            broken
open  running                          11-20 08:00            broken (past due now)
paus  paused                           11-18 17:00            broken (past due now)
esc   breached, escalated, still open  11-21 10:00            broken
wait  running                          11-28 09:00            not counted (not yet due)
canc  cancelled                        11-11 09:00            not counted
last  met                              11-30 23:59            kept
====  ===============================  =====================  ==========

Not in November: met 10-31 23:59, breached 12-01 00:01 (16:01 UTC on 30 November). The emergency
dispatch limit (``repair.dispatch_emergency``): one met. 翠湖测试苑: one broken handling limit.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from tests.factories import make_staff
from wuye.core.choices import DepartmentKind, Role
from wuye.workflow.models import Case, SlaClock

SH = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=SH)


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


class Clocks:
    def __init__(self) -> None:
        self.n = 0

    def make(self, estate, key: str, state: str, due: str, stopped: str | None = None,
             process: str = "repair", title: str = "") -> SlaClock:  # fmt: skip
        self.n += 1
        due_at = at(due)
        start = due_at - dt.timedelta(hours=24)
        case = Case.objects.create(
            estate=estate, process=process, number=f"BX-20261101-{self.n:04d}",
            title=title or f"报修 {self.n}", status="in_progress", created_at=start,
            updated_at=start,
        )  # fmt: skip
        return SlaClock.objects.create(
            case=case, key=key, rule="REPAIR-05", name="处理时限", state=state,
            target_amount=24, target_unit="hours", started_at=start,
            warn_at=start + dt.timedelta(hours=18), due_at=due_at,
            stopped_at=at(stopped) if stopped else None,
            paused_at=at("2026-11-17 12:00") if state == "paused" else None,
        )  # fmt: skip


@pytest.fixture
def month(world, time_machine):
    time_machine.move_to(NOW, tick=False)
    w, c = world, Clocks()
    e = w.estate
    m = SimpleNamespace(world=w, clocks=c)
    m.met1 = c.make(e, "handle", "met", "2026-11-10 12:00", "2026-11-10 11:00")
    m.met2 = c.make(e, "handle", "met", "2026-11-15 12:00", "2026-11-15 12:00")
    m.late = c.make(e, "handle", "breached", "2026-11-12 09:00", "2026-11-13 09:00", title="漏水")
    m.open = c.make(e, "handle", "running", "2026-11-20 08:00", title="门锁坏了")
    m.paused = c.make(e, "handle", "paused", "2026-11-18 17:00", title="等业主")
    m.escalated = c.make(e, "handle", "breached", "2026-11-21 10:00", title="灯不亮")
    m.waiting = c.make(e, "handle", "running", "2026-11-28 09:00")
    m.cancelled = c.make(e, "handle", "cancelled", "2026-11-11 09:00", "2026-11-10 10:00")
    m.last = c.make(e, "handle", "met", "2026-11-30 23:59", "2026-11-30 20:00")
    m.before = c.make(e, "handle", "met", "2026-10-31 23:59", "2026-10-31 22:00")
    m.after = c.make(e, "handle", "breached", "2026-12-01 00:01", "2026-12-01 03:00")
    m.dispatch = c.make(e, "dispatch_emergency", "met", "2026-11-03 10:05", "2026-11-03 10:02")
    m.other = c.make(w.other_estate, "handle", "breached", "2026-11-05 09:00", "2026-11-06 09:00")
    m.broken = [m.late, m.paused, m.open, m.escalated]  # by due time
    w.auditor = make_staff(w.company, "auditor", Role.AUDITOR, DepartmentKind.EXECUTIVE, [e])
    w.other_head = make_staff(
        w.company, "otherhead", Role.DEPARTMENT_HEAD, DepartmentKind.CUSTOMER_SERVICE,
        [w.other_estate],
    )  # fmt: skip
    return m

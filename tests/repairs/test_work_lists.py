"""The work lists put the urgent work on top: overdue first (the most overdue first), then
emergencies, then the nearest due time, finished orders last — the desk's list, its export, the
technician's queue and pool. A late clock (state "breached", not stopped) still counts for the
next due time, and says by how much it is late ("已超时 1 小时 55 分"). Frozen time."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.repairs.helpers import act, at, report
from wuye.core.scoping import actor_for
from wuye.repairs.filters import RepairOrderFilter
from wuye.repairs.selectors import orders as selectors
from wuye.workflow.services import sla_sweep


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(at("2026-11-26 10:00"), tick=False)
    return time_machine


@pytest.fixture
def orders(world):
    """Eleven orders of the desk's morning, the late ones already swept (clocks "breached")."""
    r1, r2 = world.room, world.room2
    o = {}
    # Tomorrow's and today's general work, dispatched or not.
    for n, hours in enumerate((1, 3, 5, 7, 9)):
        o[f"general{n}"] = report(world, description=f"客厅墙面裂缝{n}", category="walls",
                                  room=r2, reported_at=at(f"2026-11-26 0{hours}:30"))  # fmt: skip
        act(o[f"general{n}"], "dispatch", world.agent.user, assignee=world.tech.user)
    o["fresh"] = report(world, description="门锁坏了", category="doors_windows", room=r2)
    o["done"] = report(world, description="门铃不响", category="electrical", room=r2,
                       reported_at=at("2026-11-25 08:00"))  # fmt: skip
    act(o["done"], "cancel", world.agent.user, note="业主自行修好")
    # An emergency within its deadlines, and the burst pipe nobody dispatched (due 08:05).
    o["emergency"] = report(world, description="厨房水管爆裂", room=r1,
                            reported_at=at("2026-11-26 09:58"))  # fmt: skip
    o["burst"] = report(world, description="卫生间水管爆裂，水流不止", room=r1,
                        reported_at=at("2026-11-26 08:00"))  # fmt: skip
    # Overdue since yesterday 10:00 (dispatch within the hour): the most overdue.
    o["oldest"] = report(world, description="阳台窗户关不上", category="doors_windows", room=r1,
                         reported_at=at("2026-11-25 09:00"))  # fmt: skip
    o["light"] = report(world, description="卧室灯不亮", category="electrical", room=r1,
                        reported_at=at("2026-11-26 09:30"))  # fmt: skip
    assert sla_sweep() >= 2
    assert o["burst"].case.clocks.filter(state="breached").exists()
    return o


def numbers(qs) -> list[str]:
    return [order.case.number for order in qs]


def expected(o) -> list[str]:
    first = ["oldest", "burst", "emergency"]  # overdue (most first), then the emergency
    # Then by the nearest due time: REPAIR-05 of general0 is due 2026-11-27 01:30, the light's
    # dispatch at 10:30, the fresh one's at 11:00; the cancelled one last.
    rest = sorted(
        (k for k in o if k not in (*first, "done")),
        key=lambda k: min(
            c.due_at
            for c in o[k].case.clocks.filter(
                state__in=("running", "breached"), stopped_at__isnull=True
            )
        ),
    )
    return [o[k].case.number for k in (*first, *rest, "done")]


def test_the_selector_sorts_overdue_then_emergencies_then_nearest_due(world, orders):
    qs = RepairOrderFilter({}, actor=actor_for(world.agent.user), estate=world.estate).qs
    assert numbers(qs) == expected(orders)
    rows = {o.case.number: o for o in qs}
    assert rows[orders["burst"].case.number].next_due == at("2026-11-26 08:05")
    assert rows[orders["done"].case.number].next_due is None


def test_the_desk_list_puts_the_overdue_burst_pipe_on_top_and_says_by_how_much(
    world, login, orders
):
    page = login("agent").get(reverse("repairs:list")).content.decode()
    positions = [page.index(number) for number in expected(orders)]
    assert positions == sorted(positions)
    start = page.index(orders["burst"].case.number)
    row = page[start : page.index("</tr>", start)]
    assert "已超时 1 小时 55 分" in row and "2026-11-26 08:05" in row
    start = page.index(orders["oldest"].case.number)
    assert "已超时 1 天" in page[start : page.index("</tr>", start)]


def test_the_order_page_says_by_how_much_a_clock_is_late(world, login, orders):
    page = login("agent").get(reverse("repairs:detail", args=[orders["burst"].pk]))
    page = page.content.decode()
    assert "已超时 1 小时 55 分" in page  # dispatch due 08:05
    assert "已超时 1 小时 30 分" in page  # on site due 08:30


def test_the_export_says_by_how_much_an_order_is_late(world, login, orders):
    response = login("agent").get(reverse("repairs:export"))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    table = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert [row["工单号"] for row in table] == expected(orders)
    assert table[1]["超时时长"] == "已超时 1 小时 55 分"
    assert table[-1]["超时时长"] in ("", None)


def test_the_technicians_pool_and_queue_put_overdue_work_first(world, login, orders, frozen):
    tech = actor_for(world.tech.user)
    pool = numbers(selectors.technician_pool(actor=tech))
    assert pool[:3] == [orders[k].case.number for k in ("oldest", "burst", "emergency")]
    act(orders["emergency"], "dispatch", world.agent.user, assignee=world.tech.user)
    act(orders["burst"], "dispatch", world.agent.user, assignee=world.tech.user)
    queue = numbers(selectors.technician_queue(actor=tech))
    # The burst pipe is late on site (08:30); the other emergency is due on site at 10:28.
    assert queue[:2] == [orders["burst"].case.number, orders["emergency"].case.number]
    page = login("tech").get(reverse("repairs:tech_home")).content.decode()
    assert page.index(orders["burst"].case.number) < page.index(orders["emergency"].case.number)
    assert "已超时 1 小时 30 分" in page

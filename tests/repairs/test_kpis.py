"""Repair KPIs (报修统计): the figures, the period in the estate's time zone, the API and the page.

Orders are opened through the intake service (case, number, clocks, repeat link); the later steps
are written straight onto the rows with known times, so every figure can be checked exactly."""

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from tests.factories import make_staff
from wuye.core.choices import DepartmentKind, Role
from wuye.core.services import api_token_issue
from wuye.repairs import services
from wuye.repairs.choices import Category, RepeatCause, Status, Urgency
from wuye.repairs.models import RepairOrder
from wuye.repairs.selectors.kpis import repair_kpis
from wuye.workflow.choices import ClockState
from wuye.workflow.models import Case, SlaClock

SH = ZoneInfo("Asia/Shanghai")
START, END = dt.date(2026, 11, 20), dt.date(2026, 11, 25)


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(at("2026-11-26 10:00"), tick=False)
    return time_machine


def report(world, when, category, urgency=Urgency.GENERAL, room=None, estate=None, by=None):
    return services.repair_order_create(
        estate=estate or world.estate, room=room or world.room, description="报修",
        category=category, urgency=urgency, contact_name="张先生", contact_phone="13800138000",
        channel="phone", reported_at=at(when), by=by or world.agent.user,
    )  # fmt: skip


def steps(order, status, dispatched=None, arrived=None, completed=None, by=None, scores=()):
    """What the later steps leave on the order (their times, the technician, the revisit)."""
    fields = {"dispatched_at": dispatched, "arrived_at": arrived, "completed_at": completed}
    RepairOrder.objects.filter(pk=order.pk).update(
        **{name: at(value) if value else None for name, value in fields.items()},
        completed_by=by,
        **dict(zip(("satisfaction", "quality_score", "attitude_score"), scores, strict=False)),
    )
    Case.objects.filter(pk=order.case_id).update(status=status)


def clock(order, key, state, stopped=None):
    SlaClock.objects.filter(case_id=order.case_id, key=key).update(
        state=state, stopped_at=at(stopped) if stopped else None
    )


def revisit_clock(order, started, state, stopped=None):
    start = at(started)
    SlaClock.objects.create(
        case_id=order.case_id, key="revisit", rule="REPAIR-12", name="回访时限", state=state,
        target_amount=24, target_unit="hours", started_at=start,
        warn_at=start + dt.timedelta(hours=18), due_at=start + dt.timedelta(hours=24),
        stopped_at=at(stopped) if stopped else None,
    )  # fmt: skip


@pytest.fixture
def orders(world):
    """Seven orders reported 2026-11-20 … 11-25 (Shanghai), one each side of the period, one
    completed in it but reported before, one of another estate. Now: 11-26 10:00."""
    tech, tech2 = world.tech.user, make_staff(
        world.company, "tech2", Role.TECHNICIAN, DepartmentKind.ENGINEERING, [world.estate],
        name="李师傅",
    ).user  # fmt: skip
    P, E, D, W, OTHER = (Category.PLUMBING, Category.ELECTRICAL, Category.DOORS_WINDOWS,
                         Category.WALLS, Category.OTHER)  # fmt: skip
    done, met, breached = Status.DONE, ClockState.MET, ClockState.BREACHED

    z = report(world, "2026-11-19 20:00", Category.GAS)  # before the period, completed in it
    steps(z, done, "2026-11-19 20:10", "2026-11-19 20:40", "2026-11-20 09:00", tech, (5, 5, 5))

    a = report(world, "2026-11-20 09:00", P)
    steps(a, done, "2026-11-20 09:30", "2026-11-20 10:00", "2026-11-20 13:00", tech, (5, 5, 4))
    clock(a, "dispatch_general", met, "2026-11-20 09:30")
    clock(a, "handle", met, "2026-11-20 13:00")
    revisit_clock(a, "2026-11-20 13:00", met, "2026-11-20 15:00")

    b = report(world, "2026-11-21 08:00", E, Urgency.EMERGENCY, room=world.room2)
    steps(b, done, "2026-11-21 08:10", "2026-11-21 08:25", "2026-11-21 10:00", tech2, (3, 4, 3))
    clock(b, "dispatch_emergency", breached, "2026-11-21 08:10")  # 5 minutes: late
    clock(b, "on_site", met, "2026-11-21 08:25")
    revisit_clock(b, "2026-11-21 10:00", met, "2026-11-21 12:00")

    c = report(world, "2026-11-22 10:00", P)  # same room and category as a: a repeat
    assert c.repeat_of == a and c.repeat_cause == ""  # the desk chooses the cause
    RepairOrder.objects.filter(pk=c.pk).update(repeat_cause=RepeatCause.WORKMANSHIP)
    steps(c, Status.WAITING_ACCEPTANCE, "2026-11-22 11:30", "2026-11-22 12:00",
          "2026-11-22 20:00", tech, (2, 3, 4))  # fmt: skip
    clock(c, "dispatch_general", breached, "2026-11-22 11:30")
    clock(c, "handle", met, "2026-11-22 20:00")
    revisit_clock(c, "2026-11-22 20:00", met, "2026-11-22 21:00")  # called before acceptance

    d = report(world, "2026-11-23 09:00", D, room=world.room2)  # never dispatched: swept
    clock(d, "dispatch_general", breached)
    clock(d, "handle", breached)

    e = report(world, "2026-11-24 09:00", E, room=world.room2)  # repeat of b: parts, excused
    assert e.repeat_of == b
    RepairOrder.objects.filter(pk=e.pk).update(repeat_cause=RepeatCause.PARTS_QUALITY)
    steps(e, done, "2026-11-24 09:10", "2026-11-24 09:40", "2026-11-24 11:00", tech2, (4, 3, 5))
    clock(e, "dispatch_general", met, "2026-11-24 09:10")
    clock(e, "handle", met, "2026-11-24 11:00")
    revisit_clock(e, "2026-11-24 11:00", breached, "2026-11-26 09:00")

    h = report(world, "2026-11-24 15:00", OTHER)  # cancelled: its clocks stopped, count nowhere
    steps(h, Status.CANCELLED)
    clock(h, "dispatch_general", met, "2026-11-24 15:10")
    clock(h, "handle", met, "2026-11-24 15:10")

    f = report(world, "2026-11-25 23:30", W)  # 23:30 local on the last day: in
    g = report(world, "2026-11-26 00:10", OTHER)  # 00:10 local the next day: out
    x = report(world, "2026-11-22 10:00", P, room=world.other_room, estate=world.other_estate,
               by=world.outsider.user)  # fmt: skip
    steps(x, done, "2026-11-22 10:10", "2026-11-22 10:30", "2026-11-22 12:00", tech, (1, 1, 1))
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f, "g": g, "h": h, "z": z, "x": x,
            "tech": tech, "tech2": tech2}  # fmt: skip


def test_every_figure_of_the_period(world, orders, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        k = repair_kpis(estate=world.estate, start=START, end=END)
    assert (k["start"], k["end"], k["time_zone"]) == (START, END, "Asia/Shanghai")
    assert (k["total"], k["completed"], k["cancelled"]) == (7, 4, 1)
    assert {r["code"]: r["count"] for r in k["by_category"]} == {
        "plumbing": 2, "electrical": 2, "doors_windows": 1, "walls": 1, "elevator": 0, "gas": 0,
        "public": 0, "other": 1,
    }  # fmt: skip
    assert {r["label"]: r["count"] for r in k["by_urgency"]} == {"一般报修": 6, "紧急报修": 1}
    assert k["median_minutes"] == {"dispatch": 20.0, "arrival": 50.0, "completion": 180.0}
    assert k["ratings"] == {"rated": 4, "satisfaction": 3.5, "quality": 3.75, "attitude": 4.0}


def test_clocks_met_breached_running_and_share__REPAIR_05_06_08_09_12(world, orders):
    k = repair_kpis(estate=world.estate, start=START, end=END)
    got = {c["rule"]: (c["met"], c["breached"], c["running"], c["share_met"]) for c in k["clocks"]}
    assert got == {
        "REPAIR-08": (2, 2, 1, 0.5),  # a, e met; c late, d swept; f still running
        "REPAIR-09": (0, 1, 0, 0.0),
        "REPAIR-06": (1, 0, 0, 1.0),
        "REPAIR-05": (3, 1, 1, 0.75),
        "REPAIR-12": (3, 1, 0, 0.75),
    }
    names = {c["key"]: c["name"] for c in k["clocks"]}
    assert names["dispatch_general"] == "派单时限（一般报修）"
    assert names["dispatch_emergency"] == "派单时限（紧急报修）"
    assert names["handle"] == "处理时限（一般报修）" and names["revisit"] == "回访时限"


def test_no_clock_of_a_kind_gives_no_share(world):
    k = repair_kpis(estate=world.estate, start=START, end=END)
    assert k["total"] == 0 and k["repeat_rate"] is None
    assert all(c["share_met"] is None for c in k["clocks"])
    assert k["median_minutes"] == {"dispatch": None, "arrival": None, "completion": None}
    assert k["ratings"]["satisfaction"] is None and k["technicians"] == []


def test_repeat_rate_leaves_out_parts_quality__REPAIR_13(world, orders):
    k = repair_kpis(estate=world.estate, start=START, end=END)
    # c is a repeat of a (workmanship); e of b, but the parts were at fault: excused.
    assert (k["repeats"], k["completed"], k["repeat_rate"]) == (1, 4, 0.25)
    RepairOrder.objects.filter(pk=orders["e"].pk).update(repeat_cause=RepeatCause.WORKMANSHIP)
    k = repair_kpis(estate=world.estate, start=START, end=END)
    assert (k["repeats"], k["repeat_rate"]) == (2, 0.5)


def test_open_and_overdue_now(world, orders):
    k = repair_kpis(estate=world.estate, start=START, end=END)
    # c waits for acceptance (its clocks stopped in time); d has breached clocks not stopped;
    # f's dispatch clock is running past its due time (00:30). g is outside the period.
    assert (k["open_now"], k["overdue_now"]) == (3, 2)


def test_period_is_local_days_of_the_estate(world, orders):
    k = repair_kpis(estate=world.estate, start=END, end=END)
    assert k["total"] == 1  # f at 23:30 on the 25th, not g at 00:10 on the 26th
    k = repair_kpis(estate=world.estate, start=dt.date(2026, 11, 26), end=dt.date(2026, 11, 26))
    assert k["total"] == 1  # g


def test_period_in_another_time_zone(world, orders):
    # In Ürümqi (UTC+6) f was reported at 21:30 on the 25th and g at 22:10: both in.
    world.estate.time_zone = "Asia/Urumqi"
    k = repair_kpis(estate=world.estate, start=END, end=END)
    assert (k["total"], k["time_zone"]) == (2, "Asia/Urumqi")


def test_daily_series(world, orders):
    k = repair_kpis(estate=world.estate, start=START, end=END)
    assert [(d["date"].day, d["reported"], d["completed"]) for d in k["daily"]] == [
        (20, 1, 2),  # a reported; z (reported the 19th) and a completed
        (21, 1, 1),
        (22, 1, 1),  # the other estate's x does not count
        (23, 1, 0),
        (24, 2, 1),  # e and the cancelled h
        (25, 1, 0),
    ]


def test_technicians(world, orders):
    k = repair_kpis(estate=world.estate, start=START, end=END)
    assert k["technicians"] == [
        {"user_id": orders["tech"].pk, "name": "tech", "completed": 2,
         "median_completion_minutes": 420.0, "rated": 2, "satisfaction": 3.5},
        {"user_id": orders["tech2"].pk, "name": "李师傅", "completed": 2,
         "median_completion_minutes": 120.0, "rated": 2, "satisfaction": 3.5},
    ]  # fmt: skip


# --- API --------------------------------------------------------------------------------------


def auth(user) -> dict:
    token, _ = api_token_issue(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def get(client, user, **params):
    return client.get("/api/v1/repairs/kpis", params, **(auth(user) if user else {}))


def test_api_gives_the_same_figures(client, world, orders):
    r = get(client, world.agent.user, estate=world.estate.pk, start="2026-11-20", end="2026-11-25")
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["start"], body["end"], body["total"], body["repeat_rate"]) == (
        "2026-11-20", "2026-11-25", 7, 0.25,
    )  # fmt: skip
    assert body["median_minutes"] == {"dispatch": 20.0, "arrival": 50.0, "completion": 180.0}
    clocks = {c["rule"]: c for c in body["clocks"]}
    assert clocks["REPAIR-08"]["share_met"] == 0.5 and clocks["REPAIR-08"]["running"] == 1
    assert body["daily"][0] == {"date": "2026-11-20", "reported": 1, "completed": 2}
    assert body["technicians"][1]["name"] == "李师傅"
    assert body["ratings"]["quality"] == 3.75


def test_api_defaults_to_the_last_30_days(client, world, orders):
    body = get(client, world.exec.user, estate=world.estate.pk).json()
    assert (body["start"], body["end"]) == ("2026-10-28", "2026-11-26")
    assert body["total"] == 9 and len(body["daily"]) == 30  # z and g too


def test_api_scoping_and_bad_periods(client, world):
    estate = world.estate.pk
    assert get(client, None, estate=estate).status_code == 401
    assert get(client, world.outsider.user, estate=estate).status_code == 404
    assert get(client, world.owner.user, estate=estate).status_code == 404  # residents: no
    assert get(client, world.agent.user, estate=999999).status_code == 404
    r = get(client, world.agent.user, estate=estate, start="2026-11-25", end="2026-11-20")
    assert r.status_code == 400 and "start" in r.json()["error"]["fields"]
    r = get(client, world.agent.user, estate=estate, start="2025-11-24", end="2026-11-25")
    assert r.status_code == 400 and "end" in r.json()["error"]["fields"]  # 366 + 1 days
    r = get(client, world.agent.user, estate=estate, start="2025-11-26", end="2026-11-26")
    assert r.status_code == 200 and len(r.json()["daily"]) == 366
    assert get(client, world.agent.user, estate=estate, start="2026-13-01").status_code == 400


# --- Page -------------------------------------------------------------------------------------


def url(estate) -> str:
    return reverse("repairs:kpis", args=[estate.pk])


def test_page_shows_figures_and_chart_data(world, orders, login, django_assert_max_num_queries):
    client = login("head")
    with django_assert_max_num_queries(20):
        r = client.get(url(world.estate), {"start": "2026-11-20", "end": "2026-11-25"})
    assert r.status_code == 200
    html = r.content.decode()
    assert "报修统计" in html and "报修日期 2026-11-20 至 2026-11-25" in html
    assert "/static/web/vendor/echarts/echarts.min.js" in html and "/static/web/kpis.js" in html
    assert "25.0%" in html and "3.5" in html and "李师傅" in html  # repeat rate, satisfaction
    assert "20 分钟" in html and "3 小时" in html  # medians to dispatch and to completion
    data = json.loads(html.split('id="kpi-data" type="application/json">')[1].split("</script>")[0])
    assert data["category"]["labels"][0] == "给排水" and data["category"]["values"][:2] == [2, 2]
    assert data["daily"]["reported"] == [1, 1, 1, 1, 2, 1]
    assert data["daily"]["completed"] == [2, 1, 1, 0, 1, 0]
    assert data["clocks"]["labels"][0] == "REPAIR-08\n派单时限（一般报修）"
    assert data["clocks"]["values"] == [50.0, 0.0, 100.0, 75.0, 75.0]
    # The link in the navigation, under 工程设备.
    assert f'href="{url(world.estate)}"' in html


def test_page_quick_periods_and_bad_period(world, login):
    client = login("agent")
    html = client.get(url(world.estate)).content.decode()
    assert "报修日期 2026-10-28 至 2026-11-26" in html  # 近30天 by default
    assert "?start=2026-11-01&amp;end=2026-11-26" in html  # 本月
    assert "?start=2026-10-01&amp;end=2026-10-31" in html  # 上月
    assert "所选期间没有报修单" in html
    r = client.get(url(world.estate), {"start": "2026-11-25", "end": "2026-11-01"})
    assert r.status_code == 200
    assert "开始日期不能晚于结束日期" in r.content.decode()
    assert 'value="2026-11-25"' in r.content.decode()  # the input is kept


def test_page_scoping(client, world, login):
    assert client.get(url(world.estate)).status_code == 302  # to the login page
    assert login("outsider").get(url(world.estate)).status_code == 404
    assert login("owner").get(url(world.estate)).status_code == 403
    assert login("lift").get(url(world.estate)).status_code == 403
    assert login("exec").get(url(world.other_estate)).status_code == 200

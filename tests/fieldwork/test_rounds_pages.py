"""Rounds on the pages, with frozen time: the phone's scan page (by label and by typed code),
我的巡查, a round's page with its missed checkpoint in red, the route editor and its labels, and
the report with its Excel export."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.factories import make_staff
from tests.fieldwork.rounds_helpers import LON, at, make_rounds, make_route, north, task_at
from wuye.core.choices import DepartmentKind, Role
from wuye.fieldwork.models import Checkpoint, Route, Scan
from wuye.fieldwork.services.rounds import round_sweep_missed

pytestmark = pytest.mark.django_db


@pytest.fixture
def guard(world):
    return make_staff(world.company, "guard", Role.GUARD, DepartmentKind.ORDER, [world.estate])


@pytest.fixture
def patrol(world, time_machine, guard):
    time_machine.move_to(at("2026-11-26 12:00"), tick=False)
    route, points = make_route(world.estate, world.exec.user)
    schedule = make_rounds(world.estate, route, world.exec.user, anchor=dt.date(2026, 11, 26))
    return route, points, schedule


def page(client, user):
    client.force_login(user)
    return client


def test_scan_page_from_a_label_records_the_scan_with_its_position(
    client, world, guard, patrol, time_machine
):
    _route, points, _schedule = patrol
    c = page(client, guard.user)
    url = reverse("fieldwork:round_scan", args=[points[0].token])
    time_machine.move_to(at("2026-11-26 22:05"), tick=False)
    r = c.get(url)
    assert r.status_code == 200
    text = r.content.decode()
    assert "巡检点1" in text and "确认打卡" in text and "0/3" in text
    assert "fieldwork/scan.js" in text
    assert not Scan.objects.exists()  # opening the page records nothing
    r = c.post(url, {"latitude": str(north(200)), "longitude": str(LON), "accuracy": "10"})
    assert r.status_code == 200
    text = r.content.decode()
    assert "打卡成功" in text and "距离过远 200 米" in text and "1/3" in text
    assert Scan.objects.get().too_far
    # Without a position (refused by the phone): recorded all the same.
    time_machine.move_to(at("2026-11-26 22:10"), tick=False)
    r = c.post(
        reverse("fieldwork:round_scan", args=[points[1].token]),
        {"latitude": "", "longitude": "", "accuracy": ""},
    )
    assert r.status_code == 200 and "未记录位置" in r.content.decode()


def test_scan_page_outside_the_window_says_there_is_no_round(
    client, world, guard, patrol, time_machine
):
    _route, points, _schedule = patrol
    c = page(client, guard.user)
    url = reverse("fieldwork:round_scan", args=[points[0].token])
    time_machine.move_to(at("2026-11-26 20:00"), tick=False)
    assert "现在没有进行中的巡查" in c.get(url).content.decode()
    r = c.post(url, {})
    assert r.status_code == 409 and "没有进行中的巡查" in r.content.decode()
    assert not Scan.objects.exists()


def test_scan_page_bad_coordinates_are_a_400(client, world, guard, patrol, time_machine):
    _route, points, _schedule = patrol
    time_machine.move_to(at("2026-11-26 22:05"), tick=False)
    r = page(client, guard.user).post(
        reverse("fieldwork:round_scan", args=[points[0].token]),
        {"latitude": "NaN", "longitude": "121.47"},
    )
    assert r.status_code == 400 and "纬度" in r.content.decode()
    assert not Scan.objects.exists()


def test_another_estates_label_is_a_404_page(client, world, patrol, time_machine):
    _route, points, _schedule = patrol
    r = page(client, world.outsider.user).get(
        reverse("fieldwork:round_scan", args=[points[0].token])
    )
    assert r.status_code == 404


def test_typed_code_page(client, world, guard, patrol, time_machine):
    _route, points, _schedule = patrol
    c = page(client, guard.user)
    time_machine.move_to(at("2026-11-26 22:05"), tick=False)
    assert c.get(reverse("fieldwork:round_scan_code")).status_code == 200
    code = points[0].code
    r = c.post(reverse("fieldwork:round_scan_code"), {"code": f"{code[:4]}-{code[4:]}".lower()})
    assert r.status_code == 200 and "打卡成功" in r.content.decode()
    r = c.post(reverse("fieldwork:round_scan_code"), {"code": "WRONG"})
    assert r.status_code == 404
    assert Scan.objects.get().typed
    assert (
        page(client, world.owner.user).get(reverse("fieldwork:round_scan_code")).status_code == 403
    )


def test_my_rounds_shows_progress_and_the_next_round(client, world, guard, patrol, time_machine):
    _route, points, _schedule = patrol
    time_machine.move_to(at("2026-11-26 22:05"), tick=False)
    c = page(client, guard.user)
    c.post(reverse("fieldwork:round_scan", args=[points[0].token]), {})
    r = c.get(reverse("fieldwork:round_mine"))
    text = r.content.decode()
    assert r.status_code == 200 and "夜间巡更" in text and "1/3" in text
    assert "11-27 22:00" in text or "2026-11-27 22:00" in text


def test_round_page_names_the_missed_checkpoint_in_red(
    client, world, guard, patrol, time_machine, django_assert_max_num_queries
):
    _route, points, schedule = patrol
    time_machine.move_to(at("2026-11-26 22:05"), tick=False)
    c = page(client, guard.user)
    c.post(reverse("fieldwork:round_scan", args=[points[0].token]), {})
    time_machine.move_to(at("2026-11-26 22:10"), tick=False)
    c.post(reverse("fieldwork:round_scan", args=[points[2].token]), {})
    time_machine.move_to(at("2026-11-27 00:30"), tick=False)
    round_sweep_missed()
    task = task_at(schedule, "2026-11-26 22:00")
    c = page(client, world.head.user)
    with django_assert_max_num_queries(25):
        r = c.get(reverse("fieldwork:round_detail", args=[task.pk]))
    text = r.content.decode()
    assert r.status_code == 200 and "漏检 1 个巡检点" in text
    row = text[text.index('class="round-missed"') :]
    assert "巡检点2" in row[: row.index("</tr>")]
    assert (
        page(client, world.outsider.user)
        .get(reverse("fieldwork:round_detail", args=[task.pk]))
        .status_code
        == 404
    )


def test_route_editor_for_heads(client, world, time_machine):
    time_machine.move_to(at("2026-11-26 12:00"), tick=False)
    c = page(client, world.head.user)
    assert c.get(reverse("fieldwork:route_list")).status_code == 200
    r = c.post(
        reverse("fieldwork:route_create"),
        {
            "name": "设备房巡检",
            "kind": "equipment_patrol",
            "walking_speed": "3",
            "min_gap_seconds": "20",
        },
    )
    route = Route.objects.get(name="设备房巡检")
    assert r.status_code == 302 and r["Location"] == reverse(
        "fieldwork:route_detail", args=[route.pk]
    )
    add = reverse("fieldwork:checkpoint_create", args=[route.pk])
    r = c.post(add, {"name": "", "latitude": "95", "radius_m": "50"})
    assert r.status_code == 400 and not Checkpoint.objects.exists()
    for name in ("水泵房", "配电房"):
        c.post(add, {"name": name, "location": "地下一层", "radius_m": "50"})
    pump, power = Checkpoint.objects.order_by("position")
    c.post(reverse("fieldwork:checkpoint_move", args=[power.pk]), {"direction": "up"})
    assert list(route.checkpoints.order_by("position").values_list("name", flat=True)) == [
        "配电房",
        "水泵房",
    ]
    old = pump.token
    c.post(reverse("fieldwork:checkpoint_regenerate", args=[pump.pk]))
    pump.refresh_from_db()
    assert pump.token != old
    r = c.post(
        reverse("fieldwork:checkpoint_edit", args=[pump.pk]), {"name": "水泵房", "radius_m": "80"}
    )  # active unticked: deactivated
    pump.refresh_from_db()
    assert r.status_code == 302 and not pump.active and pump.radius_m == 80
    r = c.post(
        reverse("fieldwork:route_edit", args=[route.pk]),
        {
            "name": "设备房巡检",
            "kind": "equipment_patrol",
            "ordered": "on",
            "walking_speed": "2",
            "min_gap_seconds": "30",
            "active": "on",
        },
    )
    route.refresh_from_db()
    assert r.status_code == 302 and route.ordered and route.min_gap_seconds == 30
    text = c.get(reverse("fieldwork:route_detail", args=[route.pk])).content.decode()
    assert "配电房" in text and power.code[:4] in text
    pdf = c.get(reverse("fieldwork:route_labels", args=[route.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert c.get(reverse("fieldwork:checkpoint_label", args=[power.pk])).status_code == 200


def test_route_editor_refuses_guards_and_other_estates(client, world, guard, patrol):
    route, points, _schedule = patrol
    c = page(client, guard.user)
    assert c.post(reverse("fieldwork:route_create"), {"name": "X"}).status_code == 403
    assert (
        c.post(reverse("fieldwork:checkpoint_regenerate", args=[points[0].pk])).status_code == 403
    )
    assert c.get(reverse("fieldwork:checkpoint_edit", args=[points[0].pk])).status_code == 403
    other = page(client, world.outsider.user)
    assert other.get(reverse("fieldwork:route_detail", args=[route.pk])).status_code == 404
    assert other.get(reverse("fieldwork:route_labels", args=[route.pk])).status_code == 404


def test_report_page_and_export(client, world, patrol, time_machine):
    _route, _points, _schedule = patrol
    time_machine.move_to(at("2026-11-28 09:00"), tick=False)
    round_sweep_missed()
    c = page(client, world.head.user)
    r = c.get(
        reverse("fieldwork:round_report"), {"date_from": "2026-11-26", "date_to": "2026-11-27"}
    )
    text = r.content.decode()
    assert r.status_code == 200 and "夜间巡更" in text
    rows = r.context["rows"]
    assert [(x.rounds, x.missed, x.checkpoints_missed) for x in rows] == [(2, 2, 6)]
    sheet = c.get(reverse("fieldwork:round_report_export"), {"date_from": "2026-11-26"})
    assert sheet.status_code == 200 and sheet.content.startswith(b"PK")

"""The vehicle pages: the gate console on a phone, the temporary parking cards, the ledger with
its export and monthly passes, the parking areas."""

from __future__ import annotations

from io import BytesIO

import pytest
import time_machine
from openpyxl import load_workbook

from tests.security.vehicles_helpers import (
    at,
    make_guard,
    make_temp_area,
    owner_car,
    pass_rate,
    set_rule,
)
from wuye.security.choices import StayStatus
from wuye.security.models import ParkingStay, Vehicle

pytestmark = pytest.mark.django_db


@pytest.fixture
def gate(world):
    world.guard = make_guard(world)
    world.area = make_temp_area(world)
    set_rule(world)
    return world


def test_gate_console_records_an_entry_and_guides_the_car__VEHICLE_04_05(client, login, gate):
    client = login("guard")
    page = client.get("/security/gate/")
    assert page.status_code == 200 and "临时车位空余" in page.content.decode()
    done = client.post("/security/gate/", {"plate": "京b·12345", "direction": "entry"})
    text = done.content.decode()
    assert "临时车入场" in text and "请引导至 地面临时车位" in text
    assert ParkingStay.objects.get().plate == "京B12345"


def test_gate_console_refuses_an_unpaid_exit_and_collects_the_fee__VEHICLE_06_07(
    client, login, gate
):
    client = login("guard")
    with time_machine.travel(at(2026, 12, 7, 22, 50), tick=False):
        client.post("/security/gate/", {"plate": "京B12345", "direction": "entry"})
    with time_machine.travel(at(2026, 12, 8, 1, 0), tick=False):
        refused = client.post("/security/gate/", {"plate": "京B12345", "direction": "exit"})
        text = refused.content.decode()
        assert "未缴费，拒绝放行" in text and "¥6.00" in text
        stay = ParkingStay.objects.get()
        paid = client.post(f"/security/parking-stays/{stay.pk}/pay/",
                           {"channel": "cash", "next": "/security/gate/"})  # fmt: skip
        assert paid.status_code == 302 and paid["Location"] == "/security/gate/"
        out = client.post("/security/gate/", {"plate": "京B12345", "direction": "exit"})
        assert "缴费后放行" in out.content.decode() and "请抬杆放行" in out.content.decode()
    stay.refresh_from_db()
    assert stay.status == StayStatus.LEFT


def test_bad_plate_is_an_error_next_to_the_field(client, login, gate):
    page = login("guard").post("/security/gate/", {"plate": "ABC", "direction": "entry"})
    assert page.status_code == 200 and "车牌号格式不正确" in page.content.decode()


def test_stays_list_shows_the_ones_to_resolve_and_resolves__VEHICLE_03(client, login, gate):
    client = login("guard")
    with time_machine.travel(at(2026, 12, 5, 9, 0), tick=False):
        client.post("/security/gate/", {"plate": "京B12345", "direction": "entry"})
    with time_machine.travel(at(2026, 12, 6, 10, 0), tick=False):
        listed = client.get("/security/parking-stays/?unresolved=on")
        assert "超过一天未离场" in listed.content.decode()
        stay = ParkingStay.objects.get()
        detail = client.get(f"/security/parking-stays/{stay.pk}/")
        assert "处理完毕" in detail.content.decode()
        client.post(f"/security/parking-stays/{stay.pk}/resolve/", {"reason": "识别漏拍"})
    stay.refresh_from_db()
    assert stay.status == StayStatus.RESOLVED


def test_ledger_register_pass_and_export__VEHICLE_08_09(client, login, gate):
    pass_rate(gate, "300")
    client = login("agent")
    made = client.post("/security/vehicles/new/",
                       {"plate": "粤B·D12345", "owner": gate.owner.pk, "room": gate.room.pk,
                        "description": "白色特斯拉"})  # fmt: skip
    vehicle = Vehicle.objects.get()
    assert made.status_code == 302 and vehicle.plate == "粤BD12345"
    with time_machine.travel(at(2026, 12, 7, 10, 0), tick=False):
        client.post(f"/security/vehicles/{vehicle.pk}/passes/",
                    {"start": "2026-12-01", "months": "1"})  # fmt: skip
        detail = client.get(f"/security/vehicles/{vehicle.pk}/").content.decode()
        assert "2026-12-31" in detail and "¥300.00" in detail
        listed = client.get("/security/vehicles/?q=d123").content.decode()
        assert "粤BD12345" in listed
        export = client.get("/security/vehicles/export.xlsx?has_pass=on")
    sheet = load_workbook(BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "车牌号" and rows[1][0] == "粤BD12345" and rows[1][1] == "新能源车牌"
    assert rows[1][6] == "2026-12-01～2026-12-31"


def test_guard_reads_the_ledger_but_cannot_register__VEHICLE_02(client, login, gate):
    owner_car(gate)
    client = login("guard")
    assert "京A12345" in client.get("/security/vehicles/").content.decode()
    assert client.get("/security/vehicles/new/").status_code == 403


def test_parking_areas_page__VEHICLE_05(client, login, gate):
    client = login("exec")
    page = client.get("/security/parking-areas/")
    assert "地面临时车位" in page.content.decode()
    client.post("/security/parking-areas/", {"name": "电动车棚", "kind": "ebike",
                                             "capacity": "60", "active": "on"})  # fmt: skip
    assert "电动车棚" in client.get("/security/parking-areas/").content.decode()
    assert (
        login("guard")
        .post("/security/parking-areas/", {"name": "x", "kind": "ebike", "capacity": "1"})
        .status_code
        == 403
    )


def test_list_pages_keep_their_query_count(client, login, gate, django_assert_max_num_queries):
    for n in range(5):
        owner_car(gate, f"京A1234{n}", space=False)
    client = login("agent")
    with django_assert_max_num_queries(25):
        assert client.get("/security/vehicles/").status_code == 200

"""Repairs through the API: intake, scoping, steps refused with a reason."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from wuye.core.services import api_token_issue
from wuye.repairs.models import RepairOrder

SH = ZoneInfo("Asia/Shanghai")


def auth(user) -> dict:
    token, _ = api_token_issue(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 26, 10, 0, tzinfo=SH), tick=False)


def post(client, user, body, path="/api/v1/repairs"):
    return client.post(path, body, content_type="application/json", **auth(user))


def leak(world, **extra):
    body = {"room": world.room.pk, "description": "卫生间水管爆裂", "contact_name": "张先生",
            "contact_phone": "13800138000"}  # fmt: skip
    return {**body, **extra}


def test_resident_reports_through_the_api__REPAIR_02_REPAIR_04(client, world):
    r = post(client, world.owner.user, leak(world))
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["number"] == "BX-20261126-0001" and body["status"] == "waiting_dispatch"
    assert body["urgency"] == "emergency" and body["place"] == "1栋2单元301室"
    case = client.get(f"/api/v1/repairs/{body['id']}", **auth(world.agent.user)).json()
    assert case["channel"] == "app"


def test_bad_intake_gets_field_errors_and_writes_nothing(client, world):
    r = post(client, world.agent.user, leak(world, contact_phone="12"))
    assert r.status_code == 400 and "contact_phone" in r.json()["error"]["fields"]
    r = post(client, world.agent.user, {"description": "x", "contact_name": "a",
                                        "contact_phone": "13800138000"})  # fmt: skip
    assert r.status_code == 400 and "room" in r.json()["error"]["fields"]
    assert not RepairOrder.objects.exists()


def test_scoping(client, world):
    order = post(client, world.agent.user, leak(world)).json()
    assert (
        client.get(f"/api/v1/repairs/{order['id']}", **auth(world.outsider.user)).status_code == 404
    )
    assert (
        client.get(f"/api/v1/repairs/{order['id']}", **auth(world.neighbour.user)).status_code
        == 404
    )
    assert client.get("/api/v1/repairs", **auth(world.owner.user)).json()["count"] == 1
    assert post(client, world.neighbour.user, leak(world)).status_code == 404  # not their room


def test_steps_through_the_api_with_reasons(client, world):
    order = post(client, world.agent.user, leak(world)).json()
    url = f"/api/v1/repairs/{order['id']}"
    assert post(client, world.tech.user, {}, f"{url}/accept").status_code == 409
    assert post(client, world.tech.user, {}, f"{url}/grab").json()["status"] == "waiting_accept"
    assert post(client, world.tech.user, {}, f"{url}/accept").status_code == 200
    r = post(client, world.tech.user, {}, f"{url}/arrive")
    assert r.status_code == 400 and {"badge_uniform", "dust_sheet"} <= set(
        r.json()["error"]["fields"]
    )
    r = post(client, world.tech.user, {"data": {"badge_uniform": True, "dust_sheet": True}},
             f"{url}/arrive")  # fmt: skip
    assert r.status_code == 200
    assert post(client, world.owner.user, {}, f"{url}/confirm").status_code == 409
    assert post(client, world.agent.user, {}, f"{url}/dispatch").status_code == 409  # dispatched
    assert post(client, world.agent.user, {}, f"{url}/fly").status_code == 404

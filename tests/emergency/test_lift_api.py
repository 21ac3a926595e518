"""The entrapment API (EMERG-LIFT): opening, every step through the same service as the pages,
errors as 4xx with Chinese messages, scoping (another estate's staff and other contractors get a
404)."""

from __future__ import annotations

import pytest

from tests.facilities.equip_helpers import Api
from wuye.emergency.models import Incident

from .lift_helpers import lift_world_fixture  # noqa: F401  (the fixture ``lift_world``)

pytestmark = pytest.mark.django_db


def test_the_desk_opens_an_entrapment_and_the_steps_run_through_the_api__EMERG_LIFT_02(
    client, lift_world
):
    w = lift_world
    desk = Api(client, w.agent.user)
    lifts = desk.get(f"/emergency/entrapments/lifts?estate={w.estate.pk}")
    assert [x["code"] for x in lifts] == ["DT-1-01", "DT-2-01"]
    body = {
        "estate": w.estate.pk,
        "lift": w.lift.pk,
        "people": 2,
        "source": "resident",
        "caller": "王先生",
        "phone": "13800001111",
    }
    opened = desk.post("/emergency/entrapments", body, expect=201)
    assert opened["lift_status"] == "under_repair" and opened["level"] == 4
    assert {c["rule"] for c in opened["sla"]} >= {"EMERG-LIFT-04", "EQUIP-FAULT-11"}
    assert "不要惊慌" in opened["calm_script"]
    pk = opened["id"]
    again = desk.post("/emergency/entrapments", body, expect=409)
    assert opened["number"] in again["error"]["message"]
    steps = {s["code"]: s for s in opened["steps"]}
    guard = Api(client, w.guard.user)
    bad = guard.post(
        f"/emergency/entrapments/{pk}/guard_arrive", {"data": {"checks": []}}, expect=400
    )
    assert "checks" in bad["error"]["fields"]
    done = guard.post(
        f"/emergency/entrapments/{pk}/guard_arrive",
        {"data": {"checks": steps["reassure"]["checklist"]}},
    )
    assert done["guard_arrived_at"] is not None
    twice = guard.post(
        f"/emergency/entrapments/{pk}/guard_arrive",
        {"data": {"checks": steps["reassure"]["checklist"]}},
        expect=409,
    )
    assert "到场" in twice["error"]["message"]
    guard.post(f"/emergency/entrapments/{pk}/call_contractor", {}, expect=403)
    called = desk.post(f"/emergency/entrapments/{pk}/call_contractor", {})
    assert called["contractor"] == w.contractor.pk
    contractor = Api(client, w.contractor_user)
    assert [x["id"] for x in contractor.get("/emergency/entrapments")["items"]] == [pk]
    contractor.post(f"/emergency/entrapments/{pk}/contractor_arrive", {})
    rescued = contractor.post(
        f"/emergency/entrapments/{pk}/rescue", {"data": {"checks": steps["rescue"]["checklist"]}}
    )
    assert rescued["rescued_at"] is not None
    assert rescued["sla"][0]["state"] == "met"


def test_bad_input_is_a_4xx_and_changes_nothing(client, lift_world):
    w = lift_world
    desk = Api(client, w.agent.user)
    desk.post("/emergency/entrapments", {"estate": w.estate.pk, "lift": w.pump.pk}, expect=400)
    desk.post(
        "/emergency/entrapments",
        {"estate": w.estate.pk, "lift": w.lift.pk, "source": "monitoring"},
        expect=400,
    )
    desk.post(
        "/emergency/entrapments", {"estate": w.other_estate.pk, "lift": w.lift.pk}, expect=404
    )
    assert not Incident.objects.exists()
    desk.post("/emergency/entrapments/999999/guard_arrive", {}, expect=404)
    opened = desk.post(
        "/emergency/entrapments", {"estate": w.estate.pk, "lift": w.lift.pk}, expect=201
    )
    desk.post(f"/emergency/entrapments/{opened['id']}/fly", {}, expect=404)
    desk.post(f"/emergency/entrapments/{opened['id']}/rescue", {}, expect=403)


def test_other_estates_staff_and_other_contractors_get_a_404(client, lift_world):
    from tests.factories import make_contractor

    w = lift_world
    opened = Api(client, w.agent.user).post(
        "/emergency/entrapments", {"estate": w.estate.pk, "lift": w.lift.pk}, expect=201
    )
    Api(client, w.outsider.user).get(f"/emergency/entrapments/{opened['id']}", expect=404)
    other = make_contractor(w.company, "other_lift", [w.estate])
    Api(client, other.accounts.get().user).get(f"/emergency/entrapments/{opened['id']}", expect=404)
    Api(client, w.owner.user).get(f"/emergency/entrapments/{opened['id']}", expect=404)

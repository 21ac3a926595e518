"""The guards' pages: the patrol report on a phone (photo required, routed to an obstruction
with the owner found by room number), the obstruction and incident lists and pages, the conduct
check, the head's route setup, and the handover form's equipment and 三清."""

import pytest
from django.urls import reverse

from tests.images import make_jpeg
from tests.security.guards_helpers import at, order_fixture, photos, shift  # noqa: F401
from wuye.fieldwork.models import HandoverStatus, Route
from wuye.fieldwork.services import handovers
from wuye.fieldwork.services import shifts as shift_services
from wuye.security.models import ConductCheck, Obstruction
from wuye.security.services.incidents import incident_open

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(at("2026-12-31 21:00"), tick=False)


def test_patrol_report_page_needs_a_photo_and_finds_the_owner__FIRE_14(
    client, world, order, frozen
):
    client.force_login(order.guards[0].user)
    data = {
        "kind": "fire_lane",
        "description": "纸箱堆放",
        "location": "1栋北侧",
        "room": "1-2-301",
    }
    r = client.post("/security/patrol/report/", data)
    assert r.status_code == 400 and "请现场拍照" in r.content.decode()
    r = client.post("/security/patrol/report/", data | {"photos": make_jpeg()})
    assert r.status_code == 302
    found = Obstruction.objects.get()
    assert found.room == world.room and found.owner_notified_at == at("2026-12-31 21:00")
    page = client.get("/security/obstructions/").content.decode()
    assert found.case.number in page and "纸箱堆放" in page
    assert "复查已清除" in client.get(f"/security/obstructions/{found.pk}/").content.decode()
    client.force_login(world.outsider.user)
    assert client.get(f"/security/obstructions/{found.pk}/").status_code == 404


def test_incident_pages_record_the_110_call__GUARD_11(client, world, order, frozen):
    g1 = order.guards[0]
    incident = incident_open(estate=world.estate, location="地下车库", description="有人撬车门",
                             attachments=photos(g1.user), by=g1.user)  # fmt: skip
    client.force_login(g1.user)
    assert incident.case.number in client.get("/security/incidents/").content.decode()
    r = client.post(f"/security/incidents/{incident.pk}/call_police/",
                    {"called_at": "2026-12-31T21:00", "police_ref": "JJ-2026-9"})  # fmt: skip
    assert r.status_code == 302
    incident.refresh_from_db()
    assert incident.police_ref == "JJ-2026-9" and incident.police_called_at == at(
        "2026-12-31 21:00"
    )


def test_conduct_page_at_shift_start__GUARD_12(client, world, order, frozen):
    g1 = order.guards[0]
    s = shift(order, "2026-12-31 20:00", "2027-01-01 08:00", g1)
    client.force_login(g1.user)
    assert client.post(f"/security/shifts/{s.pk}/conduct/", {"badge": "on"}).status_code == 400
    r = client.post(f"/security/shifts/{s.pk}/conduct/",
                    {"badge": "on", "uniform": "on", "polite": "on"})  # fmt: skip
    assert r.status_code == 302 and ConductCheck.objects.filter(shift=s).exists()


def test_head_sets_up_the_default_routes_from_the_page__GUARD_09(client, world, order, frozen):
    client.force_login(order.head.user)
    assert "儿童乐园" in client.get("/security/patrol/setup/").content.decode()
    assert client.post("/security/patrol/setup/").status_code == 302
    client.force_login(order.guards[0].user)
    client.post("/security/patrol/setup/")  # refused with a message, nothing made
    assert Route.objects.filter(estate=world.estate).count() == 2


def test_handover_pages_check_equipment_and_three_clears__GUARD_05(client, world, order, frozen):
    g1, g2 = order.guards[0], order.guards[1]
    out = shift(order, "2026-12-31 20:00", "2027-01-01 08:00", g1)
    shift(order, "2027-01-01 08:00", "2027-01-01 20:00", g2)
    shift_services.shift_start(shift=out, by=g1.user)
    handover = handovers.handover_open(shift=out, by=g1.user)
    client.force_login(g1.user)
    url = reverse("fieldwork:handover_form", args=[handover.pk])
    page = client.get(url).content.decode()
    assert "物品清点" in page and "三清确认" in page and "警棍" in page
    base = {"operating_status": "正常", "equipment_shown": "1", "clears_shown": "1",
            "equipment_name": ["对讲机", "警棍"], "equip_0": "ok", "equip_1": "ok",
            "submit": "save"}  # fmt: skip
    r = client.post(url, base | {"clears": ["situation"]})
    assert r.status_code == 302
    handover.refresh_from_db()
    assert handover.equipment_checks == [
        {"name": "对讲机", "ok": True},
        {"name": "警棍", "ok": True},
    ]
    assert handover.outgoing_clears == ["situation"]
    assert handover.status == HandoverStatus.DRAFT

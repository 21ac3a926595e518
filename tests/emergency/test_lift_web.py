"""The entrapment pages (EMERG-LIFT): the desk's intake, the desk view with its clocks, the guard's
card with the calm script (EMERG-LIFT-10/12), the contractor's card; errors shown on the page,
nothing written; who may open which page."""

from __future__ import annotations

import pytest

from wuye.emergency.models import Incident
from wuye.emergency.services.lift import entrapment_act, entrapment_open

from .lift_helpers import lift_world_fixture  # noqa: F401  (the fixture ``lift_world``)

pytestmark = pytest.mark.django_db


def test_the_desk_records_a_residents_call_in_the_form(login, lift_world):
    w = lift_world
    client = login("agent")
    assert "1栋1号客梯" in client.get("/emergency/lift/new/").content.decode()
    bad = client.post(
        "/emergency/lift/new/", {"lift": w.lift.pk, "source": "resident", "people": 1}
    )
    assert bad.status_code == 400 and "请填写来电人" in bad.content.decode()
    assert not Incident.objects.exists()
    r = client.post(
        "/emergency/lift/new/",
        {
            "lift": w.lift.pk,
            "source": "resident",
            "people": 1,
            "caller": "王先生",
            "phone": "13800001111",
            "room": "1-2-301",
        },
    )
    incident = Incident.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/emergency/lift/{incident.pk}/"
    assert incident.case.data["room"] == w.room.pk
    page = client.get(r["Location"]).content.decode()
    assert "秩序员到场（报警后5分钟）" in page and "解救被困人员（报警后30分钟）" in page
    assert "EMERG-LIFT" not in page  # no rule IDs on screen
    assert "联系维保单位" in page
    listed = client.get("/emergency/lift/").content.decode()
    assert incident.case.number in listed


# EMERG-LIFT-10: the calm script; EMERG-LIFT-12: the trapped told not to prise the doors.
def test_the_guard_card_shows_the_calm_script_and_the_two_checks__EMERG_LIFT_10_12(
    login, lift_world
):
    w = lift_world
    incident = entrapment_open(estate=w.estate, lift=w.lift.pk, by=w.agent.user, people=1)
    client = login("guard")
    page = client.get(f"/emergency/lift/{incident.pk}/guard/").content.decode()
    assert "不要试图扒门或跳出轿厢" in page and "我已到场安抚" in page
    assert page.count('name="checks"') == 2
    bad = client.post(f"/emergency/lift/{incident.pk}/guard_arrive/", {"back": "guard"})
    assert bad.status_code == 400 and "请逐项确认" in bad.content.decode()
    checks = list(incident.steps.get(code="reassure").checklist)
    r = client.post(
        f"/emergency/lift/{incident.pk}/guard_arrive/", {"back": "guard", "checks": checks}
    )
    assert r.status_code == 302 and r["Location"].endswith("/guard/")
    again = client.post(
        f"/emergency/lift/{incident.pk}/guard_arrive/", {"back": "guard", "checks": checks}
    )
    assert again.status_code == 400 and "无需重复确认" in again.content.decode()


def test_the_contractor_card_is_the_contractors_only_page(login, lift_world):
    w = lift_world
    incident = entrapment_open(estate=w.estate, lift=w.lift.pk, by=w.agent.user, people=1)
    client = login("lift")
    assert client.get(f"/emergency/lift/{incident.pk}/contractor/").status_code == 404
    entrapment_act(incident=incident.pk, action="call_contractor", by=w.agent.user)
    page = client.get(f"/emergency/lift/{incident.pk}/contractor/").content.decode()
    assert "我已到达现场" in page
    assert client.get(f"/emergency/lift/{incident.pk}/").status_code == 403  # the desk view
    r = client.post(f"/emergency/lift/{incident.pk}/contractor_arrive/")
    assert r["Location"].endswith("/contractor/")
    page = client.get(r["Location"]).content.decode()
    assert "撬棍" in page and page.count('name="checks"') == 3


def test_residents_and_other_estates_cannot_open_the_pages(login, lift_world):
    w = lift_world
    incident = entrapment_open(estate=w.estate, lift=w.lift.pk, by=w.agent.user, people=1)
    assert login("owner").get(f"/emergency/lift/{incident.pk}/guard/").status_code == 403
    assert login("outsider").get(f"/emergency/lift/{incident.pk}/").status_code == 404

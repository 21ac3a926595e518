"""The level of an outage (EMERG-05/07, decided by the lead): the manual's levels go by scope, and
EMERG-07's "涉及整个小区" applies whatever the kind — an outage of the whole estate (every building,
ticked one by one or as "整个小区") is suggested Ⅰ; 10 buildings or more of a larger estate Ⅲ.
Staff may choose another level with its reason, on the form and through the API."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tests.factories import BuildingFactory
from wuye.core.services import api_token_issue
from wuye.emergency.choices import Level
from wuye.emergency.models import LevelChange, Outage

from .outage_helpers import plan_water, report_power

pytestmark = pytest.mark.django_db
OUTAGES = "/api/v1/emergency/outages"


def _twenty_buildings(w) -> list:
    """The fixture's 12 buildings and 8 more: an estate of 20."""
    return w.buildings + [BuildingFactory(estate=w.estate, name=f"{n}栋") for n in range(13, 21)]


def test_ten_of_twenty_buildings_is_level_iii__EMERG_05(emg):
    w = emg
    buildings = _twenty_buildings(w)
    incident = report_power(w, buildings=buildings[:10]).incident
    assert incident.level == incident.suggested_level == Level.III
    assert not incident.whole_estate


def test_every_building_of_the_estate_is_level_i__EMERG_05__EMERG_07(emg):
    w = emg
    buildings = _twenty_buildings(w)
    outage = report_power(w, buildings=buildings[:19])
    assert outage.incident.level == Level.III  # 19 of 20: not the whole estate
    outage = report_power(w, buildings=buildings)
    incident = outage.incident
    assert incident.level == incident.suggested_level == Level.I
    # Every building ticked is the whole estate: "全小区", on the estate's board.
    assert incident.whole_estate and incident.place == "全小区"
    assert outage.release.notices.get().building is None
    assert LevelChange.objects.get(incident=incident).to_level == Level.I
    # Level Ⅰ pages all three groups and everyone must acknowledge (services.incidents).
    assert incident.pages.filter(must_acknowledge=False).count() == 0
    assert {p.group for p in incident.pages.all()} == {"onsite", "logistics", "command"}


def test_a_whole_estate_outage_may_be_lowered_with_a_reason__EMERG_07(emg):
    w = emg
    with pytest.raises(ValidationError) as error:
        plan_water(w, whole_estate=True, level=Level.III)
    assert "level_reason" in error.value.message_dict
    assert not Outage.objects.exists()
    outage = plan_water(w, whole_estate=True, level=Level.III, level_reason="仅二次供水泵房检修")
    incident = outage.incident
    assert incident.level == Level.III and incident.suggested_level == Level.I
    assert LevelChange.objects.get(incident=incident).reason == "仅二次供水泵房检修"


def test_the_form_suggests_and_keeps_a_changed_level_with_its_reason__EMERG_07(emg, login):
    client = login("agent")
    page = client.get("/emergency/outages/sudden/").content.decode()
    assert "按Ⅰ级响应" in page and "调整响应级别" in page
    form = {"utility": "power", "whole_estate": "on", "expected_end_at": "2026-08-12T09:00",
            "precautions": "请勿乘坐电梯", "level": "3"}  # fmt: skip
    r = client.post("/emergency/outages/sudden/", form)
    assert r.status_code == 400 and "与建议级别不同，请说明原因" in r.content.decode()
    assert not Outage.objects.exists()
    r = client.post("/emergency/outages/sudden/", {**form, "level_reason": "仅地库配电"})
    assert r.status_code == 302
    assert Outage.objects.get().incident.level == Level.III
    r = client.post("/emergency/outages/sudden/", {**form, "level": ""})
    assert r.status_code == 302
    assert Outage.objects.latest("pk").incident.level == Level.I


def post(client, user, path, body):
    token, _ = api_token_issue(user=user)
    return client.post(path, body, content_type="application/json",
                       HTTP_AUTHORIZATION=f"Bearer {token}")  # fmt: skip


def test_the_api_takes_the_level_and_its_reason__EMERG_05__EMERG_07(client, emg):
    w = emg
    body = {"estate": w.estate.pk, "utility": "power", "whole_estate": True,
            "expected_end_at": "2026-08-12T09:00", "precautions": "请勿乘坐电梯"}  # fmt: skip
    r = post(client, w.agent.user, f"{OUTAGES}/sudden", {**body, "level": 4})
    assert r.status_code == 400 and "level_reason" in r.json()["error"]["fields"]
    for bad in (True, 0, 5, "1"):
        r = post(client, w.agent.user, f"{OUTAGES}/sudden", {**body, "level": bad})
        assert r.status_code == 400, bad
    assert not Outage.objects.exists()
    r = post(client, w.agent.user, f"{OUTAGES}/sudden", body)
    assert r.status_code == 201 and r.json()["level"] == 1 and r.json()["whole_estate"]
    buildings = [b.pk for b in w.buildings[:10]]
    r = post(client, w.agent.user, f"{OUTAGES}/sudden",
             {**body, "whole_estate": False, "buildings": buildings})  # fmt: skip
    assert r.status_code == 201 and r.json()["level"] == 3  # 10 of 12 buildings

"""The organisation, plans and supplies pages and their API: each renders for the estate's
staff, writes through the services, and refuses what the services refuse."""

from __future__ import annotations

import pytest
from django.urls import reverse

from wuye.emergency.choices import IncidentKind
from wuye.emergency.models import GroupMember, PlanStep, ResponsePlan, SupplyItem
from wuye.emergency.services.incidents import incident_open

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client):
    def call(user, method, path, body=None, **params):
        client.force_login(user)
        url = f"/api/v1{path}"
        if method == "get":
            return client.get(url, params)
        return getattr(client, method)(url, body or {}, content_type="application/json")

    return call


def test_supply_pages_restock_and_count__EMERG_03(emg, login):
    client = login("clerk")
    new = {"category": "water", "name": "瓶装水", "unit": "箱", "quantity": 3, "minimum": 5}
    client.post(reverse("emergency:supply_create"), new)
    item = SupplyItem.objects.get()
    page = client.get(reverse("emergency:supply_list")).content.decode()
    assert "瓶装水" in page and "低于最低库存" in page and "尚未盘点" in page
    client.post(reverse("emergency:supply_restock", args=[item.pk]), {"quantity": 4})
    client.post(reverse("emergency:supply_check"), {f"counted-{item.pk}": 6,
                                                    f"usable-{item.pk}": "on"})  # fmt: skip
    item.refresh_from_db()
    assert item.quantity == 6
    assert "盘点调整" in client.get(reverse("emergency:supply_movements")).content.decode()
    assert client.get(reverse("emergency:supply_export")).status_code == 200
    assert client.get(reverse("emergency:supply_movement_export")).status_code == 200
    login("guard").post(reverse("emergency:supply_restock", args=[item.pk]), {"quantity": 4})
    item.refresh_from_db()
    assert item.quantity == 6  # a guard does not keep the stock


def test_supply_api_draw_and_errors__EMERG_03(emg, api):
    w = emg
    made = api(w.clerk.user, "post", "/emergency/supplies", {
        "estate": w.estate.pk, "category": "lighting", "name": "应急灯", "unit": "个",
        "quantity": 2, "minimum": 1})  # fmt: skip
    assert made.status_code == 201, made.content
    incident = incident_open(estate=w.estate, kind=IncidentKind.OUTAGE, place="3栋",
                             by=w.agent.user)  # fmt: skip
    pk = made.json()["id"]
    draw = api(w.guard.user, "post", f"/emergency/supplies/{pk}/draw",
               {"incident": incident.pk, "quantity": 3})  # fmt: skip
    assert draw.status_code == 400  # only 2 left
    draw = api(w.guard.user, "post", f"/emergency/supplies/{pk}/draw",
               {"incident": incident.pk, "quantity": 2})  # fmt: skip
    assert draw.status_code == 201 and draw.json()["balance"] == 0
    status = api(w.clerk.user, "get", "/emergency/supplies/status", estate=w.estate.pk).json()
    assert status["low"] == [pk] and status["check_overdue"]
    assert api(w.outsider.user, "get", f"/emergency/supplies/{pk}/draw").status_code in (404, 405)


def test_group_page_and_api__EMERG_01_02(emg, login, api):
    w = emg
    page = login("order_head").get(reverse("emergency:group_list")).content.decode()
    assert "现场处置小组" in page and "李保安" in page and "本项目" in page
    member = GroupMember.objects.get(group=w.onsite, staff=w.tech)
    login("order_head").post(reverse("emergency:group_member_toggle", args=[member.pk, "on_call"]))
    member.refresh_from_db()
    assert member.on_call
    added = api(
        w.exec.user,
        "post",
        "/emergency/groups/members",
        {"estate": w.estate.pk, "kind": "logistics", "staff": w.guard.pk},
    )
    assert added.status_code == 201 and added.json()["warning"]
    refused = api(
        w.order_head.user,
        "post",
        "/emergency/groups/members",
        {"kind": "command", "staff": w.order_head.pk},
    )
    assert refused.status_code == 403
    groups = api(w.agent.user, "get", "/emergency/groups", estate=w.estate.pk).json()
    assert [g["source"] for g in groups] == ["company", "estate", "estate"]


def test_plan_pages_and_api(emg, login, api):
    w = emg
    client = login("exec")
    assert "采用手册预案" in client.get(reverse("emergency:plan_list")).content.decode()
    response = client.post(reverse("emergency:plan_adopt"), {"kind": "entrapment"})
    plan = ResponsePlan.objects.get()
    assert response.status_code == 302
    assert "不得强行打开电梯门" in client.get(reverse("emergency:plan_detail", args=[plan.pk])
                                        ).content.decode()  # fmt: skip
    client.post(reverse("emergency:plan_step_save", args=[plan.pk]), {"title": "通报物业经理"})
    step = PlanStep.objects.get(plan=plan, title="通报物业经理")
    client.post(reverse("emergency:plan_step_act", args=[plan.pk, step.pk, "up"]))
    plan.refresh_from_db()
    assert plan.version == 3
    body = api(w.exec.user, "post", f"/emergency/plans/{plan.pk}/steps/{step.pk}/remove").json()
    assert body["version"] == 4 and len(body["steps"]) == 6
    rescue = plan.steps.get(code="rescue").pk
    assert api(w.exec.user, "post",
               f"/emergency/plans/{plan.pk}/steps/{rescue}/remove").status_code == 403  # fmt: skip
    assert api(w.agent.user, "post", "/emergency/plans", {"kind": "fire"}).status_code == 403

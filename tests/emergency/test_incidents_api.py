"""The incidents API: open (with the level suggested), list with filters, detail, actions and
their errors, the report PDF."""

from __future__ import annotations

import pytest

from wuye.emergency.choices import IncidentKind, Level

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


def test_open_and_read_an_incident__EMERG_04(emg, api):
    w = emg
    response = api(w.agent.user, "post", "/emergency/incidents", {
        "estate": w.estate.pk, "kind": IncidentKind.ENTRAPMENT, "place": "1栋电梯",
        "people": 2, "buildings": [w.buildings[0].pk]})  # fmt: skip
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["level"] == Level.IV and body["number"].startswith("YJ-")
    assert {p["name"] for p in body["pages"]} >= {"李保安"}
    assert body["steps"][0]["done_at"] is not None
    assert any(c["rule"] == "EMERG-LIFT-04" for c in body["sla"])
    assert "acknowledge" in api(w.guard.user, "get", f"/emergency/incidents/{body['id']}"
                                ).json()["actions"]  # fmt: skip


def test_a_level_other_than_suggested_without_reason_is_a_400(emg, api):
    w = emg
    response = api(
        w.agent.user,
        "post",
        "/emergency/incidents",
        {"estate": w.estate.pk, "kind": IncidentKind.OTHER, "place": "地库", "level": 2},
    )
    assert response.status_code == 400
    assert "level_reason" in response.json()["error"]["fields"]


def test_level_suggestion_follows_the_scope__EMERG_05(emg, api):
    w = emg
    body = api(w.agent.user, "get", "/emergency/incidents/level-suggestion",
               kind="outage", buildings=10).json()  # fmt: skip
    assert body["level"] == Level.III
    assert api(w.agent.user, "get", "/emergency/incidents/level-suggestion",
               kind="nope").status_code == 400  # fmt: skip


def test_actions_and_their_errors(emg, api):
    w = emg
    pk = api(
        w.agent.user,
        "post",
        "/emergency/incidents",
        {"estate": w.estate.pk, "kind": IncidentKind.OTHER, "place": "地库"},
    ).json()["id"]
    ok = api(w.guard.user, "post", f"/emergency/incidents/{pk}/acknowledge")
    assert ok.status_code == 200
    assert api(w.guard.user, "post", f"/emergency/incidents/{pk}/acknowledge").status_code == 409
    assert api(w.guard.user, "post", f"/emergency/incidents/{pk}/release",
               {"data": {"title": "t", "body": "b"}}).status_code == 403  # fmt: skip
    assert api(w.outsider.user, "get", f"/emergency/incidents/{pk}").status_code == 404
    added = api(
        w.agent.user,
        "post",
        f"/emergency/incidents/{pk}/task_add",
        {"data": {"title": "关阀", "due_at": "2026-08-12T04:00:00+08:00"}},
    )
    assert added.status_code == 200, added.content
    assert (
        api(
            w.agent.user,
            "post",
            f"/emergency/incidents/{pk}/task_add",
            {"data": {"title": "关阀", "due_at": "明天"}},
        ).status_code
        == 400
    )
    assert api(w.agent.user, "post", f"/emergency/incidents/{pk}/nope").status_code == 404


def test_list_filters_drills_and_exports(emg, api):
    w = emg
    for exercise in (True, False):
        api(w.agent.user, "post", "/emergency/incidents", {
            "estate": w.estate.pk, "kind": IncidentKind.FIRE, "place": "3栋",
            "exercise": exercise})  # fmt: skip
    drills = api(w.agent.user, "get", "/emergency/incidents", drill="yes").json()
    assert drills["count"] == 1 and drills["items"][0]["exercise"]
    assert api(w.agent.user, "get", "/emergency/incidents", level=4).json()["count"] == 2
    assert api(w.agent.user, "get", "/emergency/incidents", since="2026-08-13").json()["count"] == 0
    assert api(w.outsider.user, "get", "/emergency/incidents").json()["count"] == 0
    export = api(w.agent.user, "get", "/emergency/incidents/export.xlsx", drill="no")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd")


def test_the_report_pdf_is_served_by_the_api__EMERG_LIFT_09(emg, api):
    w = emg
    pk = api(
        w.agent.user,
        "post",
        "/emergency/incidents",
        {"estate": w.estate.pk, "kind": IncidentKind.OTHER, "place": "地库"},
    ).json()["id"]
    response = api(w.agent.user, "get", f"/emergency/incidents/{pk}/report.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert api(w.outsider.user, "get", f"/emergency/incidents/{pk}/report.pdf").status_code == 404

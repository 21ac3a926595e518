"""The inbox API: my messages only, paginated, unread filter, mark read by ids or all."""

from __future__ import annotations

import pytest

from wuye.core import services as core_services
from wuye.notify import services
from wuye.notify.models import Message
from wuye.notify.selectors import inbox_unread_count

pytestmark = pytest.mark.django_db


def notice(user, title: str = "停水通知") -> Message:
    [message] = services.message_enqueue(
        recipient=user,
        template="notice",
        context={"title": title, "body": "明天停水"},
        url="/rooms/",
        ref="NOTICE-1",
    )
    return message


@pytest.fixture
def api(client, world):
    """A client for the tech's bearer token."""
    token, _record = core_services.api_token_issue(user=world.tech.user, name="test")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


def test_inbox_needs_a_login(client, world):
    response = client.get("/api/v1/inbox")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_inbox_lists_my_messages_newest_first(api, world):
    old, new = notice(world.tech.user, "旧"), notice(world.tech.user, "新")
    notice(world.agent.user, "别人的")
    services.inbox_mark_read(user=world.tech.user, message_ids=[old.pk])
    body = api.get("/api/v1/inbox").json()
    assert body["count"] == 2
    assert [m["subject"] for m in body["items"]] == ["新", "旧"]
    item = body["items"][0]
    assert item["id"] == new.pk and item["unread"] is True and item["read_at"] is None
    assert item["body"] == "明天停水" and item["url"] == "/rooms/" and item["ref"] == "NOTICE-1"
    assert item["created_at"].endswith("+08:00")
    unread = api.get("/api/v1/inbox?unread=true").json()
    assert [m["id"] for m in unread["items"]] == [new.pk]
    read = api.get("/api/v1/inbox?unread=false").json()
    assert [m["id"] for m in read["items"]] == [old.pk]
    assert api.get("/api/v1/inbox?limit=1").json()["count"] == 2


def test_one_message_and_another_users_is_a_404(api, world):
    mine, theirs = notice(world.tech.user), notice(world.agent.user)
    assert api.get(f"/api/v1/inbox/{mine.pk}").json()["id"] == mine.pk
    response = api.get(f"/api/v1/inbox/{theirs.pk}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert api.get("/api/v1/inbox/99999999999999999999").status_code in (400, 404)


def test_unread_count(api, world):
    notice(world.tech.user)
    notice(world.tech.user)
    notice(world.agent.user)
    assert api.get("/api/v1/inbox/unread").json() == {"unread": 2}


def test_mark_read_by_ids(api, world):
    a, b = notice(world.tech.user), notice(world.tech.user)
    response = api.post("/api/v1/inbox/read", {"ids": [a.pk]}, content_type="application/json")
    assert response.status_code == 200
    assert response.json() == {"updated": 1, "unread": 1}
    b.refresh_from_db()
    assert b.read_at is None


def test_mark_read_of_another_users_message_is_a_404_and_changes_nothing(api, world):
    mine, theirs = notice(world.tech.user), notice(world.agent.user)
    response = api.post(
        "/api/v1/inbox/read", {"ids": [mine.pk, theirs.pk]}, content_type="application/json"
    )
    assert response.status_code == 404
    assert inbox_unread_count(user=world.tech.user) == 1
    assert inbox_unread_count(user=world.agent.user) == 1


def test_mark_all_read(api, world):
    notice(world.tech.user)
    notice(world.tech.user)
    notice(world.agent.user)
    response = api.post("/api/v1/inbox/read", {"all": True}, content_type="application/json")
    assert response.json() == {"updated": 2, "unread": 0}
    assert inbox_unread_count(user=world.agent.user) == 1


def test_mark_read_needs_ids_or_all(api, world):
    response = api.post("/api/v1/inbox/read", {}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "请提供消息 ids，或 all=true"
    response = api.post("/api/v1/inbox/read", {"ids": ["x"]}, content_type="application/json")
    assert response.status_code == 400
    assert "ids" in response.json()["error"]["fields"]


def test_the_web_session_works_too_with_csrf(client, world, login):
    notice(world.tech.user)
    client = login("tech")
    assert client.get("/api/v1/inbox").json()["count"] == 1


def test_inbox_is_in_the_openapi_schema(client, world):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/inbox", "/api/v1/inbox/read", "/api/v1/inbox/unread"} <= set(paths)

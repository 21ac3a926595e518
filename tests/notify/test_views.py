"""The inbox page and the header's unread badge: mine only, cheap on every page."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from wuye.notify import services
from wuye.notify.models import Message
from wuye.notify.selectors import inbox_unread_count

pytestmark = pytest.mark.django_db

INBOX = reverse("notify:inbox")


def notice(user, title: str = "停水通知", url: str = "") -> Message:
    [message] = services.message_enqueue(
        recipient=user, template="notice", context={"title": title, "body": "明天停水"}, url=url
    )
    return message


def badge(page: str) -> str | None:
    link = re.search(r'<a id="inbox-link".*?</a>', page, re.S)
    assert link, "the inbox link is in the header"
    number = re.search(r'<span class="badge[^"]*"[^>]*>([^<]+)</span>', link.group(0))
    return number.group(1) if number else None


def test_anonymous_is_sent_to_login(client, world):
    assert client.get(INBOX)["Location"].startswith(reverse("login"))
    assert client.post(reverse("notify:inbox_read", args=[1]))["Location"].startswith(
        reverse("login")
    )


def test_inbox_lists_my_messages_newest_first_unread_in_bold(world, login):
    old = notice(world.tech.user, "旧消息")
    new = notice(world.tech.user, "新消息")
    notice(world.agent.user, "别人的消息")
    services.inbox_mark_read(user=world.tech.user, message_ids=[old.pk])
    page = login("tech").get(INBOX).content.decode()
    assert page.index("新消息") < page.index("旧消息")
    assert "<strong>新消息</strong>" in page and "<strong>旧消息</strong>" not in page
    assert "别人的消息" not in page
    assert f'hx-post="{reverse("notify:inbox_read", args=[new.pk])}"' in page
    assert f'hx-post="{reverse("notify:inbox_read", args=[old.pk])}"' not in page


def test_unread_filter_and_empty_states(world, login):
    client = login("tech")
    assert "暂无消息" in client.get(INBOX).content.decode()
    message = notice(world.tech.user)
    services.inbox_mark_read(user=world.tech.user)
    page = client.get(INBOX + "?unread=1").content.decode()
    assert "没有未读消息" in page and message.subject not in page


def test_mark_one_read_with_htmx_swaps_the_message_and_the_badge(world, login):
    first, second = notice(world.tech.user, "一"), notice(world.tech.user, "二")
    response = login("tech").post(
        reverse("notify:inbox_read", args=[first.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    fragment = response.content.decode()
    assert f'id="message-{first.pk}"' in fragment and "<strong>" not in fragment
    assert 'hx-swap-oob="true"' in fragment and badge(fragment) == "1"
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None


def test_mark_one_read_without_javascript_comes_back_to_the_inbox(world, login):
    message = notice(world.tech.user)
    response = login("tech").post(reverse("notify:inbox_read", args=[message.pk]))
    assert response.status_code == 302 and response["Location"] == INBOX
    assert inbox_unread_count(user=world.tech.user) == 0


def test_another_users_message_is_a_404(world, login):
    theirs = notice(world.agent.user)
    client = login("tech")
    for name in ("notify:inbox_read", "notify:inbox_open"):
        assert client.post(reverse(name, args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_reading_is_a_post(world, login):
    message = notice(world.tech.user)
    assert login("tech").get(reverse("notify:inbox_read", args=[message.pk])).status_code == 405


def test_mark_all_read(world, login):
    for i in range(3):
        notice(world.tech.user, f"消息{i}")
    client = login("tech")
    response = client.post(INBOX + "?unread=1", HTTP_HX_REQUEST="true")
    fragment = response.content.decode()
    assert "没有未读消息" in fragment and badge(fragment) is None
    notice(world.tech.user, "又一条")
    response = client.post(INBOX, follow=True)
    assert response.redirect_chain == [(INBOX, 302)]
    assert "已全部标为已读" in response.content.decode()
    assert inbox_unread_count(user=world.tech.user) == 0


def test_open_reads_the_message_and_goes_where_it_leads(world, login):
    room_url = reverse("core:room_detail", args=[world.room.pk])
    message = notice(world.tech.user, url=room_url)
    elsewhere = notice(world.tech.user, url="https://evil.example.com/")
    client = login("tech")
    page = client.get(INBOX).content.decode()
    assert reverse("notify:inbox_open", args=[message.pk]) in page
    response = client.post(reverse("notify:inbox_open", args=[message.pk]))
    assert response["Location"] == room_url
    assert client.post(reverse("notify:inbox_open", args=[elsewhere.pk]))["Location"] == INBOX
    assert inbox_unread_count(user=world.tech.user) == 0


def test_badge_shows_my_unread_count_on_every_page(world, login):
    client = login("agent")
    assert badge(client.get(reverse("core:room_list")).content.decode()) is None
    for _ in range(3):
        notice(world.agent.user)
    notice(world.tech.user)
    assert badge(client.get(reverse("core:room_list")).content.decode()) == "3"
    Message.objects.bulk_create(
        Message(
            recipient=world.agent.user,
            channel="inbox",
            template="notice",
            language="zh-hans",
            subject="x",
            body="x",
            status="sent",
            sent_at=m.sent_at,
        )
        for m in Message.objects.filter(recipient=world.agent.user)[:1]
        for _ in range(100)
    )
    assert badge(client.get(reverse("core:room_list")).content.decode()) == "99+"


@pytest.mark.parametrize("username", ["owner", "lift"])
def test_residents_and_contractors_have_an_inbox_too(world, login, username):
    user = world.owner.user if username == "owner" else world.contractor.accounts.get().user
    notice(user, "您的报修已完成")
    client = login(username)
    assert badge(client.get(reverse("web:home")).content.decode()) == "1"
    assert "您的报修已完成" in client.get(INBOX).content.decode()


def test_inbox_page_query_count_does_not_grow_with_messages(
    world, login, django_assert_max_num_queries
):
    client = login("tech")
    for i in range(5):
        notice(world.tech.user, f"消息{i}")
    with django_assert_max_num_queries(12) as few:
        assert client.get(INBOX).status_code == 200
    for i in range(80):  # more than a page
        notice(world.tech.user, f"更多{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(INBOX).content.decode()
    assert "第 1 / 2 页" in page


def test_the_badge_costs_one_query(world, login):
    notice(world.tech.user)
    client = login("tech")
    url = reverse("core:staff_list")
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    counts = [q["sql"] for q in queries.captured_queries if "notify_message" in q["sql"]]
    assert len(counts) == 1 and "COUNT(" in counts[0].upper()

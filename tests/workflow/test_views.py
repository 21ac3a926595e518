"""The generic case page: clocks, the user's actions as buttons, the timeline."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from tests.workflow.toy import TOY
from wuye.workflow import services

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def case(world, time_machine):
    time_machine.move_to(dt.datetime(2026, 9, 30, 15, 0, tzinfo=SH), tick=False)
    return services.case_open(
        process=TOY, estate=world.estate, title="厨房漏水", by=world.agent.user
    )


def test_case_page_shows_clocks_actions_and_timeline(world, login, case):
    html = login("agent").get(reverse("workflow:case_detail", args=[case.pk])).content.decode()
    assert case.number in html and "待派单" in html
    assert "派单时限" in html and "TOY-01" not in html
    assert "派单" in html and "登记" in html  # the action button and the opening event


def test_dispatch_through_the_page_and_a_refusal_message(world, login, case):
    client = login("agent")
    url = reverse("workflow:case_action", args=[case.pk, "dispatch"])
    response = client.post(url, {"assignee": world.tech.user.pk, "note": ""}, follow=True)
    assert "已记录" in response.content.decode()
    case.refresh_from_db()
    assert case.status == "assigned" and case.assignee == world.tech.user
    response = client.post(url, {"assignee": world.tech.user.pk}, follow=True)
    assert "不能执行" in response.content.decode()  # already dispatched: the reason is shown


def test_case_page_is_scoped(world, login, case):
    assert login("outsider").get(reverse("workflow:case_detail", args=[case.pk])).status_code == 404


def test_timeline_partial(world, login, case):
    html = login("agent").get(reverse("workflow:case_timeline", args=[case.pk])).content.decode()
    assert 'id="timeline"' in html and "登记" in html and "<html" not in html

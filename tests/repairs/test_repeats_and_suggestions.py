"""REPAIR-13: a repeat is counted in calendar days as DESIGN's day arithmetic says (the 30th
date ends at 23:59:59 local time, not 720 hours after), and its cause is chosen by the desk, never
set by the system. REPAIR-04: the intake suggests the category from the description, as it
suggests the urgency. Through the service, the API and the pages, with frozen time."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.images import photo_of
from tests.repairs.helpers import ARRIVAL, act, at, report
from tests.repairs.test_desk_pages import intake
from wuye.core.services import api_token_issue
from wuye.repairs import services
from wuye.repairs.models import RepairOrder


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(at("2026-10-31 15:00"), tick=False)
    return time_machine


def completed(world, order):
    act(order, "dispatch", world.agent.user, assignee=world.tech.user)
    act(order, "accept", world.tech.user)
    act(order, "arrive", world.tech.user, data=ARRIVAL)
    return act(order, "complete", world.tech.user, attachments=[photo_of(world.tech.user)])


def html(response) -> str:
    return response.content.decode()


# --- REPAIR-13: 30 calendar days -----------------------------------------------------------


@pytest.mark.parametrize(
    ("reported", "repeat"),
    [
        ("2026-11-30 15:00", True),  # exactly 720 hours later
        ("2026-11-30 15:01", True),  # past 720 hours, still the 30th date (counted as hours: no)
        ("2026-11-30 23:59", True),  # day 30 at 23:59, across the end of November
        ("2026-12-01 00:00", False),  # day 31
        ("2026-12-01 09:00", False),
    ],
)
def test_thirty_calendar_days_end_at_midnight_of_the_30th_date__REPAIR_13(
    world, frozen, reported, repeat
):
    first = completed(world, report(world))  # completed 2026-10-31 15:00 (Shanghai)
    frozen.move_to(at(reported), tick=False)
    again = report(world, description="水龙头又漏了")
    assert (again.repeat_of == first) is repeat


def test_the_window_is_counted_in_the_estates_time_zone__REPAIR_13(world, frozen):
    # Completed 2026-11-01 00:30 in Shanghai (still 31 October in UTC): day 30 is 1 December.
    frozen.move_to(at("2026-11-01 00:30"), tick=False)
    first = completed(world, report(world))
    frozen.move_to(at("2026-12-01 23:59"), tick=False)
    assert report(world, description="又漏了").repeat_of == first
    frozen.move_to(at("2026-12-02 00:00"), tick=False)
    assert report(world, description="又漏了").repeat_of is None


def test_repeat_window_end_uses_the_engines_day_arithmetic__REPAIR_13():
    end = services.repeat_window_end(at("2026-10-31 15:00"), "Asia/Shanghai")
    assert end == at("2026-11-30 23:59:59")


# --- REPAIR-13: the desk chooses the cause -------------------------------------------------


def test_the_system_does_not_choose_a_repeats_cause__REPAIR_13(world, frozen, client):
    first = completed(world, report(world))
    frozen.move_to(at("2026-11-10 09:00"), tick=False)
    again = report(world, description="水龙头又漏了")
    assert again.repeat_of == first and again.repeat_cause == ""
    token, _ = api_token_issue(user=world.agent.user)
    body = client.get(f"/api/v1/repairs/{again.pk}", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert body["repeat_cause"] == "" and body["repeat_cause_pending"] is True
    with pytest.raises(ValidationError):  # a cause must be one of the list
        act(again, "repeat_cause", world.agent.user, data={"cause": ""})
    act(again, "repeat_cause", world.agent.user, data={"cause": "workmanship"})
    again.refresh_from_db()
    assert again.repeat_cause == "workmanship"
    body = client.get(f"/api/v1/repairs/{again.pk}", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert body["repeat_cause_pending"] is False


def test_the_desk_sees_the_cause_is_to_be_chosen_and_picks_it__REPAIR_13(world, frozen, login):
    completed(world, report(world))
    frozen.move_to(at("2026-11-10 09:00"), tick=False)
    again = report(world, description="水龙头又漏了")
    client = login("agent")
    url = reverse("repairs:detail", args=[again.pk])
    page = html(client.get(url))
    assert "返修原因待客服选择" in page
    assert '<option value="" selected>请选择返修原因</option>' in page  # nothing preselected
    assert "原因待选" in html(client.get(reverse("repairs:list")))
    act_url = reverse("repairs:act", args=[again.pk, "repeat_cause"])
    response = client.post(act_url, {"repeat_cause-cause": "", "next": url})
    assert "请选择返修原因" in html(response)
    again.refresh_from_db()
    assert again.repeat_cause == ""
    client.post(act_url, {"repeat_cause-cause": "parts_quality", "next": url})
    again.refresh_from_db()
    assert again.repeat_cause == "parts_quality"
    page = html(client.get(url))
    assert "返修原因待客服选择" not in page and "配件质量问题" in page
    assert "原因待选" not in html(client.get(reverse("repairs:list")))


# --- REPAIR-04: the category suggested from the description -------------------------------


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("卫生间水管漏水", "plumbing"),
        ("阳台地漏堵塞，积水", "plumbing"),
        ("厨房插座没电", "electrical"),
        ("卧室灯不亮", "electrical"),
        ("电梯困人", "elevator"),
        ("厨房燃气味道很重", "gas"),
        ("入户门锁芯卡住", "doors_windows"),
        ("客厅墙面出现裂缝", "walls"),
        ("小区路灯不亮", "public"),
        ("业主来电咨询", "other"),
    ],
)
def test_the_category_is_suggested_from_the_description__REPAIR_04(world, text, category):
    assert services.suggest_category(text) == category
    assert report(world, description=text, category=None).category == category


def test_a_category_chosen_by_the_desk_is_kept__REPAIR_04(world):
    assert report(world, description="卫生间水管漏水", category="walls").category == "walls"


def test_the_intake_page_suggests_the_category_and_takes_it_when_none_is_chosen__REPAIR_04(
    world, login
):
    client = login("agent")
    hint = html(client.get(reverse("repairs:suggest"), {"description": "厨房插座冒火花没电"}))
    assert "建议类别" in hint and "电气" in hint and "没电" in hint
    client.post(reverse("repairs:create"), intake(description="卫生间水管漏水", category=""))
    client.post(reverse("repairs:create"), intake(description="卫生间水管漏水", category="walls"))
    suggested, chosen = RepairOrder.objects.order_by("pk")
    assert (suggested.category, chosen.category) == ("plumbing", "walls")


def test_the_api_suggests_the_category_when_none_is_given__REPAIR_04(world, client):
    token, _ = api_token_issue(user=world.agent.user)
    body = {"room": world.room.pk, "description": "客厅墙面出现裂缝", "contact_name": "张先生",
            "contact_phone": "13800138000"}  # fmt: skip
    r = client.post("/api/v1/repairs", body, content_type="application/json",
                    HTTP_AUTHORIZATION=f"Bearer {token}")  # fmt: skip
    assert r.status_code == 201, r.json()
    assert r.json()["category"] == "walls"

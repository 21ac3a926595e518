"""The complaints work list puts the urgent work on top (issue 13): overdue first, then urgent
before general (COMPLAINT-07), then the nearest due time; the finished last. An overdue clock
says by how much ("已超时 1 小时 15 分"). With frozen time, through the page and the API."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from tests.complaints.test_api import Api
from wuye.complaints.services import complaints as services
from wuye.workflow.services import sla_sweep

SH = ZoneInfo("Asia/Shanghai")
MEASURE = "电梯维保频次提高至每10天一次"


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(at("2026-11-26 10:00"), tick=False)  # a Thursday
    return time_machine


def receive(world, content, **kwargs):
    return services.complaint_create(
        estate=world.estate, content=content, contact_name="王女士", contact_phone="13800138000",
        channel="phone", type="engineering_quality", by=world.agent.user, **kwargs,
    )  # fmt: skip


def act(complaint, action, user, **kwargs):
    return services.complaint_act(complaint=complaint, action=action, by=user, **kwargs)


@pytest.fixture
def work(world, frozen):
    """Six complaints at 12:15 on Thursday 2026-11-26, in the order the desk must see them."""
    w = {}
    w["general_done"] = receive(world, "垃圾清运不及时")  # 10:00, replied: finished
    act(w["general_done"], "assign", world.agent.user, data={"department": "engineering"})
    act(w["general_done"], "resolve", world.tech.user,
        data={"resolution": "已清运", "measure": MEASURE})  # fmt: skip
    act(w["general_done"], "reply", world.agent.user, data={
        "channel": "phone", "text": f"给您带来不便，深表歉意。改进措施：{MEASURE}。"})  # fmt: skip
    w["general_late"] = receive(world, "电梯经常故障")  # 10:00, assignment due 11:00
    w["general_soon"] = receive(world, "楼道灯不亮")  # 10:00, assigned: due 12-01 23:59:59
    act(w["general_soon"], "assign", world.agent.user, data={"department": "engineering"})
    frozen.move_to(at("2026-11-26 10:30"), tick=False)
    w["urgent_late"] = receive(world, "家里漏水，楼上渗下来", urgency="urgent")  # due 11:30
    frozen.move_to(at("2026-11-26 11:00"), tick=False)
    w["urgent_ok"] = receive(world, "地下车库积水", urgency="urgent")  # assigned: 11-27 23:59
    act(w["urgent_ok"], "assign", world.agent.user, data={"department": "engineering"})
    frozen.move_to(at("2026-11-26 12:10"), tick=False)
    w["general_new"] = receive(world, "快递柜故障")  # 12:10, assignment due 13:10
    frozen.move_to(at("2026-11-26 12:15"), tick=False)
    return w


ORDER = ["urgent_late", "general_late", "urgent_ok", "general_new", "general_soon", "general_done"]


def rows(page: str, work: dict) -> list[str]:
    table = page.split('class="list cards complaint-list"', 1)[1]
    return sorted(work, key=lambda key: table.index(work[key].case.number))


@pytest.mark.parametrize("swept", [True, False], ids=["swept", "before-the-sweep"])
def test_the_list_puts_overdue_then_urgent_then_nearest_due_first__COMPLAINT_07_08(
    world, login, work, swept
):
    if swept:
        sla_sweep()  # the late clocks are breached (and keep counting)
    page = login("agent").get(reverse("complaints:list"), {"department": ""}).content.decode()
    assert rows(page, work) == ORDER


def test_an_overdue_row_says_by_how_much__COMPLAINT_08(world, login, work):
    sla_sweep()
    page = login("agent").get(reverse("complaints:list"), {"department": ""}).content.decode()
    table = page.split('class="list cards complaint-list"', 1)[1]
    row_of = {k: table.split(work[k].case.number, 1)[1].split("</tr>", 1)[0] for k in work}
    assert "已超时 45 分" in row_of["urgent_late"]  # due 11:30, now 12:15
    assert "已超时 1 小时 15 分" in row_of["general_late"]  # due 11:00
    assert "剩余 55 分" in row_of["general_new"]  # assignment due 13:10
    assert "row-breach" in table.split(work["urgent_late"].case.number, 1)[0].rsplit("<tr", 1)[1]
    assert "已超时" not in row_of["urgent_ok"] and "已超时" not in row_of["general_done"]


def test_the_complaint_page_shows_how_late_a_breached_clock_is__COMPLAINT_08(world, login, work):
    sla_sweep()
    c = work["general_late"]
    page = login("agent").get(reverse("complaints:detail", args=[c.pk])).content.decode()
    assert "已超时 1 小时 15 分" in page


def test_the_newest_first_order_is_still_offered(world, login, work):
    page = login("agent").get(reverse("complaints:list"),
                              {"department": "", "sort": "new"}).content.decode()  # fmt: skip
    assert rows(page, work)[0] == "general_new"


def test_the_api_gives_the_same_work_order(client, world, work):
    sla_sweep()
    body = Api(client, world.agent.user).get("/complaints?sort=due")
    numbers = [item["number"] for item in body["items"]]
    assert numbers == [work[k].case.number for k in ORDER]

"""The complaint desk in chromium: the list with its tabs, intake with the room lookup and the
conduct checklist, the complaint's page with the assign form (desktop and phone), the ledger
《投诉处理台账》 with a quick progress note. Screenshots under the test's tmp dir (and copied to
$WUYE_SCREENSHOTS when set)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.browser.helpers import _log_in, _shot
from wuye.complaints.models import Complaint
from wuye.complaints.services import complaints as services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def receive(world, content, **kwargs):
    kwargs.setdefault("type", "engineering_quality")
    return services.complaint_create(
        estate=world.estate, content=content, contact_name="王女士", contact_phone="13800138000",
        channel="phone", by=world.agent.user, **kwargs,
    )  # fmt: skip


def act(complaint, action, user, **kwargs):
    return services.complaint_act(complaint=complaint, action=action, by=user, **kwargs)


def test_desk_lists_registers_assigns_and_keeps_the_ledger(
    page, phone, live_server, world, tmp_path
):
    lift = receive(world, "1栋301室业主投诉电梯经常故障，上周停运两次，老人上下楼很不方便",
                   room=world.room)  # fmt: skip
    act(lift, "assign", world.agent.user, data={"department": "engineering"},
        assignee=world.tech.user)  # fmt: skip
    act(lift, "progress", world.tech.user, note="已联系电梯维保单位，明天上午到场检修")
    noise = receive(world, "楼上装修噪音，晚上十点还在施工", type="management", room=world.room2)
    act(noise, "assign", world.agent.user, data={"department": "order"})
    leak = receive(world, "家里漏水，楼上渗下来，天花板在滴水", urgency="urgent")
    act(leak, "mark_major", world.agent.user, note="业主情绪激动，多次来电")

    # 1. The list, with the tabs and the countdown to the assignment deadline.
    _log_in(page, live_server, "agent", world.password)
    page.goto(live_server.url + reverse("complaints:list"))
    page.wait_for_selector(f"text={leak.case.number}")
    assert page.locator(".complaint-list tbody tr").count() == 3
    _shot(page, tmp_path, "complaint-list")
    page.click("a.repair-tab:has-text('待分派')")
    page.wait_for_selector(".complaint-tab-help")
    assert page.locator(".complaint-list tbody tr").count() == 1

    # 2. Intake: the room typed as 1-2-301 finds the owner, the type suggests the department.
    page.goto(live_server.url + reverse("complaints:create"))
    page.fill("input[name=room]", "1-2-301")
    page.wait_for_selector("[data-fill-contact]")
    assert page.input_value("input[name=contact_name]") == world.owner.name
    page.fill("textarea[name=content]", "小区东门道闸经常抬不起来，车辆排队到马路上")
    assert page.inner_text("[data-count]") == str(len("小区东门道闸经常抬不起来，车辆排队到马路上"))
    page.select_option("select[name=type]", "management")
    assert page.inner_text("[data-suggested]") == "行政部"
    _shot(page, tmp_path, "complaint-create")
    page.click("button:has-text('登记投诉')")
    page.wait_for_selector("text=已登记投诉")
    created = Complaint.objects.get(type="management", room=world.room)
    assert created.complainant == world.owner and created.case.status == "waiting_assign"

    # 3. The complaint's page with the assign form.
    page.goto(live_server.url + reverse("complaints:detail", args=[leak.pk]))
    form = page.locator("#assign-form")
    assert form.locator("select[name=assign-department]").input_value() == "engineering"
    _shot(page, tmp_path, "complaint-detail-assign")
    form.locator("select[name=assign-assignee]").select_option(str(world.tech.user.pk))
    form.locator("button[type=submit]").click()
    page.wait_for_selector("text=已分派")
    leak.refresh_from_db()
    assert leak.department == "engineering" and leak.case.status == "handling"

    # 4. The ledger: today's note, the rows not updated, a quick note from the technician.
    page.goto(live_server.url + reverse("complaints:ledger"))
    page.wait_for_selector("text=已联系电梯维保单位")
    assert page.locator(".cd-not-updated").count() == 2  # the noise and the leak
    _shot(page, tmp_path, "complaint-ledger")
    page.emulate_media(media="print")
    assert not page.locator(".sidenav").is_visible()
    assert page.locator(".cd-ledger-foot").is_visible()
    _shot(page, tmp_path, "complaint-ledger-print")
    page.emulate_media(media="screen")

    # 5. The reply: a template with the apology and the measure; a promise is refused.
    result = {"resolution": "已更换电梯主板，试运行正常", "measure": "电梯维护频率提高至每10天一次"}
    act(lift, "resolve", world.tech.user, data=result)
    page.goto(live_server.url + reverse("complaints:detail", args=[lift.pk]))
    text = page.input_value("textarea[name=reply-text]")
    assert "道歉" in text and "每10天一次" in text
    page.select_option("select[name=reply-template]", "general")
    assert "我们会尽力解决" in page.input_value("textarea[name=reply-text]")
    page.fill("textarea[name=reply-text]", "电梯已修好，我们一定解决。")
    page.click("#reply-form button[type=submit]")
    page.wait_for_selector(".cd-reply-problems")
    _shot(page, tmp_path, "complaint-detail-reply")
    lift.refresh_from_db()
    assert lift.case.status == "waiting_reply"

    # 6. The complaint's page on a phone.
    _log_in(phone, live_server, "agent", world.password)
    phone.goto(live_server.url + reverse("complaints:detail", args=[created.pk]))
    phone.wait_for_selector("#assign-form")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
    _shot(phone, tmp_path, "complaint-detail-phone")

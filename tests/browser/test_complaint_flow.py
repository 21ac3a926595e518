"""A complaint in the browser, end to end (issue 5): a resident files it on a phone; the desk
assigns it to engineering; engineering resolves it; the desk replies with the template (apology
and improvement measure); the resident reads the reply and rates it.

Screenshots of every step are saved under the test's tmp dir (and copied to $WUYE_SCREENSHOTS
when set)."""

from __future__ import annotations

import pytest

from tests.browser.helpers import _log_in, _shot
from tests.factories import make_staff
from wuye.complaints.models import Complaint
from wuye.core.choices import DepartmentKind, Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_resident_files_desk_assigns_department_resolves_desk_replies(
    browser, live_server, world, tmp_path
):
    eng = make_staff(world.company, "eng_head", Role.DEPARTMENT_HEAD, DepartmentKind.ENGINEERING,
                     [world.estate])  # fmt: skip
    phone_ctx = dict(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                     is_mobile=True, has_touch=True, locale="zh-CN")  # fmt: skip

    # 1. The owner files a complaint on a phone.
    resident = browser.new_context(**phone_ctx).new_page()
    _log_in(resident, live_server, "owner", world.password)
    resident.goto(f"{live_server.url}/my/complaints/new/")
    resident.check("input[name=type][value=engineering_quality]", force=True)
    resident.fill("textarea[name=content]", "1栋的电梯这个月已经坏了三次，老人上下楼很困难")
    _shot(resident, tmp_path, "1-resident-files")
    resident.click("button:has-text('提交投诉')")
    resident.wait_for_load_state("networkidle")
    complaint = Complaint.objects.get()
    assert complaint.channel == "app" and complaint.complainant == world.owner
    assert complaint.case.status == "waiting_assign"
    _shot(resident, tmp_path, "2-resident-filed")

    # 2. The desk assigns it to engineering (the suggested department for the type).
    desk = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN").new_page()
    _log_in(desk, live_server, "agent", world.password)
    desk.goto(f"{live_server.url}/complaints/")
    desk.wait_for_selector(f"text={complaint.case.number}")
    _shot(desk, tmp_path, "3-desk-list")
    desk.goto(f"{live_server.url}/complaints/{complaint.pk}/")
    form = desk.locator("#assign-form")
    assert form.locator("select[name=assign-department]").input_value() == "engineering"
    form.locator("button[type=submit]").click()
    desk.wait_for_load_state("networkidle")
    complaint.refresh_from_db()
    assert complaint.department == "engineering" and complaint.case.status == "handling"
    _shot(desk, tmp_path, "4-desk-assigned")

    # 3. The head of engineering resolves it, with the improvement measure.
    dept = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN").new_page()
    _log_in(dept, live_server, "eng_head", world.password)
    dept.goto(f"{live_server.url}/complaints/{complaint.pk}/")
    resolve = dept.locator("#resolve-form")
    if not resolve.is_visible():  # the step opens its form from a button
        dept.click("button:has-text('处理完成')")
    resolve.locator("textarea[name=resolve-resolution]").fill("更换电梯门机板和门锁回路")
    resolve.locator("textarea[name=resolve-measure]").fill("电梯维保频次提高至每10天一次")
    _shot(dept, tmp_path, "5-department-resolves")
    resolve.locator("button[type=submit]").click()
    dept.wait_for_load_state("networkidle")
    complaint.refresh_from_db()
    assert complaint.case.status == "waiting_reply" and complaint.resolved_at is not None
    assert eng.user.pk

    # 4. The desk replies from the template: apology and improvement measure included.
    desk.goto(f"{live_server.url}/complaints/{complaint.pk}/")
    reply = desk.locator("#reply-form")
    if not reply.is_visible():
        desk.click("button:has-text('回复业主')")
    text = reply.locator("textarea[name=reply-text]").input_value()
    assert "歉" in text and "每10天一次" in text and "一定解决" not in text
    _shot(desk, tmp_path, "6-desk-replies")
    reply.locator("button[type=submit]").click()
    desk.wait_for_load_state("networkidle")
    complaint.refresh_from_db()
    assert complaint.case.status == "replied" and complaint.reply_channel == "app"

    # 5. The owner reads the reply on the phone and rates it.
    resident.goto(f"{live_server.url}/my/complaints/{complaint.pk}/")
    resident.wait_for_selector("text=每10天一次")
    _shot(resident, tmp_path, "7-resident-reads-reply")
    radio = resident.locator("input[name=satisfaction][value='4']")
    resident.click(f"label[for='{radio.get_attribute('id')}']")
    resident.locator("form:has(input[name=satisfaction]) button[type=submit]").click()
    resident.wait_for_load_state("networkidle")
    complaint.refresh_from_db()
    assert complaint.case.status == "archived" and complaint.satisfaction == 4
    _shot(resident, tmp_path, "8-resident-rated")

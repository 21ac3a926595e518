"""A repair in the browser, end to end (issue 4): a resident reports a leak with a photo on a
phone; the agent dispatches it at the desk; the technician accepts, arrives, completes with a
photo and the owner signs on the technician's phone; the resident rates it.

Screenshots of every step are saved under the test's tmp dir (and copied to $WUYE_SCREENSHOTS
when set)."""

from __future__ import annotations

import re

import pytest

from tests.browser.helpers import _log_in, _shot
from tests.images import jpeg_bytes
from wuye.repairs.models import RepairOrder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _draw(page, selector: str) -> None:
    """Sign with a finger-like stroke (pointer events) across the pad."""
    pad = page.locator(selector)
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    page.mouse.move(x + w * 0.1, y + h * 0.7)
    page.mouse.down()
    for i in range(1, 12):
        page.mouse.move(x + w * (0.1 + 0.07 * i), y + h * (0.7 - 0.4 * (i % 2)), steps=3)
    page.mouse.up()


def test_resident_reports_agent_dispatches_technician_completes_resident_rates(
    browser, live_server, world, tmp_path
):
    photo = tmp_path / "leak.jpg"
    photo.write_bytes(jpeg_bytes((640, 480)))
    phone_ctx = dict(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                     is_mobile=True, has_touch=True, locale="zh-CN")  # fmt: skip

    # 1. The owner, on a phone, reports a leak with a photo.
    resident = browser.new_context(**phone_ctx).new_page()
    _log_in(resident, live_server, "owner", world.password)
    resident.goto(f"{live_server.url}/my/repairs/new/")
    resident.fill("textarea[name=description]", "卫生间洗手盆下水管漏水，地面有积水")
    resident.select_option("select[name=category]", "plumbing")
    resident.set_input_files("input[name=photos]", str(photo))
    _shot(resident, tmp_path, "1-resident-report")
    resident.click("button:has-text('提交报修')")
    resident.wait_for_load_state("networkidle")
    order = RepairOrder.objects.get()
    assert re.search(rf"/my/repairs/{order.pk}/$", resident.url)
    assert order.channel == "app" and order.room == world.room
    assert order.case.events.get(action="created").data["attachments"][0]["kind"] == "photo"
    resident.wait_for_selector(f"text={order.case.number}")
    _shot(resident, tmp_path, "2-resident-reported")

    # 2. The agent, at the desk, dispatches it to the technician.
    desk = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN").new_page()
    _log_in(desk, live_server, "agent", world.password)
    desk.goto(f"{live_server.url}/repairs/")
    desk.wait_for_selector(f"text={order.case.number}")
    _shot(desk, tmp_path, "3-desk-list")
    desk.goto(f"{live_server.url}/repairs/{order.pk}/")
    form = desk.locator("#dispatch-form")
    form.locator("select").select_option(str(world.tech.user.pk))
    form.locator("button[type=submit]").first.click()
    desk.wait_for_load_state("networkidle")
    order.case.refresh_from_db()
    assert order.case.status == "waiting_accept" and order.case.assignee == world.tech.user
    _shot(desk, tmp_path, "4-desk-dispatched")

    # 3. The technician, on a phone: accept, arrive with the checklist, complete with a photo.
    tech = browser.new_context(**phone_ctx).new_page()
    _log_in(tech, live_server, "tech", world.password)
    tech.goto(f"{live_server.url}/repairs/tech/")
    tech.wait_for_selector(f"text={order.case.number}")
    _shot(tech, tmp_path, "5-tech-queue")
    tech.goto(f"{live_server.url}/repairs/tech/{order.pk}/")
    tech.click(".sticky-bar button[type=submit]")  # 接单
    tech.wait_for_selector("#arrive-form")
    for box in tech.locator("#arrive-form input[type=checkbox]").all():
        box.check()
    _shot(tech, tmp_path, "6-tech-arrive-checklist")
    tech.click(".sticky-bar button[type=submit]")  # 到达现场
    tech.wait_for_selector("#complete-form")
    tech.set_input_files("#complete-form input[name=photos]", str(photo))
    tech.fill("#complete-form textarea[name$=diagnosis]", "下水管接头老化，已更换")
    _shot(tech, tmp_path, "7-tech-complete")
    tech.click(".sticky-bar button[type=submit]")  # 完成维修
    tech.wait_for_selector("#sign_off-form")
    order.case.refresh_from_db()
    assert order.case.status == "waiting_acceptance"

    # The owner signs on the technician's phone.
    _draw(tech, "#sign_off-form canvas.signature-pad")
    _shot(tech, tmp_path, "8-tech-owner-signs")
    tech.click(".sticky-bar button[type=submit]")  # 业主签字验收
    tech.wait_for_load_state("networkidle")
    order.refresh_from_db()
    order.case.refresh_from_db()
    assert order.case.status == "waiting_revisit" and order.acceptance == "signature"
    signed = order.case.events.get(action="sign_off").data["attachments"]
    assert [a["kind"] for a in signed] == ["signature"]

    # 4. The owner rates the repair in the portal.
    resident.goto(f"{live_server.url}/my/repairs/{order.pk}/")
    resident.wait_for_selector("#rate")
    for name in ("satisfaction", "quality", "attitude"):
        radio = resident.locator(f"#rate input[name={name}][value='5']")
        resident.click(f"#rate label[for='{radio.get_attribute('id')}']")  # the 5th star
    resident.fill("#rate textarea[name=comment]", "师傅很专业，铺了防尘布")
    _shot(resident, tmp_path, "9-resident-rates")
    resident.click("#rate button[type=submit]")
    resident.wait_for_load_state("networkidle")
    order.refresh_from_db()
    order.case.refresh_from_db()
    assert order.case.status == "done"
    assert (order.satisfaction, order.quality_score, order.attitude_score) == (5, 5, 5)
    assert order.revisit_source == "resident" and order.follow_up is None
    _shot(resident, tmp_path, "10-resident-done")
    # The acceptance slip opens for the owner.
    response = resident.request.get(f"{live_server.url}/repairs/{order.pk}/acceptance.pdf")
    assert response.status == 200 and response.body()[:4] == b"%PDF"

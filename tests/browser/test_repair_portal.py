"""The resident portal on a phone, in chromium: the list, a report with a photo and the live
emergency hint, confirming with the charges, rating with stars, the QR report form; and the
printable QR sheet at the desk. Screenshots under the test's tmp dir or $WUYE_SCREENSHOTS."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.urls import reverse

from tests.browser.helpers import _log_in
from tests.images import jpeg_bytes
from tests.repairs import test_portal_pages as portal
from tests.repairs.helpers import act
from wuye.core.models import PublicArea
from wuye.repairs.models import RepairOrder
from wuye.repairs.views.portal import qr_token

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The portal tests' fixtures and helpers.
tap, lobby = portal.tap, portal.lobby
report, status, to_acceptance = portal.report, portal.status, portal.to_acceptance


def test_resident_reports_confirms_and_rates_on_a_phone(
    browser,
    live_server,
    world,
    tap,
    lobby,
    tmp_path,
):
    world.estate.phone = "0571-88886666"
    world.estate.save(update_fields=["phone"])
    waiting = to_acceptance(world, report(world, "厨房水龙头漏水"), [{"item": tap.pk}])
    rated = to_acceptance(world, report(world, "卧室灯不亮"))
    act(rated, "confirm", world.owner.user)
    report(world, "大堂玻璃门关不上", room=None, public_area=lobby)
    for n, kind in enumerate(["garage", "playground", "gate", "elevator", "road"]):
        PublicArea.objects.create(estate=world.estate, kind=kind, name=f"公共区域{n + 1}")
    shots = Path(os.environ.get("WUYE_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)

    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
        has_touch=True, locale="zh-CN",
    ).new_page()  # fmt: skip
    _log_in(phone, live_server, "owner", world.password)
    phone.goto(live_server.url + reverse("repairs:my_list"))
    phone.wait_for_selector("text=去验收")
    phone.screenshot(path=str(shots / "portal-my-list.png"), full_page=True)

    phone.goto(live_server.url + reverse("repairs:my_new"))
    phone.fill("input[name=contact_phone]", "1380013")
    phone.click("button:has-text('提交报修')")
    phone.wait_for_selector(".field-error")
    phone.screenshot(path=str(shots / "portal-new-errors.png"), full_page=True)
    assert phone.input_value("input[name=contact_phone]") == "1380013"
    phone.fill("input[name=contact_phone]", "13800138000")
    assert phone.is_hidden("[data-emergency-hint]")
    phone.fill("textarea[name=description]", "厨房水管爆裂，水一直往外冒")
    assert phone.is_visible("[data-emergency-hint]")
    phone.set_input_files(
        "input[name=photos]",
        files=[{"name": "leak.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes((640, 480))}],
    )
    phone.screenshot(path=str(shots / "portal-new.png"), full_page=True)
    phone.click("button:has-text('提交报修')")
    phone.wait_for_selector("text=报修已提交")
    new = RepairOrder.objects.order_by("-pk").first()
    assert new.channel == "app" and new.urgency == "emergency"
    phone.screenshot(path=str(shots / "portal-submitted.png"), full_page=True)

    phone.goto(live_server.url + reverse("repairs:my_detail", args=[waiting.pk]))
    phone.wait_for_selector("#confirm")
    phone.screenshot(path=str(shots / "portal-confirm.png"), full_page=True)
    phone.click("#confirm button[type=submit]")
    phone.wait_for_selector("text=已确认验收")
    assert status(waiting) == "waiting_revisit"

    phone.goto(live_server.url + reverse("repairs:my_detail", args=[rated.pk]))
    phone.click("label[for=id_satisfaction_1]")  # the 4th star (choices run 5 … 1)
    phone.click("label[for=id_quality_0]")
    phone.click("label[for=id_attitude_0]")
    phone.fill("textarea[name=comment]", "师傅很专业")
    phone.locator("#rate").screenshot(path=str(shots / "portal-rate.png"))
    phone.click("#rate button[type=submit]")
    phone.wait_for_selector("text=感谢您的评价")
    rated.refresh_from_db()
    assert (rated.satisfaction, rated.quality_score, rated.attitude_score) == (4, 5, 5)

    phone.goto(live_server.url + reverse("repairs:qr_report", args=[qr_token(lobby)]))
    phone.wait_for_selector("text=1栋大堂")
    phone.screenshot(path=str(shots / "portal-qr-report.png"), full_page=True)
    phone.context.close()

    desk = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN").new_page()
    _log_in(desk, live_server, "agent", world.password)
    desk.goto(live_server.url + reverse("repairs:qr_sheet"))
    desk.wait_for_selector(".rp-qr-card svg")
    desk.screenshot(path=str(shots / "qr-sheet.png"), full_page=True)
    desk.emulate_media(media="print")
    desk.pdf(path=str(shots / "qr-sheet.pdf"), format="A4", print_background=True)
    assert (shots / "qr-sheet.pdf").stat().st_size > 10_000
    desk.context.close()

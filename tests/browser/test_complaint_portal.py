"""The residents' complaint pages on a phone (390 × 844), in chromium: 我的投诉, the new complaint
form with its live counter (and its error past 5,000 characters), a complaint while it is handled
and one after the reply with the rating form. Screenshots under the test's tmp dir or
$WUYE_SCREENSHOTS."""

from __future__ import annotations

import os
import shutil

import pytest
from django.urls import reverse

from tests.browser.helpers import _log_in, _shot
from tests.complaints import test_portal_pages as portal
from tests.images import jpeg_bytes
from wuye.complaints.models import Complaint

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

complain, act, assign, reply, status = (
    portal.complain, portal.act, portal.assign, portal.reply, portal.status
)  # fmt: skip


def test_resident_complains_follows_and_rates_on_a_phone(phone, page, live_server, world, tmp_path):
    world.estate.phone = "0571-88886666"
    world.estate.save(update_fields=["phone"])
    handling = complain(world, "1栋电梯这周已经坏了三次，老人上下楼很不方便，希望尽快彻底修好。")
    assign(world, handling)
    act(handling, "progress", world.tech.user, note="已联系电梯维保单位，明天上午全面检修")
    replied = reply(world, complain(world, "物业费账单多收了两个月的公摊电费", type="fees"))
    complain(world, "楼下餐馆油烟很大，晚上开窗都是味道", type="management", room=None)

    _log_in(phone, live_server, "owner", world.password)
    phone.goto(live_server.url + reverse("complaints:my_list"))
    phone.wait_for_selector("text=查看回复，去评价")
    _shot(phone, tmp_path, "complaint-my-list")

    phone.goto(live_server.url + reverse("complaints:my_new"))
    counter = phone.locator("#content-counter")
    assert counter.inner_text() == "0 / 5000"
    phone.fill("textarea[name=content]", "很" * 5003)
    assert "已超出 3 字" in counter.inner_text()
    assert "is-over" in counter.get_attribute("class")
    assert phone.is_hidden("input[name=type_other]")
    phone.click("label:has-text('其他')")
    assert phone.is_visible("input[name=type_other]")
    phone.click("button:has-text('提交投诉')")
    phone.wait_for_selector(".field-error")
    errors = phone.locator(".field-error").all_inner_texts()
    assert any("不能超过 5000 字" in e for e in errors)
    assert any("写明投诉类型" in e for e in errors)
    assert phone.is_visible("input[name=type_other]")  # kept open with its error
    _shot(phone, tmp_path, "complaint-new-errors")
    assert not Complaint.objects.filter(content__startswith="很很").exists()

    phone.fill("input[name=type_other]", "装修噪音")
    phone.fill(
        "textarea[name=content]",
        "楼上1-2-401每天晚上十点以后还在装修，电钻声音很大，孩子没法睡觉。",
    )
    assert counter.inner_text() == "36 / 5000"
    phone.set_input_files(
        "input[name=photos]",
        files=[{"name": "noise.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes((640, 480))}],
    )
    phone.wait_for_selector(".photo-previews li")
    _shot(phone, tmp_path, "complaint-new")
    phone.click("button:has-text('提交投诉')")
    phone.wait_for_selector("text=投诉已提交")
    new = Complaint.objects.order_by("-pk").first()
    assert new.channel == "app" and new.type_other == "装修噪音"
    assert new.case.events.get(action="created").attachments.count() == 1
    _shot(phone, tmp_path, "complaint-submitted")

    phone.goto(live_server.url + reverse("complaints:my_detail", args=[handling.pk]))
    phone.wait_for_selector("text=我们承诺在")
    assert phone.is_visible(".rp-progress li.current:has-text('处理')")
    _shot(phone, tmp_path, "complaint-detail-handling")
    phone.click("#comment summary")
    phone.fill("#comment textarea[name=note]", "今天早上又停了，困了十分钟")
    phone.click("#comment button[type=submit]")
    phone.wait_for_selector("text=补充说明已发送")
    assert handling.case.events.filter(action="comment").count() == 1

    phone.goto(live_server.url + reverse("complaints:my_detail", args=[replied.pk]) + "#rate")
    phone.wait_for_selector("#rate")
    _shot(phone, tmp_path, "complaint-detail-replied")
    phone.click("label[for=id_satisfaction_1]")  # the 4th star (choices run 5 … 1)
    phone.fill("#rate textarea[name=comment]", "处理得很及时，谢谢")
    rate = tmp_path / "complaint-rate.png"
    phone.locator("#rate").screenshot(path=str(rate))
    if os.environ.get("WUYE_SCREENSHOTS"):
        shutil.copy(rate, os.environ["WUYE_SCREENSHOTS"])
    phone.click("#rate button[type=submit]")
    phone.wait_for_selector("text=感谢您的评价")
    replied.refresh_from_db()
    assert replied.satisfaction == 4 and status(replied) == "archived"
    _shot(phone, tmp_path, "complaint-detail-rated")

    phone.click("#reopen summary")
    phone.fill("#reopen textarea[name=note]", "第二个月的账单还是多收了")
    _shot(phone, tmp_path, "complaint-reopen")
    phone.click("#reopen button[type=submit]")
    phone.wait_for_selector("text=已为您重新提交处理")
    again = Complaint.objects.get(reopened_from=replied)
    assert phone.url.endswith(reverse("complaints:my_detail", args=[again.pk]))
    _shot(phone, tmp_path, "complaint-reopened")

    # The same pages on a desktop.
    _log_in(page, live_server, "owner", world.password)
    page.goto(live_server.url + reverse("complaints:my_detail", args=[handling.pk]))
    page.wait_for_selector("text=我们承诺在")
    _shot(page, tmp_path, "complaint-detail-desktop")
    page.goto(live_server.url + reverse("complaints:my_new"))
    _shot(page, tmp_path, "complaint-new-desktop")

"""Public-health events on a phone (EMERG-HEALTH): the command group's event page with a closed
unit, the staff's check of mask and gloves, a resident's 物资配送 in the portal and the staff's
deliveries — Chinese rendered, no script errors.

Screenshots go under the test's tmp dir and $WUYE_SCREENSHOTS (or /tmp/shots/h-health)."""

from __future__ import annotations

import os
import shutil

import pytest
from django.urls import reverse

from tests.browser.helpers import _log_in, _shot
from tests.emergency.health_helpers import close_unit, hw  # noqa: F401
from tests.emergency.helpers import emg  # noqa: F401
from wuye.emergency.models import Delivery, PpeCheck

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = dict(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
             has_touch=True, locale="zh-CN")  # fmt: skip
SHOTS = os.environ.get("WUYE_SCREENSHOTS", "/tmp/shots/h-health")


def shot(page, tmp_path, name: str) -> None:
    _shot(page, tmp_path, name)
    os.makedirs(SHOTS, exist_ok=True)
    shutil.copy(tmp_path / f"{name}.png", os.path.join(SHOTS, f"{name}.png"))


def test_health_event_on_a_phone__EMERG_HEALTH_05_07_11_12(request, browser, live_server,
                                                            tmp_path):  # fmt: skip
    w = request.getfixturevalue("hw")
    close_unit(w, days=14)
    context = browser.new_context(**PHONE)
    page = context.new_page()
    _log_in(page, live_server, "exec", w.password)
    page.goto(live_server.url + reverse("emergency:health_detail", args=[w.incident.pk]))
    assert page.get_by_text("1栋2单元").first.is_visible()
    shot(page, tmp_path, "health-event")
    context.close()

    context = browser.new_context(**PHONE)
    page = context.new_page()
    _log_in(page, live_server, "guard", w.password)
    page.goto(live_server.url + reverse("emergency:health_ppe"))
    page.check("input[name=mask]")
    page.check("input[name=gloves]")
    shot(page, tmp_path, "health-ppe")
    page.click("form.card button")
    page.wait_for_load_state("networkidle")
    assert PpeCheck.objects.filter(staff=w.guard).exists()
    context.close()

    context = browser.new_context(**PHONE)
    page = context.new_page()
    _log_in(page, live_server, "owner", w.password)
    page.goto(live_server.url + reverse("emergency:my_deliveries"))
    page.fill("textarea[name=items]", "大米5斤、青菜、退烧药")
    shot(page, tmp_path, "health-portal-request")
    page.click("form.card button")
    page.wait_for_load_state("networkidle")
    assert Delivery.objects.filter(room=w.room).exists()
    shot(page, tmp_path, "health-portal-list")
    context.close()

    context = browser.new_context(**PHONE)
    page = context.new_page()
    _log_in(page, live_server, "guard", w.password)
    page.goto(live_server.url + reverse("emergency:health_deliveries"))
    page.get_by_role("button", name="接单").click()
    page.wait_for_load_state("networkidle")
    shot(page, tmp_path, "health-deliveries")
    assert Delivery.objects.get().status == "delivering"
    context.close()

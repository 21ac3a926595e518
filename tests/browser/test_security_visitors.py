"""The gate and the portal on a phone (GUARD-10): a resident pre-registers a guest and sees the
QR pass; a guard opens the scan page from the pass (the code pasted, as from the QR's link), sees
a big green 通过 and, on a second scan of a one-entry pass, a red refusal with the reason.

Screenshots go under the test's tmp dir and $WUYE_SCREENSHOTS (or /tmp/shots/h-visitors)."""

from __future__ import annotations

import datetime as dt
import os
import shutil

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.browser.helpers import _log_in, _shot
from tests.security.visitors_helpers import id_number, make_guard
from wuye.security.models import Parcel, PassScan, TemporaryPass, Visitor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = dict(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
             has_touch=True, locale="zh-CN")  # fmt: skip
SHOTS = os.environ.get("WUYE_SCREENSHOTS", "/tmp/shots/h-visitors")


def shot(page, tmp_path, name: str) -> None:
    _shot(page, tmp_path, name)
    os.makedirs(SHOTS, exist_ok=True)
    shutil.copy(tmp_path / f"{name}.png", os.path.join(SHOTS, f"{name}.png"))


def _local(value: dt.datetime) -> str:
    return timezone.localtime(value, dt.timezone(dt.timedelta(hours=8))).strftime("%Y-%m-%dT%H:%M")


def test_resident_pre_registers_a_guest_and_the_guard_scans_the_qr_pass__GUARD_10(
    browser, live_server, world, tmp_path
):
    make_guard(world)
    now = timezone.now()
    resident = browser.new_page(**PHONE)
    _log_in(resident, live_server, "owner", world.password)
    resident.goto(live_server.url + reverse("security:my_pass_new"))
    resident.fill("input[name=visitor_name]", "王芳")
    resident.fill("input[name=valid_from]", _local(now - dt.timedelta(minutes=5)))
    resident.fill("input[name=valid_until]", _local(now + dt.timedelta(hours=3)))
    resident.fill("input[name=max_entries]", "1")
    resident.click("button:has-text('生成访客二维码')")
    resident.wait_for_selector(".pass-qr svg")
    temporary_pass = TemporaryPass.objects.get()
    assert resident.locator(".pass-code").inner_text() == (
        f"{temporary_pass.code[:4]}-{temporary_pass.code[4:]}"
    )
    shot(resident, tmp_path, "visitors-portal-qr-pass")

    guard = browser.new_page(**PHONE)
    _log_in(guard, live_server, "guard", world.password)
    guard.goto(live_server.url + reverse("security:pass_scan"))
    # The guest sent the QR's link: pasted into the code box.
    guard.fill(
        "input[name=code]", f"{live_server.url}/security/passes/scan/?code={temporary_pass.code}"
    )
    guard.fill("input[name=gate]", "东门")
    shot(guard, tmp_path, "visitors-gate-scan")
    guard.click("button:has-text('核验并登记进入')")
    guard.wait_for_selector(".scan-ok")
    assert "通过，请放行" in guard.locator(".scan-result").inner_text()
    shot(guard, tmp_path, "visitors-gate-accepted")

    # Scanning the QR opens the page with the code filled in; the second entry is refused.
    guard.goto(live_server.url + reverse("security:pass_scan") + f"?code={temporary_pass.code}")
    assert guard.input_value("input[name=code]") == temporary_pass.code
    assert guard.input_value("input[name=gate]") == "东门"
    guard.click("button:has-text('核验并登记进入')")
    guard.wait_for_selector(".scan-refused")
    assert "次数已用完" in guard.locator(".scan-result").inner_text()
    shot(guard, tmp_path, "visitors-gate-refused")
    assert list(PassScan.objects.order_by("pk").values_list("result", "gate")) == [
        ("accepted", "东门"),
        ("used_up", "东门"),
    ]


def test_gate_screens_register_a_visitor_and_receive_a_parcel_on_a_phone__GUARD_06_GUARD_13(
    browser, live_server, world, tmp_path
):
    make_guard(world)
    guard = browser.new_page(**PHONE)
    _log_in(guard, live_server, "guard", world.password)
    guard.goto(live_server.url + reverse("security:visitor_register"))
    guard.fill("input[name=name]", "刘洋")
    guard.fill("input[name=id_number]", id_number())
    guard.fill("input[name=room]", "1-2-301")
    guard.fill("input[name=gate]", "东门")
    shot(guard, tmp_path, "visitors-gate-register")
    guard.click("button:has-text('登记进入')")
    guard.wait_for_selector("text=已登记：刘洋 进入")
    guard.goto(live_server.url + reverse("security:visitor_list"))
    guard.wait_for_selector("text=登记离开")
    shot(guard, tmp_path, "visitors-today")
    guard.goto(live_server.url + reverse("security:parcel_receive"))
    guard.fill("input[name=room]", "1-2-301")
    guard.fill("input[name=courier_company]", "顺丰速运")
    guard.fill("input[name=tracking_no]", "SF1402837465912")
    guard.click("button:has-text('登记代收并通知业主')")
    guard.wait_for_selector("text=已通知业主取件")
    guard.goto(live_server.url + reverse("security:parcel_list"))
    guard.wait_for_selector("text=交付快递")
    shot(guard, tmp_path, "visitors-parcels-waiting")
    assert Visitor.objects.get().gate == "东门"
    assert Parcel.objects.get().status == "waiting"

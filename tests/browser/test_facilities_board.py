"""Engineering in the browser (issue 15): an operator on a phone logs an hourly reading out of
range and the anomaly appears on engineering's board; a contractor on a phone fills in a planned
service's checklist (yes/no, a reading, a photo, a signature) and the record page shows it.

Screenshots go under the test's tmp dir and /tmp/shots (or $WUYE_SCREENSHOTS)."""

from __future__ import annotations

import datetime as dt
import os
import shutil

import pytest
from django.utils import timezone

from tests.browser.helpers import _log_in, _shot
from tests.factories import DepartmentKind, Role, make_staff
from tests.fieldwork.checks_helpers import checklist, task
from tests.images import jpeg_bytes
from wuye.facilities.models import Anomaly, OperationLogEntry
from wuye.facilities.services import equipment_create
from wuye.fieldwork.models import Certificate, TaskRecord

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = dict(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
             has_touch=True, locale="zh-CN")  # fmt: skip
DESK = dict(viewport={"width": 1280, "height": 800}, locale="zh-CN")
SHOTS = os.environ.get("WUYE_SCREENSHOTS", "/tmp/shots")


def shot(page, tmp_path, name: str) -> None:
    _shot(page, tmp_path, name)
    os.makedirs(SHOTS, exist_ok=True)
    shutil.copy(tmp_path / f"{name}.png", os.path.join(SHOTS, f"{name}.png"))


def _draw(page, selector: str) -> None:
    pad = page.locator(selector)
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    page.mouse.move(x + w * 0.1, y + h * 0.7)
    page.mouse.down()
    for i in range(1, 12):
        page.mouse.move(x + w * (0.1 + 0.07 * i), y + h * (0.7 - 0.4 * (i % 2)), steps=3)
    page.mouse.up()


def test_operator_logs_out_of_range_and_the_board_shows_it__EQUIP_OPS_08(
    browser, live_server, world, tmp_path
):
    make_staff(world.company, "eng_head", Role.DEPARTMENT_HEAD, DepartmentKind.ENGINEERING,
               [world.estate])  # fmt: skip
    # EQUIP-OPS-11: the operator on duty holds an electrician's certificate.
    Certificate.objects.create(
        company=world.company, holder="staff", staff=world.tech, kind="electrician",
        number="T0000001", issuer="应急管理局", issued_on=dt.date(2020, 1, 1),
        expires_on=dt.date(2035, 12, 31), created_at=timezone.now(),
    )  # fmt: skip
    transformer = equipment_create(
        estate=world.estate, code="PD-01", name="1号变压器", category="power",
        location="配电房", by=world.tech.user,
    )  # fmt: skip

    # The operator, on a phone, logs this hour: the voltage is over the top of its range.
    op = browser.new_context(**PHONE).new_page()
    _log_in(op, live_server, "tech", world.password)
    op.goto(f"{live_server.url}/facilities/equipment/{transformer.pk}/log/")
    op.fill("input[name=voltage]", "421")
    op.fill("input[name=current]", "380")
    op.fill("input[name=transformer_temperature]", "62")
    shot(op, tmp_path, "log-form-phone")
    with op.expect_navigation():
        op.click("button:has-text('提交记录')")
    entry = OperationLogEntry.objects.get()
    assert entry.is_anomaly
    anomaly = Anomaly.objects.get(equipment=transformer)

    # Engineering's head opens the board on the desk: the anomaly is there with its clock.
    desk = browser.new_context(**DESK).new_page()
    _log_in(desk, live_server, "eng_head", world.password)
    desk.goto(f"{live_server.url}/facilities/board/")
    block = desk.locator("#board-anomalies")
    block.locator(f"text={anomaly.case.number}").wait_for()
    assert "通知工程部" in block.inner_text()
    assert "1 台设备今天已按时记录" in desk.locator("#board-logs").inner_text()
    assert desk.locator("nav >> text=工程看板").count() >= 1
    shot(desk, tmp_path, "board-desktop")

    # And on the operator's phone.
    op.goto(f"{live_server.url}/facilities/board/")
    op.locator(f"#board-anomalies >> text={anomaly.case.number}").wait_for()
    shot(op, tmp_path, "board-phone")
    # The refresh every 30 s swaps the blocks in place.
    with op.expect_response(
        lambda r: "/facilities/board/" in r.url and r.request.headers.get("hx-request") == "true",
        timeout=40_000,
    ):
        pass
    op.locator(f"#board-anomalies >> text={anomaly.case.number}").wait_for()


def test_contractor_fills_the_service_checklist_on_a_phone__EQUIP_MAINT_13(
    browser, live_server, world, tmp_path
):
    lift = equipment_create(estate=world.estate, code="DT-1-01", name="1栋1号客梯",
                            category="elevator", contractor=world.contractor,
                            by=world.tech.user)  # fmt: skip
    t = task(world, scheduled="2026-12-07 09:00", due="2026-12-31 23:59:59",
             checklist_=checklist(world), contractor=world.contractor, subject=lift)  # fmt: skip
    photo = tmp_path / "room.jpg"
    photo.write_bytes(jpeg_bytes((640, 480)))
    site = tmp_path / "site.jpg"
    site.write_bytes(jpeg_bytes((640, 480)))

    phone = browser.new_context(**PHONE).new_page()
    _log_in(phone, live_server, "lift", world.password)
    phone.goto(f"{live_server.url}/fieldwork/tasks/{t.pk}/fill/")
    phone.locator("label.choice:has-text('正常') >> nth=0").click()
    phone.fill("input[data-reading]", "46.5")
    phone.set_input_files("input.photo-input", str(photo))
    phone.set_input_files("input[name=photos]", str(site))
    phone.fill("textarea[name=note]", "已润滑导轨，更换门机皮带")
    _draw(phone, "canvas.signature-pad")
    shot(phone, tmp_path, "task-fill-phone")
    with phone.expect_navigation():
        phone.click("button:has-text('提交作业记录')")
    record = TaskRecord.objects.get(task=t)
    assert f"/fieldwork/records/{record.pk}/" in phone.url
    text = phone.locator("main").inner_text()
    for expected in ("制动器检查", "46.5", "机房照片", "已润滑导轨"):
        assert expected in text, expected
    assert phone.locator("main img").count() >= 2  # the item's photo and the signature at least
    shot(phone, tmp_path, "record-phone")

"""Guards in the browser (issue 16): a guard on a phone walks the 2-hourly patrol — the first
checkpoint opened from its QR label, the second by typing its code, the third from its label —
and the round is complete; at the car park they report a blocked fire lane with a photo and the
obstruction case opens. Screenshots go to /tmp/shots/h-guards (or $WUYE_SCREENSHOTS)."""

from __future__ import annotations

import datetime as dt
import os
import shutil

import pytest
import time_machine

from tests.browser.helpers import _log_in, _shot
from tests.factories import DepartmentKind, Role, make_staff
from tests.images import jpeg_bytes
from tests.security.guards_helpers import at
from wuye.fieldwork.models import Round, RoundStatus
from wuye.security.models import Obstruction
from wuye.security.services.patrols import patrol_routes_setup
from wuye.workflow.models import Schedule
from wuye.workflow.schedules import schedule_generate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = dict(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
             has_touch=True, locale="zh-CN")  # fmt: skip
SHOTS = os.environ.get("WUYE_SCREENSHOTS", "/tmp/shots/h-guards")


def shot(page, tmp_path, name: str) -> None:
    _shot(page, tmp_path, name)
    os.makedirs(SHOTS, exist_ok=True)
    shutil.copy(tmp_path / f"{name}.png", os.path.join(SHOTS, f"{name}.png"))


def test_guard_completes_a_patrol_round_by_scanning_checkpoints__GUARD_07(
    browser, live_server, world, tmp_path
):
    with time_machine.travel(at("2026-11-02 10:05"), tick=True):
        head = make_staff(world.company, "ohead", Role.DEPARTMENT_HEAD, DepartmentKind.ORDER,
                          [world.estate])  # fmt: skip
        make_staff(world.company, "guard1", Role.GUARD, DepartmentKind.ORDER, [world.estate],
                   name="张秩序")  # fmt: skip
        routes = patrol_routes_setup(estate=world.estate, by=head.user, anchor=dt.date(2026, 11, 2))
        # Planned since midnight (as the demo does): the 10:00 round is running now.
        Schedule.objects.filter(pk__in=[routes.general_schedule.pk, routes.key_schedule.pk]).update(
            generated_until=at("2026-11-02 00:00")
        )
        schedule_generate(now=at("2026-11-02 10:05"), horizon=dt.timedelta(hours=6))
        points = list(routes.general.checkpoints.order_by("position"))

        page = browser.new_context(**PHONE).new_page()
        _log_in(page, live_server, "guard1", world.password)
        # 1. 主干道: the phone's camera opens the label's address.
        page.goto(f"{live_server.url}/fieldwork/rounds/scan/{points[0].token}/")
        # The scan page sends itself once the phone has (or has not) given its position.
        page.wait_for_load_state("networkidle")
        shot(page, tmp_path, "patrol-scan-phone")
        page.wait_for_selector("text=打卡成功", timeout=20_000)
        # 2. 各楼栋单元: the label is worn, the guard types its code.
        page.goto(f"{live_server.url}/fieldwork/rounds/scan/")
        page.fill("input[name=code]", points[1].code)
        shot(page, tmp_path, "patrol-code-phone")
        with page.expect_navigation():
            page.click("button:has-text('确认打卡')")
        assert "打卡成功" in page.content()
        # 3. 地下停车场: from the label again, the last one completes the round.
        page.goto(f"{live_server.url}/fieldwork/rounds/scan/{points[2].token}/")
        page.wait_for_selector("text=本次巡查完成", timeout=20_000)
        shot(page, tmp_path, "patrol-done-phone")
        rnd = Round.objects.get(route=routes.general, task__scheduled_for=at("2026-11-02 10:00"))
        assert rnd.status == RoundStatus.DONE and rnd.scans.count() == 3

        # At the car park: a fire lane blocked by cartons, reported with a photo.
        page.goto(f"{live_server.url}/security/patrol/report/?checkpoint={points[2].pk}")
        page.check("input[name=kind][value=fire_lane]")
        page.fill("textarea[name=description]", "纸箱堆放堵住消防通道")
        page.set_input_files(
            "input[name=photos]",
            files=[{"name": "lane.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}],
        )
        shot(page, tmp_path, "patrol-report-phone")
        with page.expect_navigation():
            page.click("button:has-text('立即上报')")
        assert "已上报" in page.content()
        found = Obstruction.objects.get()
        assert found.location == "地下停车场" and found.case.status == "open"
        page.goto(f"{live_server.url}/security/obstructions/{found.pk}/")
        shot(page, tmp_path, "obstruction-detail-phone")
        assert "复查已清除" in page.content()

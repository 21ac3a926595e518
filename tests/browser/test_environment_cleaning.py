"""Cleaning in the browser (issue 17): a cleaner on a phone confirms her gloves and mask, then
works through the morning's tasks of the cleaning plan, each with a photo (CLEAN-16, CLEAN-05,
CLEAN-06/08/09); the environment head draws the week's spot-check sample, fails the first zone
drawn with a note and a photo of the stain (CLEAN-13/14), and the rectification reaches the
zone's cleaner on her phone (CLEAN-15). Screenshots go to /tmp/shots/environment (or
$WUYE_SCREENSHOTS)."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.browser.helpers import _log_in, _shot
from tests.factories import DepartmentKind, Role, make_staff
from tests.images import jpeg_bytes
from wuye.core.choices import PublicAreaKind
from wuye.core.models import PublicArea
from wuye.environment.models import PlanLine, ProtectionCheck, Rectification
from wuye.environment.services.cleaning import cleaning_plan_seed
from wuye.environment.services.inspections import inspection_plans_setup
from wuye.environment.services.zones import zones_build
from wuye.fieldwork.models import TaskRecord
from wuye.workflow.models import PlannedTask, PlannedTaskStatus, Schedule
from wuye.workflow.schedules import schedule_generate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SH = ZoneInfo("Asia/Shanghai")
PHONE = dict(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
             has_touch=True, locale="zh-CN")  # fmt: skip
SHOTS = os.environ.get("WUYE_SCREENSHOTS", "/tmp/shots/environment")
PHOTO = {"name": "done.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


def shot(page, tmp_path, name: str) -> None:
    _shot(page, tmp_path, name)
    os.makedirs(SHOTS, exist_ok=True)
    shutil.copy(tmp_path / f"{name}.png", os.path.join(SHOTS, f"{name}.png"))


def _layout(world) -> None:
    PublicArea.objects.create(estate=world.estate, kind=PublicAreaKind.ROAD, name="主干道")
    PublicArea.objects.create(estate=world.estate, kind=PublicAreaKind.OTHER, name="会所公共卫生间")


def _do_task(page, live_server, href: str) -> None:
    """One task on the phone: every check answered 正常, a photo wherever one is asked."""
    page.goto(f"{live_server.url}{href}")
    for radio in page.locator("input[type=radio][value=yes]").all():
        radio.check()
    for upload in page.locator("input[type=file]").all():
        upload.set_input_files(files=[PHOTO])
    with page.expect_navigation():
        page.click("button:has-text('提交作业记录')")
    assert "任务已完成" in page.content(), page.content()[:3000]


def test_a_cleaner_does_the_morning_and_a_failed_spot_check_reaches_her__CLEAN_15(
    browser, live_server, world, tmp_path
):
    # A Thursday in late October, 09:40: the 07:00 and 09:00 work is due or late.
    with time_machine.travel(at("2026-10-22 09:40"), tick=True):
        head = make_staff(world.company, "envhead", Role.DEPARTMENT_HEAD,
                          DepartmentKind.ENVIRONMENT, [world.estate], name="何丽")  # fmt: skip
        cleaner = make_staff(world.company, "cleaner1", Role.CLEANER, DepartmentKind.ENVIRONMENT,
                             [world.estate], name="张阿姨")  # fmt: skip
        _layout(world)
        zones_build(estate=world.estate, by=head.user, cleaners=[cleaner])
        cleaning_plan_seed(estate=world.estate, by=head.user, reason="按标准制定清洁卫生计划")
        inspection_plans_setup(estate=world.estate, by=head.user)
        # Planned since midnight, as the scheduler would have.
        Schedule.objects.all().update(generated_until=at("2026-10-22 00:00"))
        schedule_generate(now=at("2026-10-22 09:40"), horizon=dt.timedelta(hours=4))
        morning = PlannedTask.objects.filter(
            schedule__environment_line__zone__isnull=False,
            scheduled_for__lte=at("2026-10-22 09:40"),
        ).exclude(status=PlannedTaskStatus.CANCELLED)  # fmt: skip
        expected = morning.count()
        assert expected >= 3  # the road's 07:00 sweep, the toilets' 07:00 and 09:00 cleaning…

        page = browser.new_context(**PHONE).new_page()
        _log_in(page, live_server, "cleaner1", world.password)
        page.goto(f"{live_server.url}/environment/my/")
        shot(page, tmp_path, "env-today-before-phone")
        assert "防护用品检查" in page.content()
        # CLEAN-16: gloves and mask before the first task.
        page.goto(f"{live_server.url}/environment/my/protection/")
        page.check("input[name=items][value=gloves]")
        page.check("input[name=items][value=mask]")
        shot(page, tmp_path, "env-protection-phone")
        with page.expect_navigation():
            page.click("button:has-text('确认')")
        assert ProtectionCheck.objects.get(staff=cleaner).passed

        # The morning's tasks, in time order, until none is due or late.
        done = 0
        for _ in range(expected + 2):
            page.goto(f"{live_server.url}/environment/my/")
            due = [
                href
                for href in page.eval_on_selector_all(
                    "a.tech-card-link", "links => links.map(a => a.getAttribute('href'))"
                )
                if href and re.match(r"^/environment/my/tasks/\d+/$", href)
            ]
            pending = [
                href for href in due
                if PlannedTask.objects.get(pk=int(href.rstrip("/").rsplit("/", 1)[1])).scheduled_for
                <= at("2026-10-22 09:40")
            ]  # fmt: skip
            if not pending:
                break
            if done == 0:
                page.goto(f"{live_server.url}{pending[0]}")
                shot(page, tmp_path, "env-task-phone")
            _do_task(page, live_server, pending[0])
            done += 1
        assert done == expected
        page.goto(f"{live_server.url}/environment/my/")
        shot(page, tmp_path, "env-today-after-phone")
        records = TaskRecord.objects.filter(done_by=cleaner.user)
        assert records.count() == expected
        assert all(r.task.status == PlannedTaskStatus.DONE for r in records)

        # The head's weekly spot check: the system draws the sample; the first zone fails.
        head_page = browser.new_context(**PHONE).new_page()
        _log_in(head_page, live_server, "envhead", world.password)
        head_page.goto(f"{live_server.url}/environment/inspections/spot/")
        with head_page.expect_navigation():
            head_page.click("button:has-text('抽取本周抽检样本')")
        shot(head_page, tmp_path, "env-spot-sample-phone")
        head_page.click("a.tech-card-link:has-text('点击打分')")
        head_page.wait_for_load_state("networkidle")
        scores = head_page.locator("input[type=number][name^=score_]")
        for i in range(scores.count()):
            scores.nth(i).fill("10")
        scores.nth(1).fill("3")
        second = head_page.locator("li.score-item").nth(1)
        second.locator("summary").click()
        second.locator("input[name^=note_]").fill("地面有污渍未清理")
        second.locator("input[type=file][name^=photo_]").set_input_files(files=[PHOTO])
        shot(head_page, tmp_path, "env-spot-check-form-phone")
        with head_page.expect_navigation():
            head_page.click("button:has-text('提交检查记录')")
        shot(head_page, tmp_path, "env-spot-check-result-phone")
        rectification = Rectification.objects.get()
        assert rectification.assignee == cleaner
        assert rectification.inspection.kind == "spot_check" and not rectification.inspection.passed

        # It reaches the cleaner: her list of rectifications, and its page.
        page.goto(f"{live_server.url}/environment/rectifications/mine/")
        shot(page, tmp_path, "env-my-rectifications-phone")
        assert rectification.case.number in page.content()
        page.goto(f"{live_server.url}/environment/rectifications/{rectification.pk}/")
        shot(page, tmp_path, "env-rectification-phone")
        assert "地面有污渍未清理" in page.content()
        assert "待整改" in page.content()  # its status in words, not a code
        assert PlanLine.objects.filter(zone=rectification.zone).exists()

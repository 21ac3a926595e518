"""A takeover checklist in the browser (issue 7): an engineer of the takeover team runs the on-site
checklist on a phone (390×844) item by item — an elevator passes after three empty runs
(TAKEOVER-12), a cracked wall fails with a photo and becomes a defect — then the head of
engineering sees the defect on the plan page.

Screenshots are saved under the test's tmp dir (and copied to $WUYE_SCREENSHOTS when set)."""

from __future__ import annotations

import pytest

from tests.browser.helpers import _log_in, _shot
from tests.handover.test_takeover import make_plan, tw
from tests.images import jpeg_bytes
from wuye.handover.models import CheckItem, TakeoverDefect
from wuye.handover.services import takeover as services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["tw"]  # the shared fixture


def test_engineer_runs_the_takeover_checklist_on_a_phone__TAKEOVER_05_12(
    browser, phone, live_server, tw, tmp_path
):
    plan = make_plan(tw)
    services.takeover_plan_act(plan=plan, action="start_inspection", by=tw.eng.user)
    photo = tmp_path / "crack.jpg"
    photo.write_bytes(jpeg_bytes((640, 480)))

    _log_in(phone, live_server, "tech", tw.password)
    phone.goto(f"{live_server.url}/handover/takeover/{plan.pk}/checklist/")
    phone.wait_for_selector("text=现场检查清单")
    _shot(phone, tmp_path, "takeover-1-checklist")
    phone.click("a:has-text('检查下一项')")
    shots = set()
    for _round in range(plan.items.count()):
        phone.wait_for_selector("#check-form")
        name = phone.locator("h1.tech-place").inner_text()
        item = CheckItem.objects.get(plan=plan, name=name)
        if item.system == "wall":
            phone.check("input[name=result][value=failed]")
            phone.fill("textarea[name=description]", "3层走廊墙面裂缝约50厘米")
            phone.fill("input[name=location]", "1栋3层走廊")
            phone.set_input_files("input[name=photos]", str(photo))
            _shot(phone, tmp_path, "takeover-3-wall-failed")
            shots.add("wall")
        else:
            phone.check("input[name=result][value=passed]")
            if item.system == "elevator":
                for n in (1, 2, 3):
                    phone.check(f"input[name=run{n}]")
                phone.fill("input[name=note]", "三次空载运行平稳，无异响")
                _shot(phone, tmp_path, "takeover-2-elevator-three-runs")
                shots.add("elevator")
        phone.click("button:has-text('保存，检查下一项')")
        phone.wait_for_load_state("networkidle")
        if not CheckItem.objects.filter(plan=plan, result="pending").exists():
            break
    assert shots == {"wall", "elevator"}
    phone.wait_for_selector("text=已检查")
    assert "已检查 8 / 8 项" in phone.content()
    _shot(phone, tmp_path, "takeover-4-checklist-done")
    assert not CheckItem.objects.filter(plan=plan, result="pending").exists()
    lift = CheckItem.objects.get(plan=plan, system="elevator")
    assert (lift.result, lift.elevator_runs_ok) == ("passed", 3)
    defect = TakeoverDefect.objects.get()
    assert (defect.location, defect.item.system) == ("1栋3层走廊", "wall")
    assert defect.item.event.attachments.count() == 1

    # The head of engineering sees the defect waiting for a rectification notice.
    desk = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN").new_page()
    _log_in(desk, live_server, "eng", tw.password)
    desk.goto(f"{live_server.url}/handover/takeover/{plan.pk}/")
    desk.wait_for_selector(f"text={defect.case.number}")
    assert "发出整改通知书" in desk.content()
    _shot(desk, tmp_path, "takeover-5-plan-desk")
    desk.context.close()

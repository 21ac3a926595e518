"""An elevator entrapment on phones (issue 18, EMERG-LIFT-04/05/07/11): the lift's monitoring
posts a trapped alarm, the guard opens the entrapment from the list, sees the time since the alarm
and the calm script, confirms the two checks and presses "我已到场安抚"; the desk calls the
contractor; the contractor marks its arrival and the rescue with every prohibition confirmed.
Screenshots go to /tmp/shots/h-lift (or $WUYE_SCREENSHOTS)."""

from __future__ import annotations

import os
import shutil

import pytest
import time_machine
from django.test import Client

from tests.browser.helpers import _log_in, _shot
from tests.emergency.helpers import add_group, at
from tests.factories import DepartmentKind, Role, make_staff
from tests.fieldwork.devices_helpers import body, post
from wuye.emergency.choices import GroupKind
from wuye.emergency.models import Incident
from wuye.emergency.services.lift import entrapment_act
from wuye.facilities.models import Fault
from wuye.facilities.services import equipment_create
from wuye.fieldwork.services.devices import device_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = dict(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
             has_touch=True, locale="zh-CN")  # fmt: skip
SHOTS = os.environ.get("WUYE_SCREENSHOTS", "/tmp/shots/h-lift")


def shot(page, tmp_path, name: str) -> None:
    _shot(page, tmp_path, name)
    os.makedirs(SHOTS, exist_ok=True)
    shutil.copy(tmp_path / f"{name}.png", os.path.join(SHOTS, f"{name}.png"))


def test_guard_and_contractor_answer_an_alarmed_entrapment_on_phones__EMERG_LIFT_04_07_11(
    browser, live_server, world, tmp_path
):
    w = world
    with time_machine.travel(at("2026-11-02 21:40"), tick=True):
        guard = make_staff(w.company, "guard1", Role.GUARD, DepartmentKind.ORDER, [w.estate],
                           name="张秩序")  # fmt: skip
        add_group(w.company, None, GroupKind.COMMAND, (w.exec, {"leader": True}))
        add_group(w.company, w.estate, GroupKind.ONSITE, (guard, {"on_call": True}))
        lift = equipment_create(
            estate=w.estate, code="DT-1-01", name="1栋1号客梯", category="elevator",
            building=w.room.unit.building, location="1栋2单元", contractor=w.contractor,
            by=w.tech.user,
        )  # fmt: skip
        device, secret = device_create(
            estate=w.estate,
            name="1栋1号客梯监控",
            kind="elevator_monitor",
            subject=lift,
            by=w.exec.user,
        )
        alarm = body(dedup_key="dt101-trapped-1", message="轿厢困人报警")
        assert post(Client(), device, secret, alarm).status_code == 201
        incident = Incident.objects.get()

        phone = browser.new_context(**PHONE).new_page()
        _log_in(phone, live_server, "guard1", w.password)
        phone.goto(f"{live_server.url}/emergency/lift/")
        phone.click(f"text={incident.case.number}")
        phone.wait_for_load_state("networkidle")
        # The guard lands on the desk view of the running entrapment; the card is one tap away.
        phone.click("text=秩序员页面")
        phone.wait_for_load_state("networkidle")
        assert phone.locator(".lift-count").is_visible()
        assert "很快就会救您出来" in phone.inner_text(".lift-script")
        phone.wait_for_timeout(1200)  # the counter ticks
        assert phone.inner_text(".lift-elapsed").startswith("00:")  # the server's clock counts
        shot(phone, tmp_path, "lift-guard-card")
        # Without the checks the arrival is refused and nothing is recorded.
        phone.click("button:has-text('我已到场安抚')")
        phone.wait_for_load_state("networkidle")
        assert "请逐项确认" in phone.inner_text(".form-errors")
        incident.refresh_from_db()
        assert incident.guard_arrived_at is None
        for box in phone.locator("input[name=checks]").all():
            box.check()
        phone.click("button:has-text('我已到场安抚')")
        phone.wait_for_load_state("networkidle")
        assert phone.locator(".lift-done").is_visible()
        shot(phone, tmp_path, "lift-guard-arrived")
        incident.refresh_from_db()
        assert incident.guard_arrived_at is not None
        assert incident.case.clocks.get(rule="EMERG-LIFT-04").state == "met"

        entrapment_act(incident=incident.pk, action="call_contractor", by=w.agent.user)

        contractor = browser.new_context(**PHONE).new_page()
        _log_in(contractor, live_server, "lift", w.password)
        contractor.goto(f"{live_server.url}/emergency/lift/")
        contractor.click(f"text={incident.case.number}")
        contractor.wait_for_load_state("networkidle")
        shot(contractor, tmp_path, "lift-contractor-called")
        contractor.click("button:has-text('我已到达现场')")
        contractor.wait_for_load_state("networkidle")
        boxes = contractor.locator("input[name=checks]").all()
        assert len(boxes) == 3
        for box in boxes[1:]:
            box.check()  # the crowbar's prohibition left unconfirmed
        contractor.click("button:has-text('被困人员已解救')")
        contractor.wait_for_load_state("networkidle")
        assert "撬棍" in contractor.inner_text(".form-errors")
        assert Fault.objects.get().rescued_at is None
        for box in contractor.locator("input[name=checks]").all():
            box.check()
        shot(contractor, tmp_path, "lift-contractor-rescue")
        contractor.click("button:has-text('被困人员已解救')")
        contractor.wait_for_load_state("networkidle")
        assert contractor.locator(".lift-done").is_visible()
        fault = Fault.objects.get()
        assert fault.contractor_arrived_at is not None and fault.rescued_at is not None
        assert incident.steps.get(code="rescue").done_at is not None

        desk = browser.new_context(**PHONE).new_page()
        _log_in(desk, live_server, "agent", w.password)
        desk.goto(f"{live_server.url}/emergency/lift/{incident.pk}/")
        assert desk.locator(".lift-clocks li").count() >= 3
        shot(desk, tmp_path, "lift-desk-view")

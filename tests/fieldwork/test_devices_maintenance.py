"""EQUIP-OPS-12: the monitoring systems themselves are maintained periodically (the manual gives no
interval). A device is "maintained" while an active plan names it as its subject; the device list
and the API say which ones are not."""

from __future__ import annotations

from django.urls import reverse

from tests.fieldwork.devices_helpers import bearer, make_device
from tests.fieldwork.plans_helpers import at
from wuye.fieldwork.services.tasks import plan_create, plan_deactivate
from wuye.workflow.models import Frequency


def test_a_monitoring_system_without_a_maintenance_plan_is_flagged__EQUIP_OPS_12(
    client, world, time_machine
):
    time_machine.move_to(at("2026-11-30 09:00"), tick=False)
    device, _secret = make_device(world)
    listed = client.get("/api/v1/devices", **bearer(world.exec.user)).json()["items"]
    assert [d["maintained"] for d in listed] == [False]
    client.force_login(world.exec.user)
    assert "未安排定期维护" in client.get(reverse("fieldwork:device_list")).content.decode()

    plan = plan_create(
        estate=world.estate, name="电梯监控系统月度维护", kind="maintenance",
        rule="EQUIP-OPS-12", frequency=Frequency.MONTHLY, day_of_month=1,
        subject=device, assignee_role="technician", department="engineering",
        by=world.exec.user,
    )  # fmt: skip
    listed = client.get("/api/v1/devices", **bearer(world.exec.user)).json()["items"]
    assert [d["maintained"] for d in listed] == [True]
    assert "未安排定期维护" not in client.get(reverse("fieldwork:device_list")).content.decode()

    plan_deactivate(schedule=plan, by=world.exec.user)
    listed = client.get("/api/v1/devices", **bearer(world.exec.user)).json()["items"]
    assert [d["maintained"] for d in listed] == [False]

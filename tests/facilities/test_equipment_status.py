"""The equipment's status history (设备状态变更记录, EQUIP-OPS-01): every change of the register's
status — by the register's form or by another process (an entrapment, an outage) through
``equipment_status_set`` — is kept with from, to, reason, source, who and when; the equipment's
page shows the last 20, newest first, and the API answers the same."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from wuye.facilities.choices import EquipmentStatus
from wuye.facilities.models import Equipment, EquipmentStatusChange
from wuye.facilities.services import equipment as services

from .equip_helpers import Api, at

pytestmark = pytest.mark.django_db
IN_USE, STOPPED, UNDER_REPAIR = (EquipmentStatus.IN_USE, EquipmentStatus.STOPPED,
                                 EquipmentStatus.UNDER_REPAIR)  # fmt: skip


@pytest.fixture
def three(eng, time_machine):
    """The transformer in use, the lift stopped, a pump under repair; 2026-08-12 03:00."""
    time_machine.move_to(at(2026, 8, 12, 3, 0), tick=False)
    eng.pump = services.equipment_create(
        estate=eng.estate, code="SB-01", name="1号生活水泵", category="water",
        status=UNDER_REPAIR, by=eng.tech.user,
    )  # fmt: skip
    Equipment.objects.filter(pk=eng.lift.pk).update(status=STOPPED)
    return eng


def statuses(*items) -> list[str]:
    return [Equipment.objects.get(pk=e.pk).status for e in items]


def test_only_those_in_the_from_status_change_one_record_each__EQUIP_OPS_01(three):
    w = three
    ids = [w.transformer.pk, w.lift.pk, w.pump.pk]
    changed = services.equipment_status_set(
        equipment_ids=ids, from_status=STOPPED, to_status=IN_USE, reason="停电结束，电梯恢复运行",
        source="停水停电 YJ-20260812-0002", by=w.tech.user,
    )  # fmt: skip
    assert changed == [w.lift.pk]
    assert statuses(w.transformer, w.lift, w.pump) == [IN_USE, IN_USE, UNDER_REPAIR]
    change = EquipmentStatusChange.objects.get()
    assert (change.equipment_id, change.from_status, change.to_status) == (w.lift.pk, STOPPED,
                                                                            IN_USE)  # fmt: skip
    assert (
        change.reason == "停电结束，电梯恢复运行" and change.source == "停水停电 YJ-20260812-0002"
    )
    assert change.by == w.tech.user and change.at == at(2026, 8, 12, 3, 0)


def test_without_a_from_status_every_other_status_changes_and_the_same_is_left(three):
    w = three
    changed = services.equipment_status_set(
        equipment_ids=[w.pump.pk, w.transformer.pk, w.lift.pk], to_status=UNDER_REPAIR,
        reason="电梯困人", by=None, now=at(2026, 8, 12, 2, 59),
    )  # fmt: skip
    assert changed == sorted([w.transformer.pk, w.lift.pk])  # the pump was under repair already
    rows = EquipmentStatusChange.objects.order_by("equipment_id")
    assert [(r.from_status, r.by, r.at) for r in rows] == [
        (IN_USE, None, at(2026, 8, 12, 2, 59)), (STOPPED, None, at(2026, 8, 12, 2, 59))
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"to_status": "broken"}, "to_status"),
        ({"from_status": "gone"}, "from_status"),
        ({"reason": "  "}, "reason"),
        ({"reason": "长" * 201}, "reason"),
        ({"equipment_ids": ["x"]}, "equipment_ids"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(three, change, field):
    w = three
    values = {"equipment_ids": [w.transformer.pk], "to_status": STOPPED, "reason": "检修",
              "by": w.tech.user, **change}  # fmt: skip
    with pytest.raises(ValidationError) as error:
        services.equipment_status_set(**values)
    assert field in error.value.message_dict
    assert statuses(w.transformer) == [IN_USE] and not EquipmentStatusChange.objects.exists()


def test_a_failure_of_the_caller_undoes_the_change_and_its_record(three):
    """It runs in the caller's transaction: what the caller rolls back, it rolls back."""
    w = three
    with pytest.raises(RuntimeError), transaction.atomic():
        services.equipment_status_set(equipment_ids=[w.transformer.pk], to_status=STOPPED,
                                      reason="停电", by=w.tech.user)  # fmt: skip
        raise RuntimeError("the caller failed after it")
    assert statuses(w.transformer) == [IN_USE] and not EquipmentStatusChange.objects.exists()


def test_the_registers_form_records_a_status_change_and_nothing_else__EQUIP_OPS_01(three):
    w = three
    services.equipment_update(equipment=w.transformer, by=w.eng_head.user, location="2号配电房")
    assert not EquipmentStatusChange.objects.exists()
    services.equipment_update(equipment=w.transformer, by=w.eng_head.user, status=STOPPED,
                              location="2号配电房")  # fmt: skip
    change = EquipmentStatusChange.objects.get()
    assert (change.from_status, change.to_status, change.by) == (IN_USE, STOPPED, w.eng_head.user)
    assert change.reason == "设备台账修改" and change.source == ""
    services.equipment_update(equipment=w.transformer, by=w.eng_head.user, status=STOPPED)
    assert EquipmentStatusChange.objects.count() == 1  # the same status: no change


def test_the_page_shows_the_last_20_newest_first_and_the_api_the_same(three, client, login,
                                                                       time_machine):  # fmt: skip
    w = three
    for n in range(22):
        time_machine.move_to(at(2026, 8, 12, 4, n), tick=False)
        services.equipment_status_set(
            equipment_ids=[w.transformer.pk], to_status=STOPPED if n % 2 == 0 else IN_USE,
            reason=f"第{n + 1:02d}次", source="巡检" if n else "", by=w.tech.user,
        )  # fmt: skip
    page = login("tech").get(reverse("facilities:equipment_detail", args=[w.transformer.pk]))
    text = page.content.decode()
    assert page.status_code == 200 and "状态变更记录" in text
    shown = [f"第{n:02d}次" for n in range(1, 23) if f"第{n:02d}次" in text]
    assert shown == [f"第{n:02d}次" for n in range(3, 23)]  # the last 20
    assert text.index("第22次") < text.index("第21次") < text.index("第03次")
    rows = Api(client, w.tech.user).get(f"/equipment/{w.transformer.pk}/status-changes")
    assert [r["reason"] for r in rows] == [f"第{n:02d}次" for n in range(22, 2, -1)]
    assert rows[0] == {
        "at": "2026-08-11T20:21:00Z", "from_status": "stopped", "from_status_label": "停用",
        "to_status": "in_use", "to_status_label": "在用", "reason": "第22次", "source": "巡检",
        "by": w.tech.name,
    }  # fmt: skip


def test_a_new_piece_of_equipment_says_it_has_no_changes_yet(three, login):
    text = login("tech").get(reverse("facilities:equipment_detail", args=[three.pump.pk]))
    assert "设备状态尚未变更过" in text.content.decode()


def test_another_estates_staff_get_a_404(three, client):
    Api(client, three.outsider.user).get(f"/equipment/{three.lift.pk}/status-changes", expect=404)

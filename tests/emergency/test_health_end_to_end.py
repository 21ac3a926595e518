"""End to end with frozen time (EMERG-HEALTH-01..12): a confirmed case in 1栋2单元 — paged,
reported, the unit closed for 10 days with its cordon, twice-a-day disinfection, a release,
mask and gloves, a close contact, a delivery, the closure ending by itself, the final
disinfection, the end, the follow-up and the report; the register deleted 30 days later."""

from __future__ import annotations

import datetime as dt

import pytest

from wuye.core.exceptions import Conflict
from wuye.emergency.choices import TaskKind
from wuye.emergency.models import CloseContact
from wuye.emergency.selectors.closures import closure_for
from wuye.emergency.services import contacts, deliveries
from wuye.emergency.services.health import closure_sweep_ended, health_release, ppe_confirm
from wuye.emergency.services.incidents import incident_act
from wuye.workflow.models import PlannedTask, PlannedTaskStatus
from wuye.workflow.schedules import planned_task_sweep_missed, schedule_generate

from .health_helpers import at, close_unit, report

pytestmark = pytest.mark.django_db


def test_unit_closure_with_deliveries_and_final_disinfection__EMERG_HEALTH_01_to_12(
    hw, time_machine
):
    w = hw
    act = lambda action, by, note="", **data: incident_act(  # noqa: E731
        incident=w.incident, action=action, by=by.user, note=note, data=data
    )
    time_machine.move_to(at("2026-08-12 03:10"), tick=False)
    report(w)  # EMERG-HEALTH-04, within its 30 minutes
    closure = close_unit(w, days=10)  # EMERG-HEALTH-05: to 2026-08-22 23:59:59
    assert closure.ends_at == at("2026-08-22 23:59:59")
    cordon = w.incident.tasks.get(kind=TaskKind.CORDON)
    act("task_done", w.guard, "隔离带已设置", task=cordon.pk)  # EMERG-HEALTH-10
    act("step", w.order_head, "单元已封闭", step="closure")
    schedule_generate(now=at("2026-08-12 03:10"), horizon=dt.timedelta(days=14))
    rounds = PlannedTask.objects.filter(schedule=closure.disinfection)
    assert rounds.count() == 22  # EMERG-HEALTH-06: 11 dates × 2
    act("step", w.order_head, "消毒计划已下达", step="disinfection")
    health_release(
        incident=w.incident, by=w.agent.user, title="封闭通知", body="1栋2单元封闭，业主需居家隔离"
    )  # EMERG-HEALTH-07
    act("step", w.agent, "已发布", step="release")
    ppe_confirm(estate=w.estate, by=w.guard.user, mask=True, gloves=True)  # EMERG-HEALTH-11
    contacts.contact_create(
        incident=w.incident, by=w.head.user, name="赵某", mobile="13812345678"
    )  # EMERG-HEALTH-08
    act("step", w.order_head, "配合疾控流调", step="investigation")
    time_machine.move_to(at("2026-08-15 09:00"), tick=False)
    d = deliveries.delivery_request(room=w.room.pk, items="米、药", by=w.owner.user)
    deliveries.delivery_take(delivery=d.pk, by=w.guard.user)  # EMERG-HEALTH-12
    deliveries.delivery_deliver(delivery=d.pk, by=w.guard.user)
    deliveries.delivery_confirm(delivery=d.pk, by=w.owner.user)
    # The closure ends by itself; its rounds after the end are cancelled.
    time_machine.move_to(at("2026-08-23 00:00"), tick=False)
    assert closure_for(w.estate, room=w.room) is None
    closure_sweep_ended()
    assert not closure.disinfection.__class__.objects.get(pk=closure.disinfection_id).active
    planned_task_sweep_missed()  # rounds nobody recorded are missed, visibly
    assert not rounds.filter(status=PlannedTaskStatus.PLANNED).exists()
    assert rounds.filter(status=PlannedTaskStatus.MISSED).count() == 22
    with pytest.raises(Conflict):  # EMERG-HEALTH-09: not before the full disinfection
        act("end", w.exec, "结束")
    act("final_disinfection", w.exec)
    final = w.incident.tasks.get(kind=TaskKind.FINAL_DISINFECTION)
    act("task_done", w.cleaner, "全面消毒完毕", task=final.pk)
    act("step", w.order_head, "恢复正常秩序", step="aftermath")
    act("end", w.exec, "恢复正常秩序")
    act("followup", w.agent, "业主满意", room=w.room.pk, satisfaction=5)
    act("write_report", w.agent, summary="确诊病例，单元封闭10天", handling="封闭、消毒、配送")
    w.incident.refresh_from_db()
    assert w.incident.case.status == "closed"
    # EMERG-HEALTH-08: the register goes 30 days after the closing, the log stays.
    time_machine.move_to(at("2026-09-23 00:00:01"), tick=False)
    assert contacts.contact_purge_expired() == 1
    assert not CloseContact.objects.exists()

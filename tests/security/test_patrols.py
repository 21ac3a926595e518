"""Patrols with frozen time: the default routes and their rounds (every 2 h, key areas every
1 h, across a month end and the National Day holiday), the GUARD-08 checklist, a missed
checkpoint escalated to the order department's head, and what a patrol finds going to the right
place (repair, obstruction, incident)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.security.guards_helpers import at, order_fixture, photos  # noqa: F401
from wuye.core.models import PublicArea
from wuye.fieldwork.models import MissedCheckpoint, Round, RoundStatus
from wuye.fieldwork.services.rounds import round_sweep_missed, scan_record
from wuye.notify.models import Message
from wuye.repairs.models import RepairOrder
from wuye.security.models import Obstruction, PatrolAnomaly, SecurityIncident
from wuye.security.services import patrols as services
from wuye.workflow.models import PlannedTask
from wuye.workflow.schedules import schedule_generate

pytestmark = pytest.mark.django_db


@pytest.fixture
def routes(world, order, time_machine):
    """The default routes of the world's estate, planned from 30 September (the eve of the
    National Day holiday)."""
    time_machine.move_to(at("2026-09-30 12:00"), tick=False)
    made = services.patrol_routes_setup(
        estate=world.estate, by=order.head.user, anchor=dt.date(2026, 9, 30)
    )
    schedule_generate(now=at("2026-09-30 12:00"), horizon=dt.timedelta(days=3))
    return made


def _starts(schedule, first: str, last: str) -> list[str]:
    tasks = PlannedTask.objects.filter(
        schedule=schedule, scheduled_for__gte=at(first), scheduled_for__lte=at(last)
    ).order_by("scheduled_for")
    return [t.scheduled_for.astimezone(at(first).tzinfo).strftime("%m-%d %H:%M") for t in tasks]


def test_general_patrol_every_two_hours_through_the_holiday__GUARD_07(routes):
    general = routes.general
    assert [c.name for c in general.checkpoints.order_by("position")] == [
        "主干道", "各楼栋单元", "地下停车场",
    ]  # fmt: skip
    assert general.ordered
    # Across the month end into 1 October (a holiday): every two hours, holiday or not.
    assert _starts(routes.general_schedule, "2026-09-30 20:00", "2026-10-01 04:00") == [
        "09-30 20:00", "09-30 22:00", "10-01 00:00", "10-01 02:00", "10-01 04:00",
    ]  # fmt: skip
    task = PlannedTask.objects.get(
        schedule=routes.general_schedule, scheduled_for=at("2026-10-01 00:00")
    )
    assert task.due_at == at("2026-10-01 02:00")


def test_key_areas_every_hour__GUARD_09(routes):
    assert [c.name for c in routes.key.checkpoints.order_by("position")] == [
        "地下停车场",
        "儿童乐园",
    ]
    assert _starts(routes.key_schedule, "2026-09-30 22:00", "2026-10-01 01:00") == [
        "09-30 22:00", "09-30 23:00", "10-01 00:00", "10-01 01:00",
    ]  # fmt: skip


def test_every_checkpoint_checks_fire_lane_facilities_and_suspicious_persons__GUARD_08(routes):
    labels = [i.label for i in routes.checklist.items.order_by("position")]
    assert labels == ["消防通道是否畅通", "公共设施是否完好", "是否有可疑人员"]
    for route in (routes.general, routes.key):
        assert {c.checklist_id for c in route.checkpoints.all()} == {routes.checklist.pk}


def test_only_the_order_department_plans_patrols__GUARD_02(world, order):
    with pytest.raises(PermissionDenied):
        services.patrol_routes_setup(estate=world.estate, by=world.head.user)
    with pytest.raises(PermissionDenied):
        services.patrol_routes_setup(estate=world.estate, by=order.guards[0].user)


def test_patrol_round_with_a_skipped_checkpoint_is_missed_and_escalated__GUARD_07(
    world, order, routes, time_machine
):
    g1 = order.guards[0]
    points = list(routes.general.checkpoints.order_by("position"))
    time_machine.move_to(at("2026-09-30 22:10"), tick=False)
    scan_record(by=g1.user, token=points[0].token)
    time_machine.move_to(at("2026-09-30 22:40"), tick=False)
    scan_record(by=g1.user, token=points[2].token)  # 各楼栋单元 skipped
    time_machine.move_to(at("2026-10-01 00:01"), tick=False)
    round_sweep_missed()
    task = PlannedTask.objects.get(
        schedule=routes.general_schedule, scheduled_for=at("2026-09-30 22:00")
    )
    rnd = Round.objects.get(task=task)
    assert rnd.status == RoundStatus.MISSED
    assert [m.checkpoint.name for m in MissedCheckpoint.objects.filter(round=rnd)] == ["各楼栋单元"]
    # Escalated to the order department's head (not to another department's).
    told = Message.objects.filter(ref=f"round:{task.pk}")
    assert {m.recipient_id for m in told} == {order.head.user.pk}
    assert "各楼栋单元" in told.first().body


def test_damage_found_on_patrol_becomes_a_repair_order_with_its_photo__GUARD_11(
    world, order, routes
):
    g1 = order.guards[0]
    area = PublicArea.objects.create(estate=world.estate, kind="road", name="主干道")
    point = routes.general.checkpoints.get(name="主干道")
    with pytest.raises(ValidationError) as error:  # photo required
        services.patrol_anomaly_report(
            estate=world.estate, kind="damage", description="路灯不亮", checkpoint=point,
            public_area=area, attachments=[], by=g1.user,
        )  # fmt: skip
    assert "attachments" in error.value.message_dict
    anomaly = services.patrol_anomaly_report(
        estate=world.estate, kind="damage", description="路灯不亮", checkpoint=point,
        public_area=area, attachments=photos(g1.user), by=g1.user,
    )  # fmt: skip
    order_ = RepairOrder.objects.get(case=anomaly.case)
    assert order_.public_area == area and "路灯不亮" in order_.description
    assert anomaly.case.events.get(action="created").attachments.count() == 1


def test_fire_lane_obstruction_is_rechecked_until_clear__FIRE_14(
    world, order, routes, time_machine
):
    g1 = order.guards[0]
    time_machine.move_to(at("2026-10-31 23:30"), tick=False)
    anomaly = services.patrol_anomaly_report(
        estate=world.estate, kind="fire_lane", description="纸箱、旧沙发堆放",
        location="1栋北侧消防通道", room=world.room, attachments=photos(g1.user), by=g1.user,
    )  # fmt: skip
    found = Obstruction.objects.get(case=anomaly.case)
    assert found.kind == "fire_lane" and found.case.status == "open"
    # The owner of 1栋2单元301 is told, in the inbox and by SMS.
    owner_messages = Message.objects.filter(recipient=world.owner.user, ref__startswith="security.")
    assert {m.channel for m in owner_messages} == {"inbox", "sms"}
    assert found.owner_notified_at == at("2026-10-31 23:30")
    assert found.next_recheck_at == at("2026-11-01 01:30")  # across the month end
    from wuye.security.services.obstructions import obstruction_act

    time_machine.move_to(at("2026-11-01 01:35"), tick=False)
    with pytest.raises(ValidationError):  # a re-check without a photo
        obstruction_act(obstruction=found, action="recheck_fail", by=g1.user)
    still = obstruction_act(
        obstruction=found, action="recheck_fail", by=g1.user, attachments=photos(g1.user)
    )
    assert still.case.status == "open" and still.rechecks == 1
    assert still.next_recheck_at == at("2026-11-01 03:35")
    time_machine.move_to(at("2026-11-01 03:40"), tick=False)
    done = obstruction_act(
        obstruction=found, action="recheck_pass", by=g1.user, attachments=photos(g1.user)
    )
    assert done.case.status == "cleared" and done.cleared_at == at("2026-11-01 03:40")
    assert done.next_recheck_at is None


def test_ebike_in_a_stairwell_is_an_obstruction_case__VEHICLE_12(world, order, routes):
    g1 = order.guards[0]
    anomaly = services.patrol_anomaly_report(
        estate=world.estate, kind="ebike", description="电动车停在一楼楼梯间充电",
        location="1栋2单元楼梯间", attachments=photos(g1.user), by=g1.user,
    )  # fmt: skip
    found = Obstruction.objects.get(case=anomaly.case)
    assert found.kind == "ebike" and found.room is None and found.owner_notified_at is None
    assert found.case.process == "security_obstruction"


def test_suspicious_person_is_an_incident_the_head_hears_of_at_once_with_the_110_call__GUARD_11(
    world, order, routes, time_machine
):
    g1 = order.guards[0]
    time_machine.move_to(at("2026-10-01 02:15"), tick=False)
    point = routes.key.checkpoints.get(name="地下停车场")
    anomaly = services.patrol_anomaly_report(
        estate=world.estate, kind="suspicious", description="陌生男子逐个拉车门",
        checkpoint=point, police_ref="JJ20261001-0032", attachments=photos(g1.user), by=g1.user,
    )  # fmt: skip
    incident = SecurityIncident.objects.get(case=anomaly.case)
    assert incident.location == "地下停车场"
    assert incident.head_notified_at == at("2026-10-01 02:15")
    told = Message.objects.filter(ref=f"security.incident:{incident.pk}")
    assert {m.recipient_id for m in told} == {order.head.user.pk}
    assert incident.police_ref == "JJ20261001-0032"
    assert incident.police_called_by == g1.user
    assert incident.police_called_at == at("2026-10-01 02:15")
    assert PatrolAnomaly.objects.filter(case=incident.case, checkpoint=point).exists()


def test_outsiders_cannot_report_on_patrol__GUARD_02(world, order, routes):
    with pytest.raises(PermissionDenied):
        services.patrol_anomaly_report(
            estate=world.estate, kind="ebike", description="电动车", location="1栋",
            attachments=photos(world.tech.user), by=world.tech.user,
        )  # fmt: skip


def test_a_due_recheck_is_reminded_once__FIRE_14(world, order, routes, time_machine):
    from wuye.security.services.obstructions import obstruction_open, obstruction_recheck_remind

    g1 = order.guards[0]
    time_machine.move_to(at("2026-10-01 10:00"), tick=False)
    found = obstruction_open(
        estate=world.estate, kind="ebike", location="1栋2单元楼梯间", description="电动车充电",
        attachments=photos(g1.user), by=g1.user,
    )  # fmt: skip
    assert obstruction_recheck_remind(now=at("2026-10-01 11:59")) == 0
    assert obstruction_recheck_remind(now=at("2026-10-01 12:00")) == 1
    assert obstruction_recheck_remind(now=at("2026-10-01 12:05")) == 1  # still due, not re-sent
    told = Message.objects.filter(
        ref=f"security.obstruction:{found.pk}", subject__startswith="请复查"
    )
    assert {m.recipient_id for m in told} == {order.head.user.pk}

"""The process engine end to end on a toy process: actions, clocks, escalation, notifications."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from tests.images import photo_of, signature_of
from tests.workflow.toy import TOY
from wuye.core.exceptions import Conflict
from wuye.workflow import services
from wuye.workflow.choices import ClockState
from wuye.workflow.engine import Action, Clock, Process, ProcessError, State
from wuye.workflow.models import Case, Event, EventImmutable, SlaClock

SH = ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


@pytest.fixture
def opened(world, time_machine):
    time_machine.move_to(at("2026-09-30 15:00"), tick=False)
    return services.case_open(
        process=TOY, estate=world.estate, title="厨房漏水", by=world.agent.user
    )


def clock(case, key) -> SlaClock:
    return case.clocks.get(key=key)


def test_open_numbers_the_case_and_starts_clocks(opened):
    assert opened.number == "TY-20260930-0001"
    assert opened.status == "new"
    assert clock(opened, "dispatch").due_at == at("2026-09-30 16:00")
    # DESIGN.md's example: 3 working days from 2026-09-30 15:00 end 2026-10-10 23:59:59.
    assert clock(opened, "finish").due_at == at("2026-10-10 23:59:59")
    assert [e.action for e in opened.events.all()] == ["created"]


def test_numbers_follow_the_estates_local_date(world, time_machine):
    time_machine.move_to(at("2026-10-01 00:30"), tick=False)  # 2026-09-30 16:30 UTC
    case = services.case_open(process=TOY, estate=world.estate, title="a", by=world.agent.user)
    again = services.case_open(process=TOY, estate=world.estate, title="b", by=world.agent.user)
    assert (case.number, again.number) == ("TY-20261001-0001", "TY-20261001-0002")


def test_full_walk_through_actions_and_clocks(opened, world, time_machine):
    time_machine.move_to(at("2026-09-30 15:20"), tick=False)
    services.case_act(case=opened, action="dispatch", by=world.agent.user, assignee=world.tech.user)
    assert clock(opened, "dispatch").state == ClockState.MET
    services.case_act(case=opened, action="accept", by=world.tech.user)
    time_machine.move_to(at("2026-10-08 09:00"), tick=False)
    services.case_act(case=opened, action="wait_owner", by=world.tech.user, note="业主不在家")
    assert clock(opened, "finish").state == ClockState.PAUSED
    time_machine.move_to(at("2026-10-09 09:00"), tick=False)
    services.case_act(case=opened, action="resume", by=world.tech.user)
    finish = clock(opened, "finish")
    assert finish.state == ClockState.RUNNING
    assert finish.due_at == at("2026-10-11 23:59:59")  # moved by the 24 h paused
    time_machine.move_to(at("2026-10-10 10:00"), tick=False)
    files = [photo_of(world.tech.user), signature_of(world.tech.user)]
    result = services.case_act(
        case=opened, action="complete", by=world.tech.user, attachments=files
    )
    assert result.case.status == "done" and result.case.closed_at == at("2026-10-10 10:00")
    assert clock(opened, "finish").state == ClockState.MET
    assert [e.action for e in opened.events.all()] == [
        "created", "dispatch", "accept", "wait_owner", "resume", "complete",
    ]  # fmt: skip
    assert opened.events.last().actor == world.tech.user


def test_wrong_role_is_refused_with_a_reason(opened, world):
    with pytest.raises(PermissionDenied) as err:
        services.case_act(
            case=opened, action="dispatch", by=world.tech.user, assignee=world.tech.user
        )
    assert "派单" in str(err.value)
    assert opened.events.count() == 1


def test_wrong_state_is_a_conflict_with_a_reason(opened, world):
    with pytest.raises(Conflict) as err:
        services.case_act(case=opened, action="accept", by=world.tech.user)
    assert "待派单" in err.value.message and "接单" in err.value.message


def test_required_inputs_are_checked(opened, world):
    services.case_act(case=opened, action="dispatch", by=world.agent.user, assignee=world.tech.user)
    services.case_act(case=opened, action="accept", by=world.tech.user)
    with pytest.raises(ValidationError) as err:
        services.case_act(case=opened, action="complete", by=world.tech.user)
    assert {"photos", "signature"} <= set(err.value.message_dict)
    with pytest.raises(ValidationError):
        services.case_act(case=opened, action="wait_owner", by=world.tech.user, note=" ")


def test_allowed_actions_are_the_buttons_of_this_user(opened, world):
    assert [a.name for a in services.allowed_actions(case=opened, user=world.agent.user)] == [
        "dispatch", "cancel",
    ]  # fmt: skip
    assert services.allowed_actions(case=opened, user=world.tech.user) == []


def test_outsider_cannot_open_a_case_in_another_estate(world):
    from django.http import Http404

    with pytest.raises(Http404):
        services.case_open(process=TOY, estate=world.estate, title="x", by=world.outsider.user)


def test_estate_override_of_a_target(world, time_machine):
    from wuye.workflow.models import SlaTarget

    SlaTarget.objects.create(
        estate=world.estate, process="toy", clock="dispatch", amount=30, unit="minutes"
    )
    time_machine.move_to(at("2026-11-26 10:00"), tick=False)
    case = services.case_open(process=TOY, estate=world.estate, title="x", by=world.agent.user)
    assert clock(case, "dispatch").due_at == at("2026-11-26 10:30")


# --- Escalation ------------------------------------------------------------------------------


def test_sweep_warns_then_breaches_each_once_and_notifies(opened, world, time_machine):
    from wuye.notify.models import Message

    time_machine.move_to(at("2026-09-30 15:46"), tick=False)  # past 75 % of one hour
    assert services.sla_sweep() == 1
    assert services.sla_sweep() == 0
    dispatch = clock(opened, "dispatch")
    assert dispatch.warned_at is not None and dispatch.state == ClockState.RUNNING
    # Nobody is assigned yet: the warning goes to the head of the department.
    assert (
        list(Message.objects.values_list("recipient__username", "template"))
        == [("head", "sla_warning")]
        or Message.objects.filter(template="sla_warning").exists()
    )
    time_machine.move_to(at("2026-09-30 16:01"), tick=False)
    assert services.sla_sweep() == 1
    assert services.sla_sweep() == 0
    dispatch = clock(opened, "dispatch")
    assert dispatch.state == ClockState.BREACHED
    assert [e.action for e in opened.events.all()] == ["created", "sla_warning", "sla_breached"]
    breached_to = set(
        Message.objects.filter(template="sla_breached").values_list(
            "recipient__username", flat=True
        )
    )
    assert breached_to == {"head", "exec"}  # no assignee yet; the outsider's estate is not told
    # Dispatching late stops the clock but it stays breached.
    services.case_act(case=opened, action="dispatch", by=world.agent.user, assignee=world.tech.user)
    assert clock(opened, "dispatch").state == ClockState.BREACHED
    assert clock(opened, "dispatch").stopped_at is not None


def test_a_clock_found_already_late_is_breached_not_also_warned(opened, time_machine):
    time_machine.move_to(at("2026-09-30 17:00"), tick=False)
    assert services.sla_sweep() == 1
    assert [e.action for e in opened.events.all()] == ["created", "sla_breached"]


def test_paused_clock_never_escalates(opened, world, time_machine):
    services.case_act(case=opened, action="dispatch", by=world.agent.user, assignee=world.tech.user)
    services.case_act(case=opened, action="accept", by=world.tech.user)
    services.case_act(case=opened, action="wait_owner", by=world.tech.user, note="等待业主")
    time_machine.move_to(at("2026-12-30 10:00"), tick=False)
    services.sla_sweep()
    assert clock(opened, "finish").state == ClockState.PAUSED


# --- Audit trail -------------------------------------------------------------------------------


def test_events_cannot_be_changed_or_deleted_in_the_model_layer(opened):
    event = opened.events.get()
    event.note = "改写"
    with pytest.raises(EventImmutable):
        event.save()
    with pytest.raises(EventImmutable):
        event.delete()
    with pytest.raises(EventImmutable):
        Event.objects.filter(pk=event.pk).update(note="x")
    with pytest.raises(EventImmutable):
        Event.objects.filter(pk=event.pk).delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_events_cannot_be_changed_in_the_database_either(opened):
    from django.db import DatabaseError, transaction

    event = opened.events.get()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE workflow_event SET note = 'x' WHERE id = %s", [event.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM workflow_event WHERE id = %s", [event.pk])
    assert Event.objects.get(pk=event.pk).note == ""


# --- Declarations ------------------------------------------------------------------------------


def _process(**overrides) -> Process:
    base = dict(
        code="bad",
        label="bad",
        prefix="BD",
        states=(State("a", "A"), State("b", "B", terminal=True)),
        initial="a",
        actions=(Action("go", "go", ("a",), "b", frozenset({"cs_agent"})),),
        clocks=(),
    )
    base.update(overrides)
    return Process(**base)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"initial": "x"}, "initial state"),
        ({"actions": (Action("go", "go", ("a",), "zzz", frozenset({"cs_agent"})),)},
         "unknown state"),
        ({"states": (State("a", "A"), State("b", "B"), State("c", "C", terminal=True))},
         "unreachable"),
        ({"actions": (Action("go", "go", ("a",), "b", frozenset()),)}, "no role"),
        ({"clocks": (Clock("k", "X-01", "k", 1, "fortnights", ("created",), ("go",)),)},
         "unknown unit"),
        ({"clocks": (Clock("k", "X-01", "k", 1, "hours", ("created",), ("nope",)),)},
         "unknown action"),
        ({"states": (State("a", "A"), State("b", "B")),
          "clocks": (Clock("k", "X-01", "k", 1, "hours", ("created",), ()),)},
         "never stop"),
    ],
)  # fmt: skip
def test_bad_declarations_are_refused_at_start_up(overrides, message):
    with pytest.raises(ProcessError, match=message):
        _process(**overrides).validate()


def test_case_numbers_are_unique_per_estate(world, time_machine):
    time_machine.move_to(at("2026-11-26 09:00"), tick=False)
    numbers = {
        services.case_open(
            process=TOY, estate=world.estate, title=str(i), by=world.agent.user
        ).number
        for i in range(5)
    }
    assert len(numbers) == 5
    assert Case.objects.filter(estate=world.estate).count() == 5


def test_many_late_cases_reach_a_manager_as_one_digest(world, time_machine):
    from wuye.notify.models import Message

    time_machine.move_to(at("2026-11-26 09:00"), tick=False)
    cases = [
        services.case_open(process=TOY, estate=world.estate, title=f"报修{i}", by=world.agent.user)
        for i in range(3)
    ]
    time_machine.move_to(at("2026-11-26 10:30"), tick=False)
    assert services.sla_sweep() == 3
    to_head = Message.objects.filter(recipient=world.head.user)
    assert to_head.count() == 1
    digest = to_head.get()
    assert digest.template == "sla_breached_digest" and digest.context["count"] == 3
    assert all(c.number in digest.body for c in cases)
    # Each case still has its own event on its timeline.
    assert Event.objects.filter(action="sla_breached").count() == 3


def test_only_the_assignee_may_take_an_assignee_only_action(opened, world):
    from tests.factories import make_staff
    from wuye.core.choices import DepartmentKind, Role

    other = make_staff(
        world.company, "tech2", Role.TECHNICIAN, DepartmentKind.ENGINEERING, [world.estate]
    )
    services.case_act(case=opened, action="dispatch", by=world.agent.user, assignee=world.tech.user)
    with pytest.raises(PermissionDenied) as err:
        services.case_act(case=opened, action="accept", by=other.user)
    assert "处理人" in str(err.value)
    services.case_act(case=opened, action="accept", by=world.tech.user)


def test_a_clock_with_a_condition_runs_only_for_matching_cases(world, time_machine):
    from dataclasses import replace

    from wuye.workflow.engine import _REGISTRY

    only_vip = replace(TOY.clocks[0], key="vip", rule="TOY-03", only_if=(("vip", "yes"),))
    toy_vip = replace(TOY, code="toy_vip", prefix="TV", clocks=(*TOY.clocks, only_vip))
    _REGISTRY["toy_vip"] = toy_vip
    try:
        time_machine.move_to(at("2026-11-26 10:00"), tick=False)
        plain = services.case_open(
            process=toy_vip, estate=world.estate, title="a", by=world.agent.user
        )
        vip = services.case_open(
            process=toy_vip,
            estate=world.estate,
            title="b",
            by=world.agent.user,
            data={"vip": "yes"},
        )
        assert not plain.clocks.filter(key="vip").exists()
        assert vip.clocks.filter(key="vip").exists()
    finally:
        del _REGISTRY["toy_vip"]


def test_only_staff_of_the_cases_estate_can_be_assigned(opened, world):
    with pytest.raises(ValidationError) as err:
        services.case_act(
            case=opened, action="dispatch", by=world.agent.user, assignee=world.outsider.user
        )
    assert "assignee" in err.value.message_dict
    with pytest.raises(ValidationError):
        services.case_act(
            case=opened, action="dispatch", by=world.agent.user, assignee=world.owner.user
        )
    opened.refresh_from_db()
    assert opened.status == "new" and opened.assignee is None


# --- Bounded input (issue 12): every action's note and data, checked once in the engine ---------


def _written(case) -> tuple:
    from wuye.notify.models import Message

    case.refresh_from_db()
    return case.status, case.events.count(), Message.objects.count()


def test_a_note_over_2000_characters_is_refused_and_writes_nothing(opened, world):
    before = _written(opened)
    with pytest.raises(ValidationError) as refused:
        services.case_act(case=opened, action="cancel", by=world.agent.user, note="漏" * 2001)
    assert refused.value.message_dict == {"note": ["说明不能超过 2000 个字"]}
    assert _written(opened) == before
    # 2,000 characters exactly is a note like any other.
    services.case_act(case=opened, action="cancel", by=world.agent.user, note="漏" * 2000)
    assert opened.events.last().note == "漏" * 2000


def test_a_15_mb_note_is_refused_at_the_opening_too(world):
    with pytest.raises(ValidationError) as refused:
        services.case_open(process=TOY, estate=world.estate, title="漏水", by=world.agent.user,
                           note="x" * (15 * 1024 * 1024))  # fmt: skip
    assert list(refused.value.message_dict) == ["note"]
    assert not Case.objects.exists() and not Event.objects.exists()


def test_data_over_16_kb_of_json_is_refused_and_writes_nothing(opened, world):
    before = _written(opened)
    # 5,500 Chinese characters are 16,500 bytes of UTF-8: over 16 KB though under 16,384 chars.
    with pytest.raises(ValidationError) as refused:
        services.case_act(case=opened, action="cancel", by=world.agent.user, note="重复登记",
                          data={"detail": "漏" * 5500})  # fmt: skip
    assert refused.value.message_dict == {"data": ["提交的数据不能超过 16 KB"]}
    assert _written(opened) == before
    assert clock(opened, "dispatch").state == ClockState.RUNNING
    done = services.case_act(case=opened, action="cancel", by=world.agent.user, note="重复登记",
                             data={"detail": "漏" * 5000})  # fmt: skip
    assert done.case.status == "cancelled"


def test_a_report_time_outside_the_sane_years_is_refused(world):
    with pytest.raises(ValidationError) as refused:
        services.case_open(process=TOY, estate=world.estate, title="漏水", by=world.agent.user,
                           at=dt.datetime(1, 1, 1, tzinfo=dt.UTC))  # fmt: skip
    assert list(refused.value.message_dict) == ["at"]
    assert not Case.objects.exists()

"""Shifts and shift handover through the services (EQUIP-OPS-10, GUARD-04): both signatures end
a shift, open items carry over, shifts are calendar time across a month end and a holiday."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404

from tests.factories import make_staff
from wuye.core.choices import DepartmentKind, Role
from wuye.core.exceptions import Conflict
from wuye.fieldwork.models import Handover, HandoverItem, Shift
from wuye.fieldwork.selectors import shifts as selectors
from wuye.fieldwork.services import handovers
from wuye.fieldwork.services import shifts as services
from wuye.notify.models import Message
from wuye.workflow.models import Attachment

from .shifts_helpers import at, duty, hand_over, shift, sign

pytestmark = pytest.mark.django_db


@pytest.fixture
def d(world):
    return duty(world)


@pytest.fixture
def day_night(d, time_machine):
    """Day shift (op1) on duty, night shift (op2, op3) planned next."""
    time_machine.move_to(at("2026-11-26 07:55"), tick=False)
    day = shift(d, "2026-11-26 08:00", "2026-11-26 20:00", d.ops[0], name="白班")
    night = shift(d, "2026-11-26 20:00", "2026-11-27 08:00", d.ops[1], d.ops[2], name="夜班")
    services.shift_start(shift=day, by=d.ops[0].user)
    time_machine.move_to(at("2026-11-26 19:55"), tick=False)
    return day, night


def test_a_handover_cannot_end_a_shift_without_both_signatures__EQUIP_OPS_10(d, day_night):
    day, night = day_night
    handover = hand_over(d.ops[0].user, day, anomalies="2号水泵异响")
    day.refresh_from_db(), night.refresh_from_db()
    assert handover.status == "waiting" and handover.outgoing_signed_at is not None
    # Only the outgoing signature: the day shift is still on duty, the night has not started.
    assert (day.status, night.status) == ("on_duty", "planned")
    handovers.handover_sign_incoming(
        handover=handover, attachments=sign(d.ops[1].user), by=d.ops[1].user
    )
    day.refresh_from_db(), night.refresh_from_db()
    assert (day.status, night.status) == ("ended", "on_duty")
    assert day.ended_at == night.started_at == at("2026-11-26 19:55")
    assert night.taken_by == d.ops[1].user
    handover.refresh_from_db()
    signatures = selectors.handover_signatures(handover)
    assert signatures["outgoing"].uploaded_by == d.ops[0].user
    assert signatures["incoming"].uploaded_by == d.ops[1].user
    assert Attachment.objects.filter(ref=f"fieldwork.handover:{handover.pk}").count() == 2


def test_an_accepted_handover_without_the_incoming_signature_cannot_be_stored__EQUIP_OPS_10(
    d, day_night
):
    handover = hand_over(d.ops[0].user, day_night[0])
    with pytest.raises(IntegrityError), transaction.atomic():
        Handover.objects.filter(pk=handover.pk).update(status="accepted")


def test_there_is_no_way_to_end_a_shift_but_a_handover__EQUIP_OPS_10(d, day_night):
    _day, night = day_night
    assert not any(n.startswith("shift_end") for n in dir(services) + dir(handovers))
    # The night shift cannot simply be started while the day shift is on duty.
    with pytest.raises(Conflict) as error:
        services.shift_start(shift=night, by=d.ops[1].user)
    assert error.value.code == "handover_required"
    # Nor can two shifts of one post be on duty at once.
    with pytest.raises(IntegrityError), transaction.atomic():
        Shift.objects.filter(pk=night.pk).update(
            status="on_duty", started_at=at("2026-11-26 20:00")
        )


def test_incoming_signature_before_the_outgoing_one_is_a_conflict__EQUIP_OPS_10(d, day_night):
    day, night = day_night
    handover = handovers.handover_open(shift=day, by=d.ops[0].user)
    with pytest.raises(Conflict) as error:
        handovers.handover_sign_incoming(
            handover=handover, attachments=sign(d.ops[1].user), by=d.ops[1].user
        )
    assert error.value.code == "outgoing_not_signed"
    night.refresh_from_db()
    assert night.status == "planned"


def test_only_people_of_the_shifts_sign__EQUIP_OPS_10(d, day_night, world):
    day, _night = day_night
    handover = handovers.handover_open(shift=day, by=d.ops[0].user)
    # op4 is on neither shift; the head is not on them either.
    for user in (d.ops[3].user, d.head.user):
        with pytest.raises(PermissionDenied):
            handovers.handover_sign_outgoing(
                handover=handover, attachments=sign(user), by=user, operating_status="正常"
            )
    handover = handovers.handover_sign_outgoing(
        handover=handover,
        by=d.ops[0].user,
        attachments=sign(d.ops[0].user),
        operating_status="正常",
    )
    for user in (d.ops[3].user, d.ops[0].user):
        with pytest.raises(PermissionDenied):
            handovers.handover_sign_incoming(handover=handover, attachments=sign(user), by=user)
    # Staff of another estate do not see it at all.
    with pytest.raises(Http404):
        handovers.handover_sign_incoming(
            handover=handover, attachments=sign(world.outsider.user), by=world.outsider.user
        )
    handover.refresh_from_db()
    assert handover.status == "waiting"


def test_outgoing_must_write_the_status_and_sign__EQUIP_OPS_10(d, day_night):
    day, _night = day_night
    user = d.ops[0].user
    handover = handovers.handover_open(shift=day, by=user)
    with pytest.raises(ValidationError) as error:
        handovers.handover_sign_outgoing(handover=handover, attachments=sign(user), by=user)
    assert "operating_status" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        handovers.handover_sign_outgoing(
            handover=handover, attachments=[], by=user, operating_status="正常"
        )
    assert "signature" in error.value.message_dict
    handover.refresh_from_db()
    assert handover.status == "draft" and handover.operating_status == ""


def test_a_signed_handover_never_changes__EQUIP_OPS_10(d, day_night):
    day, _night = day_night
    handover = hand_over(d.ops[0].user, day)
    with pytest.raises(Conflict):
        handovers.handover_record(handover=handover, operating_status="改了", by=d.ops[0].user)
    handovers.handover_sign_incoming(
        handover=handover, attachments=sign(d.ops[1].user), by=d.ops[1].user
    )
    for call in (
        lambda: handovers.handover_record(
            handover=handover, operating_status="x", by=d.ops[0].user
        ),
        lambda: handovers.handover_refuse(handover=handover, reason="x", by=d.ops[2].user),
        lambda: handovers.handover_sign_incoming(
            handover=handover, by=d.ops[2].user, attachments=sign(d.ops[2].user)
        ),
    ):
        with pytest.raises(Conflict):
            call()
    handover.refresh_from_db()
    assert handover.operating_status == "设备运行正常" and handover.incoming_by == d.ops[1].user


def test_refusal_keeps_the_outgoing_on_duty_and_tells_them_and_the_head__EQUIP_OPS_10(d, day_night):
    day, night = day_night
    handover = hand_over(d.ops[0].user, day)
    with pytest.raises(ValidationError):
        handovers.handover_refuse(handover=handover, reason="  ", by=d.ops[1].user)
    handovers.handover_refuse(handover=handover, reason="对讲机缺一台", by=d.ops[1].user)
    day.refresh_from_db(), night.refresh_from_db(), handover.refresh_from_db()
    assert (day.status, night.status, handover.status) == ("on_duty", "planned", "refused")
    told = set(
        Message.objects.filter(ref=handover.ref, body__contains="对讲机缺一台").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"op1", "ehead"}
    # The outgoing sorts it out and hands over again.
    again = hand_over(d.ops[0].user, day, status="对讲机已补齐")
    assert again.pk != handover.pk
    handovers.handover_sign_incoming(
        handover=again, attachments=sign(d.ops[2].user), by=d.ops[2].user
    )
    night.refresh_from_db()
    assert night.status == "on_duty"


def test_two_incoming_signatures_one_handover_one_acceptance__EQUIP_OPS_10(d, day_night):
    handover = hand_over(d.ops[0].user, day_night[0])
    handovers.handover_sign_incoming(
        handover=handover, attachments=sign(d.ops[1].user), by=d.ops[1].user
    )
    with pytest.raises(Conflict):
        handovers.handover_sign_incoming(
            handover=handover, attachments=sign(d.ops[2].user), by=d.ops[2].user
        )


def test_open_items_carry_over_across_three_handovers__EQUIP_OPS_10(d, time_machine):
    time_machine.move_to(at("2026-11-26 07:55"), tick=False)
    a, b, c = d.ops[0], d.ops[1], d.ops[2]
    s1 = shift(d, "2026-11-26 08:00", "2026-11-26 20:00", a)
    s2 = shift(d, "2026-11-26 20:00", "2026-11-27 08:00", b)
    s3 = shift(d, "2026-11-27 08:00", "2026-11-27 20:00", c)
    s4 = shift(d, "2026-11-27 20:00", "2026-11-28 08:00", a)
    shift(d, "2026-11-28 08:00", "2026-11-28 20:00", b)
    services.shift_start(shift=s1, by=a.user)

    h1 = hand_over(a.user, s1, new_items=["1号电梯维保单位下午来", "屋顶水箱液位待复查"])
    handovers.handover_sign_incoming(handover=h1, attachments=sign(b.user), by=b.user)
    # Second handover: both carried; one is done now, one more is added.
    h2 = handovers.handover_open(shift=s2, by=b.user)
    assert [(i.text, i.source) for i in h2.items.all()] == [
        ("1号电梯维保单位下午来", "carried"),
        ("屋顶水箱液位待复查", "carried"),
    ]
    done = h2.items.get(text="1号电梯维保单位下午来")
    handovers.handover_sign_outgoing(
        handover=h2,
        attachments=sign(b.user),
        by=b.user,
        operating_status="正常",
        done_items=[done.pk],
        new_items=["地下室排风机待修"],
    )
    handovers.handover_sign_incoming(handover=h2, attachments=sign(c.user), by=c.user)
    # Third: the one not done and the new one come over, the done one does not.
    h3 = handovers.handover_open(shift=s3, by=c.user)
    items = list(h3.items.all())
    assert [i.text for i in items] == ["屋顶水箱液位待复查", "地下室排风机待修"]
    assert items[0].carried_from.carried_from.handover == h1
    handovers.handover_sign_outgoing(
        handover=h3,
        attachments=sign(c.user),
        by=c.user,
        operating_status="正常",
        done_items=[items[0].pk],
    )
    handovers.handover_sign_incoming(handover=h3, attachments=sign(a.user), by=a.user)
    h4 = handovers.handover_open(shift=s4, by=a.user)
    assert [i.text for i in h4.items.all()] == ["地下室排风机待修"]


def test_a_refused_handover_is_not_where_items_carry_from__EQUIP_OPS_10(d, day_night):
    day, _night = day_night
    refused = hand_over(d.ops[0].user, day, new_items=["只在被拒的记录里"])
    handovers.handover_refuse(handover=refused, reason="不清楚", by=d.ops[1].user)
    again = handovers.handover_open(shift=day, by=d.ops[0].user)
    assert not again.items.exists()


def test_chapter_apps_contribute_open_items__EQUIP_OPS_10(d, day_night, monkeypatch):
    monkeypatch.setattr(services, "_OPEN_ITEM_PROVIDERS", {})
    seen = []

    def faults(post, when):
        seen.append((post.pk, when))
        return [
            {"text": "2号电梯故障未修复", "ref": "facilities.fault:7", "url": "/f/7"},
            {"text": "", "ref": "x"},
        ]

    def broken(post, when):
        raise RuntimeError("provider down")

    services.register_open_items("engineering_duty", faults)
    services.register_open_items("engineering_duty", faults)  # twice: once
    services.register_open_items(DepartmentKind.ENGINEERING, broken)
    services.register_open_items(DepartmentKind.ORDER, lambda p, w: [{"text": "不属于这里"}])
    handover = handovers.handover_open(shift=day_night[0], by=d.ops[0].user)
    assert [(i.text, i.ref, i.url, i.source) for i in handover.items.all()] == [
        ("2号电梯故障未修复", "facilities.fault:7", "/f/7", "system")
    ]
    assert seen == [(d.post.pk, at("2026-11-26 19:55"))]


def test_night_shifts_across_month_end_and_a_holiday_are_calendar_time__EQUIP_OPS_10(
    d, time_machine
):
    # 2026-09-30 → 10-01 (National Day) and 10-31 → 11-01: a night shift is 12 hours, always.
    time_machine.move_to(at("2026-09-01 09:00"), tick=False)
    pattern = [
        {"name": "白班", "start": dt.time(8), "end": dt.time(20)},
        {"name": "夜班", "start": dt.time(20), "end": dt.time(8)},
    ]
    planned = services.shift_plan(
        post=d.post,
        first_day=dt.date(2026, 9, 30),
        last_day=dt.date(2026, 10, 1),
        pattern=pattern,
        by=d.head.user,
    )
    assert [(s.starts_at, s.ends_at) for s in planned] == [
        (at("2026-09-30 08:00"), at("2026-09-30 20:00")),
        (at("2026-09-30 20:00"), at("2026-10-01 08:00")),
        (at("2026-10-01 08:00"), at("2026-10-01 20:00")),
        (at("2026-10-01 20:00"), at("2026-10-02 08:00")),
    ]
    # Planning again keeps what exists.
    again = services.shift_plan(
        post=d.post,
        first_day=dt.date(2026, 9, 30),
        last_day=dt.date(2026, 9, 30),
        pattern=pattern,
        by=d.head.user,
    )
    assert [s.pk for s in again] == [s.pk for s in planned[:2]]
    night = shift(d, "2026-10-31 20:00", "2026-11-01 08:00", d.ops[0], name="夜班")
    shift(d, "2026-11-01 08:00", "2026-11-01 20:00", d.ops[1], name="白班")
    time_machine.move_to(at("2026-10-31 19:58"), tick=False)
    services.shift_start(shift=night, by=d.ops[0].user)
    time_machine.move_to(at("2026-11-01 07:50"), tick=False)
    handover = hand_over(d.ops[0].user, night)
    time_machine.move_to(at("2026-11-01 08:02"), tick=False)
    handovers.handover_sign_incoming(
        handover=handover, attachments=sign(d.ops[1].user), by=d.ops[1].user
    )
    night.refresh_from_db()
    assert night.ended_at == at("2026-11-01 08:02")
    # The history filters by the estate's dates: the handover belongs to November 1st.
    actor = services.actor_for(d.head.user)
    assert list(
        selectors.handover_list(actor=actor, post_id=d.post.pk, date_from=dt.date(2026, 11, 1))
    ) == [handover]
    assert not selectors.handover_list(
        actor=actor, post_id=d.post.pk, date_to=dt.date(2026, 10, 31)
    ).exists()
    week = selectors.roster_week(actor=actor, post=d.post, monday=dt.date(2026, 10, 26))
    assert [len(day.shifts) for day in week] == [0, 0, 0, 0, 0, 1, 1]


def test_overlapping_shifts_of_one_post_are_refused(d, time_machine):
    time_machine.move_to(at("2026-11-01 09:00"), tick=False)
    shift(d, "2026-11-30 20:00", "2026-12-01 08:00", d.ops[0])
    before = Shift.objects.count()
    with pytest.raises(ValidationError) as error:
        shift(d, "2026-12-01 06:00", "2026-12-01 14:00", d.ops[1], d.ops[0])
    assert "值班员1" in error.value.message_dict["staff"][0]
    assert Shift.objects.count() == before
    # Back to back is not an overlap; another post is not this post.
    shift(d, "2026-12-01 08:00", "2026-12-01 20:00", d.ops[0])
    gate = services.post_create(
        estate=d.post.estate, name="监控室", department="engineering", by=d.head.user
    )
    services.shift_create(
        post=gate,
        starts_at=at("2026-12-01 06:00"),
        ends_at=at("2026-12-01 14:00"),
        staff=[d.ops[0]],
        by=d.head.user,
    )
    planned = shift(d, "2026-12-01 19:00", "2026-12-01 21:00", d.ops[2])
    with pytest.raises(ValidationError):  # op1 is on 08:00–20:00 that day
        services.shift_assign(shift=planned, staff=[d.ops[2].pk, d.ops[0].pk], by=d.head.user)
    assert list(planned.members.values_list("staff_id", flat=True)) == [d.ops[2].pk]


def test_shift_inputs_and_roles_are_checked(d, world, time_machine):
    time_machine.move_to(at("2026-11-01 09:00"), tick=False)
    for start, end in (
        ("2026-12-01 08:00", "2026-12-01 08:00"),
        ("2026-12-01 08:00", "2026-12-02 09:00"),
    ):
        with pytest.raises(ValidationError) as error:
            shift(d, start, end, d.ops[0])
        assert "ends_at" in error.value.message_dict
    with pytest.raises(ValidationError):  # staff of another estate
        shift(d, "2026-12-01 08:00", "2026-12-01 20:00", world.outsider)
    with pytest.raises(PermissionDenied):  # an operator does not plan
        services.shift_create(
            post=d.post,
            starts_at=at("2026-12-01 08:00"),
            ends_at=at("2026-12-01 20:00"),
            by=d.ops[0].user,
        )
    with pytest.raises(PermissionDenied):  # the customer-service head is not this post's head
        services.shift_create(
            post=d.post,
            starts_at=at("2026-12-01 08:00"),
            ends_at=at("2026-12-01 20:00"),
            by=world.head.user,
        )
    with pytest.raises(Http404):
        services.shift_create(
            post=d.post,
            starts_at=at("2026-12-01 08:00"),
            ends_at=at("2026-12-01 20:00"),
            by=world.outsider.user,
        )
    assert not Shift.objects.exists()


def test_the_last_shift_closes_the_post_with_a_handover_to_the_head__EQUIP_OPS_10(
    d, world, time_machine
):
    time_machine.move_to(at("2026-12-31 07:55"), tick=False)
    last = shift(d, "2026-12-31 08:00", "2026-12-31 20:00", d.ops[0])
    services.shift_start(shift=last, by=d.ops[0].user)
    time_machine.move_to(at("2026-12-31 19:50"), tick=False)
    with pytest.raises(ValidationError):  # no next shift: only a closing handover
        handovers.handover_open(shift=last, by=d.ops[0].user)
    handover = handovers.handover_open(shift=last, by=d.ops[0].user, closing=True)
    handovers.handover_sign_outgoing(
        handover=handover,
        attachments=sign(d.ops[0].user),
        by=d.ops[0].user,
        operating_status="设备已停运",
    )
    assert [h.pk for h in selectors.handovers_to_sign(actor=services.actor_for(d.head.user))] == [
        handover.pk
    ]
    with pytest.raises(PermissionDenied):  # another department's head
        handovers.handover_sign_incoming(
            handover=handover, attachments=sign(world.head.user), by=world.head.user
        )
    handovers.handover_sign_incoming(
        handover=handover, attachments=sign(d.head.user), by=d.head.user
    )
    last.refresh_from_db(), d.post.refresh_from_db()
    assert last.status == "ended" and not d.post.active
    assert d.post.closed_at == at("2026-12-31 19:50")
    with pytest.raises(Conflict):
        shift(d, "2027-01-01 08:00", "2027-01-01 20:00", d.ops[1])


def test_staff_on_duty_pass_the_certificate_check__EQUIP_OPS_11(d, time_machine, monkeypatch):
    time_machine.move_to(at("2026-11-30 07:00"), tick=False)
    calls = []
    monkeypatch.setattr(
        services,
        "_check_on_duty_certificate",
        lambda staff, post, on: calls.append((staff.pk, post.pk, on)),
    )
    night = shift(d, "2026-11-30 20:00", "2026-12-01 08:00", d.ops[0])
    morning = shift(d, "2026-12-01 08:00", "2026-12-01 20:00", d.ops[1])
    time_machine.move_to(at("2026-11-30 20:00"), tick=False)
    services.shift_start(shift=night, by=d.ops[0].user)
    time_machine.move_to(at("2026-12-01 08:00"), tick=False)
    handover = hand_over(d.ops[0].user, night)
    handovers.handover_sign_incoming(
        handover=handover, attachments=sign(d.ops[1].user), by=d.ops[1].user
    )
    post = d.post.pk
    assert calls == [
        (d.ops[0].pk, post, dt.date(2026, 11, 30)),  # put on the night shift
        (d.ops[1].pk, post, dt.date(2026, 12, 1)),  # put on the morning shift
        (d.ops[0].pk, post, dt.date(2026, 11, 30)),  # takes the night over
        (d.ops[1].pk, post, dt.date(2026, 12, 1)),  # takes the morning over by handover
    ]
    assert morning.pk


def test_only_a_holder_of_the_posts_certificate_goes_on_duty__EQUIP_OPS_11(d, world, time_machine):
    from wuye.fieldwork.models import Certificate

    time_machine.move_to(at("2026-11-30 07:00"), tick=False)
    post = services.post_create(
        estate=world.estate, name="高配房", department="engineering",
        required_certificate="hv_electrician", by=d.head.user,
    )  # fmt: skip
    d.post = post
    with pytest.raises(ValidationError) as refused:
        shift(d, "2026-11-30 20:00", "2026-12-01 08:00", d.ops[0])
    assert "高压电工证" in str(refused.value.message_dict["certificate"])
    Certificate.objects.create(
        company=world.company, holder="staff", staff=d.ops[0], kind="hv_electrician",
        number="T01", issuer="应急管理局", expires_on=dt.date(2026, 11, 30),
        created_at=at("2026-01-01 09:00"),
    )  # fmt: skip
    night = shift(d, "2026-11-30 20:00", "2026-12-01 08:00", d.ops[0])
    # Valid on the day the shift starts (Nov 30), so the night across the month end is fine.
    assert list(night.members.values_list("staff", flat=True)) == [d.ops[0].pk]


def test_a_post_requires_a_valid_certificate_kind(d, world):
    with pytest.raises(ValidationError) as error:
        services.post_create(
            estate=world.estate,
            name="高配房",
            department="engineering",
            required_certificate="pilot",
            by=d.head.user,
        )
    assert "required_certificate" in error.value.message_dict
    post = services.post_create(
        estate=world.estate,
        name="高配房",
        department="engineering",
        required_certificate="hv_electrician",
        by=d.head.user,
    )
    assert post.required_certificate == "hv_electrician"
    guard_head = make_staff(
        world.company, "ghead", Role.DEPARTMENT_HEAD, DepartmentKind.ORDER, [world.estate]
    )
    with pytest.raises(PermissionDenied):
        services.post_create(
            estate=world.estate, name="配电室", department="engineering", by=guard_head.user
        )
    assert HandoverItem.objects.count() == 0


def test_guards_hand_over_their_post_and_articles_the_same_way__GUARD_04(world, time_machine):
    time_machine.move_to(at("2026-12-31 19:40"), tick=False)
    head = make_staff(
        world.company, "ghead", Role.DEPARTMENT_HEAD, DepartmentKind.ORDER, [world.estate]
    )
    guards = [
        make_staff(
            world.company,
            f"g{n}",
            Role.GUARD,
            DepartmentKind.ORDER,
            [world.estate],
            name=f"秩序员{n}",
        )
        for n in (1, 2)
    ]
    gate = services.post_create(
        estate=world.estate, name="东门岗", department="order", kind="gate", by=head.user
    )
    day = services.shift_create(
        post=gate,
        starts_at=at("2026-12-31 08:00"),
        ends_at=at("2026-12-31 20:00"),
        staff=[guards[0]],
        by=head.user,
    )
    night = services.shift_create(
        post=gate,
        starts_at=at("2026-12-31 20:00"),
        ends_at=at("2027-01-01 08:00"),
        staff=[guards[1]],
        by=head.user,
    )
    services.shift_start(shift=day, by=guards[0].user)
    handover = handovers.handover_open(shift=day, by=guards[0].user)
    handovers.handover_sign_outgoing(
        handover=handover,
        attachments=sign(guards[0].user),
        by=guards[0].user,
        operating_status="岗位正常，访客登记 12 人",
        articles="对讲机 2 台、警棍 1 根",
        new_items=["快递柜故障待报修"],
    )
    told = Message.objects.filter(ref=handover.ref).values_list("recipient__username", flat=True)
    assert list(told) == ["g2"]  # the incoming guard is asked to sign
    handovers.handover_sign_incoming(
        handover=handover, attachments=sign(guards[1].user), by=guards[1].user
    )
    handover.refresh_from_db()
    night.refresh_from_db()
    assert handover.articles == "对讲机 2 台、警棍 1 根" and night.status == "on_duty"
    assert night.started_at == at("2026-12-31 19:40")

"""Guard posts, shifts and the handover with 三清 (GUARD-01…05), the conduct check at shift start
(GUARD-12), with frozen time across a month end."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import make_staff
from tests.security.guards_helpers import (  # noqa: F401
    ALL_CLEARS,
    at,
    order_fixture,
    photos,
    shift,
    sign,
)
from wuye.core.choices import DepartmentKind, Role
from wuye.fieldwork.models import HandoverStatus, ShiftStatus
from wuye.fieldwork.services import handovers
from wuye.fieldwork.services import shifts as shift_services
from wuye.security.models import ConductCheck
from wuye.security.services import guards as services
from wuye.security.services.obstructions import obstruction_open

pytestmark = pytest.mark.django_db


@pytest.fixture
def night(order, time_machine):
    """The night shift of 31 October hands over to the day shift of 1 November."""
    time_machine.move_to(at("2026-10-31 12:00"), tick=False)
    g1, g2 = order.guards[0], order.guards[1]
    out = shift(order, "2026-10-31 20:00", "2026-11-01 08:00", g1, name="夜班")
    inc = shift(order, "2026-11-01 08:00", "2026-11-01 20:00", g2, name="白班")
    time_machine.move_to(at("2026-10-31 20:00"), tick=False)
    shift_services.shift_start(shift=out, by=g1.user)
    time_machine.move_to(at("2026-11-01 07:50"), tick=False)
    return out, inc


def _sign_out(order, out, **extra):
    g1 = order.guards[0]
    handover = handovers.handover_open(shift=out, by=g1.user)
    content = {
        "operating_status": "东门岗值守正常，夜间外来车辆3辆已登记",
        "equipment": {"对讲机": True, "警棍": True},
        "clears": ALL_CLEARS,
    } | extra
    return handovers.handover_sign_outgoing(
        handover=handover, attachments=sign(g1.user), by=g1.user, **content
    )


def test_guard_post_is_an_order_gate_or_patrol_post__GUARD_01(world, order):
    post = order.post
    assert (post.department, post.kind) == ("order", "gate")
    assert post.three_clears and post.equipment == ["对讲机", "警棍"]
    with pytest.raises(ValidationError) as error:
        services.guard_post_create(
            estate=world.estate, name="监控", kind="kitchen", by=order.head.user
        )
    assert "kind" in error.value.message_dict
    default = services.guard_post_create(
        estate=world.estate, name="巡逻岗", kind="patrol", by=order.head.user
    )
    assert default.equipment == list(services.DEFAULT_EQUIPMENT)


def test_only_the_order_head_plans_guard_posts__GUARD_02(world, order):
    # The customer-service head and a guard may not; the order department's head did above.
    for user in (world.head.user, order.guards[0].user):
        with pytest.raises(PermissionDenied):
            services.guard_post_create(estate=world.estate, name="西门岗", kind="gate", by=user)


def test_handover_without_both_signatures_cannot_end_the_shift__GUARD_04(order, night):
    out, inc = night
    g2 = order.guards[1]
    handover = _sign_out(order, out)
    assert handover.status == HandoverStatus.WAITING
    out.refresh_from_db()
    assert out.status == ShiftStatus.ON_DUTY  # the outgoing signature alone ends nothing
    with pytest.raises(ValidationError) as error:
        handovers.handover_sign_incoming(handover=handover, attachments=[], by=g2.user,
                                         clears=ALL_CLEARS)  # fmt: skip
    assert "signature" in error.value.message_dict
    out.refresh_from_db()
    inc.refresh_from_db()
    assert (out.status, inc.status) == (ShiftStatus.ON_DUTY, ShiftStatus.PLANNED)
    handovers.handover_sign_incoming(
        handover=handover, attachments=sign(g2.user), by=g2.user, clears=ALL_CLEARS
    )
    out.refresh_from_db()
    inc.refresh_from_db()
    assert (out.status, inc.status) == (ShiftStatus.ENDED, ShiftStatus.ON_DUTY)
    assert out.ended_at == at("2026-11-01 07:50")  # across the month end


def test_post_equipment_is_checked_item_by_item__GUARD_04(order, night):
    out, _inc = night
    with pytest.raises(ValidationError) as error:
        _sign_out(order, out, equipment={"对讲机": True})
    assert "警棍" in error.value.message_dict["equipment"][0]
    # A missing piece is written down as an anomaly.
    with pytest.raises(ValidationError) as error:
        _sign_out(order, out, equipment={"对讲机": True, "警棍": False})
    assert "anomalies" in error.value.message_dict
    handover = _sign_out(
        order, out, equipment={"对讲机": True, "警棍": False}, anomalies="警棍1根损坏，已报部门"
    )
    assert handover.equipment_checks == [
        {"name": "对讲机", "ok": True},
        {"name": "警棍", "ok": False},
    ]


def test_three_clears_confirmed_by_both_sides__GUARD_05(order, night):
    out, inc = night
    g2 = order.guards[1]
    with pytest.raises(ValidationError) as error:
        _sign_out(order, out, clears=["situation", "items"])
    assert "记录清" in error.value.message_dict["clears"][0]
    handover = _sign_out(order, out)
    with pytest.raises(ValidationError) as error:
        handovers.handover_sign_incoming(
            handover=handover, attachments=sign(g2.user), by=g2.user, clears=["situation"]
        )
    assert "物品清" in error.value.message_dict["clears"][0]
    inc.refresh_from_db()
    assert inc.status == ShiftStatus.PLANNED
    handover = handovers.handover_sign_incoming(
        handover=handover, attachments=sign(g2.user), by=g2.user, clears=ALL_CLEARS
    )
    assert handover.outgoing_clears == handover.incoming_clears == ALL_CLEARS


def test_open_obstructions_are_handed_over__GUARD_03(world, order, night):
    out, _inc = night
    g1 = order.guards[0]
    found = obstruction_open(
        estate=world.estate, kind="fire_lane", location="2栋北侧消防通道", description="纸箱堆放",
        attachments=photos(g1.user), by=g1.user,
    )  # fmt: skip
    handover = handovers.handover_open(shift=out, by=g1.user)
    refs = [item.ref for item in handover.items.all()]
    assert f"security.obstruction:{found.pk}" in refs


def test_guard_confirms_badge_uniform_and_polite_language_at_shift_start__GUARD_12(
    world, order, night
):
    out, inc = night
    g1, g2 = order.guards[0], order.guards[1]
    with pytest.raises(ValidationError) as error:
        services.conduct_check_record(shift=inc, by=g2.user, badge=True, uniform=False,
                                      polite=True)  # fmt: skip
    assert set(error.value.message_dict) == {"uniform"}
    check = services.conduct_check_record(
        shift=inc, by=g2.user, badge=True, uniform=True, polite=True
    )
    assert check.checked_at == at("2026-11-01 07:50")
    again = services.conduct_check_record(
        shift=inc, by=g2.user, badge=True, uniform=True, polite=True
    )
    assert again.pk == check.pk and ConductCheck.objects.count() == 1
    with pytest.raises(PermissionDenied):  # not on that shift
        services.conduct_check_record(shift=inc, by=g1.user, badge=True, uniform=True,
                                      polite=True)  # fmt: skip
    other = make_staff(world.company, "g9", Role.GUARD, DepartmentKind.ORDER, [world.estate])
    with pytest.raises(PermissionDenied):
        services.conduct_check_record(shift=out, by=other.user, badge=True, uniform=True,
                                      polite=True)  # fmt: skip

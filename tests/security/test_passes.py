"""《临时出入证》 (GUARD-10): validity from/until (inclusive, to the minute, local to the estate)
and number of entries; refused with the reason; every scan recorded with gate and guard;
decoration workers' passes never outlive the room's 装修登记; residents pre-register guests."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from tests.security.visitors_helpers import at, make_guard
from wuye.security.choices import DecorationStatus, PassKind, ScanResult, VisitReason
from wuye.security.models import PassScan, Visitor
from wuye.security.services import decoration as decoration_services
from wuye.security.services import passes as services

pytestmark = pytest.mark.django_db


def _pass(world, time_machine, start="2026-12-07 14:00", end="2026-12-07 16:00", n=2, **kw):
    time_machine.move_to(at("2026-12-07 09:00"), tick=False)
    kw.setdefault("kind", PassKind.GUEST)
    kw.setdefault("room", world.room)
    return services.pass_issue(
        estate=world.estate, visitor_name="王小明", valid_from=at(start), valid_until=at(end),
        max_entries=n, by=world.agent.user, **kw,
    )  # fmt: skip


def _scan(world, guard, p, when, gate="东门"):
    import time_machine as tm

    with tm.travel(at(when), tick=False):
        return services.pass_scan(estate=world.estate, code=p.code, gate=gate, by=guard.user)


def test_pass_14_to_16_for_two_entries_accepted_at_15_refused_at_1601_and_on_a_third_scan__GUARD_10(
    world, time_machine
):
    guard = make_guard(world)
    p = _pass(world, time_machine)
    first = _scan(world, guard, p, "2026-12-07 15:00")
    assert first.result == ScanResult.ACCEPTED
    assert _scan(world, guard, p, "2026-12-07 16:01").result == ScanResult.EXPIRED
    second = _scan(world, guard, p, "2026-12-07 15:30", gate="北门")
    assert second.result == ScanResult.ACCEPTED
    third = _scan(world, guard, p, "2026-12-07 15:40")
    assert third.result == ScanResult.USED_UP
    p.refresh_from_db()
    assert p.entries_used == 2
    # Every scan, accepted or refused, is recorded with gate and guard.
    scans = PassScan.objects.filter(temporary_pass=p)
    assert scans.count() == 4
    assert {s.guard_id for s in scans} == {guard.user_id}
    assert set(scans.values_list("gate", flat=True)) == {"东门", "北门"}
    # An accepted scan writes the visitor into the register (GUARD-06).
    assert Visitor.objects.filter(temporary_pass=p, reason=VisitReason.GUEST).count() == 2


@pytest.mark.parametrize(
    ("when", "result"),
    [
        ("2026-12-07 13:59:59", ScanResult.NOT_YET_VALID),
        ("2026-12-07 14:00:00", ScanResult.ACCEPTED),
        ("2026-12-07 16:00:59", ScanResult.ACCEPTED),
        ("2026-12-07 16:01:00", ScanResult.EXPIRED),
    ],
)
def test_pass_period_is_inclusive_at_both_edges_to_the_minute__GUARD_10(
    world, time_machine, when, result
):
    guard = make_guard(world)
    p = _pass(world, time_machine)
    assert _scan(world, guard, p, when).result == result


def test_pass_times_without_a_zone_are_the_estates_local_time__GUARD_10(world, time_machine):
    guard = make_guard(world)
    time_machine.move_to(at("2026-12-07 09:00"), tick=False)
    p = services.pass_issue(
        estate=world.estate, kind=PassKind.GUEST, visitor_name="李四", room=world.room,
        valid_from=dt.datetime(2026, 12, 7, 14, 0), valid_until=dt.datetime(2026, 12, 7, 16, 0),
        max_entries=1, by=world.agent.user,
    )  # fmt: skip
    assert p.valid_from == at("2026-12-07 14:00")
    # 16:00 Shanghai is 08:00 UTC: a scan at 08:00:30 UTC is inside the last minute.
    with time_machine_at(dt.datetime(2026, 12, 7, 8, 0, 30, tzinfo=dt.UTC)):
        scan = services.pass_scan(estate=world.estate, code=p.code, by=guard.user)
    assert scan.result == ScanResult.ACCEPTED


def time_machine_at(when):
    import time_machine as tm

    return tm.travel(when, tick=False)


def test_pass_over_new_years_day_holiday_crosses_month_quarter_and_year__GUARD_10(
    world, time_machine
):
    guard = make_guard(world)
    time_machine.move_to(at("2026-12-31 20:00"), tick=False)
    p = services.pass_issue(
        estate=world.estate, kind=PassKind.GUEST, visitor_name="春节访客", room=world.room,
        valid_from=at("2026-12-31 20:00"), valid_until=at("2027-01-01 10:00"), max_entries=3,
        by=world.agent.user,
    )  # fmt: skip
    assert _scan(world, guard, p, "2027-01-01 09:59").result == ScanResult.ACCEPTED
    assert _scan(world, guard, p, "2027-01-01 10:01").result == ScanResult.EXPIRED


def test_revoked_pass_and_unknown_code_are_refused_and_recorded__GUARD_10(world, time_machine):
    guard = make_guard(world)
    p = _pass(world, time_machine)
    services.pass_revoke(temporary_pass=p, by=world.agent.user)
    assert _scan(world, guard, p, "2026-12-07 15:00").result == ScanResult.REVOKED
    with time_machine_at(at("2026-12-07 15:00")):
        unknown = services.pass_scan(estate=world.estate, code="ZZZZ-ZZZZ", by=guard.user)
    assert unknown.result == ScanResult.UNKNOWN and unknown.temporary_pass is None
    assert PassScan.objects.count() == 2


def test_a_pass_of_another_estate_is_unknown_at_this_gate__GUARD_10(world, time_machine):
    guard = make_guard(world)
    time_machine.move_to(at("2026-12-07 09:00"), tick=False)
    other = services.pass_issue(
        estate=world.other_estate, kind=PassKind.GUEST, visitor_name="王五",
        room=world.other_room, valid_until=at("2026-12-07 18:00"), by=world.outsider.user,
    )  # fmt: skip
    scan = services.pass_scan(estate=world.estate, code=other.code, by=guard.user)
    assert scan.result == ScanResult.UNKNOWN


def test_scan_accepts_the_code_typed_with_a_dash_or_pasted_as_the_qr_url__GUARD_10(
    world, time_machine
):
    code = "ABCD2345"
    assert services.parse_pass_code("abcd-2345") == code
    assert services.parse_pass_code(f"http://x/security/passes/scan/?code={code}") == code
    assert services.parse_pass_code(f" http://x/security/passes/scan/{code}/ ") == code


def test_decoration_worker_pass_never_outlives_the_permit__GUARD_10(world, time_machine):
    time_machine.move_to(at("2026-12-07 09:00"), tick=False)
    # No 装修登记 for the room: an ordinary pass, at most a month, tied to nothing.
    loose = services.pass_issue(
        estate=world.estate, kind=PassKind.DECORATION, visitor_name="李师傅",
        room=world.room, valid_until=at("2026-12-08 18:00"), by=world.agent.user,
    )  # fmt: skip
    assert loose.decoration_permit is None
    with pytest.raises(ValidationError) as exc:
        services.pass_issue(
            estate=world.estate, kind=PassKind.DECORATION, visitor_name="李师傅",
            room=world.room, valid_until=at("2027-02-08 18:00"), by=world.agent.user,
        )  # fmt: skip
    assert "valid_until" in exc.value.message_dict
    permit = decoration_services.decoration_permit_register(
        estate=world.estate, room=world.room, company="杭州美家装饰", person_in_charge="赵工",
        phone="13900001111", starts_on=dt.date(2026, 12, 7), ends_on=dt.date(2026, 12, 31),
        by=world.agent.user,
    )  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        services.pass_issue(
            estate=world.estate, kind=PassKind.DECORATION, visitor_name="张师傅",
            room=world.room, valid_until=at("2027-01-01 00:00"), max_entries=50,
            by=world.agent.user,
        )  # fmt: skip
    assert "valid_until" in exc.value.message_dict
    p = services.pass_issue(
        estate=world.estate, kind=PassKind.DECORATION, visitor_name="张师傅", room=world.room,
        valid_until=at("2026-12-31 23:59"), max_entries=50, by=world.agent.user,
    )  # fmt: skip
    assert p.decoration_permit == permit
    guard = make_guard(world)
    assert _scan(world, guard, p, "2026-12-20 08:00").result == ScanResult.ACCEPTED
    # Finished early: the workers' passes stop with it.
    decoration_services.decoration_permit_close(
        permit=permit, status=DecorationStatus.FINISHED, by=world.agent.user
    )
    assert _scan(world, guard, p, "2026-12-21 08:00").result == ScanResult.REVOKED


def test_resident_pre_registers_a_guest_for_their_own_room_only__GUARD_10(world, time_machine):
    time_machine.move_to(at("2026-12-07 09:00"), tick=False)
    p = services.pass_issue(
        estate=world.estate, kind=PassKind.GUEST, visitor_name="表妹", room=world.room,
        valid_until=at("2026-12-07 22:00"), max_entries=2, by=world.owner.user,
    )  # fmt: skip
    assert p.source == "portal"
    with pytest.raises(Http404):
        services.pass_issue(
            estate=world.estate, kind=PassKind.GUEST, visitor_name="表妹", room=world.room2,
            valid_until=at("2026-12-07 22:00"), by=world.owner.user,
        )  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.pass_issue(
            estate=world.estate, kind=PassKind.DECORATION, visitor_name="工人", room=world.room,
            valid_until=at("2026-12-07 22:00"), by=world.owner.user,
        )  # fmt: skip
    # A resident cannot scan at the gate.
    with pytest.raises(Http404):
        services.pass_scan(estate=world.estate, code=p.code, by=world.owner.user)


def test_pass_issue_refuses_a_bad_period_and_entries__GUARD_10(world, time_machine):
    time_machine.move_to(at("2026-12-07 09:00"), tick=False)
    cases = [
        dict(valid_from=at("2026-12-07 16:00"), valid_until=at("2026-12-07 14:00")),
        dict(valid_until=at("2026-12-07 08:00")),
        dict(valid_until=at("2027-02-07 08:00")),
        dict(valid_until=at("2026-12-07 18:00"), max_entries=0),
    ]
    for kw in cases:
        with pytest.raises(ValidationError):
            services.pass_issue(
                estate=world.estate, kind=PassKind.GUEST, visitor_name="甲", room=world.room,
                by=world.agent.user, **kw,
            )  # fmt: skip


def test_pass_times_follow_the_estates_own_time_zone__GUARD_10(world, time_machine):
    world.estate.time_zone = "Asia/Urumqi"  # UTC+6
    world.estate.save(update_fields=["time_zone"])
    guard = make_guard(world)
    time_machine.move_to(at("2026-12-07 09:00"), tick=False)
    p = services.pass_issue(
        estate=world.estate, kind=PassKind.GUEST, visitor_name="阿依", room=world.room,
        valid_from=dt.datetime(2026, 12, 7, 14, 0), valid_until=dt.datetime(2026, 12, 7, 16, 0),
        max_entries=1, by=world.agent.user,
    )  # fmt: skip
    assert p.valid_until == dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC)
    # 16:01 in Shanghai is 14:01 in Urumqi: still valid there.
    assert _scan(world, guard, p, "2026-12-07 16:01").result == ScanResult.ACCEPTED

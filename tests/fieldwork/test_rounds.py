"""Rounds through the services, with frozen time: scanning in the window, the flags against a
photographed label, the outcome of a round (done, or missed naming its checkpoints), and the
writes of routes and checkpoints with their refusals."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from tests.factories import make_staff
from tests.fieldwork.rounds_helpers import LAT, LON, at, make_rounds, make_route, north, task_at
from wuye.core.choices import DepartmentKind, Role
from wuye.core.exceptions import Conflict
from wuye.fieldwork.models import Checkpoint, MissedCheckpoint, Round, Scan
from wuye.fieldwork.selectors import rounds as selectors
from wuye.fieldwork.services import rounds as services
from wuye.notify.models import Message
from wuye.workflow.models import PlannedTaskStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def guard(world):
    return make_staff(world.company, "guard", Role.GUARD, DepartmentKind.ORDER, [world.estate])


@pytest.fixture
def eng_head(world):
    return make_staff(
        world.company, "eng_head", Role.DEPARTMENT_HEAD, DepartmentKind.ENGINEERING, [world.estate]
    )


@pytest.fixture
def patrol(world, time_machine, eng_head):
    """Rounds every day 22:00–24:00 over three checkpoints 100 m apart, from 2026-11-26."""
    time_machine.move_to(at("2026-11-26 12:00"), tick=False)
    route, points = make_route(world.estate, world.exec.user)
    schedule = make_rounds(world.estate, route, world.exec.user, anchor=dt.date(2026, 11, 26))
    return route, points, schedule


def scan(user, point, *, metres_north: float | None = None, accuracy=None, **kwargs):
    """Scan ``point`` standing ``metres_north`` of the route's origin (None: no position)."""
    position = {}
    if metres_north is not None:
        position = {"latitude": north(metres_north), "longitude": LON, "accuracy": accuracy}
    return services.scan_record(by=user, token=point.token, **position, **kwargs)


def test_round_with_every_checkpoint_scanned_is_done_by_the_last_scanner(
    world, guard, patrol, time_machine
):
    _route, points, schedule = patrol
    time_machine.move_to(at("2026-11-26 22:05"), tick=False)
    first = scan(guard.user, points[0], metres_north=0, accuracy=10)
    assert not first.duplicate and not first.completed and not first.scan.flagged
    time_machine.move_to(at("2026-11-26 22:07"), tick=False)
    scan(guard.user, points[1], metres_north=100)
    time_machine.move_to(at("2026-11-26 22:09"), tick=False)
    last = scan(world.tech.user, points[2], metres_north=200)
    assert last.completed
    task = task_at(schedule, "2026-11-26 22:00")
    assert task.status == PlannedTaskStatus.DONE and task.done_by == world.tech.user
    assert task.done_at == at("2026-11-26 22:09")
    assert Round.objects.get(task=task).status == "done"
    assert not Message.objects.filter(idempotency_key__startswith="round:").exists()


def test_round_with_one_checkpoint_not_scanned_is_marked_missed_and_names_it(
    world, guard, patrol, eng_head, time_machine
):
    """Done-when: "A round with one checkpoint not scanned is marked missed and names it"."""
    _route, points, schedule = patrol
    time_machine.move_to(at("2026-11-26 22:05"), tick=False)
    scan(guard.user, points[0], metres_north=0)
    time_machine.move_to(at("2026-11-26 22:10"), tick=False)
    scan(guard.user, points[2], metres_north=200)
    time_machine.move_to(at("2026-11-27 00:01"), tick=False)
    assert services.round_sweep_missed() == 1
    task = task_at(schedule, "2026-11-26 22:00")
    assert task.status == PlannedTaskStatus.MISSED
    rnd = Round.objects.get(task=task)
    assert rnd.status == "missed" and rnd.closed_at == at("2026-11-27 00:01")
    assert [m.checkpoint.name for m in rnd.missed.all()] == ["巡检点2"]
    rows = selectors.round_rows(task)
    assert [(r.checkpoint.name, r.missed) for r in rows] == [
        ("巡检点1", False),
        ("巡检点2", True),
        ("巡检点3", False),
    ]
    # The engineering head is told once, naming the checkpoint; another department's is not.
    notes = Message.objects.filter(idempotency_key__startswith=f"round:{task.pk}:")
    assert [m.recipient for m in notes] == [eng_head.user]
    assert "巡检点2" in notes[0].body and "巡检点2" in notes[0].subject + notes[0].body
    # Idempotent: a second sweep closes nothing and tells nobody again.
    assert services.round_sweep_missed() == 0
    assert MissedCheckpoint.objects.count() == 1
    assert Message.objects.filter(idempotency_key__startswith=f"round:{task.pk}:").count() == 1


def test_round_never_started_misses_every_checkpoint(world, patrol, time_machine):
    _route, points, schedule = patrol
    time_machine.move_to(at("2026-11-27 00:30"), tick=False)
    assert services.round_sweep_missed() == 1
    rnd = Round.objects.get(task=task_at(schedule, "2026-11-26 22:00"))
    assert [m.checkpoint_id for m in rnd.missed.all()] == [p.pk for p in points]


def test_scan_200_m_from_its_checkpoint_is_flagged_too_far(world, guard, patrol, time_machine):
    """Done-when: "a scan 200 m from its checkpoint is flagged"."""
    _route, points, _schedule = patrol
    time_machine.move_to(at("2026-11-26 22:05"), tick=False)
    result = scan(guard.user, points[0], metres_north=200, accuracy=15)
    assert result.scan.too_far and result.scan.distance_m == 200
    # Within the radius (30 m) plus the phone's accuracy (15 m): not flagged.
    time_machine.move_to(at("2026-11-26 22:08"), tick=False)
    near = scan(guard.user, points[1], metres_north=140, accuracy=15)
    assert not near.scan.too_far and near.scan.distance_m == 40


def test_scan_without_a_position_records_no_distance(world, guard, patrol, time_machine):
    _route, points, _schedule = patrol
    time_machine.move_to(at("2026-11-26 22:05"), tick=False)
    result = scan(guard.user, points[0])
    assert result.scan.latitude is None and result.scan.distance_m is None
    assert not result.scan.too_far


def test_scans_faster_than_walking_are_flagged_too_fast(world, guard, patrol, time_machine):
    _route, points, _schedule = patrol
    time_machine.move_to(at("2026-11-26 22:05:00"), tick=False)
    scan(guard.user, points[0])
    # 100 m at 3 m/s takes 34 s; 10 s later is a photo of the next label.
    time_machine.move_to(at("2026-11-26 22:05:10"), tick=False)
    assert scan(guard.user, points[1]).scan.too_fast
    time_machine.move_to(at("2026-11-26 22:06:00"), tick=False)
    assert not scan(guard.user, points[2]).scan.too_fast


def test_unsurveyed_route_uses_the_minimum_gap(world, guard, time_machine):
    time_machine.move_to(at("2026-11-26 12:00"), tick=False)
    route, points = make_route(world.estate, world.exec.user, surveyed=False, min_gap=60)
    make_rounds(world.estate, route, world.exec.user, anchor=dt.date(2026, 11, 26))
    time_machine.move_to(at("2026-11-26 22:05:00"), tick=False)
    scan(guard.user, points[0])
    time_machine.move_to(at("2026-11-26 22:05:59"), tick=False)
    assert scan(guard.user, points[1]).scan.too_fast
    time_machine.move_to(at("2026-11-26 22:07:00"), tick=False)
    assert not scan(guard.user, points[2]).scan.too_fast


def test_ordered_route_flags_a_checkpoint_scanned_before_an_earlier_one__GUARD_07(
    world, guard, time_machine
):
    time_machine.move_to(at("2026-11-26 12:00"), tick=False)
    route, points = make_route(world.estate, world.exec.user, ordered=True)
    schedule = make_rounds(world.estate, route, world.exec.user, anchor=dt.date(2026, 11, 26))
    time_machine.move_to(at("2026-11-26 22:05"), tick=False)
    assert not scan(guard.user, points[0]).scan.out_of_order
    time_machine.move_to(at("2026-11-26 22:10"), tick=False)
    assert scan(guard.user, points[2]).scan.out_of_order
    time_machine.move_to(at("2026-11-26 22:15"), tick=False)
    # It still counts: the round completes when the skipped one is scanned.
    result = scan(guard.user, points[1])
    assert not result.scan.out_of_order and result.completed
    assert task_at(schedule, "2026-11-26 22:00").status == PlannedTaskStatus.DONE


def test_any_order_route_never_flags_the_order(world, guard, patrol, time_machine):
    _route, points, _schedule = patrol
    for minute, point in zip((5, 10, 15), reversed(points), strict=True):
        time_machine.move_to(at(f"2026-11-26 22:{minute:02d}"), tick=False)
        assert not scan(guard.user, point).scan.out_of_order


def test_flagged_scans_of_a_done_round_are_told_to_the_head_once(
    world, guard, patrol, eng_head, time_machine
):
    _route, points, schedule = patrol
    time_machine.move_to(at("2026-11-26 22:05"), tick=False)
    scan(guard.user, points[0], metres_north=300)
    time_machine.move_to(at("2026-11-26 22:10"), tick=False)
    scan(guard.user, points[1])
    time_machine.move_to(at("2026-11-26 22:15"), tick=False)
    scan(guard.user, points[2])
    task = task_at(schedule, "2026-11-26 22:00")
    notes = Message.objects.filter(idempotency_key__startswith=f"round:{task.pk}:")
    assert [m.recipient for m in notes] == [eng_head.user]
    assert "巡检点1" in notes[0].body and "300" in notes[0].body
    time_machine.move_to(at("2026-11-27 01:00"), tick=False)
    assert services.round_sweep_missed() == 0


def test_same_checkpoint_twice_is_recorded_once(world, guard, patrol, time_machine):
    _route, points, _schedule = patrol
    time_machine.move_to(at("2026-11-26 22:05"), tick=False)
    scan(guard.user, points[0])
    time_machine.move_to(at("2026-11-26 22:06"), tick=False)
    again = services.scan_record(by=world.tech.user, code=points[0].code.lower())
    assert again.duplicate and again.scan.scanned_at == at("2026-11-26 22:05")
    assert Scan.objects.count() == 1


def test_scan_at_due_time_exactly_counts_one_minute_after_is_refused(
    world, guard, patrol, time_machine
):
    _route, points, _schedule = patrol
    time_machine.move_to(at("2026-11-26 21:59:59"), tick=False)
    with pytest.raises(Conflict) as early:
        scan(guard.user, points[0])
    assert early.value.code == "no_round"
    time_machine.move_to(at("2026-11-27 00:00"), tick=False)  # due_at itself
    assert scan(guard.user, points[0]).scan.scanned_at == at("2026-11-27 00:00")
    time_machine.move_to(at("2026-11-27 00:01"), tick=False)
    with pytest.raises(Conflict, match="没有进行中的巡查"):
        scan(guard.user, points[1])
    assert Scan.objects.count() == 1


def test_round_across_midnight_on_the_last_day_of_a_month(world, guard, time_machine):
    time_machine.move_to(at("2026-10-31 12:00"), tick=False)
    route, points = make_route(world.estate, world.exec.user, n=2)
    schedule = make_rounds(
        world.estate, route, world.exec.user, anchor=dt.date(2026, 10, 31), times=("23:00",)
    )
    task = task_at(schedule, "2026-10-31 23:00")
    assert task.due_at == at("2026-11-01 01:00")
    time_machine.move_to(at("2026-10-31 23:50"), tick=False)
    scan(guard.user, points[0])
    time_machine.move_to(at("2026-11-01 00:40"), tick=False)
    assert scan(guard.user, points[1]).completed
    task.refresh_from_db()
    assert task.status == PlannedTaskStatus.DONE


def test_holiday_makes_no_difference_to_a_24x7_round__EQUIP_OPS_06(world, guard, time_machine):
    """2026-10-01 (National Day): the elevators are patrolled every hour as on any other day,
    each round one hour long (calendar hours, never working days). At 09:00 two windows meet:
    the scan goes to the 08:00 round while it still lacks the checkpoint, then to the 09:00 one."""
    time_machine.move_to(at("2026-09-30 20:00"), tick=False)
    route, points = make_route(world.estate, world.exec.user, n=1)
    schedule = make_rounds(
        world.estate,
        route,
        world.exec.user,
        anchor=dt.date(2026, 9, 30),
        frequency="hourly",
        interval=1,
        times=("00:00",),
        hours=1,
    )
    eight, nine = task_at(schedule, "2026-10-01 08:00"), task_at(schedule, "2026-10-01 09:00")
    assert (eight.due_at, nine.due_at) == (at("2026-10-01 09:00"), at("2026-10-01 10:00"))
    time_machine.move_to(at("2026-10-01 09:00"), tick=False)
    assert scan(guard.user, points[0]).round.task_id == eight.pk
    assert scan(guard.user, points[0]).round.task_id == nine.pk
    eight.refresh_from_db()
    nine.refresh_from_db()
    assert eight.status == nine.status == PlannedTaskStatus.DONE


def test_bad_coordinates_are_refused_and_record_nothing(world, guard, patrol, time_machine):
    _route, points, _schedule = patrol
    time_machine.move_to(at("2026-11-26 22:05"), tick=False)
    for lat, lon, field in [
        (91, LON, "latitude"),
        (LAT, 181, "longitude"),
        (float("nan"), LON, "latitude"),
        (LAT, "inf", "longitude"),
        ("北纬", LON, "latitude"),
        (LAT, None, "longitude"),
    ]:
        with pytest.raises(ValidationError) as error:
            services.scan_record(by=guard.user, token=points[0].token, latitude=lat, longitude=lon)
        assert field in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.scan_record(
            by=guard.user, token=points[0].token, latitude=LAT, longitude=LON, accuracy=-5
        )
    assert "accuracy" in error.value.message_dict
    assert not Scan.objects.exists() and not Round.objects.exists()


def test_another_estates_label_is_refused(world, patrol, time_machine):
    """A photographed label of another estate does not advance this estate's round."""
    _route, points, _schedule = patrol
    time_machine.move_to(at("2026-11-26 12:00"), tick=False)
    _other_route, other_points = make_route(world.other_estate, world.exec.user, name="翠湖巡更")
    time_machine.move_to(at("2026-11-26 22:05"), tick=False)
    # The guard of this estate scans the other estate's label: unknown here.
    with pytest.raises(Http404):
        services.scan_record(by=world.tech.user, token=other_points[0].token)
    with pytest.raises(Http404):
        services.scan_record(by=world.tech.user, code=other_points[0].code)
    # Someone of the other estate scans ours.
    with pytest.raises(Http404):
        services.scan_record(by=world.outsider.user, token=points[0].token)
    assert not Scan.objects.exists()


def test_regenerated_token_makes_the_old_label_stop_working(world, guard, patrol, time_machine):
    _route, points, _schedule = patrol
    old_token, old_code = points[0].token, points[0].code
    point = services.checkpoint_regenerate_token(checkpoint=points[0], by=world.exec.user)
    assert point.token != old_token and point.code != old_code
    time_machine.move_to(at("2026-11-26 22:05"), tick=False)
    with pytest.raises(Http404):
        services.scan_record(by=guard.user, token=old_token)
    with pytest.raises(Http404):
        services.scan_record(by=guard.user, code=old_code)
    assert services.scan_record(by=guard.user, token=point.token).scan


def test_residents_cannot_scan(world, patrol, time_machine):
    _route, points, _schedule = patrol
    time_machine.move_to(at("2026-11-26 22:05"), tick=False)
    with pytest.raises(PermissionDenied):
        services.scan_record(by=world.owner.user, token=points[0].token)


def test_deactivated_checkpoint_is_not_needed_to_complete(world, guard, patrol, time_machine):
    _route, points, _schedule = patrol
    p = points[2]
    services.checkpoint_update(
        checkpoint=p, by=world.exec.user, name=p.name, radius_m=30, active=False
    )
    time_machine.move_to(at("2026-11-26 22:05"), tick=False)
    scan(guard.user, points[0])
    time_machine.move_to(at("2026-11-26 22:10"), tick=False)
    assert scan(guard.user, points[1]).completed
    time_machine.move_to(at("2026-11-26 22:11"), tick=False)
    with pytest.raises(Conflict):
        scan(guard.user, p)


# --- Routes and checkpoints -------------------------------------------------------------------


def test_route_and_checkpoint_writes_by_heads_only(world, guard):
    with pytest.raises(PermissionDenied):
        services.route_create(estate=world.estate, name="A", kind="patrol", by=guard.user)
    with pytest.raises(Http404):
        services.route_create(
            estate=world.other_estate, name="A", kind="patrol", by=world.head.user
        )
    route = services.route_create(estate=world.estate, name="A", kind="patrol", by=world.head.user)
    with pytest.raises(PermissionDenied):
        services.checkpoint_create(route=route, name="门岗", by=world.tech.user)
    with pytest.raises(Http404):
        services.checkpoint_create(route=route, name="门岗", by=world.outsider.user)
    assert not Checkpoint.objects.exists()


def test_route_input_is_checked_field_by_field(world):
    services.route_create(estate=world.estate, name="夜巡", kind="patrol", by=world.exec.user)
    with pytest.raises(ValidationError) as error:
        services.route_create(
            estate=world.estate,
            name="夜巡",
            kind="Patrol!",
            walking_speed="0",
            min_gap_seconds=-1,
            by=world.exec.user,
        )
    assert set(error.value.message_dict) == {"name", "kind", "walking_speed", "min_gap_seconds"}


def test_checkpoint_input_is_checked_and_reorder_moves_positions(world):
    route = services.route_create(
        estate=world.estate, name="夜巡", kind="patrol", by=world.exec.user
    )
    with pytest.raises(ValidationError) as error:
        services.checkpoint_create(
            route=route, name="", latitude=95, longitude=None, radius_m=0, by=world.exec.user
        )
    assert set(error.value.message_dict) == {"name", "latitude", "radius_m"}
    a, b, c = (
        services.checkpoint_create(route=route, name=n, by=world.exec.user)
        for n in ("东门", "水泵房", "配电房")
    )
    assert [a.position, b.position, c.position] == [1, 2, 3]
    moved = services.checkpoint_reorder(route=route, order=[c.pk, a.pk, b.pk], by=world.exec.user)
    assert [p.name for p in moved] == ["配电房", "东门", "水泵房"]
    with pytest.raises(ValidationError):
        services.checkpoint_reorder(route=route, order=[c.pk, a.pk], by=world.exec.user)
    with pytest.raises(ValidationError):
        services.checkpoint_reorder(route=route, order=[c.pk, a.pk, a.pk], by=world.exec.user)


def test_checkpoint_position_is_rounded_to_six_places(world):
    route = services.route_create(
        estate=world.estate, name="夜巡", kind="patrol", by=world.exec.user
    )
    point = services.checkpoint_create(
        route=route, name="东门", latitude="31.2300004", longitude=121.47, by=world.exec.user
    )
    point.refresh_from_db()
    assert point.latitude == Decimal("31.230000") and point.longitude == Decimal("121.470000")


def test_the_checkpoint_scanned_again_after_its_round_completed_is_a_duplicate(
    world, guard, patrol, time_machine
):
    """The other phone's scan completed the round a moment before this scan of the same
    checkpoint was read (two phones at once, tests/fieldwork/test_rounds_concurrency.py): the
    answer is "already scanned", not "no round now". Once the window has ended, a scan is
    refused as before."""
    _route, points, _schedule = patrol
    time_machine.move_to(at("2026-11-26 22:05"), tick=False)
    for point in points:
        time_machine.shift(dt.timedelta(minutes=5))
        last = scan(guard.user, point)
    assert last.completed
    time_machine.shift(dt.timedelta(minutes=1))
    again = services.scan_record(by=world.tech.user, token=points[-1].token)
    assert again.duplicate and not again.completed and again.scan == last.scan
    assert Scan.objects.count() == len(points)
    time_machine.move_to(at("2026-11-27 00:01"), tick=False)  # the window has ended
    with pytest.raises(Conflict, match="没有进行中的巡查"):
        scan(guard.user, points[0])

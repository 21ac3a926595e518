"""Rain sends the road sweepers out at once (CLEAN-07); heat adds a watering (GREEN-12); a
weather station reports both through the device intake."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.environment import clean_helpers
from tests.environment.clean_helpers import at, day_tasks, line_of
from wuye.environment.models import PlanLine, PlanRevision, WeatherRecord
from wuye.environment.services import cleaning
from wuye.environment.services.weather import weather_record
from wuye.notify.models import Message
from wuye.workflow.models import PlannedTask

clean = clean_helpers.clean
planned = clean_helpers.planned


def test_rain_creates_the_road_sweeps_at_once__CLEAN_07(planned, time_machine):
    w = planned
    time_machine.move_to(at("2026-07-07 10:20"), tick=False)
    record = weather_record(estate=w.estate, kind="rain", at=at("2026-07-07 10:00"),
                            by=w.env_head.user, note="阵雨")  # fmt: skip
    assert record.tasks_created == 1
    rain = line_of(w, "小区主干道", "rain_sweep")
    (task,) = day_tasks(rain, "2026-07-07")
    assert task.scheduled_for == at("2026-07-07 10:20")
    assert task.due_at == at("2026-07-07 12:20")  # profile.rain_sweep_hours = 2
    assert task.schedule.assignee == w.cleaner.user
    assert Message.objects.filter(recipient=w.cleaner.user, body__contains="小区主干道").exists()
    # More rain while the sweep is open: nothing doubles.
    again = weather_record(estate=w.estate, kind="rain", at=at("2026-07-07 10:15"),
                           by=w.env_head.user)  # fmt: skip
    assert again.tasks_created == 0 and len(day_tasks(rain, "2026-07-07")) == 1


def test_rain_after_the_sweep_was_done_sends_them_again__CLEAN_07(planned, time_machine):
    w = planned
    cleaning.profile_update(estate=w.estate, by=w.env_head.user, rain_sweep_hours=3)
    time_machine.move_to(at("2026-12-31 23:00"), tick=False)
    weather_record(estate=w.estate, kind="rain", at=at("2026-12-31 22:50"), by=w.env_head.user)
    rain = line_of(w, "小区主干道", "rain_sweep")
    task = PlannedTask.objects.get(schedule=rain.schedule)
    assert task.due_at == at("2027-01-01 02:00")  # across the year boundary, 3 hours
    from wuye.workflow.schedules import planned_task_complete

    planned_task_complete(task=task, by=w.cleaner.user)
    time_machine.move_to(at("2027-01-01 09:00"), tick=False)
    assert weather_record(estate=w.estate, kind="rain", at=at("2027-01-01 08:50"),
                          by=w.env_head.user).tasks_created == 1  # fmt: skip


def test_only_the_leads_record_weather_and_bad_input_is_refused(planned, time_machine):
    w = planned
    with pytest.raises(PermissionDenied):
        weather_record(estate=w.estate, kind="rain", at=at("2026-07-06 17:00"), by=w.cleaner.user)
    with pytest.raises(ValidationError) as err:
        weather_record(estate=w.estate, kind="rain", at=at("2026-07-07 17:00"),
                       by=w.env_head.user)  # fmt: skip
    assert "at" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        weather_record(estate=w.estate, kind="heat", at=at("2026-07-06 17:00"),
                       by=w.env_head.user)  # fmt: skip
    assert "temperature" in err.value.message_dict
    assert not WeatherRecord.objects.exists()


def _water_line(w, gardener):
    from wuye.environment.models import GreenArea
    from wuye.fieldwork.services.tasks import plan_create

    area = GreenArea.objects.create(estate=w.estate, name="中心草坪", kind="lawn",
                                    created_at=at("2026-07-01 09:00"))  # fmt: skip
    area.gardeners.set([gardener])
    schedule = plan_create(
        estate=w.estate, name="中心草坪 浇水", kind="greening", frequency="seasonal",
        months=[6, 7, 8], times=["06:00"], by=w.env_head.user, assignee=gardener.user,
        subject=area, due_amount=3, due_unit="hours",
    )  # fmt: skip
    return PlanLine.objects.create(
        estate=w.estate,
        green_area=area,
        work="water",
        schedule=schedule,
        created_at=at("2026-07-01 09:00"),
    )


def test_heat_adds_one_watering_per_watered_area_a_day__GREEN_12(planned, time_machine):
    from tests.factories import DepartmentKind, Role, make_staff

    w = planned
    gardener = make_staff(w.company, "gardener", Role.GARDENER, DepartmentKind.ENVIRONMENT,
                          [w.estate])  # fmt: skip
    _water_line(w, gardener)
    time_machine.move_to(at("2026-07-07 13:00"), tick=False)
    cool = weather_record(estate=w.estate, kind="heat", at=at("2026-07-07 12:30"),
                          by=w.env_head.user, temperature="34.9")  # fmt: skip
    assert cool.tasks_created == 0
    hot = weather_record(estate=w.estate, kind="heat", at=at("2026-07-07 12:45"),
                         by=w.env_head.user, temperature=Decimal("36.2"))  # fmt: skip
    assert hot.tasks_created == 1
    extra = PlanLine.objects.get(work="extra_water")
    (task,) = PlannedTask.objects.filter(schedule=extra.schedule)
    assert task.schedule.assignee == gardener.user and task.due_at == at("2026-07-07 17:00")
    assert PlanRevision.objects.filter(line=extra, reason__startswith="高温加浇").count() == 1
    assert weather_record(estate=w.estate, kind="heat", at=at("2026-07-07 12:50"),
                          by=w.env_head.user, temperature="38").tasks_created == 0  # fmt: skip
    time_machine.move_to(at("2026-07-08 13:00"), tick=False)
    assert weather_record(estate=w.estate, kind="heat", at=at("2026-07-08 12:50"),
                          by=w.env_head.user, temperature="38").tasks_created == 1  # fmt: skip


def test_a_weather_station_reports_rain_through_the_device_intake__CLEAN_07(
    planned, client, time_machine
):
    from tests.fieldwork.devices_helpers import body, make_device, post

    w = planned
    time_machine.move_to(at("2026-07-07 16:00"), tick=False)
    device, secret = make_device(w, name="会所气象站", kind="weather_station")
    data = body(event_type="rain", severity="warning", dedup_key="rain-0707", message="降雨",
                payload={"mm": 5})  # fmt: skip
    response = post(client, device, secret, data)
    assert response.status_code in (200, 201), response.content
    record = WeatherRecord.objects.get()
    assert record.kind == "rain" and record.device_event_id and record.tasks_created == 1
    assert record.recorded_by is None
    rain = line_of(w, "小区主干道", "rain_sweep")
    assert [t.due_at for t in day_tasks(rain, "2026-07-07")] == [at("2026-07-07 18:00")]
    heat = body(event_type="heat", severity="warning", dedup_key="heat-0707", message="高温",
                payload={"temperature": 30})  # fmt: skip
    assert post(client, device, secret, heat).status_code in (200, 201)
    assert WeatherRecord.objects.filter(kind="heat", temperature=30).exists()


def test_the_heat_threshold_is_the_one_the_head_sets__GREEN_12(planned, time_machine):
    from tests.factories import DepartmentKind, Role, make_staff
    from wuye.environment.services.cleaning import profile_update

    w = planned
    gardener = make_staff(w.company, "gardener", Role.GARDENER, DepartmentKind.ENVIRONMENT,
                          [w.estate])  # fmt: skip
    _water_line(w, gardener)
    time_machine.move_to(at("2026-08-11 11:00"), tick=False)
    with pytest.raises(ValidationError):
        profile_update(estate=w.estate, by=w.env_head.user, heat_threshold="51", reason="试")
    with pytest.raises(PermissionDenied):
        profile_update(estate=w.estate, by=gardener.user, heat_threshold="32.5", reason="试")
    profile = profile_update(estate=w.estate, by=w.env_head.user, heat_threshold="32.5",
                             reason="本地夏季 33 ℃ 以上即干旱")  # fmt: skip
    assert profile.heat_threshold == Decimal("32.5")
    assert weather_record(estate=w.estate, kind="heat", at=at("2026-08-11 10:30"),
                          by=w.env_head.user, temperature="32.4").tasks_created == 0  # fmt: skip
    assert weather_record(estate=w.estate, kind="heat", at=at("2026-08-11 10:45"),
                          by=w.env_head.user, temperature="32.5").tasks_created == 1  # fmt: skip

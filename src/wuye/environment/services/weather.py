"""Weather that changes the day's work (天气记录): rain sends the road sweepers out at once
(CLEAN-07, "小区主干道雨后及时清扫"), a hot day adds a watering (GREEN-12).

One-off tasks: the engine's tasks belong to a schedule. Each main road has a plan line of work
"雨后清扫" (RAIN_SWEEP) whose schedule is inactive (nothing recurs; ``services.cleaning`` adds it
with the road's sweep line); a rain record writes one task on it, due ``rain_sweep_hours``
later. A green area's "高温加浇" (EXTRA_WATER) line is made the same way the first hot day it
needs one. While a road's sweep is still open, more rain adds nothing (the open task covers
it); heat adds at most one watering per green area and day. The schedule row is locked while
its task is written, so two records at once cannot both write it.

A weather station posts ``rain`` / ``heat`` through the device intake (``POST
/api/v1/device-events``, HMAC): ``weather_alarm`` is registered as their alarm handler when this
module is imported (the app's ``ready()`` should import it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.choices import DepartmentKind, Role
from wuye.core.models import Estate
from wuye.core.scoping import Actor, actor_for
from wuye.core.shortcuts import estate_tz
from wuye.fieldwork.models import DeviceEvent
from wuye.fieldwork.services.devices import register_alarm_handler
from wuye.fieldwork.services.tasks import plan_create, plan_deactivate
from wuye.notify.services import message_enqueue
from wuye.workflow.calendar import due_at
from wuye.workflow.choices import TargetUnit
from wuye.workflow.models import Frequency, PlannedTask, PlannedTaskStatus, Schedule
from wuye.workflow.schedules import occurrences

from ..choices import WeatherKind, WorkKind, ZoneKind
from ..models import GreenArea, PlanLine, WeatherRecord
from ..processes import ENVIRONMENT_LEADS, GREENING_KIND
from .profiles import profile_get
from .revisions import revision_record

__all__ = ["HEAT_WATER_HOURS", "weather_alarm", "weather_record"]

# GREEN-12: the extra watering of a hot day is due this many hours after the heat is recorded.
HEAT_WATER_HOURS = 4
# A record may be a few minutes ahead of the server's clock (a station's clock), never more.
FUTURE_SLACK = dt.timedelta(minutes=10)
NOTE_MAX = 200


@dataclass(frozen=True)
class _EstatePlanner(Actor):
    """The system adjusting an estate's plan for the weather (GREEN-12) when a weather station,
    not a person, reports it: plans like the department's head, in that estate only."""

    estate_pk: int = 0

    @property
    def estate_ids(self) -> frozenset[int]:  # type: ignore[override]
        return frozenset({self.estate_pk})


def _actor(by) -> Actor:
    return by if isinstance(by, Actor) else actor_for(by)


def _temperature(value, errors: dict) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
        if not number.is_finite() or not Decimal("-60") <= number <= Decimal("70"):
            raise ValueError
        return number.quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        errors["temperature"] = [_("气温须为 -60 到 70 之间的数字")]
        return None


def _notify(schedule: Schedule, task: PlannedTask, title: str, place: str) -> None:
    if schedule.assignee_id is None:
        return
    local = task.due_at.astimezone(estate_tz(schedule.estate))
    message_enqueue(
        recipient=schedule.assignee, template="notice", estate=schedule.estate,
        context={"title": title,
                 "body": _("%(place)s：请在 %(due)s 前完成。") % {
                     "place": place, "due": f"{local:%H:%M}"}},
        idempotency_key=f"environment_weather_task:{task.pk}",
    )  # fmt: skip


def _rain_sweeps(estate: Estate, now: dt.datetime, hours: int) -> int:
    """CLEAN-07: one sweep per active main road, unless the road's sweep is still open."""
    created = 0
    lines = PlanLine.objects.filter(
        estate=estate, work=WorkKind.RAIN_SWEEP, active=True, zone__active=True,
        zone__kind=ZoneKind.ROAD,
    ).select_related("zone").order_by("id")  # fmt: skip
    for line in lines:
        schedule = Schedule.objects.select_for_update(of=("self",))
        schedule = schedule.select_related("estate", "assignee")
        schedule = schedule.get(pk=line.schedule_id)
        open_ = PlannedTask.objects.filter(schedule=schedule, status=PlannedTaskStatus.PLANNED)
        if open_.exists():
            continue
        task = PlannedTask.objects.create(
            schedule=schedule, estate=estate, scheduled_for=now,
            due_at=due_at(now, hours, TargetUnit.HOURS, estate_tz(estate), estate.pk),
        )  # fmt: skip
        _notify(schedule, task, _("雨后清扫"), line.zone.name)
        created += 1
    return created


def _waters_today(line: PlanLine, start: dt.datetime, end: dt.datetime) -> bool:
    schedule = line.schedule
    return schedule.active and bool(occurrences(schedule, start, end))


def _extra_water_line(area: GreenArea, actor: Actor) -> PlanLine | None:
    line = PlanLine.objects.filter(green_area=area, work=WorkKind.EXTRA_WATER, active=True).first()
    if line is not None:
        return line
    gardener = area.gardeners.filter(is_active=True).select_related("user").order_by("id").first()
    if gardener is None:
        return None
    schedule = plan_create(
        estate=area.estate, name=f"{area.name} {WorkKind.EXTRA_WATER.label}"[:100],
        kind=GREENING_KIND, by=actor, rule="GREEN-12", frequency=Frequency.DAILY, times=[],
        due_amount=HEAT_WATER_HOURS, due_unit=TargetUnit.HOURS, assignee=gardener.user,
        department=DepartmentKind.ENVIRONMENT, subject=area, photos=1,
    )  # fmt: skip
    plan_deactivate(schedule=schedule, by=actor)  # one-off tasks only
    return PlanLine.objects.create(
        estate=area.estate, green_area=area, work=WorkKind.EXTRA_WATER, schedule=schedule,
        created_at=timezone.now(),
    )  # fmt: skip


def _heat_waterings(estate: Estate, now: dt.datetime, temperature: Decimal, actor: Actor) -> int:
    """GREEN-12: one extra watering per green area watered by the plan today, once a day."""
    tz = estate_tz(estate)
    today = now.astimezone(tz).date()
    start = dt.datetime.combine(today, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(today + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    water = (
        PlanLine.objects.filter(
            estate=estate,
            work=WorkKind.WATER,
            green_area__isnull=False,
            active=True,
            green_area__active=True,
        )
        .select_related("schedule__estate", "green_area__estate")
        .order_by("green_area_id", "id")
    )
    areas: dict[int, GreenArea] = {}
    for line in water:
        if line.green_area_id not in areas and _waters_today(line, start, end):
            areas[line.green_area_id] = line.green_area
    created = 0
    for area in areas.values():
        line = _extra_water_line(area, actor)
        if line is None:
            continue
        schedule = Schedule.objects.select_for_update(of=("self",))
        schedule = schedule.select_related("estate", "assignee")
        schedule = schedule.get(pk=line.schedule_id)
        if PlannedTask.objects.filter(
            schedule=schedule, scheduled_for__gte=start, scheduled_for__lt=end
        ).exists():
            continue
        task = PlannedTask.objects.create(
            schedule=schedule, estate=estate, scheduled_for=now,
            due_at=due_at(now, HEAT_WATER_HOURS, TargetUnit.HOURS, tz, estate.pk),
        )  # fmt: skip
        revision_record(
            estate=estate, line=line, by=actor,
            reason=_("高温加浇：气温 %(t)s℃，增加浇水 1 次") % {"t": f"{temperature:f}"},
            changes={"extra_water": [today.isoformat(), f"{temperature:f}"]},
        )  # fmt: skip
        _notify(schedule, task, _("高温加浇"), area.name)
        created += 1
    return created


@transaction.atomic
def weather_record(
    *,
    estate: Estate,
    kind: str,
    at: dt.datetime,
    by,
    temperature=None,
    note: str = "",
    device_event: DeviceEvent | None = None,
) -> WeatherRecord:
    """Record rain or heat (the environment head, or a weather station's event with ``by``
    None): rain writes the main roads' sweeps at once (CLEAN-07); heat at or above the
    estate's threshold the green areas' extra watering (GREEN-12). ``tasks_created`` says how
    many tasks it wrote."""
    if device_event is None:
        actor = _actor(by)
        if not actor.is_superuser:
            if actor.staff is None or estate.pk not in actor.estate_ids:
                raise Http404
            if actor.role not in ENVIRONMENT_LEADS:
                raise PermissionDenied(_("只有环境管理部负责人或企业高层可以登记天气"))
    else:
        if device_event.estate_id != estate.pk:
            raise ValueError("a weather event of another estate")
        actor = _EstatePlanner(
            user=None, role=Role.DEPARTMENT_HEAD, company_id=estate.company_id,
            estate_pk=estate.pk,
        )  # fmt: skip
    now = timezone.now()
    errors: dict[str, list[str]] = {}
    if kind not in WeatherKind.values:
        errors["kind"] = [_("请选择天气（降雨或高温）")]
    if not isinstance(at, dt.datetime) or timezone.is_naive(at):
        errors["at"] = [_("请填写时间")]
    elif at > now + FUTURE_SLACK:
        errors["at"] = [_("时间不能晚于现在")]
    degrees = _temperature(temperature, errors)
    if kind == WeatherKind.HEAT and degrees is None and "temperature" not in errors:
        errors["temperature"] = [_("请填写气温")]
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        errors["note"] = [_("说明不能超过 %(n)d 个字") % {"n": NOTE_MAX}]
    if errors:
        raise ValidationError(errors)
    profile = profile_get(estate)
    if kind == WeatherKind.RAIN:
        created = _rain_sweeps(estate, now, profile.rain_sweep_hours)
    elif degrees >= profile.heat_threshold:
        created = _heat_waterings(estate, now, degrees, actor)
    else:
        created = 0
    user = getattr(actor, "user", None)
    return WeatherRecord.objects.create(
        estate=estate, kind=kind, at=at, temperature=degrees, note=note,
        recorded_by=user if getattr(user, "is_authenticated", False) else None,
        device_event=device_event, tasks_created=created, created_at=now,
    )  # fmt: skip


def weather_alarm(event: DeviceEvent):
    """The device intake's handler of a weather station's ``rain`` / ``heat`` (the payload's
    ``temperature`` for heat). Returns no case: the record and its tasks are the answer."""
    kind = WeatherKind.RAIN if event.event_type == WeatherKind.RAIN else WeatherKind.HEAT
    payload = event.payload if isinstance(event.payload, dict) else {}
    weather_record(
        estate=event.estate, kind=kind, at=event.occurred_at, by=None,
        temperature=payload.get("temperature"), note=(event.message or "")[:NOTE_MAX],
        device_event=event,
    )  # fmt: skip
    return None


register_alarm_handler(WeatherKind.RAIN.value, weather_alarm)
register_alarm_handler(WeatherKind.HEAT.value, weather_alarm)

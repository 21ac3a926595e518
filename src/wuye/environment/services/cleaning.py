"""The cleaning plan (《清洁卫生计划》, CLEAN-05..11): one ``PlanLine`` per piece of work on a zone,
each backed by a field-work plan (``plan_create``: a ``workflow.Schedule`` of kind
``processes.CLEANING_KIND`` with its ``TaskSpec``: the zone as subject, the checklist, photos).

- Defaults by zone kind (``DEFAULTS``): main roads swept twice a day (CLEAN-06), public toilets
  cleaned every 2 hours while open (CLEAN-08) and disinfected once a day, elevators cleaned and
  disinfected once a day (CLEAN-09), corridors cleaned and the garage swept daily.
- A toilet's "every N hours" line is a daily schedule whose times run from the opening time in
  steps of N hours up to the closing time (``window_times``); a change of the opening hours
  (``profile_update``) re-times those lines, as a plan revision.
- Every change of a line is a plan revision (``revision_record``) with its reason, in the same
  transaction; the inspection's rectifications are linked through ``rectification=``.
- A change of timing keeps the day whole (``_write_day``): tasks done or missed stay; today's
  not-done tasks of the old timing whose time limit has not run out are cancelled; every
  occurrence of the new timing whose time limit has not run out gets its task at once (the
  periodic ``schedule_generate`` writes the days after). A task is never written twice (the
  engine's unique schedule + time).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.choices import DepartmentKind
from wuye.core.models import Estate, Staff
from wuye.core.scoping import Actor, actor_for
from wuye.core.shortcuts import estate_tz
from wuye.fieldwork.choices import ItemKind
from wuye.fieldwork.models import Checklist
from wuye.fieldwork.services.checklists import checklist_create
from wuye.fieldwork.services.tasks import plan_create, plan_deactivate, plan_update
from wuye.workflow.calendar import WorkingCalendar, due_at
from wuye.workflow.choices import TargetUnit
from wuye.workflow.models import Frequency, PlannedTask, PlannedTaskStatus, Schedule
from wuye.workflow.schedules import occurrences

from ..choices import WorkKind, ZoneKind
from ..models import CleaningZone, EnvironmentProfile, PlanLine, Rectification
from ..processes import CLEANING_KIND
from .profiles import check_lead, profile_get
from .revisions import revision_record

__all__ = [
    "DEFAULTS",
    "LINE_WORK",
    "cleaning_plan_seed",
    "dilution",
    "frequency_text",
    "line_create",
    "line_stop",
    "line_update",
    "lines_reassign",
    "profile_update",
    "window_times",
]

# The work a recurring line of the cleaning plan does (rain sweeps are written by the weather).
LINE_WORK = (WorkKind.SWEEP, WorkKind.CLEAN, WorkKind.DISINFECT, WorkKind.RAIN_SWEEP)
RULES = {
    WorkKind.SWEEP: "CLEAN-06", WorkKind.CLEAN: "CLEAN-05", WorkKind.DISINFECT: "CLEAN-09",
    WorkKind.RAIN_SWEEP: "CLEAN-07",
}  # fmt: skip
DUE_HOURS_MAX = 24
EVERY_DAYS_MAX = 30
CHECKLIST_CLEANING = "cleaning"
CHECKLIST_DISINFECTION = "disinfection"
_HH_MM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")

# CLEAN-05: the manual's frequencies per zone kind: (work, timing). "every_hours" is a toilet's
# window (CLEAN-08); photos is how many photos the task asks for.
DEFAULTS: dict[str, list[tuple[str, dict]]] = {
    ZoneKind.ROAD: [  # CLEAN-06: twice a day
        (WorkKind.SWEEP, {"times": ["07:00", "14:00"], "due_hours": 2, "photos": 1}),
        (WorkKind.RAIN_SWEEP, {}),  # CLEAN-07: written when rain is recorded
    ],
    ZoneKind.TOILET: [  # CLEAN-08 every 2 hours while open; CLEAN-09 disinfected daily
        (WorkKind.CLEAN, {"every_hours": 2, "due_hours": 2, "photos": 0}),
        (WorkKind.DISINFECT, {"times": ["15:00"], "due_hours": 2, "photos": 0}),
    ],
    ZoneKind.ELEVATOR: [  # CLEAN-09: cleaned and disinfected once a day
        (WorkKind.CLEAN, {"times": ["08:00"], "due_hours": 2, "photos": 1}),
        (WorkKind.DISINFECT, {"times": ["10:00"], "due_hours": 2, "photos": 0}),
    ],
    ZoneKind.CORRIDOR: [(WorkKind.CLEAN, {"times": ["09:00"], "due_hours": 4, "photos": 1})],
    ZoneKind.GARAGE: [(WorkKind.SWEEP, {"times": ["10:00"], "due_hours": 4, "photos": 1})],
    ZoneKind.SQUARE: [(WorkKind.SWEEP, {"times": ["08:00"], "due_hours": 2, "photos": 1})],
    ZoneKind.OTHER: [(WorkKind.CLEAN, {"times": ["09:00"], "due_hours": 4, "photos": 1})],
}


def _actor(by) -> Actor:
    return by if isinstance(by, Actor) else actor_for(by)


# --- Arithmetic -------------------------------------------------------------------------------


def dilution(bucket_litres: Decimal) -> tuple[int, int]:
    """CLEAN-10: 84 disinfectant diluted 1:100 means 1 part of disinfectant to 100 parts of
    water, so a full bucket of B litres holds B/101 of disinfectant and the rest water.
    Returns (disinfectant, water) in whole millilitres (disinfectant rounded half up; the two
    add up to the bucket). 10 L → 99 mL + 9,901 mL."""
    total = int((Decimal(bucket_litres) * 1000).to_integral_value(ROUND_HALF_UP))
    disinfectant = int((Decimal(total) / 101).to_integral_value(ROUND_HALF_UP))
    return disinfectant, total - disinfectant


def window_times(open_: dt.time, close: dt.time, every_hours: int) -> list[str]:
    """CLEAN-08: the times of a toilet's cleaning: the opening time, then every ``every_hours``
    hours, while not after the closing time."""
    times, at = [], dt.datetime.combine(dt.date(2000, 1, 1), open_)
    end = dt.datetime.combine(dt.date(2000, 1, 1), close)
    while at <= end:
        times.append(at.strftime("%H:%M"))
        at += dt.timedelta(hours=every_hours)
    return times


def window_step(times: list[str], profile: EnvironmentProfile) -> int | None:
    """The step in hours when ``times`` are exactly the toilets' window of the profile."""
    if len(times) < 2:
        return None
    first, second = (dt.datetime.strptime(t, "%H:%M") for t in times[:2])
    hours, rest = divmod(int((second - first).total_seconds()), 3600)
    if rest or hours < 1:
        return None
    window = window_times(profile.toilets_open, profile.toilets_close, hours)
    return hours if window == list(times) else None


def frequency_text(line: PlanLine, profile: EnvironmentProfile | None = None) -> str:
    """The line's frequency in words: "每天 2 次：07:00、14:00", "07:00–21:00 每 2 小时"."""
    schedule = line.schedule
    if line.work == WorkKind.RAIN_SWEEP:
        return _("雨后 %(h)d 小时内清扫") % {"h": schedule.due_amount}
    times = list(schedule.times or [])
    profile = profile or profile_get(line.estate)
    step = window_step(times, profile) if line.work == WorkKind.CLEAN else None
    if step:
        text = _("%(open)s–%(close)s 每 %(h)d 小时") % {
            "open": f"{profile.toilets_open:%H:%M}", "close": f"{profile.toilets_close:%H:%M}",
            "h": step,
        }  # fmt: skip
    elif schedule.frequency == Frequency.INTERVAL_DAYS:
        text = _("每 %(d)d 天 %(n)d 次：%(t)s") % {
            "d": schedule.interval, "n": len(times), "t": "、".join(times)
        }  # fmt: skip
    else:
        text = _("每天 %(n)d 次：%(t)s") % {"n": len(times), "t": "、".join(times)}
    return text


# --- Checklists (CLEAN-10/11/16) ----------------------------------------------------------------


def _checklist(estate: Estate, work: str, profile: EnvironmentProfile, actor: Actor) -> Checklist:
    """The estate's checklist for the work: the disinfection one carries the dilution for the
    estate's bucket (CLEAN-10), so a new bucket size is a new checklist."""
    if work == WorkKind.DISINFECT:
        litres = profile.bucket_litres.normalize()
        ml, water = dilution(profile.bucket_litres)
        name = _("消毒作业（84消毒液 1:100，%(l)s 升桶）") % {"l": f"{litres:f}"}
        kind = CHECKLIST_DISINFECTION
        items = [
            {"label": _("按 1:100 配制：%(l)s 升桶加 84消毒液 %(ml)d 毫升，再加清水至 %(w)s 升")
             % {"l": f"{litres:f}", "ml": ml, "w": f"{Decimal(water) / 1000:.2f}"},
             "kind": ItemKind.CHECK, "hint": _("1 份消毒液兑 100 份清水")},  # CLEAN-10
            {"label": _("佩戴手套、口罩"), "kind": ItemKind.CHECK},  # CLEAN-16
            # CLEAN-11
            {"label": _("使用环保消毒液（84消毒液），在有效期内"), "kind": ItemKind.CHECK},
            {"label": _("擦拭按钮、扶手、门把手等手接触部位"), "kind": ItemKind.CHECK},
            {"label": _("消毒后现场照片"), "kind": ItemKind.PHOTO},
        ]  # fmt: skip
    else:
        name, kind = _("清洁作业"), CHECKLIST_CLEANING
        items = [
            {"label": _("使用符合要求的清洁用品（环保）"), "kind": ItemKind.CHECK},  # CLEAN-11
            {"label": _("地面、墙面无垃圾、无污渍"), "kind": ItemKind.CHECK},
            {"label": _("清洁用品用后放回定点存放处"), "kind": ItemKind.CHECK},  # CLEAN-17
        ]
    found = Checklist.objects.filter(estate=estate, kind=kind, name=name, active=True).first()
    return found or checklist_create(
        name=name, kind=kind, by=actor, estate=estate,
        source=_("服务手册第五章 清洁卫生管理流程"), items=items,
    )  # fmt: skip


# --- Timing ------------------------------------------------------------------------------------


def _timing(values: dict, profile: EnvironmentProfile, errors: dict) -> dict:
    """The schedule fields of a line's timing: times (or a toilet window), days, time limit."""
    every_hours = values.get("every_hours")
    times = values.get("times")
    if every_hours is not None:
        if (
            isinstance(every_hours, bool)
            or not isinstance(every_hours, int)
            or not (1 <= every_hours <= 12)
        ):
            errors["every_hours"] = [_("间隔小时须为 1 到 12")]
        else:
            times = window_times(profile.toilets_open, profile.toilets_close, every_hours)
    if not isinstance(times, list | tuple) or not times:
        errors.setdefault("times", [_("请填写作业时间，如 07:00")])
        times = []
    elif not all(isinstance(t, str) and _HH_MM.match(t) for t in times):
        errors["times"] = [_("作业时间须为 HH:MM 格式，如 07:00")]
    elif len(set(times)) != len(times):
        errors["times"] = [_("作业时间不能重复")]
    elif len(times) > 24:
        errors["times"] = [_("每天最多 24 个作业时间")]
    every_days = values.get("every_days", 1)
    if (
        isinstance(every_days, bool)
        or not isinstance(every_days, int)
        or not (1 <= every_days <= EVERY_DAYS_MAX)
    ):
        errors["every_days"] = [_("间隔天数须为 1 到 %(n)d") % {"n": EVERY_DAYS_MAX}]
        every_days = 1
    due_hours = values.get("due_hours", 2)
    if (
        isinstance(due_hours, bool)
        or not isinstance(due_hours, int)
        or not (1 <= due_hours <= DUE_HOURS_MAX)
    ):
        errors["due_hours"] = [_("完成时限须为 1 到 %(n)d 小时") % {"n": DUE_HOURS_MAX}]
        due_hours = 2
    return {
        "times": sorted(times),
        "frequency": Frequency.DAILY if every_days == 1 else Frequency.INTERVAL_DAYS,
        "interval": every_days, "due_amount": due_hours, "due_unit": TargetUnit.HOURS,
    }  # fmt: skip


def _assignee(zone: CleaningZone, staff, errors: dict) -> Staff | None:
    """CLEAN-04: the task goes to one of the zone's named cleaners (the first by default)."""
    cleaners = list(zone.cleaners.filter(is_active=True).select_related("user").order_by("id"))
    if not cleaners:
        errors["assignee"] = [_("请先为该区域指定责任人（清洁人员），再制定清洁计划")]
        return None
    if staff is None:
        return cleaners[0]
    match = next((c for c in cleaners if c.pk == getattr(staff, "pk", staff)), None)
    if match is None:
        errors["assignee"] = [_("执行人须为该区域的责任人")]
    return match


def _write_day(schedule: Schedule, now: dt.datetime) -> None:
    """Today's tasks of the line after a change (the module's docstring: the day stays whole)."""
    schedule = Schedule.objects.select_related("estate").get(pk=schedule.pk)
    tz = estate_tz(schedule.estate)
    today = now.astimezone(tz).date()
    start = dt.datetime.combine(today, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(today + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    moments = set(occurrences(schedule, start, end)) if schedule.active else set()
    calendar = WorkingCalendar(schedule.estate_id)

    def due(moment: dt.datetime) -> dt.datetime:
        return due_at(moment, schedule.due_amount, schedule.due_unit, tz, schedule.estate_id,
                      calendar=calendar)  # fmt: skip

    rows = {
        task.scheduled_for: task
        for task in PlannedTask.objects.select_for_update().filter(
            schedule=schedule, scheduled_for__gte=start, scheduled_for__lt=end
        )
    }
    for moment, task in rows.items():
        if task.status == PlannedTaskStatus.PLANNED and task.due_at > now and moment not in moments:
            task.status = PlannedTaskStatus.CANCELLED
            task.save(update_fields=["status"])
    for moment in sorted(moments):
        limit = due(moment)
        if limit <= now:
            continue
        task = rows.get(moment)
        if task is None:
            PlannedTask.objects.create(
                schedule=schedule, estate_id=schedule.estate_id, scheduled_for=moment,
                due_at=limit,
            )  # fmt: skip
        elif task.status == PlannedTaskStatus.CANCELLED or (
            task.status == PlannedTaskStatus.PLANNED and task.due_at != limit
        ):
            task.status, task.due_at = PlannedTaskStatus.PLANNED, limit
            task.save(update_fields=["status", "due_at"])


def _describe(line: PlanLine) -> dict:
    schedule = line.schedule
    spec = getattr(schedule, "spec", None)
    return {
        "work": line.work, "times": list(schedule.times or []), "every_days": schedule.interval,
        "due_hours": schedule.due_amount,
        "assignee": schedule.assignee.staff.name if schedule.assignee_id else "",
        "photos": spec.photos if spec else 0, "active": line.active,
    }  # fmt: skip


# --- Lines -------------------------------------------------------------------------------------


@transaction.atomic
def line_create(
    *,
    zone: CleaningZone,
    work: str,
    by,
    reason: str,
    rectification: Rectification | None = None,
    **timing,
) -> PlanLine:
    """Add a line to the zone's plan. ``timing``: ``times`` (["07:00", …]) or ``every_hours``
    (a window over the toilets' opening hours, CLEAN-08), ``every_days`` (1: daily),
    ``due_hours``, ``assignee`` (one of the zone's cleaners, a Staff), ``photos``. A rain
    sweep line (CLEAN-07) has no timing: its tasks are written when rain is recorded."""
    actor = _actor(by)
    check_lead(actor, zone.estate_id)
    zone = CleaningZone.objects.select_for_update().select_related("estate").get(pk=zone.pk)
    estate = zone.estate
    unknown = set(timing) - {"times", "every_hours", "every_days", "due_hours", "assignee",
                             "photos"}  # fmt: skip
    errors: dict[str, list[str]] = {}
    if unknown:
        errors.update({field: [_("该项不能设置")] for field in sorted(unknown)})
    if not zone.active:
        errors["zone"] = [_("该清洁区域已停用")]
    if work not in LINE_WORK:
        errors["work"] = [_("请选择作业内容（清扫、清洁、消毒或雨后清扫）")]
    elif work == WorkKind.RAIN_SWEEP and zone.kind != ZoneKind.ROAD:
        errors["work"] = [_("雨后清扫只适用于小区主干道")]
    elif (
        work == WorkKind.RAIN_SWEEP
        and zone.plan_lines.filter(work=WorkKind.RAIN_SWEEP, active=True).exists()
    ):
        errors["work"] = [_("该区域已有雨后清扫安排")]
    profile = profile_get(estate)
    staff = _assignee(zone, timing.get("assignee"), errors)
    if work == WorkKind.RAIN_SWEEP:
        values = {"times": [], "frequency": Frequency.DAILY, "interval": 1,
                  "due_amount": profile.rain_sweep_hours, "due_unit": TargetUnit.HOURS}  # fmt: skip
    else:
        values = _timing(timing, profile, errors)
    photos = timing.get("photos", 1 if work == WorkKind.SWEEP else 0)
    if errors:
        raise ValidationError(errors)
    label = WorkKind(work).label
    schedule = plan_create(
        estate=estate, name=f"{zone.name} {label}"[:100], kind=CLEANING_KIND, by=actor,
        rule=RULES[work], assignee=staff.user, department=DepartmentKind.ENVIRONMENT,
        subject=zone, checklist=None if work == WorkKind.RAIN_SWEEP else _checklist(
            estate, work, profile, actor), photos=photos, **values,
    )  # fmt: skip
    if work == WorkKind.RAIN_SWEEP:
        plan_deactivate(schedule=schedule, by=actor)  # one-off tasks only (services.weather)
    line = PlanLine.objects.create(
        estate=estate, zone=zone, work=work, schedule=schedule, created_at=timezone.now()
    )
    revision_record(
        estate=estate, reason=reason, changes={"added": _describe(line)}, by=actor, line=line,
        rectification=rectification,
    )  # fmt: skip
    _write_day(schedule, timezone.now())
    if (
        work == WorkKind.SWEEP
        and zone.kind == ZoneKind.ROAD
        and not zone.plan_lines.filter(work=WorkKind.RAIN_SWEEP, active=True).exists()
    ):
        line_create(zone=zone, work=WorkKind.RAIN_SWEEP, by=actor, reason=reason,
                    assignee=staff)  # fmt: skip
    return line


def _locked_line(line: PlanLine) -> PlanLine:
    return (
        PlanLine.objects.select_for_update(of=("self",))
        .select_related("estate", "zone", "schedule", "schedule__assignee__staff")
        .get(pk=line.pk)
    )


@transaction.atomic
def line_update(
    *,
    line: PlanLine,
    by,
    reason: str,
    rectification: Rectification | None = None,
    **changes,
) -> PlanLine:
    """Change a line's timing (``times`` / ``every_hours``, ``every_days``, ``due_hours``), its
    cleaner (``assignee``) or its ``photos``: a plan revision with the reason, ``changes``
    recording before and after. The day's tasks stay whole (``_write_day``)."""
    actor = _actor(by)
    check_lead(actor, line.estate_id)
    line = _locked_line(line)
    if line.zone_id is None:
        raise ValidationError({"line": [_("这不是清洁计划的计划项")]})
    errors: dict[str, list[str]] = {}
    allowed = {"times", "every_hours", "every_days", "due_hours", "assignee", "photos"}
    for field in sorted(set(changes) - allowed):
        errors[field] = [_("该项不能修改")]
    if not line.active:
        errors["__all__"] = [_("该计划项已停止")]
    schedule = line.schedule
    before = _describe(line)
    profile = profile_get(line.estate)
    kwargs: dict = {}
    if changes.keys() & {"times", "every_hours", "every_days", "due_hours"}:
        current = {"times": list(schedule.times), "every_days": schedule.interval,
                   "due_hours": schedule.due_amount}  # fmt: skip
        if "every_hours" in changes:
            current.pop("times")
        if line.work == WorkKind.RAIN_SWEEP:
            current["times"] = ["00:00"]  # no times of its own: only the time limit counts
        values = _timing(current | changes, profile, errors)
        if line.work == WorkKind.RAIN_SWEEP:
            values = {"due_amount": values["due_amount"]}
        elif values["frequency"] != schedule.frequency:
            errors["every_days"] = [_("每天与隔天作业之间不能直接切换，请停止该项后另行添加")]
        kwargs |= {k: v for k, v in values.items() if k != "frequency"}
    if "assignee" in changes:
        staff = _assignee(line.zone, changes["assignee"], errors)
        kwargs["assignee"] = staff.user if staff else None
    if "photos" in changes:
        kwargs["photos"] = changes["photos"]
    if errors:
        raise ValidationError(errors)
    plan_update(schedule=schedule, by=actor, **kwargs)
    line = _locked_line(line)
    after = _describe(line)
    diff = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if not diff:
        raise ValidationError({"__all__": [_("没有需要调整的内容")]})
    revision_record(
        estate=line.estate, reason=reason, changes=diff, by=actor, line=line,
        rectification=rectification,
    )  # fmt: skip
    if line.work != WorkKind.RAIN_SWEEP:
        _write_day(line.schedule, timezone.now())
    return line


@transaction.atomic
def line_stop(
    *, line: PlanLine, by, reason: str, rectification: Rectification | None = None
) -> PlanLine:
    """Stop a line: no more tasks, its future ones cancelled (done and missed ones stay)."""
    actor = _actor(by)
    check_lead(actor, line.estate_id)
    line = _locked_line(line)
    if not line.active:
        raise ValidationError({"__all__": [_("该计划项已停止")]})
    revision_record(
        estate=line.estate, reason=reason, changes={"stopped": _describe(line)}, by=actor,
        line=line, rectification=rectification,
    )  # fmt: skip
    if line.schedule.active:
        plan_deactivate(schedule=line.schedule, by=actor)
    line.active = False
    line.save(update_fields=["active"])
    return line


def lines_reassign(*, zone: CleaningZone, by, reason: str) -> int:
    """After the zone's cleaners changed: lines whose cleaner left the zone go to its first
    cleaner. Returns how many lines changed."""
    ids = set(zone.cleaners.values_list("user_id", flat=True))
    changed = 0
    for line in zone.plan_lines.filter(active=True).select_related("schedule").order_by("id"):
        if line.schedule.assignee_id not in ids:
            line_update(line=line, by=by, reason=reason, assignee=None)
            changed += 1
    return changed


@transaction.atomic
def cleaning_plan_seed(*, estate: Estate, by, reason: str = "") -> list[PlanLine]:
    """CLEAN-05: the manual's default lines (``DEFAULTS``) for every active zone with named
    cleaners, for the work the zone has no active line of yet. Zones without a cleaner are
    left out (CLEAN-03/04: zoning and named people come first). Returns the lines added."""
    actor = _actor(by)
    check_lead(actor, estate.pk)
    reason = reason or _("按服务手册默认频率制定清洁计划")
    made = []
    zones = CleaningZone.objects.filter(estate=estate, active=True, cleaners__isnull=False)
    for zone in zones.distinct().order_by("kind", "name"):
        present = set(zone.plan_lines.filter(active=True).values_list("work", flat=True))
        for work, timing in DEFAULTS.get(zone.kind, []):
            if work in present:
                continue
            made.append(line_create(zone=zone, work=work, by=actor, reason=reason, **timing))
            present = set(zone.plan_lines.filter(active=True).values_list("work", flat=True))
    return made


# --- Settings ----------------------------------------------------------------------------------


@transaction.atomic
def profile_update(
    *,
    estate: Estate,
    by,
    toilets_open: dt.time | None = None,
    toilets_close: dt.time | None = None,
    bucket_litres: Decimal | None = None,
    rain_sweep_hours: int | None = None,
    heat_threshold: Decimal | None = None,
    reason: str = "",
) -> EnvironmentProfile:
    """The cleaning settings of the estate. New toilet hours re-time the toilets' window lines
    (CLEAN-08), a new bucket gives the disinfection lines the checklist with its amounts
    (CLEAN-10), a new rain limit the rain sweep lines' (CLEAN-07): each a plan revision, with
    ``reason`` or a reason saying what changed."""
    actor = _actor(by)
    check_lead(actor, estate.pk, _("只有环境管理部负责人或企业高层可以修改环境管理设置"))
    profile = EnvironmentProfile.objects.select_for_update().get(pk=profile_get(estate).pk)
    old = {"open": profile.toilets_open, "close": profile.toilets_close,
           "bucket": profile.bucket_litres, "rain": profile.rain_sweep_hours}  # fmt: skip
    errors: dict[str, list[str]] = {}
    new_open = profile.toilets_open if toilets_open is None else toilets_open
    new_close = profile.toilets_close if toilets_close is None else toilets_close
    if not isinstance(new_open, dt.time) or not isinstance(new_close, dt.time):
        errors["toilets_open"] = [_("请填写开放时间")]
    elif new_close <= new_open:
        errors["toilets_close"] = [_("关闭时间须晚于开放时间")]
    if bucket_litres is not None:
        try:
            bucket_litres = Decimal(str(bucket_litres))
            if not (Decimal("0.5") <= bucket_litres <= Decimal("100")) or (
                bucket_litres != bucket_litres.quantize(Decimal("0.1"))
            ):
                raise ValueError
        except (ArithmeticError, ValueError):
            errors["bucket_litres"] = [_("消毒桶容量须为 0.5 到 100 升（最多一位小数）")]
    if rain_sweep_hours is not None and (
        isinstance(rain_sweep_hours, bool) or not isinstance(rain_sweep_hours, int)
        or not 1 <= rain_sweep_hours <= DUE_HOURS_MAX
    ):  # fmt: skip
        errors["rain_sweep_hours"] = [_("雨后清扫时限须为 1 到 24 小时")]
    if heat_threshold is not None:
        # GREEN-12: the temperature the head sets for "夏季高温" (a day at or above it adds a
        # watering); a plausible summer temperature, to a tenth of a degree.
        try:
            heat_threshold = Decimal(str(heat_threshold))
            if not (Decimal("25") <= heat_threshold <= Decimal("45")) or (
                heat_threshold != heat_threshold.quantize(Decimal("0.1"))
            ):
                raise ValueError
        except (ArithmeticError, ValueError):
            errors["heat_threshold"] = [_("高温加浇温度须为 25 到 45 ℃（最多一位小数）")]
    if errors:
        raise ValidationError(errors)
    if heat_threshold is not None:
        profile.heat_threshold = heat_threshold
    profile.toilets_open, profile.toilets_close = new_open, new_close
    if bucket_litres is not None:
        profile.bucket_litres = bucket_litres
    if rain_sweep_hours is not None:
        profile.rain_sweep_hours = rain_sweep_hours
    profile.updated_by = actor.user if getattr(actor.user, "is_authenticated", False) else None
    profile.updated_at = timezone.now()
    profile.save()
    lines = PlanLine.objects.filter(estate=estate, zone__isnull=False, active=True)
    lines = lines.select_related("schedule").order_by("id")
    if (new_open, new_close) != (old["open"], old["close"]):
        was = EnvironmentProfile(toilets_open=old["open"], toilets_close=old["close"])
        text = reason or _("公共卫生间开放时间调整为 %(o)s–%(c)s") % {
            "o": f"{new_open:%H:%M}", "c": f"{new_close:%H:%M}"}  # fmt: skip
        for line in lines.filter(work=WorkKind.CLEAN, zone__kind=ZoneKind.TOILET):
            step = window_step(list(line.schedule.times), was)
            if step and window_times(new_open, new_close, step) != list(line.schedule.times):
                line_update(line=line, by=actor, reason=text, every_hours=step)
    if profile.bucket_litres != old["bucket"]:
        text = reason or _("消毒桶容量调整为 %(l)s 升") % {
            "l": f"{profile.bucket_litres.normalize():f}"}  # fmt: skip
        checklist = _checklist(estate, WorkKind.DISINFECT, profile, actor)
        for line in lines.filter(work=WorkKind.DISINFECT):
            plan_update(schedule=line.schedule, by=actor, checklist=checklist)
            revision_record(
                estate=estate, reason=text, line=line, by=actor,
                changes={"bucket_litres": [str(old["bucket"]), str(profile.bucket_litres)]},
            )  # fmt: skip
    if profile.rain_sweep_hours != old["rain"]:
        text = reason or _("雨后清扫时限调整为 %(h)d 小时") % {"h": profile.rain_sweep_hours}
        for line in lines.filter(work=WorkKind.RAIN_SWEEP):
            line_update(line=line, by=actor, reason=text, due_hours=profile.rain_sweep_hours)
    return profile

"""The greening maintenance plan (《绿化养护计划》, GREEN-05..10, GREEN-12, GREEN-14).

Each line of the plan is one piece of planned work of the field-work layer (``plan_create``: a
``workflow.Schedule`` of kind ``processes.GREENING_KIND`` with its ``TaskSpec`` on the green
area), so the engine's ``schedule_generate`` writes its tasks and the gardeners complete them with
``fieldwork.services.records.task_complete``.

The seasons (``choices.SEASON_MONTHS``) are schedules of frequency SEASONAL with their months:
winter is December, January and February, so its tasks run on across the new year and stop in
March (GREEN-09). The defaults per work (``DEFAULTS``, what ``greening_plan_seed`` writes; the head
may change a line's timing and assignee afterwards, each change a plan revision):

==============  ========  ==================================  =====  ==========================
work            season    when                                 due   kinds of area
==============  ========  ==================================  =====  ==========================
prune           spring    every 14 days, 08:00                 2 d   all but lawns (GREEN-06)
fertilise       spring    on the 10th of each month, 08:00     3 d   all
pest control    spring    on the 20th of each month, 08:00     2 d   all; plant-protection cert.
water           summer    every day, 07:00 (GREEN-10)          same  all
shade           summer    every 7 days, 08:00                  1 d   flower beds, shrubs, mixed
aphid control   summer    every 14 days, 08:00                 2 d   all but lawns; plant-prot.
leaves          autumn    every 3 days (≈ twice a week), 08:00 same  all
fertilise       autumn    on the 15th of each month, 08:00     3 d   all
cold protection winter    every 7 days (wrap, then check)      2 d   trees, shrubs, mixed
==============  ========  ==================================  =====  ==========================

An interval line counts its days from the first day of its season (or from the day the plan is
made, within the season). "due" is calendar days after the start (0: by the end of that day).

GREEN-12, adjusting to the season: besides the automatic extra watering of a hot day (the weather
records), the head adds extra waterings by hand for a period (``greening_heat_adjust``): one
temporary EXTRA_WATER line per area, a daily schedule from A to B at the times chosen, assigned
to the area's waterer; the regular daily watering keeps running beside it, so the area is watered
twice (or more) a day until B, and only once again from the day after B, with nothing to undo.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wuye.core.choices import DepartmentKind
from wuye.core.models import Estate, Staff
from wuye.core.scoping import Actor, actor_for
from wuye.core.shortcuts import estate_tz
from wuye.fieldwork.choices import CertificateKind
from wuye.fieldwork.services.certificates import require_certificate, valid_certificate
from wuye.fieldwork.services.tasks import plan_create, plan_deactivate, plan_update
from wuye.workflow.choices import TargetUnit
from wuye.workflow.models import Frequency

from ..choices import SEASON_MONTHS, GreenKind, Season, WorkKind
from ..models import EnvironmentProfile, GreenArea, PlanLine, Rectification
from ..processes import GREENING_KIND
from .landscape import check_lead, landscape_require, profile_get_or_create
from .revisions import revision_record

__all__ = [
    "ADJUST_DAYS_MAX",
    "DEFAULTS",
    "GREEN_WORK",
    "SeedResult",
    "greening_heat_adjust",
    "greening_plan_seed",
    "plan_line_add",
    "plan_line_stop",
    "plan_line_update",
    "season_of",
    "work_default",
]

W, K, S = WorkKind, GreenKind, Season
ALL = frozenset(K.values)
PLANT_PROTECTION = CertificateKind.PLANT_PROTECTION
# GREEN-13/14: pesticide work needs the plant-protection certificate.
CERTIFIED_WORK = frozenset({W.PEST_CONTROL, W.APHID})
# The works of the greening plan (a line added by hand); EXTRA_WATER comes from adjustments.
GREEN_WORK = (W.PRUNE, W.FERTILISE, W.PEST_CONTROL, W.WATER, W.SHADE, W.APHID, W.LEAVES, W.COLD)
SEASON_SHORT = {
    S.SPRING: gettext_lazy("春季"), S.SUMMER: gettext_lazy("夏季"),
    S.AUTUMN: gettext_lazy("秋季"), S.WINTER: gettext_lazy("冬季"),
}  # fmt: skip
ADJUST_DAYS_MAX = 92  # one summer
ADJUST_TIMES_MAX = 4


@dataclass(frozen=True)
class WorkDefault:
    work: str
    season: str
    rule: str
    kinds: frozenset[str]
    interval: int = 1  # days between occurrences when ``day_of_month`` is None
    day_of_month: int | None = None
    times: tuple[str, ...] = ("08:00",)
    due_days: int = 0
    certificate: str = ""


DEFAULTS: tuple[WorkDefault, ...] = (
    # GREEN-06: "春季修剪灌木，保持树形整齐" — no pruning line for a lawn.
    WorkDefault(W.PRUNE, S.SPRING, "GREEN-06", ALL - {K.LAWN}, interval=14, due_days=2),
    WorkDefault(W.FERTILISE, S.SPRING, "GREEN-06", ALL, day_of_month=10, due_days=3),
    WorkDefault(W.PEST_CONTROL, S.SPRING, "GREEN-06", ALL, day_of_month=20, due_days=2,
                certificate=PLANT_PROTECTION),
    # GREEN-10: summer watering once a day.
    WorkDefault(W.WATER, S.SUMMER, "GREEN-10", ALL, interval=1, times=("07:00",)),
    WorkDefault(W.SHADE, S.SUMMER, "GREEN-07", frozenset({K.FLOWER_BED, K.SHRUB, K.MIXED}),
                interval=7, due_days=1),
    WorkDefault(W.APHID, S.SUMMER, "GREEN-07", ALL - {K.LAWN}, interval=14, due_days=2,
                certificate=PLANT_PROTECTION),
    WorkDefault(W.LEAVES, S.AUTUMN, "GREEN-08", ALL, interval=3),
    WorkDefault(W.FERTILISE, S.AUTUMN, "GREEN-08", ALL, day_of_month=15, due_days=3),
    # GREEN-09: "给乔木包裹草绳" — trees and shrubs, wrapped and then checked weekly.
    WorkDefault(W.COLD, S.WINTER, "GREEN-09", frozenset({K.TREE, K.SHRUB, K.MIXED}),
                interval=7, due_days=2),
)  # fmt: skip


def work_default(work: str, season: str) -> WorkDefault:
    """The default of a work in a season; a work the table does not plan in that season (a line
    added by hand) every 7 days."""
    for default in DEFAULTS:
        if default.work == work and default.season == season:
            return default
    certificate = PLANT_PROTECTION if work in CERTIFIED_WORK else ""
    return WorkDefault(work, season, "GREEN-05", ALL, interval=7, certificate=certificate)


def _actor(by) -> Actor:
    return by if isinstance(by, Actor) else actor_for(by)


def _today(estate: Estate) -> dt.date:
    return timezone.now().astimezone(estate_tz(estate)).date()


def season_of(month: int) -> str:
    return next(season for season, months in SEASON_MONTHS.items() if month in months)


def season_start(anchor: dt.date, season: str) -> dt.date:
    """The day a season's line starts counting: ``anchor`` when it is in the season, else the
    first day of the season's next month after it (winter seeded in November: 1 December)."""
    months = SEASON_MONTHS[season]
    day = anchor
    while day.month not in months:
        day = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return day


def plan_lock(estate: Estate) -> None:
    """Changes of an estate's greening plan run one at a time (two heads seeding at once write
    one set of lines): they lock the estate's profile row."""
    profile_get_or_create(estate)
    EnvironmentProfile.objects.select_for_update().get(estate=estate)


def _user(staff: Staff):
    return staff.user


def _qualified(staff: Staff, kind: str, on: dt.date) -> bool:
    return not kind or valid_certificate(kind=kind, on=on, staff=staff) is not None


def _line_name(area: GreenArea, work: str, season: str) -> str:
    label = f"{SEASON_SHORT.get(season, '')}{WorkKind(work).label}"
    return f"{area.name}·{label}"[:100]


def _summary(line: PlanLine) -> dict:
    """What a revision records of a line (its timing and who does it)."""
    s = line.schedule
    assignee = getattr(getattr(s.assignee, "staff", None), "name", "") if s.assignee_id else ""
    return {
        "work": str(line.get_work_display()), "months": list(s.months), "times": list(s.times),
        "interval": s.interval, "day_of_month": s.day_of_month, "due_days": s.due_amount,
        "assignee": assignee, "start": s.anchor.isoformat(),
        "end": s.end.isoformat() if s.end else None,
    }  # fmt: skip


def _create_line(
    *,
    area: GreenArea,
    by: Actor,
    work: str,
    season: str,
    assignee: Staff,
    anchor: dt.date,
    reason: str,
    rule: str,
    frequency: str = Frequency.SEASONAL,
    interval: int = 1,
    day_of_month: int | None = None,
    times: list[str] | None = None,
    due_days: int = 0,
    end: dt.date | None = None,
    certificate: str = "",
    name: str = "",
    rectification: Rectification | None = None,
) -> PlanLine:
    seasonal = frequency == Frequency.SEASONAL
    schedule = plan_create(
        estate=area.estate, name=name or _line_name(area, work, season), kind=GREENING_KIND,
        rule=rule, frequency=frequency, interval=interval if seasonal else 1,
        day_of_month=day_of_month if seasonal else None,
        months=list(SEASON_MONTHS[season]) if seasonal else [], times=times or ["08:00"],
        anchor=anchor, end=end, due_amount=due_days, due_unit=TargetUnit.DAYS,
        assignee=_user(assignee), department=DepartmentKind.ENVIRONMENT, subject=area,
        certificate=certificate, by=by,
    )  # fmt: skip
    line = PlanLine.objects.create(
        estate=area.estate, green_area=area, work=work, season=season, schedule=schedule,
        created_at=timezone.now(),
    )  # fmt: skip
    revision_record(
        estate=area.estate, line=line, by=by, reason=reason, changes={"added": _summary(line)},
        rectification=rectification,
    )  # fmt: skip
    return line


@dataclass
class SeedResult:
    created: list[PlanLine] = field(default_factory=list)
    # What was not planned and why ("月季花坛：没有养护人…"), for the head to fix.
    skipped: list[str] = field(default_factory=list)


@transaction.atomic
def greening_plan_seed(
    *,
    estate: Estate,
    by,
    anchor: dt.date | None = None,
    year: int | None = None,
    areas: list[GreenArea] | None = None,
    reason: str = "",
) -> SeedResult:
    """Draw up the 《绿化养护计划》 (GREEN-05): for each active green area, the season's lines of
    ``DEFAULTS`` its kind takes, starting from ``anchor`` (default today; ``year``: from 1
    January of that year, never before today). Lines the area already has (same work and season,
    active) are kept, so seeding again only fills gaps. GREEN-03: refused before the landscape
    plan. GREEN-02: an area without a gardener gets no lines; GREEN-14: a pest-control line goes
    to a gardener holding a valid plant-protection certificate, or is not written."""
    actor = _actor(by)
    check_lead(actor, estate.pk, _("只有部门负责人或企业高层可以制定绿化养护计划"))
    landscape_require(estate)  # GREEN-03
    today = _today(estate)
    if year is not None:
        if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= 2100:
            raise ValidationError({"year": [_("年份须在 2000 到 2100 之间")]})
        anchor = max(today, dt.date(year, 1, 1))
    start = max(today, anchor) if isinstance(anchor, dt.date) else today
    plan_lock(estate)
    chosen = GreenArea.objects.filter(estate=estate, active=True).prefetch_related("gardeners")
    if areas is not None:
        chosen = chosen.filter(pk__in=[a.pk for a in areas])
    chosen = list(chosen)
    if not chosen:
        raise ValidationError({"areas": [_("请先登记绿化区域")]})
    reason = reason or _("按季节制定《绿化养护计划》")
    existing = set(
        PlanLine.objects.filter(estate=estate, green_area__isnull=False, active=True)
        .values_list("green_area_id", "work", "season")
    )  # fmt: skip
    result = SeedResult()
    for area in chosen:
        gardeners = sorted(area.gardeners.filter(is_active=True), key=lambda g: (g.name, g.pk))
        if not gardeners:  # GREEN-02
            result.skipped.append(_("%(area)s：没有养护人，未生成计划项") % {"area": area.name})
            continue
        for default in DEFAULTS:
            if area.kind not in default.kinds:
                continue
            if (area.pk, default.work, default.season) in existing:
                continue
            line_anchor = season_start(start, default.season)
            qualified = [g for g in gardeners if _qualified(g, default.certificate, line_anchor)]
            if not qualified:  # GREEN-14
                result.skipped.append(
                    _("%(line)s：没有持有效%(cert)s的养护人，未生成该计划项")
                    % {"line": _line_name(area, default.work, default.season),
                       "cert": CertificateKind(default.certificate).label}
                )  # fmt: skip
                continue
            line = _create_line(
                area=area, by=actor, work=default.work, season=default.season,
                assignee=qualified[0], anchor=line_anchor, reason=reason, rule=default.rule,
                interval=default.interval, day_of_month=default.day_of_month,
                times=list(default.times), due_days=default.due_days,
                certificate=default.certificate,
            )  # fmt: skip
            result.created.append(line)
    return result


def _area_gardener(area: GreenArea, staff: Staff | None, errors: dict) -> None:
    """GREEN-02: a line's gardener is one of the area's gardeners."""
    if staff is None or not area.gardeners.filter(pk=staff.pk, is_active=True).exists():
        errors["assignee"] = [_("执行人须为该绿化区域的养护人")]


def _require_qualified(work_certificate: str, staff: Staff, on: dt.date, errors: dict) -> None:
    """GREEN-14: a pest-control line only for a gardener with a valid plant-protection cert."""
    if not work_certificate or errors.get("assignee"):
        return
    try:
        require_certificate(kind=work_certificate, on=on, staff=staff)
    except ValidationError as error:
        errors["assignee"] = error.message_dict["certificate"]


def _check_times(times, errors: dict) -> list[str]:
    if not isinstance(times, list) or not times:
        errors["times"] = [_("请填写作业时间，如 07:00")]
        return []
    try:
        parsed = sorted({dt.time.fromisoformat(t).strftime("%H:%M") for t in times})
    except (TypeError, ValueError):
        errors["times"] = [_("时间点须为 HH:MM 格式，如 08:00")]
        return []
    if len(parsed) > ADJUST_TIMES_MAX:
        errors["times"] = [_("每天最多 %(n)d 个时间点") % {"n": ADJUST_TIMES_MAX}]
    return parsed


@transaction.atomic
def plan_line_add(
    *,
    area: GreenArea,
    by,
    work: str,
    season: str,
    reason: str,
    assignee: Staff | None = None,
    interval: int | None = None,
    day_of_month: int | None = None,
    times: list[str] | None = None,
    due_days: int | None = None,
    rectification: Rectification | None = None,
) -> PlanLine:
    """Add a line to the plan by hand (a work the defaults did not plan, or one stopped before),
    with the reason. Its timing defaults to ``work_default``; the gardener to the area's first
    (qualified) one."""
    actor = _actor(by)
    check_lead(actor, area.estate_id, _("只有部门负责人或企业高层可以调整绿化养护计划"))
    landscape_require(area.estate)  # GREEN-03
    plan_lock(area.estate)
    area = GreenArea.objects.select_related("estate").get(pk=area.pk)
    errors: dict[str, list[str]] = {}
    if not area.active:
        errors["area"] = [_("该绿化区域已停用")]
    if work not in GREEN_WORK:
        errors["work"] = [_("请选择养护作业")]
    if season not in Season.values:
        errors["season"] = [_("请选择季节")]
    if not str(reason or "").strip():
        errors["reason"] = [_("请填写调整原因")]
    if errors:
        raise ValidationError(errors)
    if PlanLine.objects.filter(green_area=area, work=work, season=season, active=True).exists():
        raise ValidationError({"work": [_("该区域本季已有这项作业，请直接修改该计划项")]})
    default = work_default(work, season)
    anchor = season_start(_today(area.estate), season)
    gardeners = list(area.gardeners.filter(is_active=True).order_by("name", "pk"))
    if not gardeners:  # GREEN-02
        raise ValidationError({"assignee": [_("该绿化区域没有养护人，请先指定养护人")]})
    if assignee is None:
        qualified = [g for g in gardeners if _qualified(g, default.certificate, anchor)]
        assignee = (qualified or gardeners)[0]
    _area_gardener(area, assignee, errors)
    _require_qualified(default.certificate, assignee, anchor, errors)
    if times is not None:
        times = _check_times(times, errors)
    if errors:
        raise ValidationError(errors)
    if day_of_month is None and interval is None:
        interval, day_of_month = default.interval, default.day_of_month
    return _create_line(
        area=area, by=actor, work=work, season=season, assignee=assignee, anchor=anchor,
        reason=reason, rule=default.rule, interval=interval or 1, day_of_month=day_of_month,
        times=times or list(default.times),
        due_days=default.due_days if due_days is None else due_days,
        certificate=default.certificate, rectification=rectification,
    )  # fmt: skip


LINE_CHANGES = frozenset({"times", "interval", "day_of_month", "assignee", "due_days"})


def _locked_line(line: PlanLine) -> PlanLine:
    return (
        PlanLine.objects.select_for_update(of=("self",))
        .select_related("green_area", "schedule", "estate", "schedule__assignee__staff")
        .get(pk=line.pk)
    )


@transaction.atomic
def plan_line_update(
    *, line: PlanLine, by, reason: str, rectification: Rectification | None = None, **changes
) -> PlanLine:
    """Change a line's timing (``times``, ``interval`` or ``day_of_month``, ``due_days``) or its
    gardener (``assignee``, a Staff), with the reason: a plan revision of before and after. The
    engine re-plans the line's future tasks (a change at noon keeps the morning's task)."""
    actor = _actor(by)
    check_lead(actor, line.estate_id, _("只有部门负责人或企业高层可以调整绿化养护计划"))
    unknown = set(changes) - LINE_CHANGES
    if unknown:
        raise ValidationError({f: [_("该项不能修改")] for f in sorted(unknown)})
    line = _locked_line(line)
    if line.green_area_id is None:
        raise ValidationError({"line": [_("这不是绿化养护计划的计划项")]})
    errors: dict[str, list[str]] = {}
    if not line.active:
        errors["line"] = [_("该计划项已停用")]
    if not str(reason or "").strip():
        errors["reason"] = [_("请填写调整原因")]
    schedule_changes: dict = {}
    if "times" in changes:
        schedule_changes["times"] = _check_times(changes["times"], errors)
    if "assignee" in changes:
        staff = changes["assignee"]
        _area_gardener(line.green_area, staff, errors)
        certificate = getattr(getattr(line.schedule, "spec", None), "certificate", "")
        _require_qualified(certificate, staff, _today(line.estate), errors)
        if staff is not None:
            schedule_changes["assignee"] = staff.user
    if "due_days" in changes:
        schedule_changes["due_amount"] = changes["due_days"]
    if line.schedule.frequency == Frequency.SEASONAL:
        if changes.get("day_of_month") is not None:
            schedule_changes["day_of_month"] = changes["day_of_month"]
        elif "interval" in changes:
            schedule_changes["interval"] = changes["interval"]
            schedule_changes["day_of_month"] = None
    if errors:
        raise ValidationError(errors)
    before = _summary(line)
    plan_update(schedule=line.schedule, by=actor, **schedule_changes)
    line.schedule.refresh_from_db()
    after = _summary(line)
    diff = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if diff:
        revision_record(
            estate=line.estate, line=line, by=actor, reason=reason, changes=diff,
            rectification=rectification,
        )  # fmt: skip
    return line


@transaction.atomic
def plan_line_stop(
    *, line: PlanLine, by, reason: str, rectification: Rectification | None = None
) -> PlanLine:
    """Stop a line with the reason: no more tasks, its future tasks cancelled."""
    actor = _actor(by)
    check_lead(actor, line.estate_id, _("只有部门负责人或企业高层可以调整绿化养护计划"))
    line = _locked_line(line)
    if line.green_area_id is None:
        raise ValidationError({"line": [_("这不是绿化养护计划的计划项")]})
    if not str(reason or "").strip():
        raise ValidationError({"reason": [_("请填写调整原因")]})
    if not line.active:
        return line
    plan_deactivate(schedule=line.schedule, by=actor)
    line.active = False
    line.save(update_fields=["active"])
    revision_record(
        estate=line.estate, line=line, by=actor, reason=reason,
        changes={"stopped": _summary(line)}, rectification=rectification,
    )  # fmt: skip
    return line


@transaction.atomic
def greening_heat_adjust(
    *,
    estate: Estate,
    by,
    start: dt.date,
    end: dt.date,
    times: list[str],
    reason: str,
    areas: list[GreenArea] | None = None,
) -> list[PlanLine]:
    """GREEN-12: extra waterings from ``start`` to ``end`` (both inclusive) at ``times`` for the
    areas given (default: every area with an active watering line), each a temporary
    EXTRA_WATER line with the reason, done by whoever waters the area. From the day after
    ``end`` the area is watered once a day again."""
    actor = _actor(by)
    check_lead(actor, estate.pk, _("只有部门负责人或企业高层可以调整绿化养护计划"))
    errors: dict[str, list[str]] = {}
    today = _today(estate)
    if not isinstance(start, dt.date) or start < today:
        errors["start"] = [_("开始日期不能早于今天")]
    if not isinstance(end, dt.date) or (isinstance(start, dt.date) and end < start):
        errors["end"] = [_("结束日期不能早于开始日期")]
    elif isinstance(start, dt.date) and (end - start).days >= ADJUST_DAYS_MAX:
        errors["end"] = [_("一次调整最长 %(n)d 天") % {"n": ADJUST_DAYS_MAX}]
    times = _check_times(times, errors)
    if not str(reason or "").strip():
        errors["reason"] = [_("请填写调整原因")]
    if errors:
        raise ValidationError(errors)
    plan_lock(estate)
    water = PlanLine.objects.filter(
        estate=estate, work=WorkKind.WATER, active=True, green_area__active=True
    ).select_related("green_area", "schedule__assignee__staff")
    if areas is not None:
        water = water.filter(green_area__in=[a.pk for a in areas])
    lines = []
    for line in water.order_by("green_area__name", "pk"):
        staff = getattr(line.schedule.assignee, "staff", None)
        if staff is None:
            continue
        name = _("%(area)s·高温加浇 %(start)s至%(end)s") % {
            "area": line.green_area.name, "start": f"{start:%m-%d}", "end": f"{end:%m-%d}",
        }  # fmt: skip
        extra = _create_line(
            area=line.green_area, by=actor, work=WorkKind.EXTRA_WATER,
            season=season_of(start.month), assignee=staff, anchor=start, end=end,
            reason=reason, rule="GREEN-12", frequency=Frequency.DAILY, times=times,
            name=name[:100],
        )  # fmt: skip
        lines.append(extra)
    if not lines:
        raise ValidationError({"areas": [_("没有可调整的浇水计划项，请先生成夏季浇水计划")]})
    return lines

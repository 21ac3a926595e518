"""Monthly scores of the environment department (月度考核): per cleaning zone and green area, and
per cleaner or gardener, the month's average inspection score, its inspections and failures, and the
completion of the planned work; the estate's last twelve months beside it.

Decisions (documented here, the one place they live):

- Which inspections score: the daily patrol (CLEAN-12) and the weekly spot check (CLEAN-13) of
  cleaning zones, and the weekly greening inspection (GREEN-11) of green areas. A re-check
  (整改复查) is not scored: it looks at the rectification, not at the routine work, and would
  count a failure twice.
- The score is out of 100 (得分 / 满分 × 100), so checklists with other full scores compare.
- Completion rate: tasks of the month done by their due time, of the tasks of the month already
  due at ``now`` (a task not due yet is neither done nor late); cancelled tasks are not planned.
- A person's score: an inspection counts for the people responsible for the zone or area on the
  day, by the names the inspection recorded (``Inspection.responsible_name``, as they read that
  day: a cleaner moved to another zone since keeps the score of the zone they had), and for the
  zone's or area's current cleaners or gardeners only when the inspection recorded nobody. A
  person's tasks are the tasks planned for them (the plan line's assignee). People are matched by
  name, as the inspection record names them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.models import Estate, Staff
from wuye.core.shortcuts import estate_tz
from wuye.workflow.models import PlannedTask, PlannedTaskStatus

from ..choices import InspectionKind
from ..models import CleaningZone, GreenArea, Inspection
from .board import ENVIRONMENT_WORK_KINDS, IN_PLAN

__all__ = ["SCORED_KINDS", "ScoreRow", "month_bounds", "month_parse", "month_shift", "scores"]

SCORED_KINDS = (InspectionKind.PATROL, InspectionKind.SPOT_CHECK, InspectionKind.GREEN_WEEKLY)
TREND_MONTHS = 12
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_NAMES = re.compile(r"[、,，;；/\s]+")


def month_parse(text: str | None, default: dt.date) -> dt.date:
    """``"2026-11"`` → 2026-11-01; empty → the month of ``default``; anything else is a
    ValidationError on ``month``."""
    text = (text or "").strip()
    if not text:
        return default.replace(day=1)
    match = _MONTH.match(text)
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return dt.date(year, month, 1)
    raise ValidationError({"month": [_("月份格式应为 年-月，如 2026-11")]})


def month_shift(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def month_bounds(
    estate: Estate, month: dt.date, months: int = 1
) -> tuple[dt.datetime, dt.datetime]:
    """From local midnight of the month's first day to that of the month ``months`` later."""
    zone = estate_tz(estate)
    start = dt.datetime.combine(month, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(month_shift(month, months), dt.time.min, tzinfo=zone)
    return start, end


@dataclass
class ScoreRow:
    """A zone's, a green area's or a person's month."""

    name: str
    kind: str  # "zone", "green_area" or "person"
    pk: int = 0
    points: list[Decimal] = field(default_factory=list)  # each inspection's score of 100
    failures: int = 0
    tasks_due: int = 0
    tasks_on_time: int = 0
    tasks_late: int = 0  # done late
    tasks_missed: int = 0  # due and not done

    @property
    def inspections(self) -> int:
        return len(self.points)

    @property
    def average(self) -> Decimal | None:
        if not self.points:
            return None
        return (sum(self.points) / len(self.points)).quantize(Decimal("0.1"))

    @property
    def completion(self) -> Decimal | None:
        """Percent of the due tasks done on time."""
        if not self.tasks_due:
            return None
        return (Decimal(100 * self.tasks_on_time) / self.tasks_due).quantize(Decimal("0.1"))


def _percent(score: Decimal, full: Decimal) -> Decimal:
    return (Decimal(100) * score / full) if full else Decimal(0)


def _names(text: str) -> list[str]:
    return [n for n in _NAMES.split(text or "") if n]


def _tasks(estate: Estate, start: dt.datetime, end: dt.datetime, now: dt.datetime):
    """The month's due tasks, grouped by zone or area and assignee, counted by the database."""
    done = Q(status=PlannedTaskStatus.DONE)
    return (
        PlannedTask.objects.filter(
            estate=estate,
            status__in=IN_PLAN,
            scheduled_for__gte=start,
            scheduled_for__lt=end,
            due_at__lt=now,
            schedule__kind__in=ENVIRONMENT_WORK_KINDS,
        )
        .values(
            zone=F("schedule__environment_line__zone_id"),
            area=F("schedule__environment_line__green_area_id"),
            person=F("schedule__assignee_id"),
        )
        .annotate(
            due=Count("id"),
            on_time=Count("id", filter=done & Q(done_at__lte=F("due_at"))),
            late=Count("id", filter=done & Q(done_at__gt=F("due_at"))),
            missed=Count("id", filter=~done),
        )
        .order_by()
    )


def _add_tasks(row: ScoreRow, counts: dict) -> None:
    row.tasks_due += counts["due"]
    row.tasks_on_time += counts["on_time"]
    row.tasks_late += counts["late"]
    row.tasks_missed += counts["missed"]


def _trend(estate: Estate, month: dt.date, now: dt.datetime) -> list[dict]:
    """The estate's average score and completion rate of each of the twelve months to
    ``month``: two grouped queries."""
    first = month_shift(month, -(TREND_MONTHS - 1))
    start, end = month_bounds(estate, first, TREND_MONTHS)
    zone = estate_tz(estate)
    by_month: dict[dt.date, dict] = {
        month_shift(first, i): {"points": [], "failures": 0, "due": 0, "on_time": 0}
        for i in range(TREND_MONTHS)
    }
    rows = (
        Inspection.objects.filter(estate=estate, kind__in=SCORED_KINDS, at__gte=start, at__lt=end)
        .values_list("at", "score", "full_score", "passed")
        .order_by()
    )
    for at, score, full, passed in rows:
        key = at.astimezone(zone).date().replace(day=1)
        if key in by_month:
            by_month[key]["points"].append(_percent(score, full))
            by_month[key]["failures"] += not passed
    done = Q(status=PlannedTaskStatus.DONE)
    tasks = (
        PlannedTask.objects.filter(
            estate=estate,
            status__in=IN_PLAN,
            scheduled_for__gte=start,
            scheduled_for__lt=end,
            due_at__lt=now,
            schedule__kind__in=ENVIRONMENT_WORK_KINDS,
        )
        .annotate(month=TruncMonth("scheduled_for", tzinfo=zone))
        .values("month")
        .annotate(due=Count("id"), on_time=Count("id", filter=done & Q(done_at__lte=F("due_at"))))
        .order_by()
    )
    for t in tasks:
        key = t["month"]
        key = (key.astimezone(zone).date() if isinstance(key, dt.datetime) else key).replace(day=1)
        if key in by_month:
            by_month[key]["due"] += t["due"]
            by_month[key]["on_time"] += t["on_time"]
    trend = []
    for key, m in by_month.items():
        points = m["points"]
        average = (sum(points) / len(points)).quantize(Decimal("0.1")) if points else None
        rate = (
            (Decimal(100 * m["on_time"]) / m["due"]).quantize(Decimal("0.1")) if m["due"] else None
        )
        trend.append({
            "month": key, "average": average, "inspections": len(points),
            "failures": m["failures"], "completion": rate,
        })  # fmt: skip
    return trend


def scores(estate: Estate, month: dt.date, now: dt.datetime | None = None) -> dict:
    """The month's scores of ``estate`` (the caller has checked the board's roles and scope):
    ``places`` (zones, then green areas), ``people``, ``total`` and the twelve-month ``trend``."""
    now = now or timezone.now()
    start, end = month_bounds(estate, month)
    zones = {z.pk: z for z in CleaningZone.objects.filter(estate=estate)}
    areas = {a.pk: a for a in GreenArea.objects.filter(estate=estate)}
    places: dict[tuple[str, int], ScoreRow] = {}
    people: dict[str, ScoreRow] = {}
    total = ScoreRow(name=_("合计"), kind="total")

    def place(kind: str, pk: int) -> ScoreRow:
        if (kind, pk) not in places:
            subject = (zones if kind == "zone" else areas).get(pk)
            places[kind, pk] = ScoreRow(name=subject.name if subject else _("未指定区域"),
                                        kind=kind, pk=pk)  # fmt: skip
        return places[kind, pk]

    def person(name: str) -> ScoreRow:
        if name not in people:
            people[name] = ScoreRow(name=name, kind="person")
        return people[name]

    inspections = list(
        Inspection.objects.filter(estate=estate, kind__in=SCORED_KINDS, at__gte=start, at__lt=end)
        .values_list("zone_id", "green_area_id", "score", "full_score", "passed",
                     "responsible_name")
        .order_by()
    )  # fmt: skip
    needs_current = {(z, a) for z, a, *_rest, names in inspections if not _names(names)}
    current: dict[tuple[str, int], list[str]] = defaultdict(list)
    if needs_current:
        through = CleaningZone.cleaners.through
        for zone_id, name in through.objects.filter(
            cleaningzone_id__in=[z for z, _a in needs_current if z]
        ).values_list("cleaningzone_id", "staff__name"):
            current["zone", zone_id].append(name)
        through = GreenArea.gardeners.through
        for area_id, name in through.objects.filter(
            greenarea_id__in=[a for _z, a in needs_current if a]
        ).values_list("greenarea_id", "staff__name"):
            current["green_area", area_id].append(name)
    for zone_id, area_id, score, full, passed, names in inspections:
        key = ("zone", zone_id) if zone_id else ("green_area", area_id)
        points = _percent(score, full)
        for row in (place(*key), total):
            row.points.append(points)
            row.failures += not passed
        for name in dict.fromkeys(_names(names) or current.get(key, [])):
            row = person(name)
            row.points.append(points)
            row.failures += not passed

    assignees: dict[int, str] = {}
    grouped = list(_tasks(estate, start, end, now))
    wanted = {g["person"] for g in grouped if g["person"]}
    if wanted:
        assignees = dict(Staff.objects.filter(user_id__in=wanted).values_list("user_id", "name"))
    for g in grouped:
        key = ("zone", g["zone"]) if g["zone"] else ("green_area", g["area"] or 0)
        _add_tasks(place(*key), g)
        _add_tasks(total, g)
        _add_tasks(person(assignees.get(g["person"]) or _("未指定人员")), g)

    order = lambda r: (r.kind != "zone", r.name)  # noqa: E731
    return {
        "month": month,
        "now": now,
        "places": sorted(places.values(), key=order),
        "people": sorted(people.values(), key=lambda r: r.name),
        "total": total,
        "trend": _trend(estate, month, now),
    }


def scores_charts(data: dict) -> dict:
    """What the page's charts draw (json_script): a bar per zone or area, the twelve months."""
    places = data["places"]
    return {
        "places": {
            "labels": [r.name for r in places],
            "average": [float(r.average) if r.average is not None else None for r in places],
            "completion": [
                float(r.completion) if r.completion is not None else None for r in places
            ],
            "names": [_("平均得分"), _("按时完成率（%）")],
        },
        "trend": {
            "months": [f"{m['month']:%Y-%m}" for m in data["trend"]],
            "average": [
                float(m["average"]) if m["average"] is not None else None for m in data["trend"]
            ],
            "completion": [
                float(m["completion"]) if m["completion"] is not None else None
                for m in data["trend"]
            ],
            "names": [_("平均得分"), _("按时完成率（%）")],
        },
    }

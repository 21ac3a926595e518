"""Reads of the environment head's board (环境看板): a day's cleaning and greening tasks per zone
and per person, the open rectifications, the week's spot-check sample, the products below their
minimum stock and the latest failed inspections. A bounded number of queries whatever the
estate's size or history: the day's tasks are counted by the database (one grouped query), each
list is capped at ``LIMIT`` rows.

How a task of the day is counted (``TaskCounts``), at ``now``:

- ``planned``: every task of the day's plan (cancelled ones are not in the plan any more);
- ``done``: done by its due time; ``done_late``: done after it (a missed task done later too);
- ``late``: its due time has passed and it is not done yet (the missed sweep has not run yet);
- ``missed``: marked missed by the sweep and not done (CLEAN-05/GREEN-05: never silently
  skipped);
- ``open``: not due yet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wuye.core.choices import Role
from wuye.core.models import Estate, Staff
from wuye.core.scoping import Actor
from wuye.core.shortcuts import estate_tz
from wuye.workflow.models import PlannedTask, PlannedTaskStatus

from ..models import (
    CleaningZone,
    GreenArea,
    Inspection,
    InspectionItem,
    Product,
    Rectification,
    SpotSample,
)
from ..processes import CLEANING_KIND, GREENING_KIND

__all__ = [
    "BOARD_ROLES",
    "ENVIRONMENT_WORK_KINDS",
    "LIMIT",
    "TASK_STATES",
    "Block",
    "TaskCounts",
    "board",
    "board_check",
    "board_task_list",
    "day_bounds",
    "day_parse",
    "day_tasks",
    "task_state",
    "week_start",
]

LIMIT = 20
# CLEAN-02 / GREEN-02: the department plans and inspects; the board is its head's (and the
# executives' and auditors', who read it).
BOARD_ROLES = frozenset({Role.EXECUTIVE, Role.DEPARTMENT_HEAD, Role.AUDITOR})
# The planned work of cleaners and gardeners (CLEAN-05, GREEN-05).
ENVIRONMENT_WORK_KINDS = (CLEANING_KIND, GREENING_KIND)
IN_PLAN = (PlannedTaskStatus.PLANNED, PlannedTaskStatus.DONE, PlannedTaskStatus.MISSED)
UNASSIGNED = 0


def board_check(actor: Actor) -> None:
    """The board and the scores are for the department's head, the executives and auditors."""
    if not (actor.is_superuser or (actor.staff is not None and actor.role in BOARD_ROLES)):
        raise PermissionDenied(_("环境看板仅供部门负责人、企业高层和审计人员查看"))


def day_parse(text: str | None, default: dt.date) -> dt.date:
    """``"2026-11-30"`` → that date; empty → ``default``; anything else (or a date out of
    2000–2100) is a ValidationError on ``day``."""
    text = (text or "").strip()
    if not text:
        return default
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        day = None
    if day is None or not 2000 <= day.year <= 2100:
        raise ValidationError({"day": [_("日期格式应为 年-月-日，如 2026-11-30")]})
    return day


def day_bounds(estate: Estate, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The day from local midnight to the next local midnight (a 23- or 25-hour day where the
    estate's zone changes its clocks)."""
    zone = estate_tz(estate)
    start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return start, end


def week_start(day: dt.date) -> dt.date:
    """The Monday of ``day``'s week (CLEAN-13: the spot check is weekly)."""
    return day - dt.timedelta(days=day.weekday())


def day_tasks(estate: Estate, day: dt.date) -> QuerySet[PlannedTask]:
    """The estate's cleaning and greening tasks scheduled on ``day`` (local), not cancelled."""
    start, end = day_bounds(estate, day)
    return PlannedTask.objects.filter(
        estate=estate,
        status__in=IN_PLAN,
        scheduled_for__gte=start,
        scheduled_for__lt=end,
        schedule__kind__in=ENVIRONMENT_WORK_KINDS,
    )


def count_filters(now: dt.datetime) -> dict[str, Q]:
    """The task categories of the module's docstring, as filters (mutually exclusive but for
    ``planned``, which is all of them)."""
    done = Q(status=PlannedTaskStatus.DONE)
    return {
        "done": done & Q(done_at__lte=F("due_at")),
        "done_late": done & Q(done_at__gt=F("due_at")),
        "late": Q(status=PlannedTaskStatus.PLANNED, due_at__lt=now),
        "missed": Q(status=PlannedTaskStatus.MISSED),
        "open": Q(status=PlannedTaskStatus.PLANNED, due_at__gte=now),
    }


@dataclass
class TaskCounts:
    """A row of the day's tasks: a zone, a green area or a person, with its counts."""

    key: str = ""
    name: str = ""
    kind: str = ""  # "zone", "green_area" or "person"
    pk: int = 0
    planned: int = 0
    done: int = 0
    done_late: int = 0
    late: int = 0
    missed: int = 0
    open: int = 0

    def add(self, row: dict) -> None:
        for name in ("planned", "done", "done_late", "late", "missed", "open"):
            setattr(self, name, getattr(self, name) + row[name])

    @property
    def trouble(self) -> int:
        """Tasks the head should look at: late or missed."""
        return self.late + self.missed

    @property
    def rate(self) -> float | None:
        """Done on time, of the tasks already due (None while none is due)."""
        due = self.planned - self.open
        return round(100 * self.done / due, 1) if due else None


@dataclass
class Block:
    """A list of the board: its rows (at most ``LIMIT``) and how many there are in all."""

    rows: list = field(default_factory=list)
    count: int = 0


def _block(qs, limit: int = LIMIT) -> Block:
    rows = list(qs[: limit + 1])
    if len(rows) <= limit:
        return Block(rows, len(rows))
    return Block(rows[:limit], qs.count())


def _task_counts(estate: Estate, day: dt.date, now: dt.datetime) -> dict:
    """One grouped query: the day's counts per (zone or green area, assignee); then the names
    (one query each for zones, green areas and people)."""
    filters = count_filters(now)
    grouped = (
        day_tasks(estate, day)
        .values(
            zone=F("schedule__environment_line__zone_id"),
            area=F("schedule__environment_line__green_area_id"),
            person=F("schedule__assignee_id"),
        )
        .annotate(
            planned=Count("id"), **{name: Count("id", filter=q) for name, q in filters.items()}
        )
        .order_by()
    )
    total = TaskCounts(key="total", name=_("合计"))
    places: dict[tuple[str, int], TaskCounts] = {}
    people: dict[int, TaskCounts] = {}
    for row in grouped:
        total.add(row)
        place = ("zone", row["zone"]) if row["zone"] else ("green_area", row["area"] or 0)
        places.setdefault(place, TaskCounts(key=f"{place[0]}-{place[1]}", kind=place[0],
                                            pk=place[1])).add(row)  # fmt: skip
        person = row["person"] or UNASSIGNED
        people.setdefault(person, TaskCounts(key=f"person-{person}", kind="person",
                                             pk=person)).add(row)  # fmt: skip
    zone_ids = [pk for kind, pk in places if kind == "zone"]
    area_ids = [pk for kind, pk in places if kind == "green_area" and pk]
    zones = dict(CleaningZone.objects.filter(pk__in=zone_ids).values_list("pk", "name"))
    areas = dict(GreenArea.objects.filter(pk__in=area_ids).values_list("pk", "name"))
    names = dict(
        Staff.objects.filter(user_id__in=[p for p in people if p]).values_list("user_id", "name")
    )
    for (kind, pk), counts in places.items():
        counts.name = (zones if kind == "zone" else areas).get(pk, "") or _("未指定区域")
    for pk, counts in people.items():
        counts.name = names.get(pk, "") or _("未指定人员")
    order = lambda c: (-c.trouble, c.kind != "zone", c.name)  # noqa: E731
    return {
        "total": total,
        "places": sorted(places.values(), key=order),
        "people": sorted(people.values(), key=order),
    }


def _spot_sample(estate: Estate, day: dt.date) -> dict:
    """CLEAN-13: the week's sample (drawn for its Monday) and which picks are inspected yet."""
    monday = week_start(day)
    sample = SpotSample.objects.filter(estate=estate, week_start=monday).first()
    picks: list[dict] = []
    if sample is not None:
        zone_ids = [p.get("zone") for p in sample.picks if isinstance(p, dict) and p.get("zone")]
        zones = dict(CleaningZone.objects.filter(pk__in=zone_ids).values_list("pk", "name"))
        checked = dict(
            Inspection.objects.filter(sample=sample).order_by("at").values_list("zone_id", "passed")
        )
        for pick in sample.picks:
            if not isinstance(pick, dict) or not pick.get("zone"):
                continue
            zone = pick["zone"]
            picks.append({
                "zone": zone, "name": zones.get(zone, ""), "task": pick.get("task"),
                "inspected": zone in checked, "passed": checked.get(zone),
            })  # fmt: skip
    return {
        "week_start": monday,
        "sample": sample,
        "picks": picks,
        "inspected": sum(p["inspected"] for p in picks),
    }


def open_rectifications(estate: Estate) -> QuerySet[Rectification]:
    """Not closed yet (待整改 or 待复查), the nearest deadline first."""
    return (
        Rectification.objects.filter(estate=estate, closed_at__isnull=True)
        .select_related("case", "zone", "green_area", "assignee")
        .order_by("deadline", "id")
    )


def low_stock(estate: Estate) -> QuerySet[Product]:
    """Active products of the estate's active stores whose stock is below their minimum."""
    return (
        Product.objects.filter(
            store__estate=estate, store__active=True, active=True, stock__lt=F("minimum")
        )
        .select_related("store")
        .order_by("store__name", "name", "id")
    )


def failed_inspections(estate: Estate) -> QuerySet[Inspection]:
    """The latest inspections that failed, with their failed items."""
    return (
        Inspection.objects.filter(estate=estate, passed=False)
        .select_related("zone", "green_area")
        .prefetch_related(
            Prefetch(
                "items",
                queryset=InspectionItem.objects.filter(passed=False).order_by("position"),
                to_attr="failed_items",
            )
        )
        .order_by("-at", "-id")
    )


def board(
    actor: Actor, estate: Estate, day: dt.date | None = None, now: dt.datetime | None = None
) -> dict:
    """Every block of the board of ``estate`` for ``day`` (default: today in the estate's zone),
    as counted at ``now``. The caller has checked ``board_check`` and the estate's scope."""
    now = now or timezone.now()
    today = now.astimezone(estate_tz(estate)).date()
    day = day or today
    tasks = _task_counts(estate, day, now)
    rectifications = _block(open_rectifications(estate))
    for r in rectifications.rows:
        r.overdue = r.done_at is None and r.deadline < now
    return {
        "now": now,
        "today": today,
        "day": day,
        "tasks": tasks,
        "rectifications": rectifications,
        "spot": _spot_sample(estate, day),
        "stock": _block(low_stock(estate)),
        "failures": _block(failed_inspections(estate), limit=10),
    }


TASK_STATES = {
    "done": gettext_lazy("按时完成"),
    "done_late": gettext_lazy("逾期完成"),
    "late": gettext_lazy("超时未完成"),
    "missed": gettext_lazy("已错过"),
    "open": gettext_lazy("未到期"),
}


def board_task_list(
    estate: Estate,
    day: dt.date,
    *,
    now: dt.datetime | None = None,
    zone: int | None = None,
    green_area: int | None = None,
    person: int | None = None,
    state: str = "",
) -> QuerySet[PlannedTask]:
    """The day's tasks behind a figure of the board: of a zone, a green area or a person
    (``person=0``: nobody named), in one of the ``count_filters`` states; by time."""
    now = now or timezone.now()
    qs = day_tasks(estate, day).select_related(
        "schedule__environment_line__zone",
        "schedule__environment_line__green_area",
        "schedule__assignee__staff",
        "done_by__staff",
    )
    if zone is not None:
        qs = qs.filter(schedule__environment_line__zone_id=zone)
    if green_area is not None:
        qs = qs.filter(schedule__environment_line__green_area_id=green_area)
    if person is not None:
        if person:
            qs = qs.filter(schedule__assignee_id=person)
        else:
            qs = qs.filter(schedule__assignee__isnull=True)
    if state:
        qs = qs.filter(count_filters(now)[state])
    return qs.order_by("scheduled_for", "id")


def task_state(task: PlannedTask, now: dt.datetime) -> str:
    """One task's state as the board counts it (``count_filters``)."""
    if task.status == PlannedTaskStatus.DONE:
        return "done_late" if task.done_at > task.due_at else "done"
    if task.status == PlannedTaskStatus.MISSED:
        return "missed"
    return "late" if task.due_at < now else "open"

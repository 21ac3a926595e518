"""Repair KPIs (报修统计) of one estate over a period: the figures of the KPIs page and its API.

The period is a range of report dates in the estate's time zone, both days included. Every
figure is about the orders reported in it, except the daily ``completed`` series, which counts
the orders completed on each day (whenever they were reported), and ``open_now`` /
``overdue_now``, which say where those orders stand at this moment.

Five queries whatever the size of the period: two aggregates, one grouping of the clocks, the
step times of the period's orders (medians are taken in Python, the same on SQLite and
PostgreSQL) and the completion times for the daily series.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db.models import Avg, Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.models import Estate
from wuye.repairs.choices import EXCUSED_REPEAT_CAUSES, Category, Status, Urgency
from wuye.repairs.models import RepairOrder
from wuye.repairs.processes import OPEN, REPAIR
from wuye.workflow.choices import ClockState
from wuye.workflow.models import SlaClock

DEFAULT_DAYS = 30
MAX_DAYS = 366


def estate_tz(estate: Estate) -> ZoneInfo:
    return ZoneInfo(estate.time_zone or "Asia/Shanghai")


def kpi_period(
    *, estate: Estate, start: dt.date | None = None, end: dt.date | None = None
) -> tuple[dt.date, dt.date]:
    """The period asked for, or the last 30 days ending today in the estate's time zone.
    Raises ValidationError (per field) for a start after the end or more than 366 days."""
    if end is None:
        end = timezone.now().astimezone(estate_tz(estate)).date()
    if start is None:
        start = end - dt.timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise ValidationError({"start": [_("开始日期不能晚于结束日期")]})
    if (end - start).days + 1 > MAX_DAYS:
        raise ValidationError({"end": [_("统计区间最长 366 天")]})
    return start, end


def _bounds(estate: Estate, start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Local midnight of the first day and of the day after the last (exclusive)."""
    tz = estate_tz(estate)
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


def _minutes(later: dt.datetime | None, earlier: dt.datetime) -> float | None:
    return None if later is None else (later - earlier).total_seconds() / 60


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _avg(value: float | None) -> float | None:
    return None if value is None else round(float(value), 2)


def _clock_label(decl) -> str:
    # Two clocks share the name 派单时限: the urgency they apply to tells them apart.
    scope = dict(decl.only_if).get("urgency")
    if scope is None:
        return str(decl.name)
    return _("%(name)s（%(scope)s）") % {"name": decl.name, "scope": Urgency(scope).label}


def repair_kpis(*, estate: Estate, start: dt.date, end: dt.date) -> dict:
    """The repair figures of ``estate`` for the orders reported from ``start`` to ``end``
    (local dates, inclusive). Shares are floats 0–1, or None when there is nothing to divide;
    durations are minutes (medians, one decimal); scores are averages of 1–5 (two decimals)."""
    lo, hi = _bounds(estate, start, end)
    tz = estate_tz(estate)
    now = timezone.now()
    orders = RepairOrder.objects.filter(estate=estate, reported_at__gte=lo, reported_at__lt=hi)

    # 1. Counts and scores in one aggregate.
    overdue_clock = SlaClock.objects.filter(case=OuterRef("case")).filter(
        Q(state=ClockState.RUNNING, due_at__lt=now)
        | Q(state=ClockState.BREACHED, stopped_at__isnull=True)
    )
    is_open = Q(case__status__in=OPEN)
    figures = orders.aggregate(
        total=Count("pk"),
        completed=Count("pk", filter=Q(completed_at__isnull=False)),
        cancelled=Count("pk", filter=Q(case__status=Status.CANCELLED)),
        # REPAIR-13: a repeat within 30 days counts unless its cause is excused (parts quality).
        repeats=Count(
            "pk",
            filter=Q(repeat_of__isnull=False) & ~Q(repeat_cause__in=EXCUSED_REPEAT_CAUSES),
        ),
        rated=Count("satisfaction"),
        satisfaction=Avg("satisfaction"),
        quality=Avg("quality_score"),
        attitude=Avg("attitude_score"),
        open_now=Count("pk", filter=is_open),
        overdue_now=Count("pk", filter=is_open & Q(Exists(overdue_clock))),
    )

    # 2. By category and urgency, one grouping.
    by_category: Counter[str] = Counter()
    by_urgency: Counter[str] = Counter()
    for row in orders.order_by().values("category", "urgency").annotate(n=Count("pk")):
        by_category[row["category"]] += row["n"]
        by_urgency[row["urgency"]] += row["n"]

    # 3. The clocks of the period's orders by key and state. A cancelled clock no longer
    # applies, and a cancelled order's clocks were stopped by the cancellation, not the work:
    # neither counts.
    clock_counts: dict[str, Counter[str]] = defaultdict(Counter)
    clock_rows = (
        SlaClock.objects.filter(case__repair_order__in=orders)
        .exclude(state=ClockState.CANCELLED)
        .exclude(case__status=Status.CANCELLED)
        .order_by()
        .values("key", "state")
        .annotate(n=Count("pk"))
    )
    for row in clock_rows:
        clock_counts[row["key"]][row["state"]] += row["n"]
    clocks = []
    for decl in REPAIR.clocks:
        c = clock_counts[decl.key]
        met, breached = c[ClockState.MET], c[ClockState.BREACHED]
        clocks.append(
            {
                "key": decl.key,
                "rule": decl.rule,
                "name": _clock_label(decl),
                "met": met,
                "breached": breached,
                # Still counting: running, or paused while waiting for the owner.
                "running": c[ClockState.RUNNING] + c[ClockState.PAUSED],
                "share_met": _share(met, met + breached),
            }
        )

    # 4. Step times: medians, reports per day, technicians.
    to_dispatch: list[float] = []
    to_arrival: list[float] = []
    to_completion: list[float] = []
    reported_per_day: Counter[dt.date] = Counter()
    techs: dict[int, dict] = {}
    rows = orders.order_by().values_list(
        "reported_at", "dispatched_at", "arrived_at", "completed_at", "satisfaction",
        "completed_by_id", "completed_by__staff__name", "completed_by__username",
    )  # fmt: skip
    for reported, dispatched, arrived, completed, score, tech_id, staff_name, username in rows:
        reported_per_day[reported.astimezone(tz).date()] += 1
        for values, at in ((to_dispatch, dispatched), (to_arrival, arrived)):
            if at is not None:
                values.append(_minutes(at, reported))
        if completed is None:
            continue
        minutes = _minutes(completed, reported)
        to_completion.append(minutes)
        if tech_id is None:
            continue
        tech = techs.setdefault(
            tech_id, {"name": staff_name or username, "minutes": [], "scores": []}
        )
        tech["minutes"].append(minutes)
        if score is not None:
            tech["scores"].append(score)
    technicians = sorted(
        (
            {
                "user_id": tech_id,
                "name": t["name"],
                "completed": len(t["minutes"]),
                "median_completion_minutes": _median(t["minutes"]),
                "rated": len(t["scores"]),
                "satisfaction": _avg(statistics.fmean(t["scores"])) if t["scores"] else None,
            }
            for tech_id, t in techs.items()
        ),
        key=lambda t: (-t["completed"], t["name"], t["user_id"]),
    )

    # 5. Completions per day, whenever the order was reported.
    completed_per_day = Counter(
        at.astimezone(tz).date()
        for at in RepairOrder.objects.filter(
            estate=estate, completed_at__gte=lo, completed_at__lt=hi
        ).values_list("completed_at", flat=True)
    )
    days = (end - start).days + 1
    daily = [
        {
            "date": day,
            "reported": reported_per_day[day],
            "completed": completed_per_day[day],
        }
        for day in (start + dt.timedelta(days=i) for i in range(days))
    ]

    return {
        "estate_id": estate.pk,
        "start": start,
        "end": end,
        "time_zone": str(tz),
        "total": figures["total"],
        "completed": figures["completed"],
        "cancelled": figures["cancelled"],
        "open_now": figures["open_now"],
        "overdue_now": figures["overdue_now"],
        "by_category": [
            {"code": c.value, "label": str(c.label), "count": by_category[c.value]}
            for c in Category
        ],
        "by_urgency": [
            {"code": u.value, "label": str(u.label), "count": by_urgency[u.value]} for u in Urgency
        ],
        "clocks": clocks,
        "median_minutes": {
            "dispatch": _median(to_dispatch),
            "arrival": _median(to_arrival),
            "completion": _median(to_completion),
        },
        "repeats": figures["repeats"],
        "repeat_rate": _share(figures["repeats"], figures["completed"]),
        "ratings": {
            "rated": figures["rated"],
            "satisfaction": _avg(figures["satisfaction"]),
            "quality": _avg(figures["quality"]),
            "attitude": _avg(figures["attitude"]),
        },
        "daily": daily,
        "technicians": technicians,
    }

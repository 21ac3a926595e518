"""Reads of engineering's board (工程设备看板): the open anomalies and faults with their clocks,
open monitoring alarms, today's rounds, today's operation logs with their missing hours, the
planned work due this week, certificates expiring and statutory inspections due. A bounded
number of queries whatever the estate's size (each block is capped at ``LIMIT`` rows)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Case, IntegerField, Prefetch, Q, Value, When
from django.utils import timezone

from wuye.core.models import Estate
from wuye.core.scoping import Actor
from wuye.core.shortcuts import estate_tz
from wuye.fieldwork.models import MissedCheckpoint
from wuye.fieldwork.selectors.certificates import WARN_DAYS, certificates_visible
from wuye.fieldwork.selectors.devices import device_event_list
from wuye.fieldwork.selectors.rounds import round_list
from wuye.fieldwork.selectors.tasks import attach_subjects, tasks_visible
from wuye.workflow.models import PlannedTaskStatus, SlaClock

from ..choices import EquipmentStatus
from .anomalies import anomaly_list
from .equipment import equipment_list
from .faults import fault_list
from .logs import local_hour, missing_counts

LIMIT = 20
PLANNED_KINDS = ("maintenance", "preventive")


@dataclass
class Block:
    """A block of the board: its rows (at most ``LIMIT``) and how many there are in all."""

    rows: list = field(default_factory=list)
    count: int = 0
    done: int = 0  # rounds: how many of today's are done; logs: equipment logged on time
    later: int = 0  # rounds: how many start later today


def _clock_state(clock, now: dt.datetime) -> str:
    if clock.state == "running":
        return "breach" if now >= clock.due_at else ("warn" if now >= clock.warn_at else "ok")
    return "breach" if clock.state == "breached" else "ok"


def _with_clocks(items, now: dt.datetime) -> None:
    """``clock``: the running clock due first (else the latest), ``clock_state`` its colour."""
    for item in items:
        clocks = list(item.case.clocks.all())
        running = sorted((c for c in clocks if c.state == "running"), key=lambda c: c.due_at)
        item.clock = running[0] if running else (clocks[-1] if clocks else None)
        item.clock_state = _clock_state(item.clock, now) if item.clock else ""


def _first_due(item) -> tuple:
    clock = getattr(item, "clock", None)
    running = clock is not None and clock.state == "running"
    return (not running, clock.due_at if running else item.pk)


def _block(qs, limit: int = LIMIT) -> Block:
    rows = list(qs[: limit + 1])
    if len(rows) <= limit:
        return Block(rows, len(rows))
    return Block(rows[:limit], qs.count())


def board(actor: Actor, estate: Estate, now: dt.datetime | None = None) -> dict:
    """Every block of the board of ``estate`` as ``actor`` may see it, at ``now``."""
    now = now or timezone.now()
    zone = estate_tz(estate)
    today = now.astimezone(zone).date()
    clocks = Prefetch("case__clocks", queryset=SlaClock.objects.order_by("started_at", "id"))

    # EQUIP-OPS-08/09: open anomalies, the 10-minute clock due first on top.
    anomalies = _block(
        anomaly_list(actor=actor, estate_id=estate.pk, open_only=True)
        .prefetch_related(clocks)
        .order_by("found_at", "id")
    )
    _with_clocks(anomalies.rows, now)
    anomalies.rows.sort(key=_first_due)

    faults = _block(fault_list(actor=actor, estate_id=estate.pk, open_only=True))
    _with_clocks(faults.rows, now)
    faults.rows.sort(key=lambda f: (not f.entrapment, *_first_due(f)))

    alarms = _block(device_event_list(actor=actor, estate_id=estate.pk, open_only=True))

    # Today's rounds, with their progress and the checkpoints missed.
    rounds = _block(
        round_list(actor=actor, estate_id=estate.pk, date_from=today, date_to=today, zone=zone)
        .prefetch_related(
            Prefetch(
                "round__missed",
                queryset=MissedCheckpoint.objects.select_related("checkpoint").order_by(
                    "checkpoint__position", "id"
                ),
            )
        )
        .order_by("scheduled_for", "id"),
        limit=50,
    )
    for task in rounds.rows:
        record = getattr(task, "round", None)
        task.missed_names = [m.checkpoint.name for m in record.missed.all()] if record else []
    # Shown: the rounds with a missed checkpoint, then those begun and not done (an hourly
    # route has 24 a day); the done and the later ones are counted.
    rounds.done = sum(t.status == PlannedTaskStatus.DONE for t in rounds.rows)
    rounds.later = sum(
        t.status == PlannedTaskStatus.PLANNED and t.scheduled_for > now for t in rounds.rows
    )
    rounds.rows = sorted(
        (t for t in rounds.rows
         if t.missed_names or (t.status != PlannedTaskStatus.DONE and t.scheduled_for <= now)),
        key=lambda t: (not t.missed_names, t.scheduled_for),
    )  # fmt: skip

    # EQUIP-OPS-05/07: equipment logged hourly, with the hours missing so far today.
    hourly = list(
        equipment_list(actor=actor, estate_id=estate.pk)
        .filter(logs_hourly=True, status=EquipmentStatus.IN_USE)
        .select_related("estate")[:100]
    )
    since_midnight = local_hour(now, estate).hour
    counts = missing_counts(hourly, now, hours=since_midnight) if since_midnight else {}
    for e in hourly:
        e.missing_hours = counts.get(e.pk, 0)
    hourly.sort(key=lambda e: (-e.missing_hours, e.category, e.code))
    logs = Block(hourly, len(hourly), done=sum(not e.missing_hours for e in hourly))

    # Planned maintenance due this week (Monday to Sunday), the missed and late ones first.
    monday = today - dt.timedelta(days=today.weekday())
    week_end = dt.datetime.combine(monday + dt.timedelta(days=7), dt.time.min, tzinfo=zone)
    late = Q(status=PlannedTaskStatus.MISSED) | Q(status=PlannedTaskStatus.PLANNED, due_at__lt=now)
    planned_qs = (
        tasks_visible(actor)
        .filter(estate=estate, schedule__kind__in=PLANNED_KINDS)
        .filter(late | Q(status=PlannedTaskStatus.PLANNED, due_at__lt=week_end))
        .select_related("schedule__spec__route")
        .annotate(late_rank=Case(When(late, then=Value(0)), default=Value(1),
                                 output_field=IntegerField()))
        .order_by("late_rank", "due_at", "id")
    )  # fmt: skip
    planned = _block(planned_qs)
    attach_subjects(t.schedule.spec for t in planned.rows)
    for t in planned.rows:
        t.is_late = t.late_rank == 0

    # Certificates expired or expiring within 30 days (not revoked), soonest first.
    certificates = _block(
        certificates_visible(actor)
        .filter(revoked=False, expires_on__lte=today + dt.timedelta(days=WARN_DAYS))
        .filter(Q(staff__estates=estate) | Q(contractor__estates=estate))
        .distinct()
        .order_by("expires_on", "id")
    )
    for c in certificates.rows:
        c.expired = c.expires_on < today

    # Statutory inspections overdue or due within 30 days.
    inspections = _block(
        equipment_list(actor=actor, estate_id=estate.pk, inspection_due=True, today=today).order_by(
            "inspection_due_on", "id"
        )
    )
    for e in inspections.rows:
        e.overdue = e.inspection_due_on < today

    return {
        "now": now,
        "today": today,
        "anomalies": anomalies,
        "faults": faults,
        "alarms": alarms,
        "rounds": rounds,
        "logs": logs,
        "planned": planned,
        "certificates": certificates,
        "inspections": inspections,
    }

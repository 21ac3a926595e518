"""The weekly spot check's sample (每周抽检, CLEAN-13): drawn by the system, so nobody picks the
easy zones, from a seed it keeps, so anyone can draw it again and get the same.

How a week is drawn (``spot_sample_picks``), with ``random.Random`` seeded by the sample's seed:

- the quarter is the calendar quarter of the week's Monday; its weeks are its Mondays;
- the zones not yet sampled this quarter (active zones, by id) are drawn first, as many as
  ``ceil(not yet sampled / weeks left)`` — so each zone is sampled at least once per quarter,
  a zone added mid-quarter too, and an estate with more zones than weeks gets several a week;
- at least ``ceil(active zones / weeks of the quarter)`` zones a week: when the quarter's zones
  are all covered, the rest is drawn from all active zones;
- for each zone, one of its cleaning tasks completed in that week is drawn at random
  (``pick_task``) — when the sample is drawn ahead of its week, when the check is recorded.

The same seed with the same inputs (the active zones, the quarter's earlier samples, the
week's completed tasks) gives the same sample.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.models import Estate
from wuye.core.scoping import Actor, actor_for
from wuye.core.shortcuts import estate_tz
from wuye.fieldwork.models import TaskSpec
from wuye.workflow.models import PlannedTask, PlannedTaskStatus

from ..models import CleaningZone, SpotSample
from ..processes import CLEANING_KIND
from .inspections import check_lead

__all__ = [
    "pick_task",
    "quarter_mondays",
    "spot_sample_draw",
    "spot_sample_draw_next_week",
    "spot_sample_picks",
]

SEED_BITS = 62  # fits the signed 64-bit column


def _actor(by) -> Actor:
    return by if isinstance(by, Actor) else actor_for(by)


def quarter_mondays(day: dt.date) -> list[dt.date]:
    """The Mondays of ``day``'s calendar quarter: the quarter's weeks."""
    first = dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    end = dt.date(first.year + (first.month + 2) // 12, (first.month + 2) % 12 + 1, 1)
    monday = first + dt.timedelta(days=(7 - first.weekday()) % 7)
    mondays = []
    while monday < end:
        mondays.append(monday)
        monday += dt.timedelta(days=7)
    return mondays


def _week_bounds(estate: Estate, week_start: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = estate_tz(estate)
    start = dt.datetime.combine(week_start, dt.time(0), tz)
    return start, dt.datetime.combine(week_start + dt.timedelta(days=7), dt.time(0), tz)


def _zone_tasks(zone_ids: list[int], start: dt.datetime, end: dt.datetime,
                until: dt.datetime) -> dict[int, list[int]]:  # fmt: skip
    """The zones' cleaning tasks of the week done by ``until``, by zone, by id."""
    from django.contrib.contenttypes.models import ContentType

    if not zone_ids:
        return {}
    kind = ContentType.objects.get_for_model(CleaningZone)
    specs = dict(
        TaskSpec.objects.filter(subject_type=kind, subject_id__in=zone_ids).values_list(
            "schedule_id", "subject_id"
        )
    )
    found: dict[int, list[int]] = {}
    tasks = PlannedTask.objects.filter(
        schedule_id__in=list(specs), schedule__kind=CLEANING_KIND,
        status=PlannedTaskStatus.DONE, scheduled_for__gte=start, scheduled_for__lt=end,
        done_at__lte=until,
    ).order_by("id").values_list("id", "schedule_id")  # fmt: skip
    for task_id, schedule_id in tasks:
        found.setdefault(specs[schedule_id], []).append(task_id)
    return found


def _draw_task(seed: int, zone_id: int, candidates: list[int]) -> int | None:
    if not candidates:
        return None
    return random.Random(f"{seed}:{zone_id}").choice(sorted(candidates))


def spot_sample_picks(
    *, estate: Estate, week_start: dt.date, seed: int, until: dt.datetime | None = None
) -> list[dict]:
    """The week's picks for this seed: ``[{"zone": id, "task": id or None}, …]`` in the order
    drawn. ``until``: tasks completed by then count (default now). Reads, writes nothing."""
    until = until or timezone.now()
    mondays = quarter_mondays(week_start)
    active = sorted(
        CleaningZone.objects.filter(estate=estate, active=True).values_list("id", flat=True)
    )
    if not active:
        return []
    earlier = SpotSample.objects.filter(
        estate=estate, week_start__gte=mondays[0], week_start__lt=week_start
    ).values_list("picks", flat=True)
    sampled = {p.get("zone") for picks in earlier for p in picks}
    unsampled = [z for z in active if z not in sampled]
    weeks_left = len([m for m in mondays if m >= week_start]) or 1
    count = max(math.ceil(len(unsampled) / weeks_left), math.ceil(len(active) / len(mondays)), 1)
    count = min(count, len(active))
    rng = random.Random(seed)
    first = rng.sample(unsampled, min(count, len(unsampled)))
    rest = [z for z in active if z not in first]
    zones = first + rng.sample(rest, count - len(first))
    start, end = _week_bounds(estate, week_start)
    tasks = _zone_tasks(zones, start, end, until) if start <= until else {}
    return [{"zone": z, "task": _draw_task(seed, z, tasks.get(z, []))} for z in zones]


def _check_week(week_start) -> dt.date:
    if not isinstance(week_start, dt.date) or isinstance(week_start, dt.datetime):
        raise ValidationError({"week_start": [_("请选择周一日期")]})
    if week_start.weekday() != 0:
        raise ValidationError({"week_start": [_("抽检周须从周一开始")]})
    return week_start


def spot_sample_draw(
    estate: Estate, week_start: dt.date, by=None, *, seed: int | None = None
) -> SpotSample:
    """CLEAN-13: the week's sample, drawn once: a second draw of the same week returns the one
    drawn (whoever asks, whatever seed). ``by`` None: the weekly job. ``seed``: given to draw
    again a sample already known (a test, an audit); else a fresh random one."""
    week_start = _check_week(week_start)
    actor = _actor(by) if by is not None else None
    if actor is not None:
        check_lead(actor, estate.pk)
    if seed is not None and (
        isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**SEED_BITS
    ):
        raise ValidationError({"seed": [_("随机种子应为非负整数")]})
    existing = SpotSample.objects.filter(estate=estate, week_start=week_start).first()
    if existing is not None:
        return existing
    seed = secrets.randbits(SEED_BITS) if seed is None else seed
    try:
        with transaction.atomic():
            return SpotSample.objects.create(
                estate=estate, week_start=week_start, seed=seed,
                picks=spot_sample_picks(estate=estate, week_start=week_start, seed=seed),
                drawn_by=actor.user if actor is not None else None, drawn_at=timezone.now(),
            )  # fmt: skip
    except IntegrityError:
        # Drawn at the same moment by another worker or person: theirs is the week's sample.
        return SpotSample.objects.get(estate=estate, week_start=week_start)


@transaction.atomic
def pick_task(*, sample: SpotSample, zone_id: int) -> int | None:
    """The pick's task: the one drawn already, else drawn now from the zone's cleaning tasks of
    the week completed so far (seeded by the sample's seed and the zone) and kept in the
    sample. None while the zone has no completed task this week."""
    sample = SpotSample.objects.select_for_update().get(pk=sample.pk)
    picks = list(sample.picks)
    for index, pick in enumerate(picks):
        if pick.get("zone") != zone_id:
            continue
        if pick.get("task"):
            return pick["task"]
        start, end = _week_bounds(sample.estate, sample.week_start)
        tasks = _zone_tasks([zone_id], start, end, timezone.now()).get(zone_id, [])
        task = _draw_task(sample.seed, zone_id, tasks)
        if task is not None:
            picks[index] = {**pick, "task": task}
            sample.picks = picks
            sample.save(update_fields=["picks"])
        return task
    raise ValidationError({"sample": [_("该区域不在本周抽检样本中")]})


def spot_sample_draw_next_week(*, now: dt.datetime | None = None) -> int:
    """Weekly job (CLEAN-13): this week's and next week's sample of every estate with active
    zones, where not drawn yet. Idempotent (one sample per estate and week). Returns how many
    were drawn."""
    now = now or timezone.now()
    drawn = 0
    estate_ids = CleaningZone.objects.filter(active=True).values_list("estate_id", flat=True)
    for estate in Estate.objects.filter(pk__in=estate_ids.distinct()).order_by("pk"):
        today = now.astimezone(estate_tz(estate)).date()
        monday = today - dt.timedelta(days=today.weekday())
        for week in (monday, monday + dt.timedelta(days=7)):
            if not SpotSample.objects.filter(estate=estate, week_start=week).exists():
                spot_sample_draw(estate=estate, week_start=week)
                drawn += 1
    return drawn

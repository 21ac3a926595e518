"""Reads of rounds: routes and checkpoints a user may see, the rounds (planned tasks of a route)
with their progress, one round checkpoint by checkpoint, "我的巡查", and the rounds report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from wuye.core.models import Estate
from wuye.core.scoping import Actor, actor_for, get_or_404, scope_to_estates
from wuye.workflow.models import PlannedTask, PlannedTaskStatus

from ..models import Checkpoint, MissedCheckpoint, Round, Route, Scan

NEXT_HOURS = 24
REPORT_DAYS = 30
NEXT_LIMIT = 10


def _actor(user) -> Actor:
    return user if isinstance(user, Actor) else actor_for(user)


def _visible(actor: Actor, qs: QuerySet, field: str) -> QuerySet:
    """Staff of the estates; a contractor the estates it serves (rounds it may walk)."""
    if actor.is_superuser or actor.staff is not None:
        return scope_to_estates(qs, actor, field)
    if actor.contractor is not None:
        return qs.filter(**{f"{field}__in": actor.estate_ids})
    return qs.none()


def route_list(
    *, actor: Actor, estate_id: int | None = None, q: str = "", active: bool | None = None
) -> QuerySet[Route]:
    routes = scope_to_estates(Route.objects.select_related("estate"), actor)
    if estate_id is not None:
        routes = routes.filter(estate_id=estate_id)
    if q:
        routes = routes.filter(Q(name__icontains=q) | Q(kind__icontains=q))
    if active is not None:
        routes = routes.filter(active=active)
    return routes.annotate(
        checkpoint_count=Count("checkpoints", filter=Q(checkpoints__active=True))
    ).order_by("estate_id", "name")


def route_get_for_user(user, pk) -> Route:
    return get_or_404(scope_to_estates(Route.objects.select_related("estate"), _actor(user)), pk)


def checkpoint_get_for_user(user, pk) -> Checkpoint:
    qs = Checkpoint.objects.select_related("route__estate", "checklist")
    return get_or_404(scope_to_estates(qs, _actor(user), "route__estate"), pk)


def checkpoint_by_token(user, token: str) -> Checkpoint:
    """The checkpoint of a QR label, when the user works in its estate (else 404)."""
    qs = _visible(_actor(user), Checkpoint.objects.select_related("route__estate"), "route__estate")
    checkpoint = qs.filter(token=token).first() if token and len(token) <= 40 else None
    if checkpoint is None:
        raise Http404
    return checkpoint


def with_progress(tasks: QuerySet[PlannedTask]) -> QuerySet[PlannedTask]:
    """``scanned`` (scans of the round) and ``total`` (active checkpoints of its route)."""
    scanned = (
        Scan.objects.filter(round__task=OuterRef("pk"))
        .order_by()
        .values("round__task")
        .annotate(n=Count("id"))
        .values("n")
    )
    total = (
        Checkpoint.objects.filter(route=OuterRef("schedule__spec__route"), active=True)
        .order_by()
        .values("route")
        .annotate(n=Count("id"))
        .values("n")
    )
    missed = (
        MissedCheckpoint.objects.filter(round__task=OuterRef("pk"))
        .order_by()
        .values("round__task")
        .annotate(n=Count("id"))
        .values("n")
    )
    zero = Value(0)
    return tasks.annotate(
        scanned=Coalesce(Subquery(scanned, output_field=IntegerField()), zero),
        total=Coalesce(Subquery(total, output_field=IntegerField()), zero),
        missed_count=Coalesce(Subquery(missed, output_field=IntegerField()), zero),
    )


def round_list(
    *,
    actor: Actor,
    estate_id: int | None = None,
    route_id: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    status: str = "",
    zone: ZoneInfo | None = None,
) -> QuerySet[PlannedTask]:
    """Rounds (the planned tasks of a route), newest first; dates are local to ``zone``."""
    tasks = _visible(
        actor,
        PlannedTask.objects.filter(schedule__spec__route__isnull=False).select_related(
            "schedule__spec__route", "estate", "done_by", "round"
        ),
        "estate",
    )
    if estate_id is not None:
        tasks = tasks.filter(estate_id=estate_id)
    if route_id is not None:
        tasks = tasks.filter(schedule__spec__route_id=route_id)
    zone = zone or ZoneInfo("Asia/Shanghai")
    if date_from is not None:
        tasks = tasks.filter(scheduled_for__gte=dt.datetime.combine(date_from, dt.time.min, zone))
    if date_to is not None:
        end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, zone)
        tasks = tasks.filter(scheduled_for__lt=end)
    if status in PlannedTaskStatus.values:
        tasks = tasks.filter(status=status)
    return with_progress(tasks).order_by("-scheduled_for", "-id")


def round_get_for_user(user, task_id) -> PlannedTask:
    tasks = round_list(actor=_actor(user))
    return get_or_404(tasks, task_id)


@dataclass(frozen=True)
class RoundRow:
    checkpoint: Checkpoint
    scan: Scan | None
    missed: bool


def round_rows(task: PlannedTask) -> list[RoundRow]:
    """The round checkpoint by checkpoint, in route order: the active checkpoints and any
    inactive one scanned or missed in it."""
    rnd = Round.objects.filter(task=task).first()
    scans = {s.checkpoint_id: s for s in rnd.scans.select_related("scanned_by")} if rnd else {}
    missed = set(rnd.missed.values_list("checkpoint_id", flat=True)) if rnd else set()
    route = task.schedule.spec.route
    checkpoints = route.checkpoints.filter(Q(active=True) | Q(pk__in=[*scans, *missed])).order_by(
        "position"
    )
    return [RoundRow(c, scans.get(c.pk), c.pk in missed) for c in checkpoints]


def my_rounds(
    *, actor: Actor, now: dt.datetime, estate_id: int | None = None
) -> tuple[list[PlannedTask], list[PlannedTask]]:
    """The user's rounds running now and those starting in the next 24 hours: assigned to
    them, or to their role with nobody named."""
    tasks = round_list(actor=actor, estate_id=estate_id).filter(status=PlannedTaskStatus.PLANNED)
    if not actor.is_superuser:
        mine = Q(schedule__assignee=actor.user)
        if actor.role:
            mine |= Q(schedule__assignee__isnull=True, schedule__assignee_role=actor.role)
        tasks = tasks.filter(mine)
    current = list(tasks.filter(scheduled_for__lte=now, due_at__gte=now).order_by("due_at"))
    upcoming = list(
        tasks.filter(
            scheduled_for__gt=now, scheduled_for__lte=now + dt.timedelta(hours=NEXT_HOURS)
        ).order_by("scheduled_for", "id")[:NEXT_LIMIT]
    )
    return current, upcoming


def current_round(route: Route, now: dt.datetime) -> PlannedTask | None:
    """The earliest round of the route whose window contains ``now``, with its progress."""
    tasks = PlannedTask.objects.filter(
        schedule__spec__route=route,
        status=PlannedTaskStatus.PLANNED,
        scheduled_for__lte=now,
        due_at__gte=now,
    ).select_related("schedule__spec__route")
    return with_progress(tasks).order_by("scheduled_for", "id").first()


@dataclass
class ReportRow:
    route: Route
    rounds: int = 0
    done: int = 0
    missed: int = 0
    running: int = 0
    checkpoints_missed: int = 0
    flagged_scans: int = 0


def round_report(
    *,
    actor: Actor,
    estate: Estate,
    date_from: dt.date,
    date_to: dt.date,
    route_id: int | None = None,
) -> list[ReportRow]:
    """Per route, over the rounds scheduled in ``date_from``‥``date_to`` (local dates): how many
    rounds, done, missed, still running, checkpoints missed and flagged scans."""
    zone = ZoneInfo(estate.time_zone or "Asia/Shanghai")
    tasks = round_list(
        actor=actor,
        estate_id=estate.pk,
        route_id=route_id,
        date_from=date_from,
        date_to=date_to,
        zone=zone,
    ).exclude(status=PlannedTaskStatus.CANCELLED)
    routes = route_list(actor=actor, estate_id=estate.pk)
    if route_id is not None:
        routes = routes.filter(pk=route_id)
    rows = {r.pk: ReportRow(route=r) for r in routes}
    counts = (
        tasks.order_by()
        .values("schedule__spec__route", "status")
        .annotate(n=Count("id", distinct=True))
    )
    for item in counts:
        row = rows.get(item["schedule__spec__route"])
        if row is None:
            continue
        row.rounds += item["n"]
        if item["status"] == PlannedTaskStatus.DONE:
            row.done += item["n"]
        elif item["status"] == PlannedTaskStatus.MISSED:
            row.missed += item["n"]
        else:
            row.running += item["n"]
    task_ids = tasks.values("pk")
    for item in (
        MissedCheckpoint.objects.filter(round__task__in=task_ids)
        .values("round__route")
        .annotate(n=Count("id"))
    ):
        if item["round__route"] in rows:
            rows[item["round__route"]].checkpoints_missed = item["n"]
    flagged = Q(too_far=True) | Q(too_fast=True) | Q(out_of_order=True)
    for item in (
        Scan.objects.filter(flagged, round__task__in=task_ids)
        .values("round__route")
        .annotate(n=Count("id"))
    ):
        if item["round__route"] in rows:
            rows[item["round__route"]].flagged_scans = item["n"]
    return list(rows.values())


def report_dates(
    estate: Estate, date_from: dt.date | None, date_to: dt.date | None
) -> tuple[dt.date, dt.date]:
    """The report's dates: by default the last 30 days up to today (local to the estate); a
    start after the end is swapped."""
    today = timezone.now().astimezone(ZoneInfo(estate.time_zone or "Asia/Shanghai")).date()
    date_to = date_to or today
    date_from = date_from or date_to - dt.timedelta(days=REPORT_DAYS - 1)
    return (date_to, date_from) if date_from > date_to else (date_from, date_to)

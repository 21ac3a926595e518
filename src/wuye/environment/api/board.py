"""The environment head's board and the monthly scores, for a client of the API: the same
figures as the pages (``environment:board``, ``board_tasks``, ``scores``, ``scores_export``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema

from wuye.base.api import READ_ERRORS, XLSX, ErrorOut, IdParam, Term, file_download
from wuye.core.models import Estate
from wuye.core.scoping import actor_for, get_or_404, scope_to_estates
from wuye.core.shortcuts import estate_tz

from ..documents.scores import scores_xlsx
from ..selectors import board as selectors
from ..selectors import scores as score_selectors

router = Router(tags=["environment"])
ERRORS = {**READ_ERRORS, 403: ErrorOut}


class TaskCountsOut(Schema):
    kind: str
    id: int | None
    name: str
    planned: int
    done: int
    done_late: int
    late: int
    missed: int
    open: int
    rate: float | None


class BoardTasksOut(Schema):
    total: TaskCountsOut
    places: list[TaskCountsOut]
    people: list[TaskCountsOut]


class BoardRectificationOut(Schema):
    id: int
    number: str
    status: str
    zone: str
    problem: str
    assignee: str
    deadline: dt.datetime
    done_at: dt.datetime | None
    overdue: bool


class BoardPickOut(Schema):
    zone: int
    name: str
    task: int | None
    inspected: bool
    passed: bool | None


class BoardSpotOut(Schema):
    week_start: dt.date
    drawn: bool
    inspected: int
    picks: list[BoardPickOut]


class BoardProductOut(Schema):
    id: int
    name: str
    spec: str
    unit: str
    store: str
    stock: Decimal
    minimum: Decimal


class BoardFailureOut(Schema):
    id: int
    kind: str
    zone: str
    at: dt.datetime
    score: Decimal
    full_score: Decimal
    inspector: str
    failed_items: list[str]


class BoardRectifications(Schema):
    count: int
    items: list[BoardRectificationOut]


class BoardProducts(Schema):
    count: int
    items: list[BoardProductOut]


class BoardFailures(Schema):
    count: int
    items: list[BoardFailureOut]


class EnvironmentBoardOut(Schema):
    estate: int
    at: dt.datetime
    day: dt.date
    tasks: BoardTasksOut
    rectifications: BoardRectifications
    spot_check: BoardSpotOut
    low_stock: BoardProducts
    failed_inspections: BoardFailures


class EnvironmentBoardTaskOut(Schema):
    id: int
    plan: str
    kind: str
    zone: str
    scheduled_for: dt.datetime
    due_at: dt.datetime
    assignee: str
    state: str
    done_at: dt.datetime | None
    done_by: str


class BoardTaskListOut(Schema):
    count: int
    items: list[EnvironmentBoardTaskOut]


class ScoreRowOut(Schema):
    kind: str
    id: int | None
    name: str
    average: Decimal | None
    inspections: int
    failures: int
    tasks_due: int
    tasks_on_time: int
    tasks_late: int
    tasks_missed: int
    completion: Decimal | None


class ScoreMonthOut(Schema):
    month: str
    average: Decimal | None
    inspections: int
    failures: int
    completion: Decimal | None


class ScoresOut(Schema):
    estate: int
    month: str
    total: ScoreRowOut
    places: list[ScoreRowOut]
    people: list[ScoreRowOut]
    trend: list[ScoreMonthOut]


def _estate(request: HttpRequest, estate: int) -> Estate:
    actor = actor_for(request.auth)
    selectors.board_check(actor)
    return get_or_404(scope_to_estates(Estate.objects.all(), actor, field="pk"), estate)


def _counts(c: selectors.TaskCounts) -> dict:
    return {
        "kind": c.kind or "total", "id": c.pk or None, "name": c.name, "planned": c.planned,
        "done": c.done, "done_late": c.done_late, "late": c.late, "missed": c.missed,
        "open": c.open, "rate": c.rate,
    }  # fmt: skip


def _place_name(obj) -> str:
    return (obj.zone or obj.green_area).name if (obj.zone_id or obj.green_area_id) else ""


def _person(user) -> str:
    if user is None:
        return ""
    staff = getattr(user, "staff", None) if hasattr(user, "staff") else None
    return staff.name if staff is not None else user.get_username()


@router.get("/environment/board", response={200: EnvironmentBoardOut, **ERRORS})
def board_get(request: HttpRequest, estate: IdParam, day: Term = "") -> dict:
    """The environment head's board of an estate for ``day`` (``YYYY-MM-DD``, default today in
    the estate's time zone): the day's cleaning and greening tasks counted per zone or green
    area and per person (planned; done on time; done late; late: due and not done yet;
    missed; open: not due yet; ``rate``: done on time of those due), the open rectifications
    (nearest deadline first), the spot-check sample of the day's week, products below their
    minimum stock and the latest failed inspections. Each list: ``count`` in all and at most 20
    ``items`` (10 inspections). Department heads, executives and auditors of the estate."""
    estate_obj = _estate(request, estate)
    now = timezone.now()
    today = now.astimezone(estate_tz(estate_obj)).date()
    b = selectors.board(actor_for(request.auth), estate_obj,
                        selectors.day_parse(day, today), now)  # fmt: skip
    spot = b["spot"]
    return {
        "estate": estate_obj.pk,
        "at": now,
        "day": b["day"],
        "tasks": {
            "total": _counts(b["tasks"]["total"]),
            "places": [_counts(c) for c in b["tasks"]["places"]],
            "people": [_counts(c) for c in b["tasks"]["people"]],
        },
        "rectifications": {
            "count": b["rectifications"].count,
            "items": [
                {
                    "id": r.pk,
                    "number": r.case.number,
                    "status": r.case.status,
                    "zone": _place_name(r),
                    "problem": r.problem,
                    "assignee": r.assignee.name,
                    "deadline": r.deadline,
                    "done_at": r.done_at,
                    "overdue": r.overdue,
                }
                for r in b["rectifications"].rows
            ],
        },
        "spot_check": {
            "week_start": spot["week_start"],
            "drawn": spot["sample"] is not None,
            "inspected": spot["inspected"],
            "picks": spot["picks"],
        },
        "low_stock": {
            "count": b["stock"].count,
            "items": [
                {
                    "id": p.pk,
                    "name": p.name,
                    "spec": p.spec,
                    "unit": p.unit,
                    "store": p.store.name,
                    "stock": p.stock,
                    "minimum": p.minimum,
                }
                for p in b["stock"].rows
            ],
        },
        "failed_inspections": {
            "count": b["failures"].count,
            "items": [
                {
                    "id": i.pk,
                    "kind": i.kind,
                    "zone": _place_name(i),
                    "at": i.at,
                    "score": i.score,
                    "full_score": i.full_score,
                    "inspector": i.inspector_name,
                    "failed_items": [item.label for item in i.failed_items],
                }
                for i in b["failures"].rows
            ],
        },
    }


@router.get("/environment/board/tasks", response={200: BoardTaskListOut, **ERRORS})
def board_tasks(
    request: HttpRequest,
    estate: IdParam,
    day: Term = "",
    zone: IdParam | None = None,
    green_area: IdParam | None = None,
    person: int | None = None,
    state: Term = "",
    limit: int = 50,
    offset: int = 0,
) -> dict:
    """The day's tasks behind a figure of the board: of a ``zone``, a ``green_area`` or a
    ``person`` (a user id; 0: nobody named), in a ``state`` (done, done_late, late, missed,
    open); by time. ``limit`` at most 200."""
    estate_obj = _estate(request, estate)
    now = timezone.now()
    today = now.astimezone(estate_tz(estate_obj)).date()
    errors: dict[str, list[str]] = {}
    if state and state not in selectors.TASK_STATES:
        errors["state"] = [_("完成情况应为 done、done_late、late、missed 或 open 之一")]
    if person is not None and not 0 <= person < 2**63:
        errors["person"] = [_("人员编号无效")]
    if not 1 <= limit <= 200 or not 0 <= offset < 2**31:
        errors["limit"] = [_("每页条数应为 1 到 200")]
    if errors:
        raise ValidationError(errors)
    qs = selectors.board_task_list(
        estate_obj, selectors.day_parse(day, today), now=now, zone=zone, green_area=green_area,
        person=person, state=state,
    )  # fmt: skip
    items = []
    for t in qs[offset : offset + limit]:
        line = getattr(t.schedule, "environment_line", None)
        items.append({
            "id": t.pk, "plan": t.schedule.name, "kind": t.schedule.kind,
            "zone": _place_name(line) if line else "", "scheduled_for": t.scheduled_for,
            "due_at": t.due_at, "assignee": _person(t.schedule.assignee),
            "state": selectors.task_state(t, now), "done_at": t.done_at,
            "done_by": _person(t.done_by),
        })  # fmt: skip
    return {"count": qs.count(), "items": items}


def _score_row(r: score_selectors.ScoreRow) -> dict:
    return {
        "kind": r.kind, "id": r.pk or None, "name": r.name, "average": r.average,
        "inspections": r.inspections, "failures": r.failures, "tasks_due": r.tasks_due,
        "tasks_on_time": r.tasks_on_time, "tasks_late": r.tasks_late,
        "tasks_missed": r.tasks_missed, "completion": r.completion,
    }  # fmt: skip


def _scores(request: HttpRequest, estate: int, month: str) -> tuple[Estate, dict]:
    estate_obj = _estate(request, estate)
    today = timezone.now().astimezone(estate_tz(estate_obj)).date()
    return estate_obj, score_selectors.scores(estate_obj, score_selectors.month_parse(month, today))


@router.get("/environment/scores", response={200: ScoresOut, **ERRORS})
def scores_get(request: HttpRequest, estate: IdParam, month: Term = "") -> dict:
    """The monthly scores of an estate for ``month`` (``YYYY-MM``, default this month): per
    cleaning zone and green area and per person, the average score out of 100 of the daily
    patrols, weekly spot checks and weekly greening inspections (re-checks are not scored),
    the inspections and failures, and the tasks due in the month done on time, done late and
    not done, with the on-time rate; a person's score comes from the inspections that named
    them responsible on the day. ``trend``: the estate's last twelve months."""
    estate_obj, data = _scores(request, estate, month)
    return {
        "estate": estate_obj.pk,
        "month": f"{data['month']:%Y-%m}",
        "total": _score_row(data["total"]),
        "places": [_score_row(r) for r in data["places"]],
        "people": [_score_row(r) for r in data["people"]],
        "trend": [{**m, "month": f"{m['month']:%Y-%m}"} for m in data["trend"]],
    }


@router.get(
    "/environment/scores/export.xlsx",
    response=ERRORS,
    openapi_extra=file_download(XLSX, description="环境月度考核"),
)
def scores_export(request: HttpRequest, estate: IdParam, month: Term = ""):
    """The monthly scores as an Excel file: zones and green areas, people, the last twelve
    months (one sheet each)."""
    estate_obj, data = _scores(request, estate, month)
    return scores_xlsx(data, estate_obj.name)

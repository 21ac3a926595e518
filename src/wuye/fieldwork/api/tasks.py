"""API of planned work: plans (a schedule and what its tasks require), their planned tasks,
"我的任务", the estate's task board (and its .xlsx), and the month calendar."""

import datetime as dt
from typing import Annotated, Literal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict

from wuye.base.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    XLSX,
    Day,
    Id,
    IdParam,
    Term,
    Text,
    file_download,
    paginated,
)
from wuye.core.models import Estate
from wuye.core.scoping import actor_for, get_or_404, visible_estates
from wuye.workflow.choices import TargetUnit
from wuye.workflow.models import (
    Frequency,
    PlannedTask,
    PlannedTaskStatus,
    RecurrenceBasis,
    Schedule,
)

from ..choices import CertificateKind
from ..documents.tasks import tasks_xlsx_response
from ..selectors import tasks as selectors
from ..services import tasks as services

router = Router(tags=["field work"])

Subject = Literal[tuple(services.SUBJECT_MODELS)]  # type: ignore[valid-type]
StatusFilter = Literal[tuple([*PlannedTaskStatus.values, selectors.OVERDUE])]  # type: ignore[valid-type]


class SpecOut(Schema):
    subject_type: str = Field(..., description='"app.model" of the subject; empty: none.')
    subject_id: int | None
    subject_name: str
    checklist_id: int | None
    route_id: int | None
    contractor_id: int | None
    certificate: str = Field(..., description="The certificate kind whoever does it must hold.")
    photos: int
    signature: bool


class PlanOut(Schema):
    id: int
    estate_id: int
    name: str
    kind: str
    rule: str
    frequency: str
    basis: str
    interval: int
    times: list[str]
    day_of_month: int | None
    months: list[int]
    anchor: dt.date
    end: dt.date | None
    due_amount: int
    due_unit: str
    assignee_id: int | None
    assignee_role: str
    department: str
    active: bool
    spec: SpecOut
    counts: dict[str, int] = Field(default_factory=dict, description="Tasks by status.")


class PlanIn(Schema):
    estate: Id
    name: Text = Field(..., max_length=100)
    kind: Text = Field(..., max_length=30, examples=["maintenance"])
    frequency: Frequency
    basis: RecurrenceBasis = RecurrenceBasis.CALENDAR
    rule: Text = Field("", max_length=30)
    interval: int = Field(1, ge=1, le=366)
    times: list[Text] = Field(default_factory=list, max_length=24, examples=[["09:00"]])
    day_of_month: int | None = Field(None, ge=1, le=31)
    months: list[int] = Field(default_factory=list, max_length=12)
    anchor: Day | None = None
    end: Day | None = None
    due_amount: int = Field(0, ge=0, le=10000)
    due_unit: TargetUnit = TargetUnit.DAYS
    assignee: Id | None = Field(None, description="A user id of a staff member.")
    assignee_role: Text = Field("", max_length=20)
    department: Text = Field("", max_length=20)
    subject_type: Subject | None = None
    subject_id: Id | None = None
    checklist: Id | None = None
    route: Id | None = None
    contractor: Id | None = None
    certificate: CertificateKind | Literal[""] = ""
    photos: int = Field(0, ge=0, le=services.PHOTOS_MAX)
    signature: bool = False


class PlanPatch(Schema):
    model_config = ConfigDict(extra="forbid")  # a field that cannot change is an error

    name: Text | None = Field(None, max_length=100)
    rule: Text | None = Field(None, max_length=30)
    interval: int | None = Field(None, ge=1, le=366)
    times: list[Text] | None = Field(None, max_length=24)
    day_of_month: int | None = Field(None, ge=1, le=31)
    months: list[int] | None = Field(None, max_length=12)
    end: Day | None = None
    due_amount: int | None = Field(None, ge=0, le=10000)
    due_unit: TargetUnit | None = None
    assignee: Id | None = None
    assignee_role: Text | None = Field(None, max_length=20)
    department: Text | None = Field(None, max_length=20)
    subject_type: Subject | None = None
    subject_id: Id | None = None
    checklist: Id | None = None
    route: Id | None = None
    contractor: Id | None = None
    certificate: CertificateKind | Literal[""] | None = None
    photos: int | None = Field(None, ge=0, le=services.PHOTOS_MAX)
    signature: bool | None = None


class TaskOut(Schema):
    id: int
    plan_id: int
    plan_name: str
    kind: str
    estate_id: int
    subject_name: str
    scheduled_for: dt.datetime
    due_at: dt.datetime
    status: str
    missed: bool = Field(..., description="Missed its due time (even if done late since).")
    late: bool
    missed_at: dt.datetime | None
    done_at: dt.datetime | None
    done_by_id: int | None
    note: str


class MyTasksOut(Schema):
    overdue: list[TaskOut]
    today: list[TaskOut]
    upcoming: list[TaskOut]


class DeactivatedOut(Schema):
    cancelled: int
    plan: PlanOut


class CalendarDayOut(Schema):
    date: dt.date
    in_month: bool
    total: int
    counts: dict[str, int]


class CalendarOut(Schema):
    year: int
    month: int
    weeks: list[list[CalendarDayOut]]
    totals: dict[str, int]


def spec_out(schedule: Schedule) -> dict:
    spec = schedule.spec
    if not hasattr(spec, "subject_name"):
        selectors.attach_subjects([spec])
    kind = spec.subject_type
    return {
        "subject_type": f"{kind.app_label}.{kind.model}" if kind else "",
        "subject_id": spec.subject_id,
        "subject_name": spec.subject_name,
        "checklist_id": spec.checklist_id,
        "route_id": spec.route_id,
        "contractor_id": spec.contractor_id,
        "certificate": spec.certificate,
        "photos": spec.photos,
        "signature": spec.signature,
    }


def plan_out(schedule: Schedule, counts: bool = False) -> dict:
    fields = PlanOut.model_fields
    out = {name: getattr(schedule, name) for name in fields if hasattr(schedule, name)}
    out["spec"] = spec_out(schedule)
    out["counts"] = selectors.plan_task_counts(schedule) if counts else {}
    return out


def task_out(task: PlannedTask) -> dict:
    spec = task.schedule.spec
    if not hasattr(spec, "subject_name"):
        selectors.attach_subjects([spec])
    return {
        "id": task.pk,
        "plan_id": task.schedule_id,
        "plan_name": task.schedule.name,
        "kind": task.schedule.kind,
        "estate_id": task.estate_id,
        "subject_name": spec.subject_name,
        "scheduled_for": task.scheduled_for,
        "due_at": task.due_at,
        "status": task.status,
        "missed": task.missed_at is not None,
        "late": task.late,
        "missed_at": task.missed_at,
        "done_at": task.done_at,
        "done_by_id": task.done_by_id,
        "note": task.note,
    }


def _estate(request: HttpRequest, estate_id: int) -> Estate:
    return get_or_404(visible_estates(actor_for(request.auth)), estate_id)


def _plan(request: HttpRequest, plan_id: int) -> Schedule:
    return selectors.plan_get_for_user(actor_for(request.auth), plan_id)


# --- Plans ------------------------------------------------------------------------------------


@router.get("/plans", response={200: list[PlanOut], **READ_ERRORS})
@paginated
def plan_list(
    request: HttpRequest,
    estate: IdParam | None = None,
    kind: Term = "",
    active: bool | None = None,
):
    """Plans of field work the caller sees (staff: their estates; a contractor: its own)."""
    qs = selectors.plans_visible(actor_for(request.auth)).order_by("estate_id", "name", "id")
    if estate is not None:
        qs = qs.filter(estate_id=estate)
    if kind:
        qs = qs.filter(kind=kind)
    if active is not None:
        qs = qs.filter(active=active)
    return _Paged(qs, plan_out)


@router.post("/plans", response={201: PlanOut, **WRITE_ERRORS})
def plan_create(request: HttpRequest, payload: PlanIn):
    """Plan recurring field work (a department head or an executive of the estate)."""
    estate = _estate(request, payload.estate)
    data = payload.dict(exclude={"estate", "subject_type", "subject_id"})
    ids = {key: data.pop(key) for key in ("checklist", "route", "contractor", "assignee")}
    if payload.subject_type is not None or payload.subject_id is not None:
        ids["subject"] = (payload.subject_type or "", payload.subject_id or 0)
    refs = services.plan_refs_resolve(estate=estate, **ids)
    schedule = services.plan_create(estate=estate, by=request.auth, **data, **refs)
    return Status(201, plan_out(schedule, counts=True))


@router.get("/plans/{int:plan_id}", response={200: PlanOut, **READ_ERRORS})
def plan_get(request: HttpRequest, plan_id: int):
    """One plan, with its tasks counted by status (its tasks: ``/planned-tasks?plan=``)."""
    return plan_out(_plan(request, plan_id), counts=True)


@router.patch("/plans/{int:plan_id}", response={200: PlanOut, **WRITE_ERRORS})
def plan_update(request: HttpRequest, plan_id: int, payload: PlanPatch):
    """Change a plan (only the fields sent); future tasks follow, past ones stay."""
    schedule = _plan(request, plan_id)
    data = payload.dict(exclude_unset=True)
    ids = {
        key: data.pop(key)
        for key in ("checklist", "route", "contractor", "assignee")
        if key in data
    }
    subject_type, subject_id = data.pop("subject_type", None), data.pop("subject_id", None)
    if "subject_type" in payload.model_fields_set or "subject_id" in payload.model_fields_set:
        ids["subject"] = (
            (subject_type or "", subject_id or 0) if subject_type or subject_id else None
        )
    refs = services.plan_refs_resolve(estate=schedule.estate, **ids)
    schedule = services.plan_update(schedule=schedule, by=request.auth, **data, **refs)
    return plan_out(selectors.plan_get_for_user(actor_for(request.auth), schedule.pk), counts=True)


@router.post("/plans/{int:plan_id}/deactivate", response={200: DeactivatedOut, **WRITE_ERRORS})
def plan_deactivate(request: HttpRequest, plan_id: int):
    """Stop a plan: its future tasks are cancelled, past ones kept."""
    schedule = _plan(request, plan_id)
    cancelled = services.plan_deactivate(schedule=schedule, by=request.auth)
    schedule.refresh_from_db()
    return {"cancelled": cancelled, "plan": plan_out(schedule, counts=True)}


# --- Planned tasks ----------------------------------------------------------------------------


def _board(request, estate, kind, status, subject, plan, start, end):
    return selectors.task_board(
        actor_for(request.auth), estate=_estate(request, estate), kind=kind, status=status,
        subject=subject, plan=plan, start=start, end=end,
    )  # fmt: skip


@router.get("/planned-tasks", response={200: list[TaskOut], **READ_ERRORS})
@paginated
def planned_task_list(
    request: HttpRequest,
    estate: IdParam,
    kind: Term = "",
    status: StatusFilter | None = None,
    subject: Term = "",
    plan: IdParam | None = None,
    start: Day | None = None,
    end: Day | None = None,
):
    """The estate's task board: by kind, status (``overdue``: past due and not done; ``missed``
    too), subject (words of the plan's name, or "app.model:id"), plan and local start dates."""
    qs = _board(request, estate, kind, status or "", subject, plan, start, end)
    return _Paged(qs, task_out, subjects=lambda t: t.schedule.spec)


class _Paged:
    """A queryset that pages first, then shapes (subject names fetched for one page only)."""

    def __init__(self, qs, shape, subjects=lambda s: s.spec):
        self.qs, self.shape, self.subjects = qs, shape, subjects

    def count(self) -> int:
        return self.qs.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        rows = list(self.qs[key])
        selectors.attach_subjects(self.subjects(row) for row in rows)
        return [self.shape(row) for row in rows]


@router.get("/planned-tasks/export.xlsx", response=READ_ERRORS, openapi_extra=file_download(XLSX))
def planned_task_export(
    request: HttpRequest,
    estate: IdParam,
    kind: Term = "",
    status: StatusFilter | None = None,
    subject: Term = "",
    plan: IdParam | None = None,
    start: Day | None = None,
    end: Day | None = None,
) -> HttpResponse:
    """The task board as filtered, as .xlsx (the page's own file)."""
    qs = _board(request, estate, kind, status or "", subject, plan, start, end)
    return tasks_xlsx_response(estate=_estate(request, estate), tasks=qs, now=timezone.now())


@router.get("/planned-tasks/mine", response={200: MyTasksOut, **READ_ERRORS})
def planned_task_mine(request: HttpRequest):
    """我的任务 of the caller (a staff member, or a contractor's account): overdue, today,
    upcoming 7 days; at most 200 each."""
    actor = actor_for(request.auth)
    lists = selectors.my_tasks(actor, zone=timezone.get_default_timezone())
    return {key: [task_out(t) for t in rows] for key, rows in lists.items()}


@router.get("/planned-tasks/calendar", response={200: CalendarOut, **READ_ERRORS})
def planned_task_calendar(
    request: HttpRequest,
    estate: IdParam,
    year: Annotated[int, Field(ge=2000, le=2100)],
    month: Annotated[int, Field(ge=1, le=12)],
    kind: Term = "",
):
    """A month of the estate's planned tasks per day, counted by status (Monday-first weeks)."""
    return selectors.task_calendar(
        actor_for(request.auth), estate=_estate(request, estate), year=year, month=month,
        kind=kind,
    )  # fmt: skip


@router.get("/planned-tasks/{int:task_id}", response={200: TaskOut, **READ_ERRORS})
def planned_task_get(request: HttpRequest, task_id: int):
    task = get_or_404(selectors.tasks_visible(actor_for(request.auth)), task_id)
    return task_out(task)

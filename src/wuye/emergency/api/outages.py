"""Outages API (停水停电, EMERG-OUTAGE): the list (upcoming first) and its Excel file, a planned
outage (at least 48 hours ahead, its notice published at once), a sudden one (told at once), each
with the level its scope suggests or another with its reason, the outage with its notice and how
long ahead it went out, its tasks (the late ones marked) and its follow-up sample; a task done,
and the outage's actions (cause, utility call, restoration, a sampled household's call). Every
write goes through ``services.outages`` / ``services.incidents``, as the pages do."""

import datetime as dt
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status
from pydantic import Strict

from wuye.base.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    XLSX,
    ApiError,
    Id,
    IdParam,
    Note,
    Term,
    Text,
    When,
    file_download,
    paginated,
)
from wuye.core.scoping import actor_for, get_or_404, visible_estates
from wuye.workflow.api.cases import action_param

from ..choices import Utility
from ..documents.outages import outages_xlsx
from ..models import Outage
from ..processes import OUTAGE_ACTIONS
from ..selectors import outages as selectors
from ..services import outages as services
from ..services.incidents import incident_act

router = Router(tags=["emergency"])
OutageAction = action_param("emergency_incident", only={a.name for a in OUTAGE_ACTIONS})
UtilityParam = Annotated[str, Field(pattern="^(water|power)?$")]
StateParam = Annotated[str, Field(pattern="^(upcoming|ongoing|restored)?$")]


class OutageOpenIn(Schema):
    """A naive time is the estate's local time."""

    estate: Id
    utility: Utility
    buildings: list[Id] = Field(default_factory=list, max_length=500)
    whole_estate: bool = False
    starts_at: When | None = Field(None, description="停水停电时间（突发默认现在）")
    expected_end_at: When
    precautions: Text = Field(..., max_length=1000, examples=["请业主提前储水"])
    guard: Id | None = Field(None, description="停水时值守临时取水点的秩序员（EMERG-OUTAGE-08）")
    water_point: Text = Field("", max_length=100, examples=["小区门口"])
    cause: Text = Field("", max_length=1000, examples=["二次供水水箱清洗"])
    level: Annotated[int, Strict()] | None = Field(
        None, ge=1, le=4, description="不填按建议级别（整个小区或全部楼栋为Ⅰ级，10栋楼以上为Ⅲ级）"
    )
    level_reason: Text = Field("", max_length=200, description="与建议级别不同时必填")


class OutageActionIn(Schema):
    """``data`` — find_cause: {cause}; call_utility: {organisation, person, phone, reference};
    restore: {restored_at?, cause?} with the note; sample_call: {followup, reached,
    satisfaction 1–5} with the note."""

    note: Note = ""
    data: dict[str, Any] = Field(default_factory=dict)


class OutageTaskDoneIn(Schema):
    note: Note = ""
    cause: Text = Field("", max_length=1000, description="排查故障原因任务：故障原因")


class OutageTaskOut(Schema):
    id: int
    kind: str
    title: str
    place: str
    step: str | None
    department: str
    assignee: int | None = Field(None, alias="assignee_id")
    assignee_name: str
    due_at: dt.datetime | None
    status: str
    overdue: bool = Field(..., description="未完成且已过完成期限")
    done_at: dt.datetime | None
    note: str

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return selectors.task_overdue(obj)

    @staticmethod
    def resolve_step(obj) -> str | None:
        return obj.step.code if obj.step_id else None

    @staticmethod
    def resolve_assignee_name(obj) -> str:
        return obj.assignee.name if obj.assignee_id else ""


class OutageFollowupOut(Schema):
    id: int
    room: int | None = Field(None, alias="room_id")
    room_name: str
    person: str
    phone: str
    contacted_at: dt.datetime | None
    reached: bool
    satisfaction: int | None
    note: str

    @staticmethod
    def resolve_room_name(obj) -> str:
        return str(obj.room) if obj.room_id else ""


class OutageNoticeOut(Schema):
    title: str
    body: str
    households: int
    messages: int
    at: dt.datetime


class OutageOut(Schema):
    id: int
    incident: int = Field(..., alias="incident_id")
    number: str
    status: str
    state: str
    estate: int
    level: int
    utility: str
    planned: bool
    place: str
    whole_estate: bool
    buildings: list[int]
    households: int
    starts_at: dt.datetime
    expected_end_at: dt.datetime
    restored_at: dt.datetime | None
    precautions: str
    cause: str
    guard: int | None = Field(None, alias="guard_id")
    notice_ahead_minutes: int | None = Field(
        None, description="通知比停水停电提前的分钟数（EMERG-OUTAGE-04：计划内至少 2880）"
    )

    @staticmethod
    def resolve_number(obj) -> str:
        return obj.incident.case.number

    @staticmethod
    def resolve_status(obj) -> str:
        return obj.incident.case.status

    @staticmethod
    def resolve_state(obj) -> str:
        return selectors.outage_state(obj)

    @staticmethod
    def resolve_estate(obj) -> int:
        return obj.incident.estate_id

    @staticmethod
    def resolve_level(obj) -> int:
        return obj.incident.level

    @staticmethod
    def resolve_place(obj) -> str:
        return obj.incident.place

    @staticmethod
    def resolve_whole_estate(obj) -> bool:
        return obj.incident.whole_estate

    @staticmethod
    def resolve_buildings(obj) -> list[int]:
        return sorted(b.pk for b in obj.incident.buildings.all())

    @staticmethod
    def resolve_households(obj) -> int:
        return obj.incident.households

    @staticmethod
    def resolve_notice_ahead_minutes(obj) -> int | None:
        ahead = selectors.outage_notice_ahead(obj)
        return None if ahead is None else int(ahead.total_seconds() // 60)


class OutageDetailOut(OutageOut):
    notice: OutageNoticeOut | None = Field(None, alias="release")
    restore_notice: OutageNoticeOut | None = Field(None, alias="restore_release")
    stopped_elevators: list[int]
    sample_size: int
    tasks: list[OutageTaskOut]
    sample: list[OutageFollowupOut]

    @staticmethod
    def resolve_tasks(obj) -> list:
        return list(selectors.outage_tasks(obj))

    @staticmethod
    def resolve_sample(obj) -> list:
        return list(selectors.outage_sample(obj))


def _local(value: dt.datetime | None, estate) -> dt.datetime | None:
    if value is None or timezone.is_aware(value):
        return value
    return value.replace(tzinfo=ZoneInfo(estate.time_zone or "Asia/Shanghai"))


@router.get("/emergency/outages", response={200: list[OutageOut], **READ_ERRORS})
@paginated
def outage_list(request: HttpRequest, estate: IdParam | None = None, utility: UtilityParam = "",
                planned: bool | None = None, state: StateParam = "", q: Term = ""):  # fmt: skip
    """Upcoming outages first (the soonest first), then ongoing, then restored."""
    return selectors.outage_list(actor=actor_for(request.auth), estate_id=estate,
                                 utility=utility, planned=planned, state=state, q=q)  # fmt: skip


@router.get("/emergency/outages/export.xlsx", response=READ_ERRORS,
            openapi_extra=file_download(XLSX, description="停水停电"))  # fmt: skip
def outage_export(request: HttpRequest, estate: IdParam | None = None, utility: UtilityParam = "",
                  planned: bool | None = None, state: StateParam = "", q: Term = ""):  # fmt: skip
    """The filtered outages (the list's filters) as an Excel file."""
    return outages_xlsx(selectors.outage_list(actor=actor_for(request.auth), estate_id=estate,
                                              utility=utility, planned=planned, state=state,
                                              q=q))  # fmt: skip


def _open(request: HttpRequest, payload: OutageOpenIn, *, planned: bool) -> Outage:
    actor = actor_for(request.auth)
    estate = get_or_404(visible_estates(actor), payload.estate)
    fields = {
        "estate": estate, "utility": payload.utility, "buildings": payload.buildings,
        "whole_estate": payload.whole_estate, "precautions": payload.precautions,
        "expected_end_at": _local(payload.expected_end_at, estate), "guard": payload.guard,
        "water_point": payload.water_point, "cause": payload.cause, "by": request.auth,
        "level": payload.level, "level_reason": payload.level_reason,
    }  # fmt: skip
    starts_at = _local(payload.starts_at, estate)
    if planned:
        if starts_at is None:
            message = _("请填写停水停电时间")
            raise ApiError(400, "invalid", message, {"starts_at": [message]})
        return services.outage_plan(starts_at=starts_at, **fields)
    return services.outage_report(starts_at=starts_at, **fields)


@router.post("/emergency/outages/planned", response={201: OutageDetailOut, **WRITE_ERRORS})
def outage_plan(request: HttpRequest, payload: OutageOpenIn):
    """计划停水停电: refused less than 48 hours before its start (EMERG-OUTAGE-04); the notice
    (times and precautions, EMERG-OUTAGE-05) goes out at once by SMS, app and notice board."""
    outage = _open(request, payload, planned=True)
    return Status(201, selectors.outage_get_for_user(request.auth, outage.pk))


@router.post("/emergency/outages/sudden", response={201: OutageDetailOut, **WRITE_ERRORS})
def outage_report(request: HttpRequest, payload: OutageOpenIn):
    """突发停水停电: the households told at once (EMERG-OUTAGE-06)."""
    outage = _open(request, payload, planned=False)
    return Status(201, selectors.outage_get_for_user(request.auth, outage.pk))


@router.get("/emergency/outages/{int:outage_id}", response={200: OutageDetailOut, **READ_ERRORS})
def outage_detail(request: HttpRequest, outage_id: IdParam):
    return selectors.outage_get_for_user(request.auth, outage_id)


@router.post("/emergency/outages/{int:outage_id}/tasks/{int:task_id}/done",
             response={200: OutageDetailOut, **WRITE_ERRORS})  # fmt: skip
def outage_task_done(request: HttpRequest, outage_id: IdParam, task_id: IdParam,
                     payload: OutageTaskDoneIn):  # fmt: skip
    """A provision task done (the elevators' by engineering sets them out of service,
    EMERG-OUTAGE-13; the cause's records the cause, EMERG-OUTAGE-09)."""
    outage = selectors.outage_get_for_user(request.auth, outage_id)
    data: dict[str, Any] = {"task": task_id}
    if payload.cause:
        data["cause"] = payload.cause
    incident_act(incident=outage.incident_id, action="task_done", by=request.auth,
                 note=payload.note, data=data)  # fmt: skip
    return selectors.outage_get_for_user(request.auth, outage_id)


@router.post("/emergency/outages/{int:outage_id}/{action}",
             response={200: OutageDetailOut, **WRITE_ERRORS})  # fmt: skip
def outage_action(request: HttpRequest, outage_id: IdParam, action: OutageAction,
                  payload: OutageActionIn):  # fmt: skip
    if action not in {a.name for a in OUTAGE_ACTIONS}:
        raise ApiError(404, "not_found", _("没有这个操作"))
    outage = selectors.outage_get_for_user(request.auth, outage_id)
    incident_act(incident=outage.incident_id, action=action, by=request.auth, note=payload.note,
                 data=payload.data)  # fmt: skip
    return selectors.outage_get_for_user(request.auth, outage_id)

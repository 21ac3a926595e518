"""API of field work: completing a planned task with its checklist (作业记录), the records, their
PDF, and the follow-up (整改) a failed check or an out-of-range reading opens.

Photos and the signature are uploaded first (``POST /attachments``, ``POST
/attachments/signature``); completion names their ids. Staff of the task's estate, or the
contractor its plan names, complete it; a second completion is a 409. A record of an estate the
caller does not work in is a 404; residents see none. The follow-up's own steps are
``POST /cases/{case_id}/{action}``."""

import datetime as dt
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema
from ninja.responses import Status

from wuye.base.api import (
    PDF,
    READ_ERRORS,
    WRITE_ERRORS,
    ApiError,
    ErrorOut,
    IdParam,
    Note,
    Term,
    When,
    file_download,
    paginated,
)
from wuye.base.pdf import CJKFontMissing
from wuye.core.scoping import actor_for, get_or_404
from wuye.workflow.attachments import attachment_url

from ..documents.records import record_pdf_response
from ..selectors import records as selectors
from ..services import records as services
from .checklists import ChecklistItemOut

router = Router(tags=["field work"])


class AttachmentRef(Schema):
    id: UUID
    kind: str
    url: str
    thumbnail_url: str

    @staticmethod
    def resolve_url(obj) -> str:
        return attachment_url(obj)

    @staticmethod
    def resolve_thumbnail_url(obj) -> str:
        return attachment_url(obj, thumb=True)


class TaskFormOut(Schema):
    """What completing the task asks."""

    task: int
    schedule: str
    kind: str
    subject: str
    status: str
    scheduled_for: dt.datetime
    due_at: dt.datetime
    checklist: str
    items: list[ChecklistItemOut]
    photos: int = Field(..., description="At least this many photos of the task")
    signature: bool
    record: int | None = Field(None, description="The record, once completed")


class FollowUpOut(Schema):
    case: int
    number: str
    status: str


class AnswerOut(Schema):
    id: int
    position: int
    label: str
    kind: str
    unit: str
    low: Decimal | None
    high: Decimal | None
    required: bool
    passed: bool | None
    number: Decimal | None
    text: str
    photo: AttachmentRef | None
    out_of_range: bool
    flagged: bool
    followup: FollowUpOut | None

    @staticmethod
    def resolve_followup(obj) -> dict | None:
        link = getattr(obj, "followup", None) if hasattr(obj, "followup") else None
        if link is None:
            return None
        return {"case": link.case_id, "number": link.case.number, "status": link.case.status}


class TaskRecordOut(Schema):
    id: int
    task: int = Field(..., alias="task_id")
    estate: int = Field(..., alias="estate_id")
    schedule_name: str
    kind: str
    rule: str
    subject: str
    checklist_name: str
    scheduled_for: dt.datetime
    due_at: dt.datetime
    done_by: int = Field(..., alias="done_by_id")
    done_by_name: str
    contractor: int | None = Field(None, alias="contractor_id")
    done_at: dt.datetime
    late: bool
    missed: bool
    note: str


class TaskRecordDetailOut(TaskRecordOut):
    latitude: Decimal | None
    longitude: Decimal | None
    answers: list[AnswerOut]
    photos: list[AttachmentRef]
    signature: AttachmentRef | None


class AnswerIn(Schema):
    item: int = Field(..., ge=1, le=2**63 - 1)
    # check: true/false; reading: a number (or its text); note: text; photo: an upload's id.
    value: bool | float | int | str | None = None


class CompleteIn(Schema):
    answers: list[AnswerIn] = Field(default_factory=list, max_length=200)
    photos: list[UUID] = Field(default_factory=list, max_length=20)
    signature: UUID | None = None
    note: Note = ""
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    open_followups: bool = Field(False, description="Open a follow-up for every flagged answer")


def _detail(record) -> dict[str, Any]:
    parts = selectors.record_parts(record)
    return {
        **{f: getattr(record, f) for f in (
            "id", "task_id", "estate_id", "schedule_name", "kind", "rule", "subject",
            "checklist_name", "scheduled_for", "due_at", "done_by_id", "done_by_name",
            "contractor_id", "done_at", "late", "missed", "note", "latitude", "longitude")},
        "answers": parts.answers,
        "photos": parts.photos,
        "signature": parts.signature,
    }  # fmt: skip


@router.get("/fieldwork/tasks/{int:task_id}/checklist",
            response={200: TaskFormOut, **READ_ERRORS})  # fmt: skip
def task_checklist(request: HttpRequest, task_id: IdParam):
    """What completing a planned task asks: its checklist's items, how many photos, whether a
    signature; ``record`` once it is done."""
    task = selectors.task_get_for_completion(request.auth, task_id)
    form = selectors.task_form(task)
    record = getattr(task, "record", None) if hasattr(task, "record") else None
    return {
        "task": task.pk, "schedule": task.schedule.name, "kind": task.schedule.kind,
        "subject": form.subject, "status": task.status, "scheduled_for": task.scheduled_for,
        "due_at": task.due_at,
        "checklist": form.spec.checklist.name if form.spec and form.spec.checklist else "",
        "items": form.items, "photos": form.photos, "signature": form.signature,
        "record": record.pk if record else None,
    }  # fmt: skip


@router.post("/fieldwork/tasks/{int:task_id}/complete",
             response={201: TaskRecordDetailOut, **WRITE_ERRORS})  # fmt: skip
def task_complete(request: HttpRequest, task_id: IdParam, payload: CompleteIn):
    """Complete the task with its checklist, photos and signature (ids of uploads). Every
    required item needs an answer; a reading outside its normal range is flagged. 409 when the
    task is done (by someone else) or cancelled."""
    task = selectors.task_get_for_completion(request.auth, task_id)
    record = services.task_complete(
        task=task, by=request.auth,
        answers=[a.model_dump() for a in payload.answers],
        photos=payload.photos, signature=payload.signature, note=payload.note,
        latitude=payload.latitude, longitude=payload.longitude,
        open_followups=payload.open_followups,
    )  # fmt: skip
    return Status(201, _detail(record))


@router.get("/fieldwork/records", response={200: list[TaskRecordOut], **READ_ERRORS})
@paginated
def record_list(
    request: HttpRequest,
    estate: IdParam | None = None,
    kind: Term = "",
    done_from: When | None = None,
    done_to: When | None = None,
    flagged: bool | None = None,
    late: bool | None = None,
):
    """Task records the caller may see, newest first: ``kind`` of work, completion time from /
    to, ``flagged`` (a failed check or an out-of-range reading), ``late``."""
    return selectors.record_list(
        actor=actor_for(request.auth), estate=estate, kind=kind, done_from=done_from,
        done_to=done_to, flagged=flagged, late=late,
    )  # fmt: skip


@router.get("/fieldwork/records/{int:record_id}",
            response={200: TaskRecordDetailOut, **READ_ERRORS})  # fmt: skip
def record_detail(request: HttpRequest, record_id: IdParam):
    """A record: what was asked and answered, out-of-range marked, photos, signature, who and
    when, and the follow-up of each flagged answer."""
    return _detail(selectors.task_record_get_for_user(request.auth, record_id))


@router.get("/fieldwork/records/{int:record_id}/record.pdf",
            response={**READ_ERRORS, 503: ErrorOut}, openapi_extra=file_download(PDF))  # fmt: skip
def record_pdf(request: HttpRequest, record_id: IdParam) -> HttpResponse:
    """The record, printable on A4 (《作业记录》)."""
    record = selectors.task_record_get_for_user(request.auth, record_id)
    try:
        return record_pdf_response(record)
    except CJKFontMissing as exc:
        raise ApiError(503, "font_missing", str(exc)) from None


@router.post("/fieldwork/records/{int:record_id}/answers/{int:answer_id}/followup",
             response={201: FollowUpOut, **WRITE_ERRORS})  # fmt: skip
def answer_followup(request: HttpRequest, record_id: IdParam, answer_id: IdParam):
    """Open the follow-up of a failed check or an out-of-range reading (once; 409 after)."""
    record = selectors.task_record_get_for_user(request.auth, record_id)
    answer = get_or_404(record.answers.all(), answer_id)
    case = services.followup_open(answer=answer, by=request.auth)
    return Status(201, {"case": case.pk, "number": case.number, "status": case.status})

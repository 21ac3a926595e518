"""Complaints API, the desk's files and its daily sheet: the complaint list as .xlsx with the
list's filters, and the day's ledger 《投诉处理台账》 (COMPLAINT-11) as JSON and as .xlsx. The
same filters, selectors and builders as the pages; the desk's readers only (the desk, the heads
and executives, the handling departments, the auditors)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from wuye.base.api import READ_ERRORS, XLSX, Day, ErrorOut, IdParam, Term, file_download
from wuye.complaints.choices import Status as ComplaintStatus
from wuye.complaints.documents.exports import (
    EXPORT_LIMIT,
    complaints_xlsx_response,
    department_label,
    is_overdue,
    ledger_xlsx_response,
)
from wuye.complaints.filters import ComplaintFilter
from wuye.complaints.models import Complaint
from wuye.complaints.processes import COMPLAINT, DESK_VIEWERS
from wuye.complaints.selectors import complaints as selectors
from wuye.core.models import Estate
from wuye.core.scoping import Actor, actor_for, get_or_404, visible_estates
from wuye.core.shortcuts import estate_tz
from wuye.core.templatetags.wuye import due_in, person

router = Router(tags=["complaints"])

FILE_ERRORS = {**READ_ERRORS, 403: ErrorOut}


def desk_estate(request: HttpRequest, estate_id: int) -> tuple[Actor, Estate]:
    """An estate the caller may see (404 otherwise), for the desk pages' readers (403)."""
    actor = actor_for(request.auth)
    estate = get_or_404(visible_estates(actor), estate_id)
    if not (actor.is_superuser or actor.role in DESK_VIEWERS):
        raise PermissionDenied(_("此页面仅供客服中心、各部门和管理层使用"))
    return actor, estate


# --- The list as .xlsx ------------------------------------------------------------------------


class ComplaintFilters(Schema):
    """The desk list's filters (its query string): the same names, the same meaning. Unlike the
    page, no department is assumed when none is given."""

    estate: IdParam = Field(..., examples=[1])
    q: Term = Field("", description="Complaint number, content, contact or phone.")
    status: Term = Field("", description="A state of the complaint.", examples=["handling"])
    type: Term = Field("", description="The complaint's type.", examples=["service_attitude"])
    urgency: Term = Field("", description="`general` / `urgent`.", examples=["urgent"])
    department: Term = Field("", description="A handling department (DepartmentKind).")
    channel: Term = Field("", description="How it came in.", examples=["phone"])
    received_from: Day | None = Field(None, description="Received on or after (estate's day).")
    received_to: Day | None = Field(None, description="Received on or before (estate's day).")
    open_only: bool = False
    overdue: bool = False
    major: bool = False
    tab: Literal["assign", "handling", "approval", "reply", "overdue"] | None = Field(
        None, description="A quick tab of the list (its statuses, or the overdue)."
    )
    sort: Literal["due", "new"] = Field(
        "due", description="`due`: the overdue, then urgent, then the nearest due; `new`: newest."
    )

    def as_query(self) -> dict[str, str]:
        data = {}
        for name, value in self.dict(exclude={"estate"}).items():
            if value is None or value == "" or value is False:
                continue
            data[name] = "1" if value is True else str(getattr(value, "value", value))
        return data


@router.get("/complaints/export.xlsx", response=FILE_ERRORS, openapi_extra=file_download(XLSX))
def complaint_export(request: HttpRequest, filters: Query[ComplaintFilters]) -> HttpResponse:
    """The estate's complaints with these filters as .xlsx, exactly what the desk's list shows
    (its export, at most 20,000 rows): number, status, type, urgency, major, channel, room and
    contact (phone masked unless the role may see it), content, department and handler, the
    deadlines, the result, the measure, the reply and the satisfaction."""
    actor, estate = desk_estate(request, filters.estate)
    filterset = ComplaintFilter(filters.as_query(), actor=actor, estate=estate)
    if not filterset.form.is_valid():
        raise ValidationError({k: list(v) for k, v in filterset.form.errors.items()})
    complaints = filterset.qs[:EXPORT_LIMIT]
    return complaints_xlsx_response(
        estate=estate, complaints=complaints, actor=actor, now=timezone.now()
    )


# --- The ledger 《投诉处理台账》 (COMPLAINT-11) ---------------------------------------------


class ComplaintProgressOut(Schema):
    note: str = Field(..., examples=["已联系电梯维保单位，明日上午到场"])
    at: dt.datetime
    by: int | None = Field(None, alias="actor_id")
    by_name: str

    @staticmethod
    def resolve_by_name(obj) -> str:
        return person(obj.actor)


class ComplaintLedgerRowOut(Schema):
    id: int
    number: str
    status: str
    status_label: str
    received_at: dt.datetime
    type: str
    type_label: str
    urgency: str
    is_major: bool
    content: str
    contact_name: str
    department: str
    department_label: str
    assignee: int | None
    assignee_name: str
    next_due: dt.datetime | None = Field(None, description="The next deadline still counting.")
    due_text: str = Field(..., examples=["剩余 3 小时 5 分"])
    overdue: bool
    today_progress: ComplaintProgressOut | None = Field(
        None, description="The day's latest progress note; null: not updated that day."
    )

    @staticmethod
    def resolve_number(obj) -> str:
        return obj.case.number

    @staticmethod
    def resolve_status(obj) -> str:
        return obj.case.status

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(COMPLAINT.state(obj.case.status).label)

    @staticmethod
    def resolve_department_label(obj) -> str:
        return department_label(obj.department)

    @staticmethod
    def resolve_assignee(obj) -> int | None:
        return obj.case.assignee_id

    @staticmethod
    def resolve_assignee_name(obj) -> str:
        return person(obj.case.assignee)

    @staticmethod
    def resolve_due_text(obj) -> str:
        return due_in(obj.next_due)

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return is_overdue(obj, timezone.now())


class ComplaintLedgerOut(Schema):
    estate: int
    day: dt.date
    is_today: bool
    handling: int = Field(..., description="Complaints being handled (处理中).")
    not_updated: int = Field(..., description="Of those, without a progress note that day.")
    overdue: int
    count: int
    items: list[ComplaintLedgerRowOut]


class ComplaintLedgerQuery(Schema):
    estate: IdParam = Field(..., examples=[1])
    day: Day | None = Field(
        None, description="The ledger's day (estate's time zone); default and at most today."
    )


def _ledger(
    request: HttpRequest, query: ComplaintLedgerQuery
) -> tuple[Estate, dt.date, list[Complaint]]:
    actor, estate = desk_estate(request, query.estate)
    day = selectors.ledger_day(estate, query.day)
    return estate, day, selectors.ledger(actor=actor, estate_id=estate.pk, day=day)


@router.get("/complaints/ledger", response={200: ComplaintLedgerOut, **FILE_ERRORS})
def complaint_ledger(request: HttpRequest, query: Query[ComplaintLedgerQuery]) -> dict:
    """The day's 《投诉处理台账》 (COMPLAINT-11): every open complaint of the estate, the next
    deadline first, with its department and handler, its deadline and the day's progress note
    (none: 今日未更新), and the day's counts. Progress is written with
    ``POST /complaints/{id}/progress``."""
    estate, day, rows = _ledger(request, query)
    now = timezone.now()
    handling = [c for c in rows if c.case.status == ComplaintStatus.HANDLING]
    return {
        "estate": estate.pk,
        "day": day,
        "is_today": day == timezone.localdate(timezone=estate_tz(estate)),
        "handling": len(handling),
        "not_updated": sum(1 for c in handling if c.today_progress is None),
        "overdue": sum(1 for c in rows if is_overdue(c, now)),
        "count": len(rows),
        "items": rows,
    }


@router.get("/complaints/ledger.xlsx", response=FILE_ERRORS, openapi_extra=file_download(XLSX))
def complaint_ledger_xlsx(request: HttpRequest, query: Query[ComplaintLedgerQuery]) -> HttpResponse:
    """The day's 《投诉处理台账》 as .xlsx, the page's export (the file name carries the date)."""
    estate, day, rows = _ledger(request, query)
    return ledger_xlsx_response(estate=estate, day=day, rows=rows, now=timezone.now())

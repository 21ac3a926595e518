"""Incidents API (突发事件, EMERG-01..07): the list with its filters and Excel file, the level a
scope suggests, opening an incident (or a drill), one incident with its clocks, pages, steps,
tasks, contacts, releases, follow-ups and timeline, its actions and its report PDF — the same
services as the pages (``incident_open``, ``incident_act``)."""

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from wuye.base.api import (
    PDF,
    READ_ERRORS,
    WRITE_ERRORS,
    XLSX,
    ApiError,
    Day,
    Id,
    IdParam,
    Note,
    Term,
    Text,
    file_download,
    paginated,
)
from wuye.base.pdf import CJKFontMissing, pdf_response
from wuye.core.scoping import actor_for, get_or_404, visible_estates
from wuye.workflow.api.cases import ClockOut, EventOut, action_param
from wuye.workflow.selectors import case_timeline

from ..choices import IncidentSource
from ..documents.incidents import incidents_xlsx
from ..documents.report import incident_report_pdf, report_title
from ..models import Incident
from ..processes import INCIDENT_ACTIONS
from ..selectors import incidents as selectors
from ..services.incidents import incident_act, incident_open, level_suggest

router = Router(tags=["emergency"])

# The incident's own actions (a supply draw has its own endpoint under supplies).
ACTIONS = frozenset(a.name for a in INCIDENT_ACTIONS if a.name != "draw")
Count = Annotated[int, Field(ge=0, le=100_000)]
IncidentAction = action_param("emergency_incident", only=ACTIONS)


class IncidentOpenIn(Schema):
    estate: Id
    kind: Text = Field(..., max_length=20)
    place: Text = Field(..., min_length=1, max_length=100)
    source: Text = Field(IncidentSource.DESK, max_length=20)
    description: Text = Field("", max_length=1000)
    buildings: list[Id] = Field(default_factory=list, max_length=500)
    households: int = Field(0, ge=0, le=100_000)
    people: int = Field(0, ge=0, le=100_000)
    whole_estate: bool = False
    level: int | None = Field(None, ge=1, le=4, description="不填则按影响范围建议")
    level_reason: Text = Field("", max_length=200, description="与建议级别不同时必填")
    exercise: bool = Field(False, description="演练")


class IncidentLevelOut(Schema):
    level: int
    label: str


class EmergencyIncidentOut(Schema):
    id: int
    number: str
    title: str
    estate: int = Field(..., alias="estate_id")
    kind: str
    source: str
    exercise: bool
    place: str
    description: str
    whole_estate: bool
    buildings: list[int]
    households: int
    people: int
    level: int
    suggested_level: int
    status: str
    reported_at: dt.datetime
    ended_at: dt.datetime | None
    guard_arrived_at: dt.datetime | None
    plan_version: int
    sla: list[ClockOut]

    @staticmethod
    def resolve_number(obj) -> str:
        return obj.case.number

    @staticmethod
    def resolve_title(obj) -> str:
        return obj.case.title

    @staticmethod
    def resolve_status(obj) -> str:
        return obj.case.status

    @staticmethod
    def resolve_buildings(obj) -> list[int]:
        return [b.pk for b in obj.buildings.all()]

    @staticmethod
    def resolve_sla(obj) -> list:
        return list(obj.case.clocks.all())


class IncidentPageOut(Schema):
    user: int = Field(..., alias="user_id")
    name: str
    group: str
    level: int
    must_acknowledge: bool
    paged_at: dt.datetime
    acknowledged_at: dt.datetime | None
    reminded: bool


class IncidentStepOut(Schema):
    order: int
    code: str
    title: str
    department: str
    guidance: str
    checklist: list[str]
    checks: list[dict[str, Any]]
    done_at: dt.datetime | None
    done_by: str
    note: str


class IncidentTaskOut(Schema):
    id: int
    kind: str
    title: str
    step: str
    place: str
    assignee: int | None = Field(None, alias="assignee_id")
    due_at: dt.datetime | None
    status: str
    done_at: dt.datetime | None
    note: str


class IncidentContactOut(Schema):
    id: int
    party: str
    organisation: str
    person: str
    phone: str
    reference: str
    at: dt.datetime
    note: str


class IncidentReleaseOut(Schema):
    id: int
    title: str
    body: str
    households: int
    messages: int
    at: dt.datetime


class IncidentFollowupOut(Schema):
    id: int
    room: int | None = Field(None, alias="room_id")
    person: str
    contacted_at: dt.datetime | None
    reached: bool
    satisfaction: int | None
    note: str


class IncidentLevelChangeOut(Schema):
    from_level: int | None
    to_level: int
    reason: str
    at: dt.datetime


class IncidentReportOut(Schema):
    summary: str
    cause: str
    handling: str
    lessons: str
    written_at: dt.datetime


class IncidentDetailOut(EmergencyIncidentOut):
    report_title: str
    pages: list[IncidentPageOut]
    steps: list[IncidentStepOut]
    tasks: list[IncidentTaskOut]
    contacts: list[IncidentContactOut]
    releases: list[IncidentReleaseOut]
    followups: list[IncidentFollowupOut]
    level_changes: list[IncidentLevelChangeOut]
    report: IncidentReportOut | None
    actions: list[str]
    events: list[EventOut]

    @staticmethod
    def resolve_report_title(obj):
        return obj.detail["report_title"]

    @staticmethod
    def resolve_pages(obj):
        return obj.detail["pages"]

    @staticmethod
    def resolve_steps(obj):
        return obj.detail["steps"]

    @staticmethod
    def resolve_tasks(obj):
        return obj.detail["tasks"]

    @staticmethod
    def resolve_contacts(obj):
        return obj.detail["contacts"]

    @staticmethod
    def resolve_releases(obj):
        return obj.detail["releases"]

    @staticmethod
    def resolve_followups(obj):
        return obj.detail["followups"]

    @staticmethod
    def resolve_level_changes(obj):
        return obj.detail["level_changes"]

    @staticmethod
    def resolve_report(obj):
        return obj.detail["report"]

    @staticmethod
    def resolve_actions(obj):
        return obj.detail["actions"]

    @staticmethod
    def resolve_events(obj):
        return obj.detail["events"]


class IncidentActionIn(Schema):
    note: Note = ""
    data: dict[str, Any] = Field(default_factory=dict)


def _person(user) -> str:
    if user is None:
        return ""
    return getattr(getattr(user, "staff", None), "name", "") or user.get_username()


def incident_detail_data(request, incident: Incident) -> Incident:
    """The incident with its ``detail`` as the API answers it (the page shows the same)."""
    from wuye.workflow.services import allowed_actions

    live = selectors.incident_live(incident)
    actor = actor_for(request.auth)
    incident.detail = {
        "report_title": report_title(incident),
        "pages": [{"user_id": p.user_id, "name": _person(p.user), "group": p.group,
                   "level": p.level, "must_acknowledge": p.must_acknowledge,
                   "paged_at": p.paged_at, "acknowledged_at": p.acknowledged_at,
                   "reminded": hasattr(p, "reminder")} for p in live["pages"]],
        "steps": [{"order": s.order, "code": s.code, "title": s.title,
                   "department": s.department, "guidance": s.guidance,
                   "checklist": list(s.checklist or []), "checks": list(s.checks or []),
                   "done_at": s.done_at, "done_by": _person(s.done_by), "note": s.note}
                  for s in live["steps"]],
        "tasks": [{"id": t.pk, "kind": t.kind, "title": t.title,
                   "step": t.step.code if t.step else "", "place": t.place,
                   "assignee_id": t.assignee_id, "due_at": t.due_at, "status": t.status,
                   "done_at": t.done_at, "note": t.note} for t in live["tasks"]],
        "contacts": [{"id": c.pk, "party": c.party, "organisation": c.organisation,
                      "person": c.person, "phone": c.phone, "reference": c.reference,
                      "at": c.at, "note": c.note} for c in live["contacts"]],
        "releases": [{"id": r.pk, "title": r.title, "body": r.body, "households": r.households,
                      "messages": r.messages, "at": r.at} for r in live["releases"]],
        "followups": [{"id": f.pk, "room_id": f.room_id, "person": f.person,
                       "contacted_at": f.contacted_at, "reached": f.reached,
                       "satisfaction": f.satisfaction, "note": f.note}
                      for f in live["followups"]],
        "level_changes": [{"from_level": c.from_level, "to_level": c.to_level,
                           "reason": c.reason, "at": c.at} for c in live["level_changes"]],
        "report": ({"summary": live["report"].summary, "cause": live["report"].cause,
                    "handling": live["report"].handling, "lessons": live["report"].lessons,
                    "written_at": live["report"].written_at} if live["report"] else None),
        "actions": [a.name for a in allowed_actions(case=incident.case, user=request.auth)
                    if a.name in ACTIONS],
        "events": [
            {"at": e.at, "action": e.action,
             "actor": e.actor.get_username() if e.actor_id else None, "role": e.role,
             "from_status": e.from_status, "to_status": e.to_status, "note": e.note,
             "data": e.data}
            for e in case_timeline(case=incident.case, actor=actor)
        ],
    }  # fmt: skip
    return incident


def _list(request, estate, kind, level, status, drill, since, until, q):
    return selectors.incident_list(
        actor=actor_for(request.auth), estate_id=estate, kind=kind, level=level, status=status,
        drill=drill, since=since, until=until, q=q, zone=timezone.get_current_timezone(),
    ).prefetch_related("buildings", "case__clocks")  # fmt: skip


@router.get("/emergency/incidents", response={200: list[EmergencyIncidentOut], **READ_ERRORS})
@paginated
def incident_list(request: HttpRequest, estate: IdParam | None = None, kind: Term = "",
                  level: int | None = None, status: Term = "", drill: Term = "",
                  since: Day | None = None, until: Day | None = None, q: Term = ""):  # fmt: skip
    """Incidents and drills, newest first; ``drill``: "yes" only drills, "no" only real ones."""
    return _list(request, estate, kind, level, status, drill, since, until, q)


@router.get("/emergency/incidents/export.xlsx", response=READ_ERRORS,
            openapi_extra=file_download(XLSX, description="突发事件"))  # fmt: skip
def incident_export(request: HttpRequest, estate: IdParam | None = None, kind: Term = "",
                    level: int | None = None, status: Term = "", drill: Term = "",
                    since: Day | None = None, until: Day | None = None,
                    q: Term = ""):  # fmt: skip
    """The filtered incidents as an Excel file."""
    return incidents_xlsx(_list(request, estate, kind, level, status, drill, since, until, q))


@router.get("/emergency/incidents/level-suggestion", response={200: IncidentLevelOut,
                                                              **READ_ERRORS})  # fmt: skip
def incident_level_suggestion(request: HttpRequest, kind: Term, buildings: Count = 0,
                              people: Count = 0, whole_estate: bool = False):  # fmt: skip
    """The level the manual's thresholds give a scope (EMERG-04..07)."""
    from ..choices import IncidentKind, Level

    if kind not in IncidentKind.values:
        message = _("请选择事件类型")
        raise ApiError(400, "invalid", message, {"kind": [message]})
    level = level_suggest(kind, whole_estate=whole_estate, buildings=buildings, people=people)
    return {"level": level, "label": str(Level(level).label)}


@router.post("/emergency/incidents", response={201: IncidentDetailOut, **WRITE_ERRORS})
def incident_create(request: HttpRequest, payload: IncidentOpenIn):
    """登记突发事件 (or a drill with ``exercise``): the level suggested from the scope unless
    given with its reason; the groups paged at once."""
    estate = get_or_404(visible_estates(actor_for(request.auth)), payload.estate)
    values = payload.dict(exclude={"estate"})
    incident = incident_open(estate=estate, by=request.auth, **values)
    return Status(201, incident_detail_data(request, _get(request, incident.pk)))


def _get(request, incident_id) -> Incident:
    return selectors.incident_get_for_user(request.auth, incident_id)


@router.get("/emergency/incidents/{int:incident_id}", response={200: IncidentDetailOut,
                                                                **READ_ERRORS})  # fmt: skip
def incident_detail(request: HttpRequest, incident_id: IdParam):
    """One incident: clocks, pages and acknowledgements, steps, tasks, contacts, releases,
    follow-ups, level changes, the report, the actions the caller may take and the timeline."""
    return incident_detail_data(request, _get(request, incident_id))


def _clean_data(data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    due = data.get("due_at")
    if isinstance(due, str):
        parsed = parse_datetime(due)
        if parsed is None or timezone.is_naive(parsed):
            message = _("请填写带时区的完成期限")
            raise ApiError(400, "invalid", message, {"due_at": [message]})
        data["due_at"] = parsed
    elif due is not None:
        message = _("请填写带时区的完成期限")
        raise ApiError(400, "invalid", message, {"due_at": [message]})
    return data


# Before the actions' route: ``report.pdf`` is no action.
@router.get("/emergency/incidents/{int:incident_id}/report.pdf", response=READ_ERRORS,
            openapi_extra=file_download(PDF, description="突发事件处理报告"))  # fmt: skip
def incident_report(request: HttpRequest, incident_id: IdParam):
    """《突发事件处理报告》 (an entrapment's 《电梯困人应急处理报告》, EMERG-LIFT-09)."""
    incident = _get(request, incident_id)
    try:
        content = incident_report_pdf(incident)
    except CJKFontMissing as error:
        raise ApiError(503, "font_missing", str(error)) from None
    return pdf_response(content, f"{incident.case.number}.pdf")


@router.post("/emergency/incidents/{int:incident_id}/{action}",
             response={200: IncidentDetailOut, **WRITE_ERRORS})  # fmt: skip
def incident_action(request: HttpRequest, incident_id: IdParam, action: IncidentAction,
                    payload: IncidentActionIn):  # fmt: skip
    """One action (acknowledge, relevel, step, task_add, task_done, contact, release, end,
    followup, write_report, cancel, comment); 403 role, 409 state, 400 inputs, as on the page."""
    if action not in ACTIONS:
        raise ApiError(404, "not_found", _("没有这个操作"))
    incident = _get(request, incident_id)
    incident_act(incident=incident.pk, action=action, by=request.auth, note=payload.note,
                 data=_clean_data(payload.data))  # fmt: skip
    return incident_detail_data(request, _get(request, incident_id))

"""The engine's API: cases with their clocks and timeline, and actions on them.

``GET /cases``, ``GET /cases/{id}`` (``sla`` and ``events`` as DESIGN.md says) and
``POST /cases/{id}/{action}``: every action goes through ``services.case_act``, so an action the
state or the role does not allow is a 409 / 403 with the reason.
"""

import datetime as dt
from typing import Annotated, Any
from uuid import UUID

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile
from pydantic import WithJsonSchema

from wuye.base.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    ApiError,
    Id,
    IdParam,
    Note,
    Term,
    Text,
    paginated,
)
from wuye.core.scoping import actor_for, get_or_404
from wuye.workflow import attachments, selectors, services
from wuye.workflow.engine import SYSTEM, get_process, processes

router = Router(tags=["cases"])


def action_param(*codes: str, only: frozenset[str] | set[str] | None = None) -> Any:
    """The type of an ``{action}`` path segment: any text (an action the process does not have
    is a 404 with its reason), documented in the OpenAPI as the actions people take in these
    processes (every declared process when none is named), or only those a domain route takes
    (``only``). Read when the router is imported,
    after the apps declared their processes."""
    chosen = [get_process(code) for code in codes] if codes else list(processes())
    names = sorted(
        {a.name for p in chosen for a in p.actions if a.roles != frozenset({SYSTEM})}
        if only is None
        else set(only)
    )
    return Annotated[Term, WithJsonSchema({"type": "string", "enum": names})]


CaseAction = action_param()


class ClockOut(Schema):
    """One SLA clock of a case; the repairs and complaints APIs show the same."""

    key: str = Field(..., examples=["dispatch_general"])
    rule: str
    name: str
    state: str
    started_at: dt.datetime
    due_at: dt.datetime
    stopped_at: dt.datetime | None


class EventOut(Schema):
    at: dt.datetime
    action: str
    actor: str | None
    role: str
    from_status: str
    to_status: str
    note: str
    data: dict[str, Any]


class ActionOut(Schema):
    name: str
    label: str


class CaseOut(Schema):
    id: int
    number: str
    process: str
    title: str
    status: str
    status_label: str
    estate: int = Field(..., alias="estate_id")
    assignee: int | None = Field(None, alias="assignee_id")
    created_at: dt.datetime
    closed_at: dt.datetime | None
    sla: list[ClockOut]

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(get_process(obj.process).state(obj.status).label)

    @staticmethod
    def resolve_sla(obj) -> list:
        return list(obj.clocks.all())


class CaseDetailOut(CaseOut):
    events: list[EventOut]
    actions: list[ActionOut]

    @staticmethod
    def resolve_events(obj, context) -> list[dict[str, Any]]:
        return [
            {
                "at": e.at,
                "action": e.action,
                "actor": e.actor.get_username() if e.actor_id else None,
                "role": e.role,
                "from_status": e.from_status,
                "to_status": e.to_status,
                "note": e.note,
                "data": e.data,
            }
            for e in selectors.case_timeline(case=obj, actor=actor_for(context["request"].auth))
        ]

    @staticmethod
    def resolve_actions(obj, context) -> list[dict[str, str]]:
        user = context["request"].auth
        return [
            {"name": a.name, "label": str(a.label)}
            for a in services.allowed_actions(case=obj, user=user)
        ]


class ActionIn(Schema):
    note: Note = ""
    data: dict[str, Any] = Field(default_factory=dict)
    assignee: Id | None = None
    # Ids from POST /attachments, or {"id": ...}.
    attachments: list[UUID | dict[str, Any]] = Field(default_factory=list, max_length=20)


@router.get("/cases", response={200: list[CaseOut], **READ_ERRORS})
@paginated
def case_list(
    request: HttpRequest,
    estate: IdParam | None = None,
    process: Term = "",
    status: Term = "",
    mine: bool = False,
):
    actor = actor_for(request.auth)
    return selectors.case_list(
        actor=actor, estate_id=estate, process=process, status=status, mine=mine
    ).order_by("-created_at", "-id")


@router.get("/cases/{case_id}", response={200: CaseDetailOut, **READ_ERRORS})
def case_detail(request: HttpRequest, case_id: IdParam):
    return selectors.case_get_for_user(request.auth, case_id)


@router.post("/cases/{case_id}/{action}", response={200: CaseDetailOut, **WRITE_ERRORS})
def case_action(request: HttpRequest, case_id: IdParam, action: CaseAction, payload: ActionIn):
    case = selectors.case_get_for_user(request.auth, case_id)
    process = get_process(case.process)
    if action not in {a.name for a in process.actions}:
        raise ApiError(404, "not_found", _("没有这个操作"))
    assignee = None
    if payload.assignee is not None:
        # Only someone working in the case's estate can be assigned (else a 404, like any id).
        assignee = get_or_404(selectors.assignable_users(case), payload.assignee)
    case = services.case_act_routed(
        case=case,
        action=action,
        by=request.auth,
        note=payload.note,
        data=payload.data,
        attachments=payload.attachments,
        assignee=assignee,
    )
    return selectors.case_get_for_user(request.auth, case.pk)


# --- Attachments ------------------------------------------------------------------------------


class AttachmentOut(Schema):
    id: UUID
    kind: str
    name: str = Field(..., alias="original_name")
    content_type: str
    size: int
    width: int
    height: int
    url: str
    thumbnail_url: str

    @staticmethod
    def resolve_url(obj) -> str:
        return attachments.attachment_url(obj)

    @staticmethod
    def resolve_thumbnail_url(obj) -> str:
        return attachments.attachment_url(obj, thumb=True)


class SignatureIn(Schema):
    data_url: Text = Field(
        ...,
        max_length=2_000_000,
        description="data:image/png;base64,… from a canvas (1 MB at most)",
    )
    case: Id | None = None


@router.post("/attachments", response={201: AttachmentOut, **WRITE_ERRORS}, tags=["attachments"])
def attachment_upload(
    request: HttpRequest,
    file: File[UploadedFile],
    kind: Annotated[Term, Form("photo")] = "photo",  # checked by the service against the kinds
    case: Annotated[int | None, Form(None, ge=1, le=2**63 - 1)] = None,
):
    """Upload a photo (multipart ``file``: JPEG, PNG, WebP or HEIC, 10 MB at most). Its ``id``
    then goes into an action's ``attachments``; a HEIC photo is stored as JPEG. ``case``: the
    case it is for, when it exists already."""
    target = selectors.case_get_for_user(request.auth, case) if case is not None else None
    return Status(
        201, attachments.attachment_store(upload=file, kind=kind, by=request.auth, case=target)
    )


@router.post(
    "/attachments/signature", response={201: AttachmentOut, **WRITE_ERRORS}, tags=["attachments"]
)
def attachment_signature(request: HttpRequest, payload: SignatureIn):
    """Upload a signature drawn on a canvas, as a PNG data URL; an empty canvas is refused."""
    target = selectors.case_get_for_user(request.auth, payload.case) if payload.case else None
    return Status(
        201,
        attachments.attachment_store_signature(
            data_url=payload.data_url, by=request.auth, case=target
        ),
    )

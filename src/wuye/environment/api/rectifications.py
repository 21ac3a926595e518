"""Rectification API (CLEAN-15, GREEN-11): the list (``mine``: the assignee's own), one
rectification, its cause analysis and each step through
``POST /environment/rectifications/{id}/{action}`` — the same services as the pages."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from wuye.base.api import READ_ERRORS, WRITE_ERRORS, ApiError, IdParam, Note, Term, paginated
from wuye.core.scoping import actor_for
from wuye.workflow.api.cases import action_param

from ..processes import RECTIFICATION
from ..selectors import rectifications as selectors
from ..services import rectifications as services

router = Router(tags=["environment"])


class RectificationOut(Schema):
    id: int
    case: int = Field(..., alias="case_id")
    number: str
    status: str
    estate: int = Field(..., alias="estate_id")
    inspection: int = Field(..., alias="inspection_id")
    zone: int | None = Field(None, alias="zone_id")
    green_area: int | None = Field(None, alias="green_area_id")
    assignee: int = Field(..., alias="assignee_id")
    assignee_name: str
    problem: str
    deadline: dt.datetime
    cause_kind: str
    cause: str
    done_at: dt.datetime | None
    done_note: str
    closed_at: dt.datetime | None
    needs_plan_change: bool

    @staticmethod
    def resolve_number(obj) -> str:
        return obj.case.number

    @staticmethod
    def resolve_status(obj) -> str:
        return obj.case.status

    @staticmethod
    def resolve_assignee_name(obj) -> str:
        return obj.assignee.name

    @staticmethod
    def resolve_needs_plan_change(obj) -> bool:
        return services.rectification_needs_plan_change(obj)


class RectificationActionIn(Schema):
    note: Note = ""
    data: dict[str, Any] = Field(
        default_factory=dict,
        description="recheck_pass / recheck_fail: answers (as for an inspection), "
        "cause_kind, cause",
    )
    attachments: list[Any] = Field(default_factory=list, max_length=20)


class CauseIn(Schema):
    cause_kind: Term
    cause: Note


@router.get("/environment/rectifications", response={200: list[RectificationOut], **READ_ERRORS})
@paginated
def rectification_list(
    request: HttpRequest,
    estate: IdParam | None = None,
    status: Term = "",
    mine: bool = False,
    zone: IdParam | None = None,
    green_area: IdParam | None = None,
):
    """Open ones first, by deadline; ``mine``: the caller's own to put right."""
    return selectors.rectification_list(
        actor=actor_for(request.auth), estate_id=estate, status=status, mine=mine,
        zone_id=zone, green_area_id=green_area,
    )  # fmt: skip


@router.get(
    "/environment/rectifications/{int:rectification_id}",
    response={200: RectificationOut, **READ_ERRORS},
)
def rectification_detail(request: HttpRequest, rectification_id: IdParam):
    return selectors.rectification_get_for_user(request.auth, rectification_id)


@router.put(
    "/environment/rectifications/{int:rectification_id}/cause",
    response={200: RectificationOut, **WRITE_ERRORS},
)
def rectification_cause(request: HttpRequest, rectification_id: IdParam, payload: CauseIn):
    """CLEAN-15: the department's cause analysis."""
    return services.rectification_cause_set(
        rectification=rectification_id, cause_kind=payload.cause_kind, cause=payload.cause,
        by=request.auth,
    )  # fmt: skip


RectificationAction = action_param("environment_rectification")


@router.post(
    "/environment/rectifications/{int:rectification_id}/{action}",
    response={200: RectificationOut, **WRITE_ERRORS},
)
def rectification_action(
    request: HttpRequest, rectification_id: IdParam, action: RectificationAction,
    payload: RectificationActionIn,
):  # fmt: skip
    """One step: done (the assignee, note and photo), recheck_pass / recheck_fail (the
    department, with the re-check's answers), comment. A recurring cause without a plan change
    is a 409 ``plan_change_required``."""
    if action not in {a.name for a in RECTIFICATION.actions}:
        raise ApiError(404, "not_found", _("没有这个操作"))
    return services.rectification_act(
        rectification=rectification_id, action=action, by=request.auth, note=payload.note,
        data=payload.data, attachments=payload.attachments or None,
    )  # fmt: skip

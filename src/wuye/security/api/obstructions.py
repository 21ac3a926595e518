"""Obstruction API (FIRE-14, VEHICLE-12): the list (open ones by next re-check), one
obstruction, opening one with its photos, and each step through
``POST /security/obstructions/{id}/{action}`` — the same services as the pages."""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router
from ninja.responses import Status

from wuye.base.api import READ_ERRORS, WRITE_ERRORS, ApiError, IdParam, Term, paginated
from wuye.core.scoping import actor_for, get_or_404, visible_estates
from wuye.core.selectors import room_get_for_user
from wuye.workflow.api.cases import action_param

from ..processes import OBSTRUCTION
from ..selectors import obstructions as selectors
from ..services import obstructions as services
from .guards_schemas import GuardActionIn, ObstructionIn, ObstructionOut

router = Router(tags=["security"])


@router.get("/security/obstructions", response={200: list[ObstructionOut], **READ_ERRORS})
@paginated
def obstruction_list(
    request: HttpRequest,
    estate: IdParam | None = None,
    status: Term = "",
    kind: Term = "",
    open: bool = False,
):
    """``open``: not cleared yet, the next re-check first."""
    return selectors.obstruction_list(
        actor=actor_for(request.auth), estate_id=estate, status=status, kind=kind,
        open_only=open,
    )  # fmt: skip


@router.get(
    "/security/obstructions/{int:obstruction_id}", response={200: ObstructionOut, **READ_ERRORS}
)
def obstruction_detail(request: HttpRequest, obstruction_id: IdParam):
    return selectors.obstruction_get_for_user(request.auth, obstruction_id)


@router.post("/security/obstructions", response={201: ObstructionOut, **WRITE_ERRORS})
def obstruction_open(request: HttpRequest, payload: ObstructionIn):
    """FIRE-14 / VEHICLE-12: open one with its photos; ``room``: whose it is (they are told)."""
    estate = get_or_404(visible_estates(actor_for(request.auth)), payload.estate)
    room = room_get_for_user(request.auth, payload.room) if payload.room else None
    obstruction = services.obstruction_open(
        estate=estate, kind=payload.kind, location=payload.location,
        description=payload.description, room=room, attachments=payload.attachments,
        by=request.auth,
    )  # fmt: skip
    return Status(201, obstruction)


ObstructionAction = action_param("security_obstruction")


@router.post(
    "/security/obstructions/{int:obstruction_id}/{action}",
    response={200: ObstructionOut, **WRITE_ERRORS},
)
def obstruction_action(
    request: HttpRequest, obstruction_id: IdParam, action: ObstructionAction,
    payload: GuardActionIn,
):  # fmt: skip
    """One step: notify_owner, recheck_fail / recheck_pass (a photo each), comment."""
    if action not in {a.name for a in OBSTRUCTION.actions}:
        raise ApiError(404, "not_found", _("没有这个操作"))
    return services.obstruction_act(
        obstruction=obstruction_id, action=action, by=request.auth, note=payload.note,
        data=payload.data, attachments=payload.attachments or None,
    )  # fmt: skip

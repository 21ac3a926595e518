"""Patrol API (GUARD-07…12): the default routes set up for an estate, what a patrol found
(reported with its photos, routed to a repair, an obstruction or an incident), the conduct
check at shift start — the same services as the pages."""

from django.http import HttpRequest
from ninja import Router
from ninja.responses import Status

from wuye.base.api import READ_ERRORS, WRITE_ERRORS, IdParam, Term, paginated
from wuye.core.models import PublicArea
from wuye.core.scoping import actor_for, get_or_404, visible_estates
from wuye.core.selectors import room_get_for_user
from wuye.fieldwork.models import Shift
from wuye.fieldwork.selectors.shifts import shift_get_for_user

from ..selectors import patrols as selectors
from ..services import guards as guard_services
from ..services import patrols as services
from .guards_schemas import (
    GuardConductIn,
    GuardConductOut,
    PatrolAnomalyIn,
    PatrolAnomalyOut,
    PatrolRoutesOut,
    PatrolSetupIn,
)

router = Router(tags=["security"])


@router.post("/security/patrol-routes/setup", response={201: PatrolRoutesOut, **WRITE_ERRORS})
def patrol_routes_setup(request: HttpRequest, payload: PatrolSetupIn):
    """GUARD-07/08/09: the estate's default routes (2-hourly general, hourly key areas) with the
    patrol checklist and their rounds (the order department's head)."""
    estate = get_or_404(visible_estates(actor_for(request.auth)), payload.estate)
    made = services.patrol_routes_setup(estate=estate, by=request.auth, anchor=payload.anchor)
    return Status(
        201,
        {
            "checklist": made.checklist.pk,
            "general_route": made.general.pk,
            "key_route": made.key.pk,
            "general_schedule": made.general_schedule.pk,
            "key_schedule": made.key_schedule.pk,
        },
    )


@router.get("/security/patrol-anomalies", response={200: list[PatrolAnomalyOut], **READ_ERRORS})
@paginated
def patrol_anomaly_list(request: HttpRequest, estate: IdParam | None = None, kind: Term = ""):
    return selectors.patrol_anomaly_list(actor=actor_for(request.auth), estate_id=estate, kind=kind)


@router.post("/security/patrol-anomalies", response={201: PatrolAnomalyOut, **WRITE_ERRORS})
def patrol_anomaly_report(request: HttpRequest, payload: PatrolAnomalyIn):
    """GUARD-11: a finding on patrol with its photo; ``kind`` damage (needs ``public_area``) →
    a repair order, fire_lane / ebike → an obstruction (``room``: whose, told to clear it),
    suspicious → an incident (``police_ref``: the 110 call)."""
    actor = actor_for(request.auth)
    estate = get_or_404(visible_estates(actor), payload.estate)
    checkpoint = (
        selectors.checkpoint_get_for_user(request.auth, payload.checkpoint)
        if payload.checkpoint
        else None
    )
    room = room_get_for_user(request.auth, payload.room) if payload.room else None
    area = (
        get_or_404(PublicArea.objects.filter(estate=estate), payload.public_area)
        if payload.public_area
        else None
    )
    anomaly = services.patrol_anomaly_report(
        estate=estate, kind=payload.kind, description=payload.description,
        location=payload.location, checkpoint=checkpoint, room=room, public_area=area,
        police_called_at=payload.police_called_at, police_ref=payload.police_ref,
        attachments=payload.attachments, by=request.auth,
    )  # fmt: skip
    return Status(201, anomaly)


@router.get("/security/conduct-checks", response={200: list[GuardConductOut], **READ_ERRORS})
@paginated
def conduct_check_list(request: HttpRequest, estate: IdParam | None = None,
                       shift: IdParam | None = None):  # fmt: skip
    return selectors.conduct_check_list(
        actor=actor_for(request.auth), estate_id=estate, shift_id=shift
    )


@router.post(
    "/security/shifts/{int:shift_id}/conduct-check",
    response={201: GuardConductOut, **WRITE_ERRORS},
)
def conduct_check_record(request: HttpRequest, shift_id: IdParam, payload: GuardConductIn):
    """GUARD-12: badge, uniform, polite language confirmed by a guard on the shift."""
    shift: Shift = shift_get_for_user(request.auth, shift_id)
    check = guard_services.conduct_check_record(shift=shift, by=request.auth, **payload.dict())
    return Status(201, check)

"""Security incident API (治安事件, GUARD-11): the list, one incident, reporting one with its
photos (the order head told at once), and each step through
``POST /security/incidents/{id}/{action}`` (question, call_police with ``data.called_at`` and
``data.police_ref``, close, comment)."""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router
from ninja.responses import Status

from wuye.base.api import READ_ERRORS, WRITE_ERRORS, ApiError, IdParam, Term, paginated
from wuye.core.scoping import actor_for, get_or_404, visible_estates
from wuye.workflow.api.cases import action_param

from ..processes import INCIDENT
from ..selectors import incidents as selectors
from ..services import incidents as services
from .guards_schemas import GuardActionIn, IncidentIn, IncidentOut

router = Router(tags=["security"])


@router.get("/security/incidents", response={200: list[IncidentOut], **READ_ERRORS})
@paginated
def incident_list(
    request: HttpRequest, estate: IdParam | None = None, status: Term = "", open: bool = False
):
    return selectors.incident_list(
        actor=actor_for(request.auth), estate_id=estate, status=status, open_only=open
    )


@router.get("/security/incidents/{int:incident_id}", response={200: IncidentOut, **READ_ERRORS})
def incident_detail(request: HttpRequest, incident_id: IdParam):
    return selectors.incident_get_for_user(request.auth, incident_id)


@router.post("/security/incidents", response={201: IncidentOut, **WRITE_ERRORS})
def incident_open(request: HttpRequest, payload: IncidentIn):
    estate = get_or_404(visible_estates(actor_for(request.auth)), payload.estate)
    incident = services.incident_open(
        estate=estate, location=payload.location, description=payload.description,
        attachments=payload.attachments, by=request.auth,
    )  # fmt: skip
    return Status(201, incident)


IncidentAction = action_param("security_incident")


@router.post(
    "/security/incidents/{int:incident_id}/{action}", response={200: IncidentOut, **WRITE_ERRORS}
)
def incident_action(
    request: HttpRequest, incident_id: IdParam, action: IncidentAction, payload: GuardActionIn
):
    if action not in {a.name for a in INCIDENT.actions}:
        raise ApiError(404, "not_found", _("没有这个操作"))
    return services.incident_act(
        incident=incident_id, action=action, by=request.auth, note=payload.note,
        data=payload.data, attachments=payload.attachments or None,
    )  # fmt: skip

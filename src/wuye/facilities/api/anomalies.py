"""Equipment anomaly API (设备异常, EQUIP-OPS-08/09): engineering's list with the 10-minute clock,
one anomaly, reporting one, and every step through ``POST /anomalies/{id}/{action}`` — the same
services as the pages."""

import datetime as dt
from typing import Any

from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from wuye.base.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    ApiError,
    Id,
    IdParam,
    Note,
    Term,
    Text,
    When,
    paginated,
)
from wuye.core.scoping import actor_for
from wuye.workflow.api.cases import ClockOut, action_param

from ..choices import AnomalySource
from ..models import Anomaly
from ..models.anomalies import DESCRIPTION_MAX
from ..processes import EQUIPMENT_ANOMALY
from ..selectors import anomalies as selectors
from ..selectors import equipment as equipment_selectors
from ..services import anomalies as services

router = Router(tags=["facilities"])


class AnomalyIn(Schema):
    equipment: Id
    source: Text = Field(AnomalySource.OPERATOR, max_length=20)
    description: Text = Field(..., min_length=1, max_length=DESCRIPTION_MAX)
    found_at: When | None = None
    dedup: Text = Field("", max_length=120)
    data: dict[str, Any] = Field(default_factory=dict)
    attachments: list[Any] = Field(default_factory=list, max_length=20)


class AnomalyActionIn(Schema):
    note: Note = ""
    data: dict[str, Any] = Field(default_factory=dict)
    attachments: list[Any] = Field(default_factory=list, max_length=20)


class AnomalyOut(Schema):
    id: int
    case: int = Field(..., alias="case_id")
    number: str
    status: str
    estate: int = Field(..., alias="estate_id")
    equipment: int = Field(..., alias="equipment_id")
    source: str
    description: str
    found_at: dt.datetime
    reported_by: int | None = Field(None, alias="reported_by_id")
    acknowledged_at: dt.datetime | None
    handled_at: dt.datetime | None
    resolution: str
    fault_case: int | None = Field(None, alias="fault_case_id")
    clocks: list[ClockOut]

    @staticmethod
    def resolve_number(obj) -> str:
        return obj.case.number

    @staticmethod
    def resolve_status(obj) -> str:
        return obj.case.status

    @staticmethod
    def resolve_clocks(obj) -> list:
        return list(obj.case.clocks.all())


def _out(anomaly: Anomaly) -> Anomaly:
    prefetch_related_objects([anomaly], "case__clocks")
    return anomaly


@router.get("/anomalies", response={200: list[AnomalyOut], **READ_ERRORS})
@paginated
def anomaly_list(
    request: HttpRequest,
    estate: IdParam | None = None,
    status: Term = "",
    source: Term = "",
    equipment: IdParam | None = None,
    open: bool = False,
):
    """``open``: those engineering has not handled yet (reported or acknowledged)."""
    return selectors.anomaly_list(
        actor=actor_for(request.auth),
        estate_id=estate,
        status=status,
        source=source,
        equipment_id=equipment,
        open_only=open,
    ).prefetch_related("case__clocks")


@router.get("/anomalies/{int:anomaly_id}", response={200: AnomalyOut, **READ_ERRORS})
def anomaly_detail(request: HttpRequest, anomaly_id: IdParam):
    return _out(selectors.anomaly_get_for_user(request.auth, anomaly_id))


@router.post("/anomalies", response={201: AnomalyOut, 200: AnomalyOut, **WRITE_ERRORS})
def anomaly_report(request: HttpRequest, payload: AnomalyIn):
    """Report an anomaly; engineering is told at once. With ``dedup``, a repeat returns the
    anomaly already reported (200) instead of a new one (201)."""
    equipment = equipment_selectors.equipment_get_for_user(request.auth, payload.equipment)
    existing = (
        payload.dedup.strip()
        and Anomaly.objects.filter(
            estate_id=equipment.estate_id, dedup_key=payload.dedup.strip()
        ).exists()
    )
    case = services.anomaly_report(
        equipment=equipment,
        source=payload.source,
        description=payload.description,
        found_at=payload.found_at,
        by=request.auth,
        data=payload.data,
        dedup=payload.dedup or None,
        attachments=payload.attachments or None,
    )
    anomaly = _out(case.equipment_anomaly)
    return anomaly if existing else Status(201, anomaly)


AnomalyAction = action_param("equipment_anomaly")


@router.post("/anomalies/{int:anomaly_id}/{action}", response={200: AnomalyOut, **WRITE_ERRORS})
def anomaly_action(
    request: HttpRequest, anomaly_id: IdParam, action: AnomalyAction, payload: AnomalyActionIn
):
    """One step: acknowledge, dismiss (a reason), fix (what was done), to_fault (``data.
    fault_case``: the fault opened from it), comment. 403 role, 409 state, 400 inputs."""
    if action not in {a.name for a in EQUIPMENT_ANOMALY.actions}:
        raise ApiError(404, "not_found", _("没有这个操作"))
    anomaly = services.anomaly_act(
        anomaly=anomaly_id,
        action=action,
        by=request.auth,
        note=payload.note,
        data=payload.data,
        attachments=payload.attachments or None,
    )
    return _out(anomaly)

"""Equipment faults API (设备故障, EQUIP-FAULT): the faults a caller may see (staff of the estate;
a contractor only the faults it was called to), reporting one, linking a repair order to one,
every step through ``POST /facilities/faults/{id}/{action}`` (the same service as the pages), and
the 《故障处理报告》 PDF."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from wuye.base.api import (
    PDF,
    READ_ERRORS,
    WRITE_ERRORS,
    ApiError,
    ErrorOut,
    Id,
    IdParam,
    Note,
    Term,
    Text,
    When,
    file_download,
    paginated,
)
from wuye.base.pdf import CJKFontMissing
from wuye.core.scoping import actor_for, get_or_404, visible_estates
from wuye.workflow.api.cases import ClockOut, action_param
from wuye.workflow.models import Case

from ..documents.faults import fault_report_pdf
from ..models import Equipment, Fault
from ..processes import EQUIPMENT_FAULT
from ..selectors import faults as selectors
from ..services import faults as services

router = Router(tags=["facilities"])


class FaultIn(Schema):
    """A fault found (EQUIP-FAULT-04): the equipment, how bad, how it was found."""

    equipment: Id
    severity: Text = Field(..., max_length=10, examples=["general"])
    source: Text = Field(..., max_length=12, examples=["monitoring"])
    description: Text = Field(..., min_length=1, max_length=2000)
    entrapment: bool = False
    # The case it was found from: an anomaly's or a repair order's (workflow case id).
    source_case: Id | None = None
    detected_at: When | None = None
    attachments: list[Any] = Field(default_factory=list, max_length=20)


class FaultActionIn(Schema):
    """One step. ``data`` per action: call_contractor {contractor}; inform / inform_outcome
    {body, title?}; reclassify {severity}; link_repair {order}; write_report {cause, handling,
    measures: [{text, interval_days}]}."""

    note: Note = ""
    data: dict[str, Any] = Field(default_factory=dict)
    attachments: list[Any] = Field(default_factory=list, max_length=20)


class LinkRepairIn(Schema):
    """A repair order about common equipment, to an existing fault or to a new one."""

    order: Id
    fault: Id | None = None
    equipment: Id | None = None
    severity: Text = Field("general", max_length=10)
    description: Text = Field("", max_length=2000)


class TestRunOut(Schema):
    repair_round: int
    number: int
    normal: bool
    note: str
    at: dt.datetime


class MeasureOut(Schema):
    text: str
    interval_days: int
    schedule: int = Field(..., alias="schedule_id")


class FaultReportOut(Schema):
    cause: str
    handling: str
    written_at: dt.datetime
    measures: list[MeasureOut]

    @staticmethod
    def resolve_measures(obj) -> list:
        return list(obj.measures.all())


class FaultOut(Schema):
    id: int
    case: int = Field(..., alias="case_id")
    number: str
    status: str
    status_label: str
    estate: int = Field(..., alias="estate_id")
    equipment: int = Field(..., alias="equipment_id")
    equipment_name: str
    severity: str
    entrapment: bool
    source: str
    source_case: int | None = Field(None, alias="source_case_id")
    description: str
    detected_at: dt.datetime
    contractor: int | None = Field(None, alias="contractor_id")
    contractor_called_at: dt.datetime | None
    contractor_arrived_at: dt.datetime | None
    arrived_at: dt.datetime | None
    rescued_at: dt.datetime | None
    repaired_at: dt.datetime | None
    accepted_at: dt.datetime | None
    sla: list[ClockOut]
    test_runs: list[TestRunOut]
    report: FaultReportOut | None

    @staticmethod
    def resolve_number(obj) -> str:
        return obj.case.number

    @staticmethod
    def resolve_status(obj) -> str:
        return obj.case.status

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(EQUIPMENT_FAULT.state_label(obj.case.status))

    @staticmethod
    def resolve_equipment_name(obj) -> str:
        return obj.equipment.name

    @staticmethod
    def resolve_sla(obj) -> list:
        return list(obj.case.clocks.all())

    @staticmethod
    def resolve_test_runs(obj) -> list:
        return selectors.fault_test_runs(obj)

    @staticmethod
    def resolve_report(obj):
        return getattr(obj, "report", None)


def _fault(request, fault_id) -> Fault:
    return selectors.fault_get_for_user(request.auth, fault_id)


@router.get("/facilities/faults", response={200: list[FaultOut], **READ_ERRORS})
@paginated
def fault_list(request: HttpRequest, estate: IdParam | None = None, status: Term = "",
               severity: Term = "", equipment: IdParam | None = None, open: bool = False,
               entrapment: bool | None = None, q: Term = ""):  # fmt: skip
    """Open faults first, then the latest detected."""
    return selectors.fault_list(
        actor=actor_for(request.auth), estate_id=estate, status=status, severity=severity,
        equipment_id=equipment, open_only=open, entrapment=entrapment, q=q,
    ).select_related("report")  # fmt: skip


@router.get("/facilities/faults/{int:fault_id}", response={200: FaultOut, **READ_ERRORS})
def fault_detail(request: HttpRequest, fault_id: IdParam):
    return _fault(request, fault_id)


@router.post("/facilities/faults", response={201: FaultOut, **WRITE_ERRORS})
def fault_create(request: HttpRequest, payload: FaultIn):
    """Report a fault: engineering and customer service are told at once (EQUIP-FAULT-05)."""
    actor = actor_for(request.auth)
    equipment = get_or_404(
        Equipment.objects.filter(estate__in=visible_estates(actor)), payload.equipment
    )
    source_case = None
    if payload.source_case is not None:
        cases = Case.objects.filter(estate_id=equipment.estate_id)
        source_case = cases.filter(pk=payload.source_case).first()
        if source_case is None:
            message = _("该工单不属于本项目")
            raise ApiError(400, "invalid", message, {"source_case": [message]})
    fault = services.fault_create(
        equipment=equipment, severity=payload.severity, source=payload.source,
        description=payload.description, entrapment=payload.entrapment,
        source_case=source_case, detected_at=payload.detected_at,
        attachments=payload.attachments or None, by=request.auth,
    )  # fmt: skip
    return Status(201, _fault(request, fault.pk))


@router.post("/facilities/faults/link-repair", response={200: FaultOut, **WRITE_ERRORS})
def fault_link_repair(request: HttpRequest, payload: LinkRepairIn):
    """Engineering links a repair order about common equipment to a fault: ``fault`` (an
    existing one) or ``equipment`` (a new one found through the order, EQUIP-FAULT-04)."""
    actor = actor_for(request.auth)
    fault = equipment = None
    if payload.fault is not None:
        fault = _fault(request, payload.fault)
    elif payload.equipment is not None:
        equipment = get_or_404(
            Equipment.objects.filter(estate__in=visible_estates(actor)), payload.equipment
        )
    else:
        message = _("请选择要关联的故障或故障设备")
        raise ApiError(400, "invalid", message, {"fault": [message]})
    fault = services.fault_link_repair(
        order=payload.order, fault=fault, equipment=equipment, severity=payload.severity,
        description=payload.description, by=request.auth,
    )  # fmt: skip
    return _fault(request, fault.pk)


@router.get(
    "/facilities/faults/{int:fault_id}/report.pdf",
    response={**READ_ERRORS, 503: ErrorOut},
    openapi_extra=file_download(PDF, description="《故障处理报告》"),
)
def fault_report_pdf_download(request: HttpRequest, fault_id: IdParam):
    fault = _fault(request, fault_id)
    if not hasattr(fault, "report"):
        raise ApiError(404, "not_found", _("该故障还没有处理报告"))
    try:
        return fault_report_pdf(fault)
    except CJKFontMissing as error:
        raise ApiError(503, "font_missing", str(error)) from None


FaultAction = action_param("equipment_fault")


@router.post("/facilities/faults/{int:fault_id}/{action}", response={200: FaultOut, **WRITE_ERRORS})
def fault_action(request: HttpRequest, fault_id: IdParam, action: FaultAction,
                 payload: FaultActionIn):  # fmt: skip
    """One step of the fault process; 403 role, 409 state, 400 inputs, as on the pages."""
    if action not in {a.name for a in EQUIPMENT_FAULT.actions}:
        raise ApiError(404, "not_found", _("没有这个操作"))
    fault = _fault(request, fault_id)
    services.fault_act(
        fault=fault, action=action, by=request.auth, note=payload.note, data=payload.data,
        attachments=payload.attachments or None,
    )  # fmt: skip
    return _fault(request, fault_id)

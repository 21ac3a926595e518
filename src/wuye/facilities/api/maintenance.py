"""Maintenance plan API (维护保养计划, EQUIP-MAINT-03..12): plans and their approval steps, the
verification of a completed maintenance record, the monthly effectiveness review — the same
services as the pages."""

import datetime as dt

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from wuye.base.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    ApiError,
    Day,
    Id,
    IdParam,
    Note,
    Term,
    Text,
    paginated,
)
from wuye.core.models import Estate
from wuye.core.scoping import actor_for, get_or_404, visible_estates

from ..choices import EquipmentCategory
from ..models import MaintenancePlan
from ..selectors import maintenance as selectors
from ..services import maintenance as services

router = Router(tags=["facilities"])


class MaintenanceItemIn(Schema):
    label: Text = Field(..., max_length=200)
    kind: Text = Field("check", max_length=10)
    unit: Text = Field("", max_length=20)
    low: float | None = None
    high: float | None = None
    required: bool = True
    hint: Text = Field("", max_length=200)


class MaintenancePlanIn(Schema):
    estate: Id
    name: Text = Field(..., max_length=100)
    category: Text = Field("", max_length=20)
    equipment: Id | None = None
    template: Text = Field("", max_length=30)
    frequency: Text = Field(..., max_length=20)
    interval: int = Field(1, ge=1, le=366)
    basis: Text = Field("calendar", max_length=12)
    anchor: Day
    due_days: int = Field(3, ge=0, le=60)
    contractor: Id | None = None
    standard: Note = ""
    items: list[MaintenanceItemIn] | None = Field(None, max_length=200)


class MaintenancePlanChangeIn(Schema):
    name: Text | None = Field(None, max_length=100)
    frequency: Text | None = Field(None, max_length=20)
    interval: int | None = Field(None, ge=1, le=366)
    basis: Text | None = Field(None, max_length=12)
    anchor: Day | None = None
    due_days: int | None = Field(None, ge=0, le=60)
    contractor: Id | None = None
    standard: Note | None = None
    items: list[MaintenanceItemIn] | None = Field(None, max_length=200)


class MaintenanceNoteIn(Schema):
    note: Note = ""


class MaintenanceReasonIn(Schema):
    reason: Note = Field(..., min_length=1)


class MaintenanceEventOut(Schema):
    action: str
    note: str
    by: int = Field(..., alias="by_id")
    at: dt.datetime


class MaintenancePlanOut(Schema):
    id: int
    estate: int = Field(..., alias="estate_id")
    name: str
    category: str
    equipment: int | None = Field(None, alias="equipment_id")
    template: str
    frequency: str
    interval: int
    basis: str
    anchor: dt.date
    due_days: int
    checklist: int = Field(..., alias="checklist_id")
    contractor: int | None = Field(None, alias="contractor_id")
    certificate: str
    standard: str
    status: str
    version: int
    previous: int | None = Field(None, alias="previous_id")
    approval_note: str
    return_reason: str
    approved_by: int | None = Field(None, alias="approved_by_id")
    approved_at: dt.datetime | None
    schedules: list[int]
    events: list[MaintenanceEventOut]

    @staticmethod
    def resolve_schedules(obj) -> list[int]:
        return [link.schedule_id for link in obj.schedules.all()]

    @staticmethod
    def resolve_events(obj) -> list:
        return list(obj.events.all())


class MaintenanceCheckIn(Schema):
    answer: Id
    confirmed: bool
    note: Text = Field("", max_length=200)


class MaintenanceVerifyIn(Schema):
    checks: list[MaintenanceCheckIn] = Field(..., max_length=200)
    note: Note = ""


class MaintenanceCheckOut(Schema):
    answer: int = Field(..., alias="answer_id")
    confirmed: bool
    note: str
    case: int | None = Field(None, alias="case_id")


class MaintenanceVerificationOut(Schema):
    record: int = Field(..., alias="record_id")
    passed: bool
    note: str
    verified_by: int = Field(..., alias="verified_by_id")
    verified_by_name: str
    verified_at: dt.datetime
    checks: list[MaintenanceCheckOut]

    @staticmethod
    def resolve_checks(obj) -> list:
        return list(obj.checks.all())


class MaintenanceReviewIn(Schema):
    estate: Id
    category: Text = Field(..., max_length=20)
    month: Day
    conclusion: Note = Field(..., min_length=1)
    adjustment: Note = ""


class MaintenanceMonthOut(Schema):
    month: dt.date
    faults: int
    equipment: int
    rate: float | None
    due: int
    done: int
    late: int
    missed: int
    open: int


class MaintenanceReviewOut(Schema):
    conclusion: str
    adjustment: str
    by: int = Field(..., alias="by_id")
    at: dt.datetime


class MaintenanceReviewDataOut(Schema):
    months: list[MaintenanceMonthOut]
    trend: str
    equipment: int
    review: MaintenanceReviewOut | None


def _estate(request: HttpRequest, pk: int) -> Estate:
    return get_or_404(visible_estates(actor_for(request.auth)), pk)


def _plan(request: HttpRequest, pk: int) -> MaintenancePlan:
    return selectors.plan_get_for_user(request.auth, pk)


def _out(plan: MaintenancePlan) -> MaintenancePlan:
    return MaintenancePlan.objects.prefetch_related("schedules", "events").get(pk=plan.pk)


def _items(items) -> list[dict] | None:
    return None if items is None else [item.dict() for item in items]


@router.get(
    "/facilities/maintenance-plans", response={200: list[MaintenancePlanOut], **READ_ERRORS}
)
@paginated
def maintenance_plan_list(
    request: HttpRequest,
    estate: IdParam | None = None,
    status: Term = "",
    category: Term = "",
):
    qs = selectors.plans_for_user(request.auth).prefetch_related("schedules", "events")
    if estate is not None:
        qs = qs.filter(estate_id=estate)
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    return qs


@router.get(
    "/facilities/maintenance-plans/{int:plan_id}", response={200: MaintenancePlanOut, **READ_ERRORS}
)
def maintenance_plan_detail(request: HttpRequest, plan_id: IdParam):
    return _out(_plan(request, plan_id))


@router.post("/facilities/maintenance-plans", response={201: MaintenancePlanOut, **WRITE_ERRORS})
def maintenance_plan_create(request: HttpRequest, payload: MaintenancePlanIn):
    """A draft plan; ``template`` prefills the content items when ``items`` is not given."""
    estate = _estate(request, payload.estate)
    refs = services.plan_refs(
        estate=estate, equipment=payload.equipment, contractor=payload.contractor
    )
    values = payload.dict(exclude={"estate", "equipment", "contractor", "items"})
    plan = services.plan_draft(
        estate=estate, by=request.auth, items=_items(payload.items), **values, **refs
    )
    return Status(201, _out(plan))


@router.post(
    "/facilities/maintenance-plans/{int:plan_id}/revise",
    response={200: MaintenancePlanOut, **WRITE_ERRORS},
)
def maintenance_plan_revise(
    request: HttpRequest, plan_id: IdParam, payload: MaintenancePlanChangeIn
):
    """Change a draft or returned plan; an active plan gets a new draft version (its schedules
    keep running until that version is approved)."""
    plan = _plan(request, plan_id)
    changes = payload.dict(exclude_unset=True, exclude={"items", "contractor"})
    if "contractor" in payload.model_fields_set:
        changes.update(services.plan_refs(estate=plan.estate, contractor=payload.contractor))
        changes.pop("equipment", None)
    plan = services.plan_revise(plan=plan, by=request.auth, items=_items(payload.items), **changes)
    return _out(plan)


@router.post(
    "/facilities/maintenance-plans/{int:plan_id}/submit",
    response={200: MaintenancePlanOut, **WRITE_ERRORS},
)
def maintenance_plan_submit(request: HttpRequest, plan_id: IdParam):
    return _out(services.plan_submit(plan=_plan(request, plan_id), by=request.auth))


@router.post(
    "/facilities/maintenance-plans/{int:plan_id}/approve",
    response={200: MaintenancePlanOut, **WRITE_ERRORS},
)
def maintenance_plan_approve(request: HttpRequest, plan_id: IdParam, payload: MaintenanceNoteIn):
    """An executive approves (a note on the resources it needs); the schedules start."""
    plan = services.plan_approve(plan=_plan(request, plan_id), by=request.auth, note=payload.note)
    return _out(plan)


@router.post(
    "/facilities/maintenance-plans/{int:plan_id}/return",
    response={200: MaintenancePlanOut, **WRITE_ERRORS},
)
def maintenance_plan_return(request: HttpRequest, plan_id: IdParam, payload: MaintenanceReasonIn):
    plan = services.plan_return(
        plan=_plan(request, plan_id), by=request.auth, reason=payload.reason
    )
    return _out(plan)


@router.post(
    "/facilities/maintenance-plans/{int:plan_id}/retire",
    response={200: MaintenancePlanOut, **WRITE_ERRORS},
)
def maintenance_plan_retire(request: HttpRequest, plan_id: IdParam, payload: MaintenanceNoteIn):
    plan = services.plan_retire(plan=_plan(request, plan_id), by=request.auth, note=payload.note)
    return _out(plan)


@router.get(
    "/facilities/maintenance-records/{int:record_id}/verification",
    response={200: MaintenanceVerificationOut, **READ_ERRORS},
)
def maintenance_verification_detail(request: HttpRequest, record_id: IdParam):
    record = selectors.record_get_for_user(request.auth, record_id)
    verification = getattr(record, "maintenance_verification", None)
    if verification is None:
        raise ApiError(404, "not_found", _("该记录尚未核对"))
    return verification


@router.post(
    "/facilities/maintenance-records/{int:record_id}/verification",
    response={201: MaintenanceVerificationOut, **WRITE_ERRORS},
)
def maintenance_verify(request: HttpRequest, record_id: IdParam, payload: MaintenanceVerifyIn):
    """Engineering checks the record item by item; a failed item opens a follow-up."""
    record = selectors.record_get_for_user(request.auth, record_id)
    verification = services.maintenance_verify(
        record=record, by=request.auth, note=payload.note,
        checks=[check.dict() for check in payload.checks],
    )  # fmt: skip
    return Status(201, verification)


@router.get(
    "/facilities/maintenance-reviews", response={200: MaintenanceReviewDataOut, **READ_ERRORS}
)
def maintenance_review(request: HttpRequest, estate: IdParam, category: Term, month: Day):
    """The month and the five before: faults per piece, services done/late/missed, trend."""
    found = _estate(request, estate)
    if actor_for(request.auth).staff is None and not request.auth.is_superuser:
        raise Http404
    if category not in EquipmentCategory.values:
        raise ApiError(400, "invalid", _("请选择设备类别"))
    return selectors.review_months(estate=found, category=category, month=month)


@router.post(
    "/facilities/maintenance-reviews", response={200: MaintenanceReviewOut, **WRITE_ERRORS}
)
def maintenance_review_record(request: HttpRequest, payload: MaintenanceReviewIn):
    estate = _estate(request, payload.estate)
    return services.review_record(
        estate=estate, category=payload.category, month=payload.month, by=request.auth,
        conclusion=payload.conclusion, adjustment=payload.adjustment,
    )  # fmt: skip

"""Inspection API (CLEAN-12..14, GREEN-11): the records (list with filters, one with its items,
recording one), the Excel record, the head's rounds (progress, closing one early), the week's
spot-check sample (get, draw) and setting the forms and rounds up — the pages' services."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from wuye.base.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    XLSX,
    ApiError,
    Day,
    Id,
    IdParam,
    Note,
    Term,
    file_download,
    paginated,
)
from wuye.core.scoping import actor_for, get_or_404, visible_estates
from wuye.core.shortcuts import estate_tz
from wuye.workflow.models import PlannedTask

from ..choices import InspectionKind
from ..documents.inspection_record import inspection_record_xlsx
from ..models import CleaningZone, GreenArea, SpotSample
from ..processes import GREEN_CHECK_KIND, PATROL_KIND, SPOT_CHECK_KIND
from ..selectors import inspections as selectors
from ..services import inspections as services
from ..services import sampling

router = Router(tags=["environment"])

ROUNDS = {"patrol": PATROL_KIND, "spot": SPOT_CHECK_KIND, "green": GREEN_CHECK_KIND}


class InspectionAnswerIn(Schema):
    item: Id
    score: Decimal = Field(..., ge=0, le=1000, decimal_places=1)
    note: Term = ""
    photo: Any = Field(None, description="an uploaded photo's id (required for a failed item)")


class InspectionIn(Schema):
    kind: Term = Field(..., description="patrol, spot_check or green_weekly")
    zone: Id | None = None
    green_area: Id | None = None
    sample: Id | None = Field(None, description="the week's spot-check sample (spot_check)")
    answers: list[InspectionAnswerIn] = Field(..., max_length=200)
    note: Note = ""
    deadline_hours: int | None = Field(None, ge=1, le=720)


class InspectionItemOut(Schema):
    position: int
    label: str
    full_score: Decimal
    pass_score: Decimal
    score: Decimal
    passed: bool
    note: str
    photo: str | None = None

    @staticmethod
    def resolve_photo(obj) -> str | None:
        return str(obj.photo_id) if obj.photo_id else None


class InspectionOut(Schema):
    id: int
    estate: int = Field(..., alias="estate_id")
    kind: str
    zone: int | None = Field(None, alias="zone_id")
    green_area: int | None = Field(None, alias="green_area_id")
    sample: int | None = Field(None, alias="sample_id")
    task: int | None = Field(None, alias="task_id")
    round_task: int | None = Field(None, alias="round_task_id")
    checklist_name: str
    inspector_name: str
    responsible_name: str
    at: dt.datetime
    score: Decimal
    full_score: Decimal
    passed: bool
    note: str
    rechecks: int | None = Field(None, alias="rechecks_id")
    rectification: int | None = None

    @staticmethod
    def resolve_rectification(obj) -> int | None:
        rectification = getattr(obj, "rectification", None) if _has_rect(obj) else None
        return rectification.pk if rectification is not None else None


def _has_rect(obj) -> bool:
    try:
        obj.rectification  # noqa: B018
    except Exception:  # RelatedObjectDoesNotExist
        return False
    return True


class InspectionDetailOut(InspectionOut):
    items: list[InspectionItemOut]

    @staticmethod
    def resolve_items(obj) -> list:
        return list(obj.items.all())


def _estate(request, estate_id):
    return get_or_404(visible_estates(actor_for(request.auth)), estate_id)


@router.get("/environment/inspections", response={200: list[InspectionOut], **READ_ERRORS})
@paginated
def inspection_list(
    request: HttpRequest,
    estate: IdParam | None = None,
    kind: Term = "",
    zone: IdParam | None = None,
    green_area: IdParam | None = None,
    passed: bool | None = None,
    date_from: Day | None = None,
    date_to: Day | None = None,
):
    """Newest first; ``date_from``/``date_to`` local days of the estate (inclusive)."""
    tz = estate_tz(_estate(request, estate)) if estate else None
    return selectors.inspection_list(
        actor=actor_for(request.auth), estate_id=estate, kind=kind, zone_id=zone,
        green_area_id=green_area, passed=passed, date_from=date_from, date_to=date_to, tz=tz,
    ).select_related("rectification")  # fmt: skip


@router.get(
    "/environment/inspections/export.xlsx", response=READ_ERRORS,
    openapi_extra=file_download(XLSX, description="《清洁卫生检查记录表》"),
)  # fmt: skip
def inspection_export(
    request: HttpRequest,
    estate: IdParam,
    kind: Term = "",
    zone: IdParam | None = None,
    green_area: IdParam | None = None,
    passed: bool | None = None,
    date_from: Day | None = None,
    date_to: Day | None = None,
):
    """The record form of exactly what is filtered, as Excel."""
    found = _estate(request, estate)
    qs = selectors.inspection_list(
        actor=actor_for(request.auth), estate_id=found.pk, kind=kind, zone_id=zone,
        green_area_id=green_area, passed=passed, date_from=date_from, date_to=date_to,
        tz=estate_tz(found),
    )  # fmt: skip
    return inspection_record_xlsx(
        qs.prefetch_related("items")[:5000], tz=estate_tz(found), estate_name=found.name
    )


@router.get(
    "/environment/inspections/{int:inspection_id}",
    response={200: InspectionDetailOut, **READ_ERRORS},
)
def inspection_detail(request: HttpRequest, inspection_id: IdParam):
    return selectors.inspection_get_for_user(request.auth, inspection_id)


@router.post("/environment/inspections", response={201: InspectionDetailOut, **WRITE_ERRORS})
def inspection_create(request: HttpRequest, payload: InspectionIn):
    """Record one zone's or area's result; a failed one opens its rectification at once."""
    if payload.kind not in InspectionKind.values or payload.kind == InspectionKind.RECHECK:
        raise ApiError(400, "invalid", _("请选择检查类型"), {"kind": [_("请选择检查类型")]})
    actor = actor_for(request.auth)
    estates = visible_estates(actor)
    zone = area = sample = None
    if payload.zone is not None:
        zone = get_or_404(CleaningZone.objects.filter(estate__in=estates), payload.zone)
    if payload.green_area is not None:
        area = get_or_404(GreenArea.objects.filter(estate__in=estates), payload.green_area)
    task = None
    if payload.sample is not None:
        sample = get_or_404(SpotSample.objects.filter(estate__in=estates), payload.sample)
        if zone is not None and zone.estate_id == sample.estate_id:
            task_id = sampling.pick_task(sample=sample, zone_id=zone.pk)
            task = PlannedTask.objects.filter(pk=task_id).first()
    record = services.inspection_record(
        kind=payload.kind, zone=zone, green_area=area, sample=sample, task=task,
        answers=[a.dict() for a in payload.answers], note=payload.note, by=request.auth,
        deadline_hours=payload.deadline_hours,
    )  # fmt: skip
    return Status(201, record)


class RoundRowOut(Schema):
    zone: int | None = None
    green_area: int | None = None
    name: str
    inspection: int | None = None
    passed: bool | None = None
    score: Decimal | None = None


class InspectionRoundOut(Schema):
    task: int | None
    status: str | None
    scheduled_for: dt.datetime | None
    due_at: dt.datetime | None
    done: bool
    rows: list[RoundRowOut]


def _round_task(estate, which: str) -> PlannedTask | None:
    from django.utils import timezone

    now = timezone.now()
    return (
        PlannedTask.objects.filter(
            estate=estate, schedule__kind=ROUNDS[which], schedule__active=True,
            scheduled_for__lte=now, due_at__gte=now,
        ).select_related("schedule", "estate").order_by("scheduled_for").first()
    )  # fmt: skip


def _round_out(task, progress) -> dict:
    rows = []
    for row in progress["rows"]:
        subject, result = row["subject"], row["result"]
        green = isinstance(subject, GreenArea)
        rows.append({
            "zone": None if green else subject.pk, "green_area": subject.pk if green else None,
            "name": subject.name, "inspection": result.pk if result else None,
            "passed": result.passed if result else None, "score": result.score if result else None,
        })  # fmt: skip
    return {
        "task": task.pk if task else None, "status": task.status if task else None,
        "scheduled_for": task.scheduled_for if task else None,
        "due_at": task.due_at if task else None, "done": progress["done"], "rows": rows,
    }  # fmt: skip


@router.get(
    "/environment/inspection-rounds/{which}", response={200: InspectionRoundOut, **READ_ERRORS}
)
def inspection_round(request: HttpRequest, which: Term, estate: IdParam):
    """The head's current round (``patrol`` today, ``spot`` / ``green`` this week): what to
    check and what is in."""
    if which not in ROUNDS:
        raise ApiError(404, "not_found", _("没有这种检查"))
    found = _estate(request, estate)
    task = _round_task(found, which)
    if task is None:
        return _round_out(None, {"rows": [], "done": False})
    return _round_out(task, services.round_progress(task))


class RoundCloseIn(Schema):
    task: Id
    note: Note = ""


@router.post(
    "/environment/inspection-rounds/{which}/close",
    response={200: InspectionRoundOut, **WRITE_ERRORS},
)
def inspection_round_close(request: HttpRequest, which: Term, payload: RoundCloseIn):
    """End the round before every zone is in: the note says why; the zones missed are named."""
    if which not in ROUNDS:
        raise ApiError(404, "not_found", _("没有这种检查"))
    estates = visible_estates(actor_for(request.auth))
    task = get_or_404(
        PlannedTask.objects.filter(estate__in=estates, schedule__kind=ROUNDS[which]),
        payload.task,
    )
    task = services.round_close(task=task, by=request.auth, note=payload.note)
    task = PlannedTask.objects.select_related("schedule", "estate").get(pk=task.pk)
    return _round_out(task, services.round_progress(task))


class SetupIn(Schema):
    estate: Id


class SetupOut(Schema):
    clean_form: int
    green_form: int
    patrol_plan: int
    spot_check_plan: int
    green_check_plan: int


@router.post("/environment/inspection-setup", response={200: SetupOut, **WRITE_ERRORS})
def inspection_setup(request: HttpRequest, payload: SetupIn):
    """The record forms and the head's three planned rounds, where missing (idempotent)."""
    found = services.inspection_plans_setup(estate=_estate(request, payload.estate),
                                            by=request.auth)  # fmt: skip
    return {
        "clean_form": found[services.CLEAN_KIND].pk, "green_form": found[services.GREEN_KIND].pk,
        "patrol_plan": found[PATROL_KIND].pk, "spot_check_plan": found[SPOT_CHECK_KIND].pk,
        "green_check_plan": found[GREEN_CHECK_KIND].pk,
    }  # fmt: skip


class PickOut(Schema):
    zone: int
    task: int | None = None


class SampleOut(Schema):
    id: int
    estate: int = Field(..., alias="estate_id")
    week_start: dt.date
    seed: int
    picks: list[PickOut]
    drawn_at: dt.datetime


class SampleIn(Schema):
    estate: Id
    week_start: Day


@router.get("/environment/spot-samples", response={200: SampleOut, **READ_ERRORS})
def spot_sample_get(request: HttpRequest, estate: IdParam, week_start: Day):
    """The week's sample (404 while not drawn)."""
    sample = selectors.spot_sample_get_for_user(request.auth, _estate(request, estate),
                                                week_start)  # fmt: skip
    if sample is None:
        raise ApiError(404, "not_found", _("本周尚未抽取抽检样本"))
    return sample


@router.post("/environment/spot-samples", response={201: SampleOut, **WRITE_ERRORS})
def spot_sample_draw(request: HttpRequest, payload: SampleIn):
    """CLEAN-13: draw the week's sample (once: a second draw answers the one drawn)."""
    sample = sampling.spot_sample_draw(
        estate=_estate(request, payload.estate), week_start=payload.week_start, by=request.auth
    )
    return Status(201, sample)

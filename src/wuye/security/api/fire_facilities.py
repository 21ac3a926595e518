"""Fire facilities API (消防设施): the register with its filters, Excel export and QR labels, one
facility (also by its QR label) with its check history and current checklist, register and
change, plan the estate's checks, submit a check, the month's progress, the replacements and
their actions — the same services as the pages."""

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
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
    Term,
    Text,
    file_download,
    paginated,
)
from wuye.base.pdf import CJKFontMissing, font_missing_response, pdf_response
from wuye.core.models import Building
from wuye.core.scoping import actor_for, get_or_404, visible_estates
from wuye.core.shortcuts import estate_tz

from ..documents.fire_facilities import fire_facilities_xlsx, fire_labels_pdf
from ..selectors import fire_facilities as selectors
from ..services import fire_checks as checks
from ..services import fire_facilities as services

router = Router(tags=["security"])


class FireFacilityIn(Schema):
    estate: Id
    kind: Text = Field(..., max_length=20)
    code: Text = Field(..., min_length=1, max_length=40)
    name: Text = Field(..., min_length=1, max_length=80)
    building: Id | None = None
    location: Text = Field("", max_length=100)
    agent: Text = Field("", max_length=20)
    capacity: Text = Field("", max_length=20)
    rated_pressure: Decimal | None = Field(None, ge=0, le=99, decimal_places=2)
    pressure_low: Decimal | None = Field(None, ge=0, le=99, decimal_places=2)
    expires_on: Day | None = None


class FireFacilityPatch(Schema):
    name: Text | None = Field(None, min_length=1, max_length=80)
    location: Text | None = Field(None, max_length=100)
    agent: Text | None = Field(None, max_length=20)
    capacity: Text | None = Field(None, max_length=20)
    rated_pressure: Decimal | None = Field(None, ge=0, le=99, decimal_places=2)
    pressure_low: Decimal | None = Field(None, ge=0, le=99, decimal_places=2)
    expires_on: Day | None = None


class FireFacilityOut(Schema):
    id: int
    estate: int = Field(..., alias="estate_id")
    equipment: int = Field(..., alias="equipment_id")
    code: str = Field(..., alias="equipment.code")
    name: str = Field(..., alias="equipment.name")
    building: int | None = Field(None, alias="equipment.building_id")
    location: str = Field(..., alias="equipment.location")
    kind: str
    agent: str
    capacity: str
    rated_pressure: Decimal | None
    pressure_low: Decimal | None
    last_pressure: Decimal | None
    last_read_at: dt.datetime | None
    expires_on: dt.date | None
    state: str = ""
    planned: bool = False
    qr_url: str = ""

    @staticmethod
    def resolve_state(obj) -> str:
        return selectors.facility_state(obj, timezone.localdate())

    @staticmethod
    def resolve_planned(obj) -> bool:
        return obj.monthly_schedule_id is not None

    @staticmethod
    def resolve_qr_url(obj) -> str:
        return reverse("security:fire_check_scan", args=[obj.equipment.qr_token])


class FireCheckItemOut(Schema):
    id: int
    position: int
    label: str
    kind: str
    unit: str
    low: Decimal | None
    high: Decimal | None
    required: bool
    hint: str


class FireCheckDueOut(Schema):
    task: int | None
    rule: str
    scheduled_for: dt.datetime | None
    due_at: dt.datetime | None
    status: str
    items: list[FireCheckItemOut]


class FireCheckAnswerIn(Schema):
    item: int = Field(..., ge=1, le=2**31 - 1)
    value: bool | Text | Decimal | None = None


class FireCheckIn(Schema):
    answers: list[FireCheckAnswerIn] = Field(..., max_length=200)
    note: Text = Field("", max_length=500)
    photos: list[Text] = Field([], max_length=20)


class FireCheckAnswerOut(Schema):
    label: str
    passed: bool | None
    number: Decimal | None
    unit: str
    out_of_range: bool


class FireCheckRecordOut(Schema):
    id: int
    rule: str
    checklist_name: str
    scheduled_for: dt.datetime
    done_at: dt.datetime
    done_by_name: str
    late: bool
    note: str
    answers: list[FireCheckAnswerOut]

    @staticmethod
    def resolve_answers(obj) -> list:
        return list(obj.answers.all())


class FireProgressOut(Schema):
    kind: str
    label: str
    done: int
    due: int
    missed: int


class FireSetupIn(Schema):
    estate: Id


class FireSetupOut(Schema):
    planned: int


class FireReplacementOut(Schema):
    id: int
    number: str = Field(..., alias="case.number")
    status: str = Field(..., alias="case.status")
    facility: int = Field(..., alias="facility_id")
    code: str = Field(..., alias="facility.equipment.code")
    reason: str
    detail: str
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    new_expires_on: dt.date | None
    new_pressure: Decimal | None
    due_at: dt.datetime | None = None

    @staticmethod
    def resolve_due_at(obj):
        clock = selectors.replacement_clock(obj)
        return clock.due_at if clock else None


class FireReplaceIn(Schema):
    expires_on: Day
    pressure: Decimal = Field(..., gt=0, le=99, decimal_places=2)
    note: Text = Field("", max_length=500)


class FireCommentIn(Schema):
    note: Text = Field(..., min_length=1, max_length=500)


def _filtered(request, estate, kind, building, state, q):
    return selectors.fire_facility_list(
        actor=actor_for(request.auth), estate_id=estate, kind=kind, building_id=building,
        state=state, today=timezone.localdate(), q=q,
    )  # fmt: skip


@router.get("/fire/facilities", response={200: list[FireFacilityOut], **READ_ERRORS})
@paginated
def fire_facility_list(
    request: HttpRequest,
    estate: IdParam | None = None,
    kind: Term = "",
    building: IdParam | None = None,
    state: Term = "",
    q: Term = "",
):
    """The fire register; ``state``: ok, expiring, expired, low_pressure, replacing."""
    return _filtered(request, estate, kind, building, state, q)


@router.get(
    "/fire/facilities/export.xlsx",
    response=READ_ERRORS,
    openapi_extra=file_download(XLSX, description="消防设施台账"),
)
def fire_facility_export(
    request: HttpRequest,
    estate: IdParam | None = None,
    kind: Term = "",
    building: IdParam | None = None,
    state: Term = "",
    q: Term = "",
):
    """The filtered register as an Excel file."""
    return fire_facilities_xlsx(_filtered(request, estate, kind, building, state, q))


@router.get(
    "/fire/facilities/labels.pdf",
    response={**READ_ERRORS, 503: str},
    openapi_extra=file_download(PDF, description="消防设施二维码标签"),
)
def fire_facility_labels(
    request: HttpRequest,
    estate: IdParam,
    kind: Term = "",
    building: IdParam | None = None,
    state: Term = "",
    q: Term = "",
):
    """The QR label sheet of the filtered facilities of one estate: each label opens the
    guard's check screen."""
    place = get_or_404(visible_estates(actor_for(request.auth)), estate)
    rows = list(_filtered(request, estate, kind, building, state, q))
    return labels_response(request, rows, place.name)


def labels_response(request, rows, estate_name: str):
    def url_of(facility) -> str:
        token = facility.equipment.qr_token
        return request.build_absolute_uri(reverse("security:fire_check_scan", args=[token]))

    try:
        content = fire_labels_pdf(rows, url_of=url_of, estate_name=estate_name)
    except CJKFontMissing as error:
        return font_missing_response(error, _("无法生成消防设施二维码标签"))
    return pdf_response(content, f"fire-labels-{timezone.localdate():%Y%m%d}.pdf")


@router.get("/fire/facilities/qr/{token}", response={200: FireFacilityOut, **READ_ERRORS})
def fire_facility_by_qr(request: HttpRequest, token: Term):
    """The fire facility a scanned QR label names."""
    return selectors.fire_facility_by_qr(request.auth, token)


@router.get("/fire/facilities/{int:facility_id}", response={200: FireFacilityOut, **READ_ERRORS})
def fire_facility_detail(request: HttpRequest, facility_id: IdParam):
    return selectors.fire_facility_get_for_user(request.auth, facility_id)


@router.get(
    "/fire/facilities/{int:facility_id}/checks",
    response={200: list[FireCheckRecordOut], **READ_ERRORS},
)
def fire_facility_checks(request: HttpRequest, facility_id: IdParam):
    """The facility's completed checks, newest first."""
    return selectors.check_history(selectors.fire_facility_get_for_user(request.auth, facility_id))


@router.get(
    "/fire/facilities/{int:facility_id}/check", response={200: FireCheckDueOut, **READ_ERRORS}
)
def fire_check_due(request: HttpRequest, facility_id: IdParam):
    """The check to do now (the checklist to fill in); ``task`` null when none is due."""
    facility = selectors.fire_facility_get_for_user(request.auth, facility_id)
    task = checks.fire_check_task(facility)
    if task is None:
        return {"task": None, "rule": "", "scheduled_for": None, "due_at": None,
                "status": "", "items": []}  # fmt: skip
    items = list(task.schedule.spec.checklist.items.order_by("position"))
    return {"task": task.pk, "rule": task.schedule.rule, "scheduled_for": task.scheduled_for,
            "due_at": task.due_at, "status": task.status, "items": items}  # fmt: skip


@router.post(
    "/fire/facilities/{int:facility_id}/check",
    response={201: FireCheckRecordOut, **WRITE_ERRORS},
)
def fire_check_submit(request: HttpRequest, facility_id: IdParam, payload: FireCheckIn):
    """A guard's check: ``answers`` ``{"item", "value"}`` (check: true/false, reading: a
    number). A failed extinguisher gauge, expiry or pressure opens its replacement."""
    facility = selectors.fire_facility_get_for_user(request.auth, facility_id)
    answers = [a.dict() for a in payload.answers]
    record = checks.fire_check_submit(
        facility=facility, answers=answers, note=payload.note, photos=payload.photos,
        by=request.auth,
    )  # fmt: skip
    return Status(201, record)


def _building(estate, building_id):
    if building_id is None:
        return None
    building = Building.objects.filter(pk=building_id, estate=estate).first()
    if building is None:
        message = _("该楼栋不属于本项目")
        raise ApiError(400, "invalid", message, {"building": [message]})
    return building


@router.post("/fire/facilities", response={201: FireFacilityOut, **WRITE_ERRORS})
def fire_facility_create(request: HttpRequest, payload: FireFacilityIn):
    """登记消防设施 (engineering, the heads, the executives)."""
    estate = get_or_404(visible_estates(actor_for(request.auth)), payload.estate)
    values = payload.dict(exclude={"estate"})
    values["building"] = _building(estate, values.get("building"))
    facility = services.fire_facility_create(estate=estate, by=request.auth, **values)
    return Status(201, selectors.fire_facility_get_for_user(request.auth, facility.pk))


@router.patch("/fire/facilities/{int:facility_id}", response={200: FireFacilityOut, **WRITE_ERRORS})
def fire_facility_update(request: HttpRequest, facility_id: IdParam, payload: FireFacilityPatch):
    """Change the fields sent."""
    facility = selectors.fire_facility_get_for_user(request.auth, facility_id)
    values = payload.dict(exclude_unset=True)
    for key in ("name", "location", "agent", "capacity"):
        if key in values and values[key] is None:
            values[key] = "" if key != "name" else facility.equipment.name
    services.fire_facility_update(facility=facility, by=request.auth, **values)
    return selectors.fire_facility_get_for_user(request.auth, facility_id)


@router.post("/fire/checks/setup", response={200: FireSetupOut, **WRITE_ERRORS})
def fire_checks_setup(request: HttpRequest, payload: FireSetupIn):
    """Plan the guards' checks of every fire facility of the estate not planned yet."""
    estate = get_or_404(visible_estates(actor_for(request.auth)), payload.estate)
    return {"planned": services.fire_checks_setup(estate=estate, by=request.auth)}


@router.get("/fire/checks/progress", response={200: list[FireProgressOut], **READ_ERRORS})
def fire_check_progress(request: HttpRequest, estate: IdParam, month: Day | None = None):
    """The month's checks per kind (done, due, missed); ``month`` any day of it (default: now)."""
    place = get_or_404(visible_estates(actor_for(request.auth)), estate)
    zone = estate_tz(place)
    month = month or timezone.localtime(timezone.now(), zone).date()
    return selectors.month_progress(estate=place, month=month, zone=zone)


@router.get("/fire/replacements", response={200: list[FireReplacementOut], **READ_ERRORS})
@paginated
def fire_replacement_list(
    request: HttpRequest, estate: IdParam | None = None, state: Term = "", q: Term = ""
):
    """The extinguisher replacements (FIRE-06); ``state``: open or closed."""
    return selectors.replacement_list(
        actor=actor_for(request.auth), estate_id=estate, state=state, q=q
    )


@router.get(
    "/fire/replacements/{int:replacement_id}",
    response={200: FireReplacementOut, **READ_ERRORS},
)
def fire_replacement_detail(request: HttpRequest, replacement_id: IdParam):
    return selectors.replacement_get_for_user(request.auth, replacement_id)


@router.post(
    "/fire/replacements/{int:replacement_id}/replace",
    response={200: FireReplacementOut, **WRITE_ERRORS},
)
def fire_replacement_replace(request: HttpRequest, replacement_id: IdParam, payload: FireReplaceIn):
    """Replaced: the new expiry and pressure go onto the extinguisher."""
    replacement = selectors.replacement_get_for_user(request.auth, replacement_id)
    checks.fire_replacement_close(
        replacement=replacement, expires_on=payload.expires_on, pressure=payload.pressure,
        note=payload.note, by=request.auth,
    )  # fmt: skip
    return selectors.replacement_get_for_user(request.auth, replacement_id)


@router.post(
    "/fire/replacements/{int:replacement_id}/comment",
    response={200: FireReplacementOut, **WRITE_ERRORS},
)
def fire_replacement_comment(request: HttpRequest, replacement_id: IdParam, payload: FireCommentIn):
    """A note on the replacement's timeline."""
    replacement = selectors.replacement_get_for_user(request.auth, replacement_id)
    checks.fire_replacement_case_act(
        case=replacement.case, action="comment", note=payload.note, by=request.auth
    )
    return selectors.replacement_get_for_user(request.auth, replacement_id)

"""API of greening's ground work: the landscape plan (GREEN-03/04), green areas (GREEN-01/02)
with their export, the gardeners' skills and trainings (GREEN-14) — the pages' services."""

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.responses import Status

from wuye.base.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    XLSX,
    Day,
    Id,
    IdParam,
    Note,
    Term,
    Text,
    file_download,
    paginated,
)
from wuye.core.models import Estate, PublicArea, Staff
from wuye.core.scoping import actor_for, get_or_404, visible_estates
from wuye.core.shortcuts import estate_tz

from ..selectors import green as selectors
from ..services import green as services
from ..services import landscape, skills

router = Router(tags=["environment"])


def _estate(request: HttpRequest, pk: int) -> Estate:
    return get_or_404(visible_estates(actor_for(request.auth)), pk)


class LandscapeIn(Schema):
    estate: Id
    positioning: Text = Field(..., max_length=20)
    layers: list[Text] | None = Field(None, max_length=4)
    landscape_plan: Note = Field(..., min_length=1)


class LandscapeOut(Schema):
    estate: int = Field(..., alias="estate_id")
    positioning: str
    layers: list[str]
    landscape_plan: str
    landscape_planned_at: dt.datetime | None
    suggested_layers: list[str]

    @staticmethod
    def resolve_suggested_layers(obj) -> list[str]:
        return landscape.layers_suggest(obj.positioning)


@router.get("/environment/landscape", response={200: LandscapeOut, **READ_ERRORS})
def landscape_detail(request: HttpRequest, estate: IdParam):
    """The estate's positioning, planting layers and landscape plan (GREEN-04)."""
    return landscape.profile_get_or_create(_estate(request, estate))


@router.put("/environment/landscape", response={200: LandscapeOut, **WRITE_ERRORS})
def landscape_record(request: HttpRequest, payload: LandscapeIn):
    """Record the landscape plan; ``layers`` omitted: those the positioning suggests."""
    return landscape.landscape_plan_record(
        estate=_estate(request, payload.estate), by=request.auth,
        positioning=payload.positioning, layers=payload.layers,
        landscape_plan=payload.landscape_plan,
    )  # fmt: skip


class GreenAreaIn(Schema):
    estate: Id
    name: Text = Field(..., max_length=60)
    kind: Text = Field(..., max_length=20)
    planting: Text = Field("", max_length=200)
    area_m2: Decimal | None = Field(None, gt=0, max_digits=9, decimal_places=1)
    public_area: Id | None = None
    gardeners: list[Id] = Field(default_factory=list, max_length=50)
    note: Text = Field("", max_length=200)


class GreenAreaChangeIn(Schema):
    name: Text | None = Field(None, max_length=60)
    kind: Text | None = Field(None, max_length=20)
    planting: Text | None = Field(None, max_length=200)
    area_m2: Decimal | None = Field(None, gt=0, max_digits=9, decimal_places=1)
    public_area: Id | None = None
    gardeners: list[Id] | None = Field(None, max_length=50)
    note: Text | None = Field(None, max_length=200)


class GreenReasonIn(Schema):
    reason: Note = Field(..., min_length=1)


class GardenerOut(Schema):
    id: int
    name: str


class GreenAreaOut(Schema):
    id: int
    estate: int = Field(..., alias="estate_id")
    name: str
    kind: str
    planting: str
    area_m2: Decimal | None
    public_area: int | None = Field(None, alias="public_area_id")
    gardeners: list[GardenerOut]
    code: str
    note: str
    active: bool

    @staticmethod
    def resolve_gardeners(obj) -> list:
        return list(obj.gardeners.all())


def _refs(estate: Estate, public_area: int | None, gardeners: list[int] | None) -> dict:
    """Ids to rows; an id of another estate is refused by the service as not of this estate."""
    found: dict = {}
    if public_area is not None:
        found["public_area"] = get_or_404(PublicArea.objects.filter(estate=estate), public_area)
    if gardeners is not None:
        rows = list(Staff.objects.filter(pk__in=gardeners, company_id=estate.company_id))
        missing = set(gardeners) - {s.pk for s in rows}
        found["gardeners"] = rows + [Staff(pk=pk) for pk in missing]
    return found


@router.get("/environment/green-areas", response={200: list[GreenAreaOut], **READ_ERRORS})
@paginated
def green_area_list(
    request: HttpRequest, estate: IdParam | None = None, kind: Term = "", q: Term = "",
    active: Term = "1", gardener: IdParam | None = None,
):  # fmt: skip
    qs = selectors.green_areas_for_user(request.auth)
    if estate is not None:
        qs = qs.filter(estate_id=estate)
    return selectors.green_areas_filter(qs, kind=kind, q=q, active=active, gardener=gardener)


@router.get(
    "/environment/green-areas/export.xlsx", response=READ_ERRORS, openapi_extra=file_download(XLSX)
)
def green_area_export(
    request: HttpRequest, estate: IdParam, kind: Term = "", q: Term = "", active: Term = "1"
):
    """The filtered areas as an Excel file, the same as the list page's export."""
    found = _estate(request, estate)
    qs = selectors.green_areas_for_user(request.auth).filter(estate=found)
    qs = selectors.green_areas_filter(qs, kind=kind, q=q, active=active)
    return selectors.area_export(found, qs)


@router.get("/environment/green-areas/{int:area_id}", response={200: GreenAreaOut, **READ_ERRORS})
def green_area_detail(request: HttpRequest, area_id: IdParam):
    return selectors.green_area_get_for_user(request.auth, area_id)


@router.post("/environment/green-areas", response={201: GreenAreaOut, **WRITE_ERRORS})
def green_area_create(request: HttpRequest, payload: GreenAreaIn):
    estate = _estate(request, payload.estate)
    values = payload.dict(exclude={"estate", "public_area", "gardeners"})
    refs = _refs(estate, payload.public_area, payload.gardeners)
    area = services.green_area_create(estate=estate, by=request.auth, **values, **refs)
    return Status(201, selectors.green_area_get_for_user(request.auth, area.pk))


@router.patch(
    "/environment/green-areas/{int:area_id}", response={200: GreenAreaOut, **WRITE_ERRORS}
)
def green_area_update(request: HttpRequest, area_id: IdParam, payload: GreenAreaChangeIn):
    area = selectors.green_area_get_for_user(request.auth, area_id)
    changes = payload.dict(exclude_unset=True, exclude={"public_area", "gardeners"})
    refs = _refs(
        area.estate,
        payload.public_area if "public_area" in payload.model_fields_set else None,
        payload.gardeners if "gardeners" in payload.model_fields_set else None,
    )
    if "public_area" in payload.model_fields_set and payload.public_area is None:
        refs["public_area"] = None
    services.green_area_update(area=area, by=request.auth, **changes, **refs)
    return selectors.green_area_get_for_user(request.auth, area.pk)


@router.post(
    "/environment/green-areas/{int:area_id}/deactivate",
    response={200: GreenAreaOut, **WRITE_ERRORS},
)
def green_area_deactivate(request: HttpRequest, area_id: IdParam, payload: GreenReasonIn):
    """Stop an area and its plan lines, each a plan revision with the reason."""
    area = selectors.green_area_get_for_user(request.auth, area_id)
    services.green_area_deactivate(area=area, by=request.auth, reason=payload.reason)
    return selectors.green_area_get_for_user(request.auth, area.pk)


# --- Skills (GREEN-14) ---------------------------------------------------------------------------


class SkillCertificateOut(Schema):
    kind: str
    state: str
    certificate: int | None
    number: str
    expires_on: dt.date | None


class SkillRowOut(Schema):
    staff: int
    name: str
    complete: bool
    certificates: list[SkillCertificateOut]


class TrainingIn(Schema):
    estate: Id
    topic: Text = Field(..., max_length=skills.TOPIC_MAX)
    held_on: Day
    trainer: Text = Field(..., max_length=skills.TRAINER_MAX)
    attendees: list[Id] = Field(..., min_length=1, max_length=skills.ATTENDEES_MAX)


class TrainingOut(Schema):
    number: str
    held_on: dt.date
    expires_on: dt.date
    certificates: list[int]


@router.get("/environment/gardener-skills", response={200: list[SkillRowOut], **READ_ERRORS})
def gardener_skills(request: HttpRequest, estate: IdParam):
    """Each gardener's gardener, plant-protection and training certificates: valid, expiring
    (30 days), expired or missing."""
    found = _estate(request, estate)
    if actor_for(request.auth).staff is None and not request.auth.is_superuser:
        from django.http import Http404

        raise Http404
    today = timezone.now().astimezone(estate_tz(found)).date()
    return [
        {
            "staff": row.staff.pk, "name": row.staff.name, "complete": row.complete,
            "certificates": [
                {"kind": str(c.kind), "state": c.state,
                 "certificate": c.certificate.pk if c.certificate else None,
                 "number": c.certificate.number if c.certificate else "",
                 "expires_on": c.certificate.expires_on if c.certificate else None}
                for c in row.cells
            ],
        }
        for row in selectors.skills_table(found, today, skills.SKILL_KINDS)
    ]  # fmt: skip


@router.post("/environment/trainings", response={201: TrainingOut, **WRITE_ERRORS})
def training_record(request: HttpRequest, payload: TrainingIn):
    """Record a training: one ``training`` certificate per attendee, valid for a year."""
    estate = _estate(request, payload.estate)
    refs = _refs(estate, None, payload.attendees)
    training = skills.training_record(
        estate=estate, by=request.auth, topic=payload.topic, held_on=payload.held_on,
        trainer=payload.trainer, attendees=refs["gardeners"],
    )  # fmt: skip
    return Status(201, {
        "number": training.number, "held_on": training.held_on,
        "expires_on": training.expires_on, "certificates": [c.pk for c in training.certificates],
    })  # fmt: skip

"""API: cleaning zones (清洁区域, CLEAN-01/04) and the estate's cleaning settings — the same
services as the pages."""

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from wuye.base.api import (
    PDF,
    READ_ERRORS,
    WRITE_ERRORS,
    Id,
    IdParam,
    Term,
    Text,
    file_download,
    paginated,
)
from wuye.core.models import Building, Estate, PublicArea
from wuye.core.scoping import actor_for, get_or_404, visible_estates

from ..selectors import zones as selectors
from ..services import cleaning as plan_services
from ..services import zones as services

router = Router(tags=["environment"])


class ZoneIn(Schema):
    estate: Id
    name: Text = Field(..., max_length=60)
    kind: Text = Field(..., max_length=20)
    cleaners: list[Id] = Field(default_factory=list, max_length=50)
    building: Id | None = None
    public_area: Id | None = None
    note: Text = Field("", max_length=200)


class ZoneChangeIn(Schema):
    name: Text | None = Field(None, max_length=60)
    cleaners: list[Id] | None = Field(None, max_length=50)
    note: Text | None = Field(None, max_length=200)
    reason: Text = Field("", max_length=500)


class ZoneReasonIn(Schema):
    reason: Text = Field(..., min_length=1, max_length=500)


class EstateIn(Schema):
    estate: Id
    cleaners: list[Id] = Field(default_factory=list, max_length=50)


class ZoneOut(Schema):
    id: int
    estate: int = Field(..., alias="estate_id")
    name: str
    kind: str
    kind_label: str = Field(..., alias="get_kind_display")
    building: int | None = Field(None, alias="building_id")
    public_area: int | None = Field(None, alias="public_area_id")
    cleaners: list[int]
    code: str
    note: str
    active: bool

    @staticmethod
    def resolve_cleaners(obj) -> list[int]:
        return [c.pk for c in obj.cleaners.all()]


HHMM = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


class ProfileOut(Schema):
    estate: int = Field(..., alias="estate_id")
    # Times of day in the estate's time zone, "HH:MM".
    toilets_open: str = Field(..., pattern=HHMM, examples=["07:00"])
    toilets_close: str = Field(..., pattern=HHMM, examples=["21:00"])
    bucket_litres: Decimal
    rain_sweep_hours: int
    heat_threshold: Decimal
    disinfectant_ml: int
    water_ml: int

    @staticmethod
    def resolve_toilets_open(obj) -> str:
        return f"{obj.toilets_open:%H:%M}"

    @staticmethod
    def resolve_toilets_close(obj) -> str:
        return f"{obj.toilets_close:%H:%M}"

    @staticmethod
    def resolve_disinfectant_ml(obj) -> int:
        return plan_services.dilution(obj.bucket_litres)[0]

    @staticmethod
    def resolve_water_ml(obj) -> int:
        return plan_services.dilution(obj.bucket_litres)[1]


class ProfileIn(Schema):
    toilets_open: str | None = Field(None, pattern=HHMM, examples=["07:00"])
    toilets_close: str | None = Field(None, pattern=HHMM, examples=["21:00"])
    bucket_litres: Decimal | None = Field(None, ge=Decimal("0.5"), le=Decimal("100"))
    rain_sweep_hours: int | None = Field(None, ge=1, le=24)
    heat_threshold: Decimal | None = Field(None, ge=Decimal("25"), le=Decimal("45"))
    reason: Text = Field("", max_length=500)


def _estate(request: HttpRequest, pk: int) -> Estate:
    return get_or_404(visible_estates(actor_for(request.auth)), pk)


def _cleaners(estate: Estate, ids: list[int]) -> list:
    found = {s.pk: s for s in services.estate_cleaners(estate).filter(pk__in=ids)}
    from django.core.exceptions import ValidationError

    if len(found) != len(set(ids)):
        raise ValidationError({"cleaners": ["责任人须为本项目在职的清洁人员"]})
    return [found[i] for i in ids]


@router.get("/environment/zones", response={200: list[ZoneOut], **READ_ERRORS})
@paginated
def zone_list(request: HttpRequest, estate: IdParam | None = None, kind: Term = "",
              cleaner: IdParam | None = None, active: bool | None = None):  # fmt: skip
    qs = selectors.zones_for_user(request.auth)
    if estate is not None:
        qs = qs.filter(estate_id=estate)
    if kind:
        qs = qs.filter(kind=kind)
    if cleaner is not None:
        qs = qs.filter(cleaners__id=cleaner)
    if active is not None:
        qs = qs.filter(active=active)
    return qs.distinct().order_by("estate_id", "kind", "name")


@router.get(
    "/environment/zones/labels.pdf",
    response={**READ_ERRORS, 503: str},
    openapi_extra=file_download(PDF, description="清洁区域二维码标签"),
)
def zone_labels(request: HttpRequest, estate: IdParam, kind: Term = "",
                cleaner: IdParam | None = None, active: bool | None = True):  # fmt: skip
    """The QR label sheet (PDF) of the estate's zones, all or the filtered ones (CLEAN-01/04)."""
    from ..documents.zone_labels import zone_labels_response

    place = _estate(request, estate)
    qs = selectors.zones_for_user(request.auth).filter(estate=place)
    if kind:
        qs = qs.filter(kind=kind)
    if cleaner is not None:
        qs = qs.filter(cleaners__id=cleaner)
    if active is not None:
        qs = qs.filter(active=active)
    zones = list(qs.distinct().order_by("kind", "name", "id"))
    return zone_labels_response(request, zones, place.name)


@router.get("/environment/zones/{int:zone_id}", response={200: ZoneOut, **READ_ERRORS})
def zone_detail(request: HttpRequest, zone_id: IdParam):
    return selectors.zone_get_for_user(request.auth, zone_id)


@router.post("/environment/zones", response={201: ZoneOut, **WRITE_ERRORS})
def zone_create(request: HttpRequest, payload: ZoneIn):
    estate = _estate(request, payload.estate)
    building = (
        get_or_404(Building.objects.filter(estate=estate), payload.building)
        if payload.building else None
    )  # fmt: skip
    area = (
        get_or_404(PublicArea.objects.filter(estate=estate), payload.public_area)
        if payload.public_area else None
    )  # fmt: skip
    zone = services.zone_create(
        estate=estate, name=payload.name, kind=payload.kind, by=request.auth,
        cleaners=_cleaners(estate, payload.cleaners), building=building, public_area=area,
        note=payload.note,
    )  # fmt: skip
    return Status(201, zone)


@router.patch("/environment/zones/{int:zone_id}", response={200: ZoneOut, **WRITE_ERRORS})
def zone_update(request: HttpRequest, zone_id: IdParam, payload: ZoneChangeIn):
    zone = selectors.zone_get_for_user(request.auth, zone_id)
    changes = payload.dict(exclude_unset=True, exclude={"reason", "cleaners"})
    if payload.cleaners is not None:
        changes["cleaners"] = _cleaners(zone.estate, payload.cleaners)
    return services.zone_update(zone=zone, by=request.auth, reason=payload.reason, **changes)


@router.post("/environment/zones/{int:zone_id}/deactivate", response={200: ZoneOut, **WRITE_ERRORS})
def zone_deactivate(request: HttpRequest, zone_id: IdParam, payload: ZoneReasonIn):
    zone = selectors.zone_get_for_user(request.auth, zone_id)
    return services.zone_deactivate(zone=zone, by=request.auth, reason=payload.reason)


@router.post("/environment/zones/build", response={200: list[ZoneOut], **WRITE_ERRORS})
def zones_build(request: HttpRequest, payload: EstateIn):
    """CLEAN-01: create the standard zones of the estate's layout that it does not have yet."""
    estate = _estate(request, payload.estate)
    return services.zones_build(
        estate=estate, by=request.auth, cleaners=_cleaners(estate, payload.cleaners)
    )


@router.get("/environment/profiles/{int:estate_id}", response={200: ProfileOut, **READ_ERRORS})
def profile_detail(request: HttpRequest, estate_id: IdParam):
    return services.profile_get(_estate(request, estate_id))


@router.patch("/environment/profiles/{int:estate_id}", response={200: ProfileOut, **WRITE_ERRORS})
def profile_update(request: HttpRequest, estate_id: IdParam, payload: ProfileIn):
    estate = _estate(request, estate_id)
    values = payload.dict(exclude_unset=True)
    for key in ("toilets_open", "toilets_close"):
        if values.get(key) is not None:
            values[key] = dt.time.fromisoformat(values[key])
    return plan_services.profile_update(estate=estate, by=request.auth, **values)

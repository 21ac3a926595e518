"""API: weather records (天气记录): the environment head records rain (CLEAN-07: the main roads'
sweeps at once) or heat (GREEN-12); a weather station posts through ``/device-events``."""

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from wuye.base.api import READ_ERRORS, WRITE_ERRORS, Id, IdParam, Term, Text, When, paginated
from wuye.core.scoping import actor_for, get_or_404, scope_to_estates, visible_estates

from ..models import WeatherRecord
from ..services.weather import weather_record

router = Router(tags=["environment"])


class WeatherIn(Schema):
    estate: Id
    kind: Text = Field(..., max_length=10)
    at: When
    temperature: Decimal | None = Field(None, ge=Decimal("-60"), le=Decimal("70"))
    note: Text = Field("", max_length=200)


class WeatherOut(Schema):
    id: int
    estate: int = Field(..., alias="estate_id")
    kind: str
    at: dt.datetime
    temperature: Decimal | None
    note: str
    recorded_by: int | None = Field(None, alias="recorded_by_id")
    device_event: int | None = Field(None, alias="device_event_id")
    tasks_created: int
    created_at: dt.datetime


@router.get("/environment/weather", response={200: list[WeatherOut], **READ_ERRORS})
@paginated
def weather_list(request: HttpRequest, estate: IdParam | None = None, kind: Term = ""):
    actor = actor_for(request.auth)
    qs = WeatherRecord.objects.all()
    qs = scope_to_estates(qs, actor) if actor.staff or actor.is_superuser else qs.none()
    if estate is not None:
        qs = qs.filter(estate_id=estate)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


@router.post("/environment/weather", response={201: WeatherOut, **WRITE_ERRORS})
def weather_create(request: HttpRequest, payload: WeatherIn):
    estate = get_or_404(visible_estates(actor_for(request.auth)), payload.estate)
    record = weather_record(
        estate=estate, kind=payload.kind, at=payload.at, by=request.auth,
        temperature=payload.temperature, note=payload.note,
    )  # fmt: skip
    return Status(201, record)

"""Operation log API (《设施设备运行记录表》, EQUIP-OPS-05/06/07): the parameter table, an hour's
entry of a piece of equipment (the same form as the phone page), its day grid with the missing
hours, and the printed sheet of a day."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from wuye.base.api import (
    PDF,
    READ_ERRORS,
    WRITE_ERRORS,
    Day,
    Id,
    IdParam,
    Term,
    Text,
    When,
    file_download,
)
from wuye.base.pdf import CJKFontMissing, font_missing_response, pdf_response
from wuye.core.scoping import actor_for, get_or_404, visible_estates

from ..documents.log_sheet import log_sheet_pdf
from ..selectors import equipment as equipment_selectors
from ..selectors import logs as selectors
from ..services import logs as services

router = Router(tags=["facilities"])


class ParameterOut(Schema):
    id: int | None
    category: str
    code: str
    name: str
    kind: str
    unit: str
    low: Decimal | None
    high: Decimal | None
    active: bool


class ParameterIn(Schema):
    estate: Id
    category: Text = Field(..., max_length=20)
    code: Text = Field(..., min_length=1, max_length=30)
    name: Text = Field(..., min_length=1, max_length=40)
    kind: Text = Field("number", max_length=10)
    unit: Text = Field("", max_length=16)
    low: Decimal | None = Field(None, max_digits=12, decimal_places=3)
    high: Decimal | None = Field(None, max_digits=12, decimal_places=3)
    active: bool = True


class EntryIn(Schema):
    values: dict[str, Any] = Field(..., max_length=30)
    note: Text = Field("", max_length=200)
    hour: When | None = None  # default: the current local hour


class LogEntryOut(Schema):
    id: int
    equipment: int = Field(..., alias="equipment_id")
    hour: dt.datetime
    values: dict[str, Any]
    out_of_range: list[str]
    is_anomaly: bool
    note: str
    recorded_at: dt.datetime
    recorded_by: int = Field(..., alias="recorded_by_id")
    amends: int | None = Field(None, alias="amends_id")
    anomaly: int | None = Field(None, alias="anomaly_id")


class HourOut(Schema):
    hour: dt.datetime
    state: str  # logged, anomaly, missing, future, before
    entry: int | None
    amendments: int

    @staticmethod
    def resolve_entry(obj) -> int | None:
        return obj.entry.pk if obj.entry else None


class LogDayOut(Schema):
    equipment: int
    day: dt.date
    missing: int
    hours: list[HourOut]
    entries: list[LogEntryOut]


@router.get("/operation-parameters", response={200: list[ParameterOut], **READ_ERRORS})
def parameter_list(request: HttpRequest, estate: IdParam, category: Term = ""):
    """The estate's parameters with their normal ranges (the defaults while it has none)."""
    place = get_or_404(visible_estates(actor_for(request.auth)), estate)
    table = selectors.parameter_table(place)
    if not table:
        table = [
            p
            for c in selectors.EquipmentCategory.values
            for p in selectors.default_parameters(place, c)
        ]
    return [p for p in table if not category or p.category == category]


@router.post("/operation-parameters", response={200: ParameterOut, **WRITE_ERRORS})
def parameter_save(request: HttpRequest, payload: ParameterIn):
    """Add or change one parameter (by category and code): department heads and executives."""
    place = get_or_404(visible_estates(actor_for(request.auth)), payload.estate)
    return services.operation_parameter_save(
        estate=place, by=request.auth, **payload.dict(exclude={"estate"})
    )


@router.post("/equipment/{int:equipment_id}/logs", response={201: LogEntryOut, **WRITE_ERRORS})
def log_entry_record(request: HttpRequest, equipment_id: IdParam, payload: EntryIn):
    """One hour's values; a second entry for the hour amends the first (a note says why). A
    value out of range opens an anomaly (its id in ``anomaly``)."""
    equipment = equipment_selectors.equipment_get_for_user(request.auth, equipment_id)
    entry = services.log_entry_record(
        equipment=equipment,
        values=payload.values,
        note=payload.note,
        hour=payload.hour,
        by=request.auth,
    )
    entry.refresh_from_db()  # times as stored (UTC), like every other answer
    return Status(201, entry)


@router.get("/equipment/{int:equipment_id}/logs", response={200: LogDayOut, **READ_ERRORS})
def log_day(request: HttpRequest, equipment_id: IdParam, day: Day | None = None):
    """The local day's 24 hours (missing ones marked) and every entry, amended ones too."""
    equipment = equipment_selectors.equipment_get_for_user(request.auth, equipment_id)
    now = timezone.now()
    day = day or timezone.localtime(now, selectors.estate_zone(equipment.estate)).date()
    grid = selectors.day_grid(equipment, day, now)
    return {
        "equipment": equipment.pk,
        "day": day,
        "hours": grid,
        "missing": sum(c.state == "missing" for c in grid),
        "entries": selectors.entries_of_day(equipment, day),
    }


@router.get("/operation-logs", response={200: list[LogDayOut], **READ_ERRORS})
def log_grid(request: HttpRequest, estate: IdParam, day: Day, category: Term = ""):
    """The day grid of an estate: every hourly-logged piece of equipment (and any other logged
    that day) with its 24 hours and the missing ones."""
    place = get_or_404(visible_estates(actor_for(request.auth)), estate)
    now = timezone.now()
    out = []
    for equipment in selectors.equipment_of_sheet(request.auth, place, day, category):
        grid = selectors.day_grid(equipment, day, now)
        out.append(
            {
                "equipment": equipment.pk,
                "day": day,
                "hours": grid,
                "missing": sum(c.state == "missing" for c in grid),
                "entries": [c.entry for c in grid if c.entry is not None],
            }
        )
    return out


@router.get(
    "/operation-logs/sheet.pdf",
    response={**READ_ERRORS, 503: str},
    openapi_extra=file_download(PDF, description="设施设备运行记录表"),
)
def log_sheet(request: HttpRequest, estate: IdParam, day: Day, category: Term = ""):
    """The printed 《设施设备运行记录表》 of a day: the hourly-logged equipment and any other
    logged that day."""
    place = get_or_404(visible_estates(actor_for(request.auth)), estate)
    return sheet_response(request.auth, place, day, category)


def sheet_response(user, estate, day: dt.date, category: str = ""):
    equipment = selectors.equipment_of_sheet(user, estate, day, category)
    try:
        content = log_sheet_pdf(equipment, day=day, now=timezone.now(), estate_name=estate.name)
    except CJKFontMissing as error:
        return font_missing_response(error, _("无法生成运行记录表"))
    return pdf_response(content, f"operation-log-{day:%Y%m%d}.pdf")

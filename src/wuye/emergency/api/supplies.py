"""Emergency supplies API (应急物资, EMERG-03): the stock with its flags and Excel file, items,
restock, a draw during an incident, the count, the movements ledger — the same services as the
pages."""

import datetime as dt

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
    Term,
    Text,
    file_download,
    paginated,
)
from wuye.core.scoping import actor_for, get_or_404, visible_estates

from ..documents.incidents import movements_xlsx, supplies_xlsx
from ..selectors import organisation as selectors
from ..services import supplies as services

router = Router(tags=["emergency"])

Qty = int


class SupplyItemIn(Schema):
    estate: Id
    category: Text = Field(..., max_length=20)
    name: Text = Field(..., min_length=1, max_length=60)
    unit: Text = Field(..., min_length=1, max_length=10)
    minimum: int = Field(0, ge=0, le=1_000_000)
    quantity: int = Field(0, ge=0, le=1_000_000, description="初始库存")
    location: Text = Field("", max_length=60)
    expires_on: Day | None = None


class SupplyItemPatch(Schema):
    category: Text | None = Field(None, max_length=20)
    name: Text | None = Field(None, min_length=1, max_length=60)
    unit: Text | None = Field(None, min_length=1, max_length=10)
    minimum: int | None = Field(None, ge=0, le=1_000_000)
    location: Text | None = Field(None, max_length=60)
    expires_on: Day | None = None
    active: bool | None = None


class SupplyItemOut(Schema):
    id: int
    estate: int = Field(..., alias="estate_id")
    category: str
    name: str
    unit: str
    quantity: int
    minimum: int
    location: str
    expires_on: dt.date | None
    active: bool
    below_minimum: bool = False

    @staticmethod
    def resolve_below_minimum(obj) -> bool:
        return obj.quantity < obj.minimum


class SupplyRestockIn(Schema):
    quantity: int = Field(..., ge=1, le=1_000_000)
    note: Text = Field("", max_length=200)
    expires_on: Day | None = None


class SupplyDrawIn(Schema):
    incident: Id
    quantity: int = Field(..., ge=1, le=1_000_000)
    note: Text = Field("", max_length=200)


class SupplyMovementOut(Schema):
    id: int
    item: int = Field(..., alias="item_id")
    kind: str
    delta: int
    balance: int
    incident: int | None = Field(None, alias="incident_id")
    at: dt.datetime
    note: str


class SupplyCheckLineIn(Schema):
    item: Id
    counted: int = Field(..., ge=0, le=1_000_000)
    usable: bool = True
    note: Text = Field("", max_length=200)


class SupplyCheckIn(Schema):
    estate: Id
    lines: list[SupplyCheckLineIn] = Field(..., max_length=500)


class SupplyCheckOut(Schema):
    id: int
    estate: int = Field(..., alias="estate_id")
    at: dt.datetime
    problems: int
    lines: list[dict]


class SupplyStatusOut(Schema):
    estate: int
    check_every_days: int
    last_check_at: dt.datetime | None
    check_due_at: dt.datetime | None
    check_overdue: bool
    low: list[int]
    expiring: list[int]
    expired: list[int]


class SupplySettingsIO(Schema):
    estate: Id
    check_every_days: int = Field(..., ge=1, le=365, description="盘点周期（天），默认 30")


def _estate(request, estate_id):
    return get_or_404(visible_estates(actor_for(request.auth)), estate_id)


def _items(request, estate, category, low, q):
    return selectors.supply_list(actor=request.auth, estate_id=estate, category=category,
                                 low=low, q=q)  # fmt: skip


@router.get("/emergency/supplies", response={200: list[SupplyItemOut], **READ_ERRORS})
@paginated
def supply_list(request: HttpRequest, estate: IdParam | None = None, category: Term = "",
                low: bool = False, q: Term = ""):  # fmt: skip
    """The stock; ``low``: only items below their minimum."""
    return _items(request, estate, category, low, q)


@router.get("/emergency/supplies/export.xlsx", response=READ_ERRORS,
            openapi_extra=file_download(XLSX, description="应急物资"))  # fmt: skip
def supply_export(request: HttpRequest, estate: IdParam | None = None, category: Term = "",
                  low: bool = False, q: Term = ""):  # fmt: skip
    return supplies_xlsx(_items(request, estate, category, low, q))


@router.get("/emergency/supplies/status", response={200: SupplyStatusOut, **READ_ERRORS})
def supply_status(request: HttpRequest, estate: IdParam):
    """The count due or overdue (every ``check_every_days``: the estate's setting, 30 by
    default), items low, expiring in 30 days, expired."""
    status = services.supply_status(_estate(request, estate))
    return {"estate": estate, "check_every_days": status.period_days,
            "last_check_at": status.last_check.at if status.last_check else None,
            "check_due_at": status.check_due_at, "check_overdue": status.check_overdue,
            "low": [i.pk for i in status.low], "expiring": [i.pk for i in status.expiring],
            "expired": [i.pk for i in status.expired]}  # fmt: skip


@router.get("/emergency/supplies/settings", response={200: SupplySettingsIO, **READ_ERRORS})
def supply_settings(request: HttpRequest, estate: IdParam):
    """The estate's settings of its supplies: how often the stock is counted."""
    chosen = _estate(request, estate)
    return {"estate": chosen.pk, "check_every_days": services.check_period(chosen)}


@router.put("/emergency/supplies/settings", response={200: SupplySettingsIO, **WRITE_ERRORS})
def supply_settings_update(request: HttpRequest, payload: SupplySettingsIO):
    """Set the count period (1 to 365 days; the stock keepers, heads and executives)."""
    estate = _estate(request, payload.estate)
    saved = services.supply_settings_update(estate=estate, by=request.auth,
                                            check_every_days=payload.check_every_days)  # fmt: skip
    return {"estate": estate.pk, "check_every_days": saved.check_every_days}


@router.post("/emergency/supplies", response={201: SupplyItemOut, **WRITE_ERRORS})
def supply_create(request: HttpRequest, payload: SupplyItemIn):
    estate = _estate(request, payload.estate)
    item = services.item_create(estate=estate, by=request.auth,
                                **payload.dict(exclude={"estate"}))  # fmt: skip
    return Status(201, item)


@router.patch("/emergency/supplies/{int:item_id}", response={200: SupplyItemOut, **WRITE_ERRORS})
def supply_update(request: HttpRequest, item_id: IdParam, payload: SupplyItemPatch):
    item = selectors.supply_get_for_user(request.auth, item_id)
    values = payload.dict(exclude_unset=True)
    values = {k: v for k, v in values.items() if v is not None or k == "expires_on"}
    return services.item_update(item=item, by=request.auth, **values)


@router.post("/emergency/supplies/{int:item_id}/restock",
             response={201: SupplyMovementOut, **WRITE_ERRORS})  # fmt: skip
def supply_restock(request: HttpRequest, item_id: IdParam, payload: SupplyRestockIn):
    """入库 (a new batch may bring a new expiry date)."""
    item = selectors.supply_get_for_user(request.auth, item_id)
    return Status(201, services.supply_restock(item=item, by=request.auth, **payload.dict()))


@router.post("/emergency/supplies/{int:item_id}/draw",
             response={201: SupplyMovementOut, **WRITE_ERRORS})  # fmt: skip
def supply_draw(request: HttpRequest, item_id: IdParam, payload: SupplyDrawIn):
    """领用 during an incident: never below zero; the incident's timeline records it."""
    item = selectors.supply_get_for_user(request.auth, item_id)
    return Status(201, services.supply_draw(item=item.pk, by=request.auth, **payload.dict()))


def _movements(request, estate, item, kind, since, until):
    return selectors.movement_list(actor=request.auth, estate_id=estate, item_id=item, kind=kind,
                                   since=since, until=until,
                                   zone=timezone.get_current_timezone())  # fmt: skip


@router.get("/emergency/supply-movements", response={200: list[SupplyMovementOut],
                                                     **READ_ERRORS})  # fmt: skip
@paginated
def supply_movement_list(request: HttpRequest, estate: IdParam | None = None,
                         item: IdParam | None = None, kind: Term = "", since: Day | None = None,
                         until: Day | None = None):  # fmt: skip
    """The movements ledger, newest first."""
    return _movements(request, estate, item, kind, since, until)


@router.get("/emergency/supply-movements/export.xlsx", response=READ_ERRORS,
            openapi_extra=file_download(XLSX, description="应急物资出入库"))  # fmt: skip
def supply_movement_export(request: HttpRequest, estate: IdParam | None = None,
                           item: IdParam | None = None, kind: Term = "",
                           since: Day | None = None, until: Day | None = None):  # fmt: skip
    return movements_xlsx(_movements(request, estate, item, kind, since, until))


@router.post("/emergency/supply-checks", response={201: SupplyCheckOut, **WRITE_ERRORS})
def supply_check(request: HttpRequest, payload: SupplyCheckIn):
    """The count: every active item of the estate counted; differences booked."""
    estate = _estate(request, payload.estate)
    lines = [line.dict() for line in payload.lines]
    return Status(201, services.supply_check_record(estate=estate, by=request.auth, lines=lines))

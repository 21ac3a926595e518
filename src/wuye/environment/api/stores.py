"""Store API (物料存放点): stores and their monthly checks, products with their stock, stock in,
out and a count's adjustment, the movements ledger, below-minimum products and the Excel files —
the same services as the pages (CLEAN-11, CLEAN-17, GREEN-15)."""

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from django.utils import timezone
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
    Term,
    Text,
    file_download,
    paginated,
)
from wuye.core.models import Staff
from wuye.core.scoping import actor_for, get_or_404, visible_estates

from ..documents.stock import movements_xlsx, stock_xlsx
from ..selectors import stores as selectors
from ..services import store_checks as checks
from ..services import stores as services

router = Router(tags=["environment"])

Qty = Decimal


class StoreIn(Schema):
    estate: Id
    name: Text = Field(..., min_length=1, max_length=60)
    location: Text = Field(..., min_length=1, max_length=100)
    keeper: Id | None = Field(None, description="保管人（员工 id）")
    locked: bool = True
    out_of_reach: bool = True


class StorePatch(Schema):
    name: Text | None = Field(None, min_length=1, max_length=60)
    location: Text | None = Field(None, min_length=1, max_length=100)
    keeper: Id | None = None
    locked: bool | None = None
    out_of_reach: bool | None = None
    active: bool | None = None


class StoreOut(Schema):
    id: int
    estate: int = Field(..., alias="estate_id")
    name: str
    location: str
    keeper: int | None = Field(None, alias="keeper_id")
    keeper_name: str = ""
    locked: bool
    out_of_reach: bool
    active: bool
    overdue: bool = False
    low: bool = False
    check_schedule: int | None = Field(None, alias="check_schedule_id")

    @staticmethod
    def resolve_keeper_name(obj) -> str:
        return obj.keeper.name if obj.keeper_id else ""


class ProductIn(Schema):
    store: Id
    name: Text = Field(..., min_length=1, max_length=60)
    kind: Text = Field(..., max_length=20)
    spec: Text = Field("", max_length=60)
    unit: Text = Field(..., min_length=1, max_length=10)
    eco_compliant: bool = False
    compliance_note: Text = Field("", max_length=200)
    minimum: Qty = Field(Decimal("0"), ge=0, le=Decimal("999999999.999"), decimal_places=3)


class ProductPatch(Schema):
    name: Text | None = Field(None, min_length=1, max_length=60)
    kind: Text | None = Field(None, max_length=20)
    spec: Text | None = Field(None, max_length=60)
    unit: Text | None = Field(None, min_length=1, max_length=10)
    eco_compliant: bool | None = None
    compliance_note: Text | None = Field(None, max_length=200)
    minimum: Qty | None = Field(None, ge=0, le=Decimal("999999999.999"), decimal_places=3)
    active: bool | None = None


class ProductOut(Schema):
    id: int
    store: int = Field(..., alias="store_id")
    store_name: str = Field(..., alias="store.name")
    estate: int = Field(..., alias="store.estate_id")
    name: str
    kind: str
    spec: str
    unit: str
    eco_compliant: bool
    compliance_note: str
    stock: Decimal
    minimum: Decimal
    below_minimum: bool = False
    issuable: bool = True
    active: bool

    @staticmethod
    def resolve_below_minimum(obj) -> bool:
        return obj.stock < obj.minimum

    @staticmethod
    def resolve_issuable(obj) -> bool:
        return services.issuable(obj)


class StockInIn(Schema):
    quantity: Qty = Field(..., gt=0, le=Decimal("999999999.999"), decimal_places=3)
    purpose: Text = Field("", max_length=200, description="来源（供应商、送货单号）")


class StockOutIn(Schema):
    quantity: Qty = Field(..., gt=0, le=Decimal("999999999.999"), decimal_places=3)
    purpose: Text = Field(..., min_length=1, max_length=200, description="用途；退回/报废时为原因")
    dispose: bool = Field(False, description="退回/报废（不符合环保要求的物料只能这样出库）")


class StockAdjustIn(Schema):
    counted: Qty = Field(..., ge=0, le=Decimal("999999999.999"), decimal_places=3)
    reason: Text = Field(..., min_length=1, max_length=180)


class MovementOut(Schema):
    id: int
    product: int = Field(..., alias="product_id")
    product_name: str = Field(..., alias="product.name")
    store: int = Field(..., alias="product.store_id")
    kind: str
    quantity: Decimal
    balance: Decimal
    purpose: str
    treatment: int | None = Field(None, alias="treatment_id")
    by: int = Field(..., alias="by_id")
    at: dt.datetime


class StoreCheckIn(Schema):
    fixed_place: bool
    locked: bool
    out_of_reach: bool
    labelled: bool
    photo: Text = Field(..., min_length=1, max_length=64, description="已上传照片的 id")
    note: Text = Field("", max_length=200)


class StoreCheckOut(Schema):
    id: int
    store: int = Field(..., alias="store_id")
    month: dt.date
    fixed_place: bool
    locked: bool
    out_of_reach: bool
    labelled: bool
    passed: bool
    note: str
    photo: str | None = None
    by: int = Field(..., alias="by_id")
    at: dt.datetime

    @staticmethod
    def resolve_photo(obj) -> str | None:
        return str(obj.photo_id) if obj.photo_id else None


def _estate(request, estate_id):
    return get_or_404(visible_estates(actor_for(request.auth)), estate_id)


def _keeper(estate, keeper_id):
    if keeper_id is None:
        return None
    keeper = Staff.objects.filter(pk=keeper_id, company_id=estate.company_id).first()
    if keeper is None:
        message = _("保管人不存在")
        raise ApiError(400, "invalid", message, {"keeper": [message]})
    return keeper


@router.get("/environment/stores", response={200: list[StoreOut], **READ_ERRORS})
@paginated
def store_list(request: HttpRequest, estate: IdParam | None = None, active: bool | None = True):
    """The stores (存放点), each with ``overdue`` (a month's check not done in time, CLEAN-17) and
    ``low`` (a product below its minimum)."""
    return selectors.store_list(actor=actor_for(request.auth), estate_id=estate, active=active)


@router.post("/environment/stores", response={201: StoreOut, **WRITE_ERRORS})
def store_create(request: HttpRequest, payload: StoreIn):
    """登记存放点, with its monthly check planned (CLEAN-17)."""
    estate = _estate(request, payload.estate)
    values = payload.dict(exclude={"estate"})
    values["keeper"] = _keeper(estate, values["keeper"])
    store = services.store_create(estate=estate, by=request.auth, **values)
    return Status(201, selectors.store_get_for_user(request.auth, store.pk))


@router.get("/environment/stores/{int:store_id}", response={200: StoreOut, **READ_ERRORS})
def store_detail(request: HttpRequest, store_id: IdParam):
    return selectors.store_get_for_user(request.auth, store_id)


@router.patch("/environment/stores/{int:store_id}", response={200: StoreOut, **WRITE_ERRORS})
def store_update(request: HttpRequest, store_id: IdParam, payload: StorePatch):
    """Change the fields sent. A store holding disinfectants or pesticides stays locked and out
    of children's reach (CLEAN-17)."""
    store = selectors.store_get_for_user(request.auth, store_id)
    values = payload.dict(exclude_unset=True)
    for key in ("name", "location", "locked", "out_of_reach", "active"):
        if key in values and values[key] is None:
            del values[key]
    if "keeper" in values:
        values["keeper"] = _keeper(store.estate, values["keeper"])
    services.store_update(store=store, by=request.auth, **values)
    return selectors.store_get_for_user(request.auth, store_id)


@router.get(
    "/environment/stores/{int:store_id}/checks", response={200: list[StoreCheckOut], **READ_ERRORS}
)
def store_check_history(request: HttpRequest, store_id: IdParam):
    """The store's monthly checks, newest first."""
    store = selectors.store_get_for_user(request.auth, store_id)
    return list(selectors.check_list(actor=actor_for(request.auth), store_id=store.pk)[:120])


@router.post(
    "/environment/stores/{int:store_id}/checks", response={201: StoreCheckOut, **WRITE_ERRORS}
)
def store_check_record(request: HttpRequest, store_id: IdParam, payload: StoreCheckIn):
    """This month's check (CLEAN-17): fixed place, locked, out of children's reach, labelled,
    a photo. A second check in the month is a 409; a failed one tells the department's head."""
    store = selectors.store_get_for_user(request.auth, store_id)
    check = checks.store_check_record(store=store, by=request.auth, **payload.dict())
    return Status(201, check)


@router.get("/environment/store-checks", response={200: list[StoreCheckOut], **READ_ERRORS})
@paginated
def store_check_list(
    request: HttpRequest, estate: IdParam | None = None, passed: bool | None = None
):
    """Every store's monthly checks; ``passed`` false for the failed ones."""
    return selectors.check_list(actor=actor_for(request.auth), estate_id=estate, passed=passed)


def _products(request, estate, store, kind, low, q):
    return selectors.product_list(
        actor=actor_for(request.auth), estate_id=estate, store_id=store, kind=kind, low=low, q=q
    )


@router.get("/environment/products", response={200: list[ProductOut], **READ_ERRORS})
@paginated
def product_list(
    request: HttpRequest,
    estate: IdParam | None = None,
    store: IdParam | None = None,
    kind: Term = "",
    low: bool = False,
    q: Term = "",
):
    """The products with their stock; ``low``: only those below their minimum."""
    return _products(request, estate, store, kind, low, q)


@router.get(
    "/environment/products/export.xlsx",
    response=READ_ERRORS,
    openapi_extra=file_download(XLSX, description="物料库存"),
)
def product_export(
    request: HttpRequest,
    estate: IdParam | None = None,
    store: IdParam | None = None,
    kind: Term = "",
    low: bool = False,
    q: Term = "",
):
    """The filtered stock as an Excel file."""
    return stock_xlsx(_products(request, estate, store, kind, low, q))


@router.get("/environment/products/below-minimum", response={200: list[ProductOut], **READ_ERRORS})
def product_below_minimum(request: HttpRequest, estate: IdParam):
    """The estate's products below their minimum (库存低于最低库存), the furthest below first."""
    return list(selectors.products_below_minimum(_estate(request, estate)))


@router.post("/environment/products", response={201: ProductOut, **WRITE_ERRORS})
def product_create(request: HttpRequest, payload: ProductIn):
    """登记物料 in a store (no stock yet: receive it with stock-in)."""
    store = selectors.store_get_for_user(request.auth, payload.store)
    product = services.product_create(
        store=store, by=request.auth, **payload.dict(exclude={"store"})
    )
    return Status(201, selectors.product_get_for_user(request.auth, product.pk))


@router.get("/environment/products/{int:product_id}", response={200: ProductOut, **READ_ERRORS})
def product_detail(request: HttpRequest, product_id: IdParam):
    return selectors.product_get_for_user(request.auth, product_id)


@router.patch("/environment/products/{int:product_id}", response={200: ProductOut, **WRITE_ERRORS})
def product_update(request: HttpRequest, product_id: IdParam, payload: ProductPatch):
    """Change the fields sent (the stock moves only by stock-in, stock-out and adjust)."""
    product = selectors.product_get_for_user(request.auth, product_id)
    values = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    services.product_update(product=product, by=request.auth, **values)
    return selectors.product_get_for_user(request.auth, product_id)


@router.post(
    "/environment/products/{int:product_id}/stock-in",
    response={201: MovementOut, **WRITE_ERRORS},
)
def product_stock_in(request: HttpRequest, product_id: IdParam, payload: StockInIn):
    """入库."""
    product = selectors.product_get_for_user(request.auth, product_id)
    return Status(201, services.stock_in(product=product, by=request.auth, **payload.dict()))


@router.post(
    "/environment/products/{int:product_id}/stock-out",
    response={201: MovementOut, **WRITE_ERRORS},
)
def product_stock_out(request: HttpRequest, product_id: IdParam, payload: StockOutIn):
    """出库 for a purpose; never below zero. A product not meeting environmental requirements is
    never issued (CLEAN-11 / GREEN-15): only ``dispose`` (退回/报废) with its reason."""
    product = selectors.product_get_for_user(request.auth, product_id)
    return Status(201, services.stock_out(product=product, by=request.auth, **payload.dict()))


@router.post(
    "/environment/products/{int:product_id}/adjust",
    response={201: MovementOut, **WRITE_ERRORS},
)
def product_adjust(request: HttpRequest, product_id: IdParam, payload: StockAdjustIn):
    """盘点调整: the counted stock replaces the book's, with the reason of the difference."""
    product = selectors.product_get_for_user(request.auth, product_id)
    return Status(201, services.stock_adjust(product=product, by=request.auth, **payload.dict()))


def _movements(request, estate, store, product, kind, since, until, q):
    return selectors.movement_list(
        actor=actor_for(request.auth), estate_id=estate, store_id=store, product_id=product,
        kind=kind, since=since, until=until, zone=timezone.get_current_timezone(), q=q,
    )  # fmt: skip


@router.get("/environment/stock-movements", response={200: list[MovementOut], **READ_ERRORS})
@paginated
def movement_list(
    request: HttpRequest,
    estate: IdParam | None = None,
    store: IdParam | None = None,
    product: IdParam | None = None,
    kind: Term = "",
    since: Day | None = None,
    until: Day | None = None,
    q: Term = "",
):
    """The movements ledger (出入库台账), newest first; ``kind``: in, out, adjust."""
    return _movements(request, estate, store, product, kind, since, until, q)


@router.get(
    "/environment/stock-movements/export.xlsx",
    response=READ_ERRORS,
    openapi_extra=file_download(XLSX, description="出入库台账"),
)
def movement_export(
    request: HttpRequest,
    estate: IdParam | None = None,
    store: IdParam | None = None,
    product: IdParam | None = None,
    kind: Term = "",
    since: Day | None = None,
    until: Day | None = None,
    q: Term = "",
):
    """The filtered ledger as an Excel file."""
    return movements_xlsx(_movements(request, estate, store, product, kind, since, until, q))

"""Repairs API, the desk's tools besides the orders themselves: the order list as .xlsx with the
list's filters, the classification suggested while a report is typed (REPAIR-04), the price list
written (收费标准, REPAIR-11), and the acceptance slip 《维修验收单》 as a PDF (REPAIR-10). The
same filters, services and builders as the pages."""

from decimal import Decimal
from typing import Annotated, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from wuye.base.api import (
    PDF,
    READ_ERRORS,
    WRITE_ERRORS,
    XLSX,
    ApiError,
    Day,
    ErrorOut,
    Id,
    IdParam,
    Term,
    Text,
    file_download,
    paginated,
)
from wuye.base.pdf import CJKFontMissing
from wuye.core.models import Estate
from wuye.core.scoping import Actor, actor_for, get_or_404, visible_estates
from wuye.repairs import services
from wuye.repairs.choices import Category, Urgency
from wuye.repairs.documents.acceptance import acceptance_pdf_response
from wuye.repairs.documents.exports import EXPORT_LIMIT, orders_xlsx_response
from wuye.repairs.filters import RepairOrderFilter
from wuye.repairs.models import PriceItem
from wuye.repairs.processes import DESK_VIEWERS
from wuye.repairs.selectors import orders as selectors

router = Router(tags=["repairs"])

FILE_ERRORS = {**READ_ERRORS, 403: ErrorOut}


def _require_desk(actor: Actor) -> None:
    """The desk pages' roles (the desk, engineering, the auditors); anyone else the pages' 403."""
    if not (actor.is_superuser or actor.role in DESK_VIEWERS):
        raise PermissionDenied(_("此页面仅供客服中心、工程部和管理层使用"))


# --- The list as .xlsx ------------------------------------------------------------------------


class RepairFilters(Schema):
    """The desk list's filters (its query string): the same names, the same meaning."""

    estate: IdParam = Field(..., examples=[1])
    q: Term = Field("", description="Order number, description, contact or phone.")
    status: Term = Field("", description="A state of the order.", examples=["waiting_dispatch"])
    urgency: Term = Field("", description="`general` / `emergency`.", examples=["emergency"])
    category: Term = Field("", description="The fault's category.", examples=["plumbing"])
    technician: IdParam | None = Field(None, description="A technician's user id.")
    building: IdParam | None = Field(None, description="A building of the estate.")
    reported_from: Day | None = Field(None, description="Reported on or after (estate's day).")
    reported_to: Day | None = Field(None, description="Reported on or before (estate's day).")
    open_only: bool = False
    overdue: bool = False
    repeat: bool = False
    tab: Literal["dispatch", "working", "acceptance", "revisit", "overdue"] | None = Field(
        None, description="A quick tab of the list (its statuses, or the overdue)."
    )
    sort: Literal["due", "new"] = Field(
        "due", description="`due`: overdue and emergencies first; `new`: newest first."
    )

    def as_query(self) -> dict[str, str]:
        data = {}
        for name, value in self.dict(exclude={"estate"}).items():
            if value is None or value == "" or value is False:
                continue
            data[name] = "1" if value is True else str(getattr(value, "value", value))
        return data


@router.get("/repairs/export.xlsx", response=FILE_ERRORS, openapi_extra=file_download(XLSX))
def repair_export(request: HttpRequest, filters: Query[RepairFilters]) -> HttpResponse:
    """The estate's repair orders with these filters as .xlsx, exactly what the desk's list
    shows (its export, at most 20,000 rows): number, status, urgency, category, place, contact
    (phone masked unless the role may see it), the times of each step, the next deadline and by
    how much it is late, repeat, charges and satisfaction. The desk, engineering and auditors."""
    actor = actor_for(request.auth)
    estate = get_or_404(visible_estates(actor), filters.estate)
    _require_desk(actor)
    filterset = RepairOrderFilter(filters.as_query(), actor=actor, estate=estate)
    if not filterset.form.is_valid():
        raise ValidationError({k: list(v) for k, v in filterset.form.errors.items()})
    orders = filterset.qs[:EXPORT_LIMIT]
    return orders_xlsx_response(estate=estate, orders=orders, actor=actor, now=timezone.now())


# --- The classification suggested at intake (REPAIR-04) ---------------------------------------


class SuggestionOut(Schema):
    urgency: str = Field(..., description="`general` / `emergency`.", examples=["emergency"])
    urgency_label: str = Field(..., examples=["紧急报修"])
    urgency_word: str = Field(
        ..., description="The word that made it an emergency; empty for 一般.", examples=["爆裂"]
    )
    category: str = Field(..., examples=["plumbing"])
    category_label: str = Field(..., examples=["给排水"])
    category_word: str = Field(
        ..., description="The word that suggested the category; empty for 其他.", examples=["水管"]
    )


@router.get("/repairs/suggestions", response={200: SuggestionOut, **READ_ERRORS, 403: ErrorOut})
def repair_suggestions(
    request: HttpRequest,
    description: Annotated[
        Text, Query(..., min_length=1, max_length=2000, examples=["卫生间水管爆裂"])
    ],
) -> dict:
    """The urgency and category the system suggests for a description being typed, with the
    words that suggested them (REPAIR-04), as the intake form shows them; the agent may still
    choose others. ``POST /repairs`` applies the same suggestion when they are left out."""
    _require_desk(actor_for(request.auth))
    urgency, urgency_word = services.urgency_hint(description)
    category, category_word = services.category_hint(description)
    return {
        "urgency": urgency, "urgency_label": str(Urgency(urgency).label),
        "urgency_word": urgency_word, "category": category,
        "category_label": str(Category(category).label), "category_word": category_word,
    }  # fmt: skip


# --- The price list written (收费标准, REPAIR-11) ------------------------------------------------


class PriceItemOut(Schema):
    id: int
    category: str
    name: str
    unit: str
    price: Decimal
    note: str
    is_active: bool


class PriceItemIn(Schema):
    """One line of the price list, as the page's form has it."""

    name: Text = Field(..., min_length=1, max_length=60, examples=["更换角阀"])
    category: Text = Field(..., max_length=20, examples=["plumbing"])
    unit: Text = Field("项", max_length=10, examples=["个"])
    price: Decimal = Field(..., ge=0, max_digits=10, decimal_places=2, examples=["35.00"])
    note: Text = Field("", max_length=200, examples=["含配件"])
    is_active: bool = Field(True, description="Offered on new charges.")


class PriceItemCreateIn(PriceItemIn):
    estate: Id = Field(..., examples=[1])


@router.get("/repairs/prices", response={200: list[PriceItemOut], **READ_ERRORS})
@paginated
def price_list(request: HttpRequest, estate: IdParam):
    """The estate's published repair price list (收费标准, REPAIR-11)."""
    estate_obj = get_or_404(visible_estates(actor_for(request.auth)), estate)
    return selectors.price_list(estate_id=estate_obj.pk)


def _save(estate: Estate, item: PriceItem | None, payload: PriceItemIn, by) -> PriceItem:
    return services.price_item_save(
        estate=estate, item=item, name=payload.name, category=payload.category,
        unit=payload.unit, price=payload.price, note=payload.note, is_active=payload.is_active,
        by=by,
    )  # fmt: skip


@router.post("/repairs/prices", response={201: PriceItemOut, **WRITE_ERRORS})
def price_item_create(request: HttpRequest, payload: PriceItemCreateIn):
    """Add a line to the estate's published price list. Engineering heads and executives only
    (403); a name already on the list is a 400."""
    estate = get_or_404(visible_estates(actor_for(request.auth)), payload.estate)
    return Status(201, _save(estate, None, payload, request.auth))


@router.put("/repairs/prices/{int:item_id}", response={200: PriceItemOut, **WRITE_ERRORS})
def price_item_update(request: HttpRequest, item_id: IdParam, payload: PriceItemIn):
    """Change a line of the price list (every field, as the page's form sends them); charges
    already recorded keep the price of their day. Engineering heads and executives only."""
    items = PriceItem.objects.filter(estate__in=visible_estates(actor_for(request.auth)))
    item = get_or_404(items.select_related("estate"), item_id)
    return _save(item.estate, item, payload, request.auth)


# --- The acceptance slip 《维修验收单》 (REPAIR-10) ---------------------------------------------


@router.get("/repairs/{int:order_id}/acceptance.pdf",
            response={**READ_ERRORS, 503: ErrorOut}, openapi_extra=file_download(PDF))  # fmt: skip
def repair_acceptance_pdf(request: HttpRequest, order_id: IdParam) -> HttpResponse:
    """The order's acceptance slip as a PDF, for whoever may see the order (its estate's staff,
    the residents of its room, whoever reported it); 503 ``font_missing`` when the server has no
    Chinese font."""
    order = selectors.repair_order_get_for_user(request.auth, order_id)
    try:
        return acceptance_pdf_response(order)
    except CJKFontMissing as exc:
        raise ApiError(503, "font_missing", str(exc)) from None

"""API of field work: checklist templates (检查表) — list, read, create, edit, items (add, edit,
reorder, remove), deactivate and reactivate, copy. The same services as the pages: executives
and department heads write (company-wide templates: executives only); any staff member of the
company reads; a template of an estate the caller does not work in is a 404."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from wuye.base.api import READ_ERRORS, WRITE_ERRORS, Id, IdParam, Term, Text, paginated
from wuye.core.scoping import actor_for, get_or_404, visible_estates

from ..models import Checklist, ChecklistItem
from ..selectors import checklists as selectors
from ..services import checklists as services

router = Router(tags=["field work"])


class ChecklistItemOut(Schema):
    id: int
    position: int
    label: str
    kind: str
    unit: str
    low: Decimal | None
    high: Decimal | None
    required: bool
    hint: str


class ChecklistOut(Schema):
    id: int
    name: str
    kind: str
    source: str
    estate: int | None = Field(None, alias="estate_id")
    active: bool
    created_at: dt.datetime
    items: int

    @staticmethod
    def resolve_items(obj) -> int:
        return getattr(obj, "n_items", None) or obj.items.count()


class ChecklistDetailOut(ChecklistOut):
    items: list[ChecklistItemOut]  # type: ignore[assignment]

    @staticmethod
    def resolve_items(obj) -> list:
        return list(obj.items.order_by("position"))


# A bound of a normal range: a number, or its text as typed ("12.5").
Bound = Decimal | None


class ChecklistItemIn(Schema):
    label: Text = Field(..., max_length=200)
    kind: Term
    unit: Text = Field("", max_length=20)
    low: Bound = Field(None, allow_inf_nan=False)
    high: Bound = Field(None, allow_inf_nan=False)
    required: bool = True
    hint: Text = Field("", max_length=200)


class ChecklistItemPatch(Schema):
    label: Text | None = Field(None, max_length=200)
    kind: Term | None = None
    unit: Text | None = Field(None, max_length=20)
    low: Bound = Field(None, allow_inf_nan=False)
    high: Bound = Field(None, allow_inf_nan=False)
    required: bool | None = None
    hint: Text | None = Field(None, max_length=200)


class ChecklistIn(Schema):
    name: Text = Field(..., max_length=100)
    kind: Term
    source: Text = Field("", max_length=200)
    estate: Id | None = Field(None, description="None: a company-wide template (executives)")
    items: list[ChecklistItemIn] = Field(default_factory=list, max_length=200)


class ChecklistPatch(Schema):
    name: Text = Field(..., max_length=100)
    kind: Term | None = None
    source: Text = Field("", max_length=200)


class ChecklistCopyIn(Schema):
    name: Text = Field("", max_length=100)
    estate: Id | None = None


class ReorderIn(Schema):
    items: list[Id] = Field(..., max_length=200, description="Every item id, in the new order")


def _estate(request: HttpRequest, pk: int | None):
    if pk is None:
        return None
    return get_or_404(visible_estates(actor_for(request.auth)), pk)


def _checklist(request: HttpRequest, pk: int) -> Checklist:
    return selectors.checklist_get_for_user(request.auth, pk)


def _item(request: HttpRequest, pk: int) -> ChecklistItem:
    item = get_or_404(ChecklistItem.objects.select_related("checklist"), pk)
    _checklist(request, item.checklist_id)  # 404 unless the caller sees its template
    return item


@router.get("/fieldwork/checklists", response={200: list[ChecklistOut], **READ_ERRORS})
@paginated
def checklist_list(
    request: HttpRequest,
    kind: Term = "",
    estate: IdParam | None = None,
    active: bool | None = None,
    q: Term = "",
):
    """Checklist templates the caller may see; ``estate``: that estate's and the company-wide
    ones; ``active``: true or false; ``q``: in the name or the source."""
    actor = actor_for(request.auth)
    return selectors.checklist_list(actor=actor, kind=kind, estate=estate, active=active, q=q)


@router.post("/fieldwork/checklists", response={201: ChecklistDetailOut, **WRITE_ERRORS})
def checklist_create(request: HttpRequest, payload: ChecklistIn):
    """Create a template with its items; without ``estate`` it is company-wide."""
    data = payload.model_dump()
    checklist = services.checklist_create(
        name=data["name"], kind=data["kind"], source=data["source"], by=request.auth,
        estate=_estate(request, data["estate"]), items=data["items"],
    )  # fmt: skip
    return Status(201, _checklist(request, checklist.pk))


@router.get("/fieldwork/checklists/{int:checklist_id}",
            response={200: ChecklistDetailOut, **READ_ERRORS})  # fmt: skip
def checklist_detail(request: HttpRequest, checklist_id: IdParam):
    """A template with its items in order."""
    return _checklist(request, checklist_id)


@router.patch("/fieldwork/checklists/{int:checklist_id}",
              response={200: ChecklistDetailOut, **WRITE_ERRORS})  # fmt: skip
def checklist_update(request: HttpRequest, checklist_id: IdParam, payload: ChecklistPatch):
    """Rename the template, change its source or kind."""
    checklist = _checklist(request, checklist_id)
    services.checklist_update(checklist=checklist, by=request.auth, **payload.model_dump())
    return _checklist(request, checklist_id)


@router.post("/fieldwork/checklists/{int:checklist_id}/deactivate",
             response={200: ChecklistDetailOut, **WRITE_ERRORS})  # fmt: skip
def checklist_deactivate(request: HttpRequest, checklist_id: IdParam):
    """Stop using the template for new plans; records and plans that use it keep it."""
    checklist = _checklist(request, checklist_id)
    services.checklist_set_active(checklist=checklist, active=False, by=request.auth)
    return _checklist(request, checklist_id)


@router.post("/fieldwork/checklists/{int:checklist_id}/activate",
             response={200: ChecklistDetailOut, **WRITE_ERRORS})  # fmt: skip
def checklist_activate(request: HttpRequest, checklist_id: IdParam):
    """Use a deactivated template again."""
    checklist = _checklist(request, checklist_id)
    services.checklist_set_active(checklist=checklist, active=True, by=request.auth)
    return _checklist(request, checklist_id)


@router.post("/fieldwork/checklists/{int:checklist_id}/copy",
             response={201: ChecklistDetailOut, **WRITE_ERRORS})  # fmt: skip
def checklist_copy(request: HttpRequest, checklist_id: IdParam, payload: ChecklistCopyIn):
    """A copy of the template with its items, for ``estate`` (none: company-wide)."""
    checklist = _checklist(request, checklist_id)
    copy = services.checklist_copy(
        checklist=checklist, by=request.auth, estate=_estate(request, payload.estate),
        name=payload.name,
    )  # fmt: skip
    return Status(201, _checklist(request, copy.pk))


@router.post("/fieldwork/checklists/{int:checklist_id}/items",
             response={201: ChecklistItemOut, **WRITE_ERRORS})  # fmt: skip
def checklist_item_add(request: HttpRequest, checklist_id: IdParam, payload: ChecklistItemIn):
    """Add an item at the end of the template."""
    checklist = _checklist(request, checklist_id)
    return Status(
        201,
        services.checklist_item_add(checklist=checklist, by=request.auth, **payload.model_dump()),
    )


@router.post("/fieldwork/checklists/{int:checklist_id}/reorder",
             response={200: ChecklistDetailOut, **WRITE_ERRORS})  # fmt: skip
def checklist_items_reorder(request: HttpRequest, checklist_id: IdParam, payload: ReorderIn):
    """Put the items in the order given (every item id once)."""
    checklist = _checklist(request, checklist_id)
    services.checklist_items_reorder(checklist=checklist, order=payload.items, by=request.auth)
    return _checklist(request, checklist_id)


@router.patch("/fieldwork/checklist-items/{int:item_id}",
              response={200: ChecklistItemOut, **WRITE_ERRORS})  # fmt: skip
def checklist_item_update(request: HttpRequest, item_id: IdParam, payload: ChecklistItemPatch):
    """Change an item (only the fields sent; ``low``/``high`` null clears a bound when sent).
    Records already made keep the item as it was asked then."""
    item = _item(request, item_id)
    fields: dict[str, Any] = payload.model_dump(exclude_unset=True)
    return services.checklist_item_update(item=item, by=request.auth, **fields)


@router.delete("/fieldwork/checklist-items/{int:item_id}",
               response={204: None, **WRITE_ERRORS})  # fmt: skip
def checklist_item_remove(request: HttpRequest, item_id: IdParam):
    """Remove an item; the ones after it move up. Records keep their copy."""
    services.checklist_item_remove(item=_item(request, item_id), by=request.auth)
    return Status(204, None)

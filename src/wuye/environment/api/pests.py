"""Pest treatment API (病虫害防治记录, GREEN-13/15): the list with its filters and Excel file, one
treatment, and recording one — the same service as the gardener's page."""

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
    When,
    file_download,
    paginated,
)
from wuye.core.scoping import actor_for
from wuye.workflow.models import PlannedTask

from ..documents.stock import treatments_xlsx
from ..models import Product
from ..selectors import pests as selectors
from ..services import pests as services

router = Router(tags=["environment"])


class TreatmentIn(Schema):
    green_area: Id
    pest: Text = Field(..., min_length=1, max_length=60)
    method: Text = Field(..., max_length=20, description="biological, physical, chemical")
    measure: Text = Field(..., min_length=1, max_length=200)
    product: Id | None = Field(None, description="药剂/天敌（物料 id）；化学防治必填")
    dose: Text = Field("", max_length=60, description="用量/稀释比例；化学防治必填")
    quantity: Decimal | None = Field(
        None, gt=0, le=Decimal("999999999.999"), decimal_places=3, description="出库数量"
    )
    reason: Text = Field("", max_length=500, description="采用化学防治的原因（化学防治必填）")
    urgent: bool = Field(False, description="虫害爆发，未先采用生物/物理防治（化学防治）")
    task: Id | None = Field(None, description="所完成的病虫害防治计划任务")
    at: When | None = Field(None, description="实施时间（默认现在）")
    note: Text = Field("", max_length=200)


class TreatmentOut(Schema):
    id: int
    estate: int = Field(..., alias="estate_id")
    green_area: int = Field(..., alias="green_area_id")
    green_area_name: str = Field(..., alias="green_area.name")
    pest: str
    method: str
    measure: str
    reason: str
    product: int | None = Field(None, alias="product_id")
    product_name: str = ""
    dose: str
    quantity: Decimal | None
    task: int | None = Field(None, alias="task_id")
    by: int = Field(..., alias="by_id")
    at: dt.datetime
    note: str

    @staticmethod
    def resolve_product_name(obj) -> str:
        return str(obj.product) if obj.product_id else ""


def _filtered(request, estate, green_area, method, since, until, q):
    return selectors.treatment_list(
        actor=actor_for(request.auth), estate_id=estate, green_area_id=green_area, method=method,
        since=since, until=until, zone=timezone.get_current_timezone(), q=q,
    )  # fmt: skip


@router.get("/environment/pest-treatments", response={200: list[TreatmentOut], **READ_ERRORS})
@paginated
def treatment_list(
    request: HttpRequest,
    estate: IdParam | None = None,
    green_area: IdParam | None = None,
    method: Term = "",
    since: Day | None = None,
    until: Day | None = None,
    q: Term = "",
):
    """The pest treatments, newest first; ``method``: biological, physical, chemical."""
    return _filtered(request, estate, green_area, method, since, until, q)


@router.get(
    "/environment/pest-treatments/export.xlsx",
    response=READ_ERRORS,
    openapi_extra=file_download(XLSX, description="病虫害防治记录"),
)
def treatment_export(
    request: HttpRequest,
    estate: IdParam | None = None,
    green_area: IdParam | None = None,
    method: Term = "",
    since: Day | None = None,
    until: Day | None = None,
    q: Term = "",
):
    """The filtered treatments as an Excel file."""
    return treatments_xlsx(_filtered(request, estate, green_area, method, since, until, q))


@router.get(
    "/environment/pest-treatments/{int:treatment_id}", response={200: TreatmentOut, **READ_ERRORS}
)
def treatment_detail(request: HttpRequest, treatment_id: IdParam):
    return selectors.treatment_get_for_user(request.auth, treatment_id)


def _invalid(field: str, message: str):
    return ApiError(400, "invalid", message, {field: [message]})


@router.post("/environment/pest-treatments", response={201: TreatmentOut, **WRITE_ERRORS})
def treatment_record(request: HttpRequest, payload: TreatmentIn):
    """Record a treatment (GREEN-13/15). A chemical one needs the reason biological control is
    not enough, a compliant pesticide from the estate's store with its dose and quantity (drawn
    from the store), and a biological or physical attempt on the same area and pest in the last
    30 days — or ``urgent`` (an outbreak)."""
    actor = actor_for(request.auth)
    area = selectors.visible_green_areas(actor).filter(pk=payload.green_area).first()
    if area is None:
        raise _invalid("green_area", _("绿化区域不存在"))
    values = payload.dict(exclude={"green_area", "product", "task"})
    product = None
    if payload.product is not None:
        product = (
            Product.objects.select_related("store")
            .filter(pk=payload.product, store__estate_id=area.estate_id)
            .first()
        )
        if product is None:
            raise _invalid("product", _("药剂须取自本项目的存放点"))
    task = None
    if payload.task is not None:
        task = PlannedTask.objects.filter(pk=payload.task, estate_id=area.estate_id).first()
        if task is None:
            raise _invalid("task", _("计划任务不存在"))
    treatment = services.treatment_record(
        green_area=area, product=product, task=task, by=request.auth, **values
    )
    return Status(201, selectors.treatment_get_for_user(request.auth, treatment.pk))

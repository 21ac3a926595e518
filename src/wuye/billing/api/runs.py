"""Fees API of the finance department (FEE-04 费用核算): the estate's charge items with their
effective-dated rates (收费项目与收费标准), and billing runs (账单生成) — the list, the preview
of a period, and a run's progress. The same services as the pages (``run_pages``):
``charge_item_create``, ``charge_item_set_active``, ``rate_set``, ``billing_preview``; a run is
queued by ``POST /billing/estates/{id}/runs`` (``api.py``), and read by ``GET /billing/runs/{id}``.

Who may call: the fee readers of the estate (finance, customer service, executives, auditors) read;
finance and executives write (the services check it again). Residents get a 403, anyone outside
the estate a 404.
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from wuye.base.api import WRITE_ERRORS, Day, IdParam, Term, Text, paginated
from wuye.billing import services
from wuye.billing.api.rooms import FEE_READ_ERRORS, _estate
from wuye.billing.api.rooms import router as fees_router
from wuye.billing.models import BillingRun, BillingRunStatus, ChargeItem, Rate
from wuye.billing.selectors.fees import run_percent
from wuye.core.scoping import actor_for, get_or_404, visible_estates

router = Router(tags=["billing"])


# --- 收费项目与收费标准 -----------------------------------------------------------------------


class ChargeRateOut(Schema):
    id: int
    amount: Decimal = Field(..., examples=["2.5000"], description="单价（元），最多四位小数")
    effective_from: dt.date
    state: str = Field(
        ...,
        examples=["current"],
        description="pending（待生效）/ current（现行）/ retired（已停用）",
    )
    created_by: int | None = Field(None, alias="created_by_id")
    created_at: dt.datetime


class ChargeItemOut(Schema):
    id: int
    name: str = Field(..., examples=["物业服务费"])
    kind: str = Field(..., examples=["property_fee"])
    basis: str = Field(..., examples=["per_m2_month"])
    room_use: str = Field(..., description="适用房屋用途；空为全部房屋")
    is_active: bool
    periodic: bool = Field(..., description="按面积、按户、按车位：每个账期自动生成账单")
    current_rate: Decimal | None = Field(None, description="今天适用的单价（元）")
    rates: list[ChargeRateOut] = Field(..., description="收费标准，最新的生效日期在前")


def _rate_out(rate: Rate, today: dt.date, current: Rate | None) -> dict:
    if rate.effective_from > today:
        state = "pending"
    elif current is not None and rate.pk == current.pk:
        state = "current"
    else:
        state = "retired"
    return {
        "id": rate.pk,
        "amount": rate.amount,
        "effective_from": rate.effective_from,
        "state": state,
        "created_by_id": rate.created_by_id,
        "created_at": rate.created_at,
    }


def _item_out(item: ChargeItem, today: dt.date) -> dict:
    rates = sorted(item.rates.all(), key=lambda r: r.effective_from, reverse=True)
    current = services.rate_at(item, today, rates)
    out = [_rate_out(rate, today, current) for rate in rates]
    return {
        "id": item.pk,
        "name": item.name,
        "kind": item.kind,
        "basis": item.basis,
        "room_use": item.room_use,
        "is_active": item.is_active,
        "periodic": item.basis in services.PERIODIC,
        "current_rate": current.amount if current else None,
        "rates": out,
    }


def _today(estate) -> dt.date:
    return services.estate_today(estate, timezone.now())


def _item(request: HttpRequest, item_id: int) -> ChargeItem:
    """A charge item of an estate the caller reads the fees of (else 404 / 403)."""
    actor = actor_for(request.auth)
    items = ChargeItem.objects.filter(estate__in=visible_estates(actor)).select_related("estate")
    item = get_or_404(items, item_id)
    _estate(request, item.estate_id)
    return item


@router.get(
    "/billing/estates/{int:estate_id}/charge-items",
    response={200: list[ChargeItemOut], **FEE_READ_ERRORS},
)
def charge_item_list(request: HttpRequest, estate_id: IdParam):
    """收费项目与收费标准 (FEE-04): the estate's charge items (in use first), each with its
    rates, newest first, marked pending / current / retired as of today (estate time)."""
    _actor, estate = _estate(request, estate_id)
    items = (
        ChargeItem.objects.filter(estate=estate)
        .prefetch_related("rates")
        .order_by("-is_active", "kind", "name")
    )
    today = _today(estate)
    return [_item_out(item, today) for item in items]


class ChargeItemIn(Schema):
    name: Text = Field(..., max_length=40, examples=["物业服务费（商铺）"])
    kind: Text = Field(
        ...,
        max_length=20,
        examples=["property_fee"],
        description="类别：property_fee / parking / elevator / …",
    )
    basis: Text = Field(
        "per_m2_month",
        max_length=20,
        examples=["per_m2_month"],
        description="per_m2_month / per_room_month / per_space_month / fixed",
    )
    room_use: Text = Field(
        "", max_length=20, examples=["commercial"], description="适用房屋用途；不填为全部房屋"
    )


@router.post(
    "/billing/estates/{int:estate_id}/charge-items", response={201: ChargeItemOut, **WRITE_ERRORS}
)
def charge_item_create(request: HttpRequest, estate_id: IdParam, payload: ChargeItemIn):
    """添加收费项目 (FEE-04, finance): a new charge item of the estate; a periodic one then
    needs a rate (``POST /billing/charge-items/{id}/rates``) before a run bills it. A name the
    estate has already is a 400 on ``name``."""
    _actor, estate = _estate(request, estate_id)
    item = services.charge_item_create(estate=estate, by=request.auth, **payload.dict())
    return Status(201, _item_out(item, _today(estate)))


class ChargeItemPatch(Schema):
    is_active: bool = Field(
        ..., examples=[False], description="false：停用（以后的账单生成不再包含它）"
    )


@router.patch("/billing/charge-items/{int:item_id}", response={200: ChargeItemOut, **WRITE_ERRORS})
def charge_item_update(request: HttpRequest, item_id: IdParam, payload: ChargeItemPatch):
    """停用 / 启用 a charge item (finance): a stopped item is left out of the next billing
    runs; the bills it made stay."""
    item = _item(request, item_id)
    item = services.charge_item_set_active(item=item, active=payload.is_active, by=request.auth)
    return _item_out(item, _today(item.estate))


class ChargeRateIn(Schema):
    amount: Decimal = Field(
        ...,
        ge=0,
        max_digits=12,
        decimal_places=4,
        examples=["2.80"],
        description="单价（元），最多四位小数",
    )
    effective_from: Day = Field(
        ..., examples=["2027-01-01"], description="从这一天起的账期按新单价核算"
    )


@router.post(
    "/billing/charge-items/{int:item_id}/rates", response={201: ChargeRateOut, **WRITE_ERRORS}
)
def rate_create(request: HttpRequest, item_id: IdParam, payload: ChargeRateIn):
    """调整收费标准 (FEE-04, finance): a price from a date on, for an item in use that is billed
    per period (by area, per household, per space); a rate of the same day is replaced. Bills
    already made keep their amounts."""
    item = _item(request, item_id)
    if not item.is_active or item.basis not in services.PERIODIC:
        # The page offers only these items (its form's choices).
        raise ValidationError({"item": [_("只能为在用的按期计费项目设置收费标准")]})
    rate = services.rate_set(
        item=item, amount=payload.amount, effective_from=payload.effective_from, by=request.auth
    )
    today = _today(item.estate)
    return Status(201, _rate_out(rate, today, services.rate_at(item, today)))


# --- 账单生成 ---------------------------------------------------------------------------------


class RunProgressOut(Schema):
    id: int
    estate: int = Field(..., alias="estate_id")
    status: str = Field(..., examples=["running"], description="queued / running / done / failed")
    status_label: str = Field(..., examples=["生成中"])
    period_start: dt.date
    period_end: dt.date
    due_date: dt.date
    short_notice_reason: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    started_by: int | None = Field(None, alias="started_by_id")
    rooms_total: int
    rooms_done: int
    percent: int = Field(..., examples=[40])
    bills_created: int
    amount_total: Decimal
    error: str
    finished: bool = Field(..., description="不再排队或生成中（完成或失败）")

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_percent(obj) -> int:
        return run_percent(obj)

    @staticmethod
    def resolve_finished(obj) -> bool:
        return obj.status not in services.ACTIVE_RUN


# On the router of ``POST`` of the same path (api.py): Django hands a path to one router's view,
# so a GET on another router would be answered 405 by the first.
@fees_router.get(
    "/billing/estates/{int:estate_id}/runs", response={200: list[RunProgressOut], **FEE_READ_ERRORS}
)
@paginated
def run_list(request: HttpRequest, estate_id: IdParam, status: Term = ""):
    """账单生成 (FEE-04): the estate's billing runs, the latest first, with their progress;
    ``status`` (queued / running / done / failed) narrows them; another value is ignored, as on
    the page."""
    _actor, estate = _estate(request, estate_id)
    runs = BillingRun.objects.filter(estate=estate)
    if status in BillingRunStatus.values:
        runs = runs.filter(status=status)
    return runs.order_by("-started_at", "-pk")


@router.get("/billing/runs/{int:run_id}/status", response={200: RunProgressOut, **FEE_READ_ERRORS})
def run_status(request: HttpRequest, run_id: IdParam):
    """A run's progress (rooms done of the total, bills and amount made, the error of a failed
    run), for a client that polls it until ``finished``."""
    actor = actor_for(request.auth)
    run = get_or_404(BillingRun.objects.filter(estate__in=visible_estates(actor)), run_id)
    _estate(request, run.estate_id)
    return run


class RunPreviewIn(Schema):
    period_start: Day = Field(..., examples=["2027-01-01"], description="账期开始：某月1日")
    period_end: Day = Field(
        ..., examples=["2027-03-31"], description="账期结束：某月最后一天（一次最多12个月）"
    )
    due_date: Day | None = Field(
        None, examples=["2027-01-31"], description="缴费截止日；不填则为首月最后一天"
    )


class RunPreviewItemOut(Schema):
    item: str = Field(..., examples=["物业服务费"])
    bills: int
    amount: Decimal


class RunPreviewOut(Schema):
    period_start: dt.date
    period_end: dt.date
    due_date: dt.date
    bills: int = Field(..., description="将生成的账单数")
    amount: Decimal = Field(..., description="将生成的金额（元）")
    already: int = Field(..., description="已生成过、这次跳过的账单数")
    rooms: int
    by_item: list[RunPreviewItemOut]
    notice_by: dt.date = Field(..., description="缴费通知最迟发出日（截止日前15天，FEE-05）")
    notice_late: bool = Field(
        ..., description="截止日距今不足15天：确认生成时须填写 short_notice_reason"
    )
    no_items: bool = Field(..., description="没有在用的按期计费项目")
    unpriced: list[str] = Field(..., description="账期开始时还没有收费标准的项目")


@router.post(
    "/billing/estates/{int:estate_id}/runs/preview", response={200: RunPreviewOut, **WRITE_ERRORS}
)
def run_preview(request: HttpRequest, estate_id: IdParam, payload: RunPreviewIn):
    """预览 (FEE-04, finance): what a billing run of the period would post — bills and amount
    per item, bills already made, the notice day (FEE-05) — without writing anything. Then
    ``POST /billing/estates/{id}/runs`` with the same dates queues it."""
    _actor, estate = _estate(request, estate_id)
    start, end = payload.period_start, payload.period_end
    due = payload.due_date or services.billing_default_due(start)
    preview = services.billing_preview(
        estate=estate, period_start=start, period_end=end, due_date=due, by=request.auth
    )
    items = list(
        ChargeItem.objects.filter(estate=estate, is_active=True, basis__in=services.PERIODIC)
    )
    return {
        "period_start": start,
        "period_end": end,
        "due_date": due,
        "bills": preview.bills,
        "amount": preview.amount,
        "already": preview.already,
        "rooms": preview.rooms,
        "by_item": [
            {"item": name, "bills": count, "amount": amount}
            for name, (count, amount) in sorted(preview.by_item.items())
        ],
        "notice_by": preview.notice_by,
        "notice_late": preview.notice_late,
        "no_items": not items,
        "unpriced": [i.name for i in items if services.rate_at(i, start) is None],
    }

"""Fees pages of the finance department (FEE-04 费用核算): the estate's charge items with their
effective-dated rates (收费项目与收费标准), and billing runs (账单生成) — choose a period,
preview what it would post, queue it for the background job and watch its progress.

Finance writes, the other fee readers (customer service, executives, auditors) read. Thin: every
write goes through ``services`` (``charge_item_create``, ``charge_item_set_active``,
``rate_set``, ``billing_preview``, ``billing_run_queue``); the job ``billing_run_execute`` posts.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from wuye.base.pages import paginate, render_list, wants_fragment
from wuye.billing import services
from wuye.billing.models import BillingRun, BillingRunStatus, ChargeBasis, ChargeItem, ChargeKind
from wuye.billing.selectors.fees import may_collect, run_percent
from wuye.billing.views.rooms import fees_page
from wuye.core.choices import RoomUse
from wuye.core.exceptions import Conflict
from wuye.core.forms import add_service_errors
from wuye.core.models import Estate
from wuye.core.scoping import actor_for, get_or_404, scope_to_estates
from wuye.core.shortcuts import estate_tz, render_local

UNIT = {
    ChargeBasis.PER_M2_MONTH: gettext_lazy("元/㎡·月"),
    ChargeBasis.PER_ROOM_MONTH: gettext_lazy("元/户·月"),
    ChargeBasis.PER_SPACE_MONTH: gettext_lazy("元/个·月"),
}
RUN_TONE = {
    BillingRunStatus.QUEUED: "badge-muted",
    BillingRunStatus.RUNNING: "badge-warn",
    BillingRunStatus.DONE: "badge-ok",
    BillingRunStatus.FAILED: "badge-breach",
}
# 月度 / 季度 / 半年 / 年度: months per period (the move-in asks for half a year).
PERIODS = [
    ("1", gettext_lazy("月度")),
    ("3", gettext_lazy("季度")),
    ("6", gettext_lazy("半年")),
    ("12", gettext_lazy("年度")),
]


def _today(estate: Estate) -> dt.date:
    return timezone.localtime(timezone.now(), estate_tz(estate)).date()


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def _require_finance(request) -> None:
    if not may_collect(actor_for(request.user)):
        raise PermissionDenied(_("只有财务人员或企业高层可以核算费用"))


def _price(amount: Decimal) -> str:
    """2.50 / 2.3456: two places, or the rate's four where it has them."""
    return f"{amount:,.2f}" if amount == amount.quantize(Decimal("0.01")) else f"{amount:,.4f}"


# --- 收费项目与收费标准 -----------------------------------------------------------------------


class ChargeItemForm(forms.Form):
    """添加收费项目 (services.charge_item_create)."""

    name = forms.CharField(
        label=gettext_lazy("收费项目名称"),
        max_length=40,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("如 物业服务费（商铺）")}),
        error_messages={"required": gettext_lazy("请填写收费项目名称")},
    )
    kind = forms.ChoiceField(label=gettext_lazy("类别"), choices=ChargeKind.choices)
    basis = forms.ChoiceField(
        label=gettext_lazy("计费方式"),
        choices=ChargeBasis.choices,
        initial=ChargeBasis.PER_M2_MONTH,
        help_text=gettext_lazy("按面积、按户、按车位的项目每个账期自动生成账单"),
    )
    room_use = forms.ChoiceField(
        label=gettext_lazy("适用房屋"),
        choices=[("", gettext_lazy("全部房屋")), *RoomUse.choices],
        required=False,
    )


class RateForm(forms.Form):
    """调整收费标准 (services.rate_set): a price from a date on."""

    item = forms.ChoiceField(
        label=gettext_lazy("收费项目"), error_messages={"required": gettext_lazy("请选择收费项目")}
    )
    amount = forms.DecimalField(
        label=gettext_lazy("单价（元）"),
        max_digits=12,
        decimal_places=4,
        min_value=Decimal("0"),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={
            "required": gettext_lazy("请填写单价"),
            "invalid": gettext_lazy("请填写正确的单价，如 2.50"),
            "min_value": gettext_lazy("单价不能为负"),
            "max_decimal_places": gettext_lazy("单价最多四位小数"),
            "max_digits": gettext_lazy("单价过大"),
            "max_whole_digits": gettext_lazy("单价过大"),
        },
    )
    effective_from = forms.DateField(
        label=gettext_lazy("生效日期"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("从这一天起的账期按新单价核算；已生成的账单不变"),
        error_messages={
            "required": gettext_lazy("请选择生效日期"),
            "invalid": gettext_lazy("请填写正确的日期"),
        },
    )

    def __init__(self, *args, items: list[ChargeItem], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [("", _("请选择收费项目"))] + [
            (str(i.pk), f"{i.name}（{UNIT[i.basis]}）") for i in items
        ]


def _items(estate: Estate, today: dt.date) -> list[ChargeItem]:
    """The estate's items, each with its rates marked 待生效 / 现行 / 已停用 (newest first)."""
    items = list(
        ChargeItem.objects.filter(estate=estate)
        .prefetch_related("rates__created_by__staff")
        .order_by("-is_active", "kind", "name")
    )
    uses = dict(RoomUse.choices)
    for item in items:
        item.periodic = item.basis in services.PERIODIC
        item.unit = UNIT.get(item.basis, "")
        item.use_label = uses.get(item.room_use, _("全部房屋")) if item.room_use else _("全部房屋")
        rates = sorted(item.rates.all(), key=lambda r: r.effective_from, reverse=True)
        current = services.rate_at(item, today, rates)
        for rate in rates:
            rate.price = _price(rate.amount)
            staff = getattr(rate.created_by, "staff", None) if rate.created_by else None
            rate.by_name = staff.name if staff else getattr(rate.created_by, "username", "")
            if rate.effective_from > today:
                rate.state, rate.tone = _("待生效"), "badge-warn"
            elif current is not None and rate.pk == current.pk:
                rate.state, rate.tone = _("现行"), "badge-ok"
            else:
                rate.state, rate.tone = _("已停用"), "badge-muted"
        item.rate_list = rates
        item.current = current
    return items


def _charges(request, estate: Estate, *, item_form=None, rate_form=None, status=200):
    today = _today(estate)
    items = _items(estate, today)
    can_edit = may_collect(actor_for(request.user))
    periodic = [i for i in items if i.periodic and i.is_active]
    if can_edit:
        item_form = item_form or ChargeItemForm()
        rate_form = rate_form or RateForm(
            items=periodic, initial={"effective_from": _next_month(today)}
        )
    context = {
        "estate": estate,
        "items": items,
        "today": today,
        "can_edit": can_edit,
        "item_form": item_form if can_edit else None,
        "rate_form": rate_form if can_edit else None,
    }
    return render_local(request, "billing/runs/charges.html", context, estate, status=status)


@fees_page
def charges(request, estate: Estate):
    """收费项目与收费标准: finance adds items and sets rates; the other readers look."""
    return _charges(request, estate)


@require_POST
@fees_page
def charge_item_add(request, estate: Estate):
    _require_finance(request)
    form = ChargeItemForm(request.POST)
    if not form.is_valid():
        return _charges(request, estate, item_form=form)
    try:
        item = services.charge_item_create(estate=estate, by=request.user, **form.cleaned_data)
    except ValidationError as error:
        add_service_errors(form, error)
        return _charges(request, estate, item_form=form)
    if item.basis in services.PERIODIC:
        messages.success(request, _("已添加收费项目“%(name)s”，请为它设置收费标准。") % {
            "name": item.name})  # fmt: skip
    else:
        messages.success(request, _("已添加收费项目“%(name)s”。") % {"name": item.name})
    return redirect(reverse("billing:charges") + "#rate-form")


@require_POST
@fees_page
def charge_item_toggle(request, estate: Estate, pk: int):
    _require_finance(request)
    item = get_or_404(ChargeItem.objects.filter(estate=estate), pk)
    services.charge_item_set_active(item=item, active=not item.is_active, by=request.user)
    if item.is_active:
        messages.success(request, _("已启用“%(name)s”。") % {"name": item.name})
    else:
        messages.success(
            request,
            _("已停用“%(name)s”：以后的账单生成不再包含它，已生成的账单不变。")
            % {"name": item.name},
        )
    return redirect("billing:charges")


@require_POST
@fees_page
def rate_add(request, estate: Estate):
    _require_finance(request)
    periodic = list(
        ChargeItem.objects.filter(estate=estate, is_active=True, basis__in=services.PERIODIC)
    )
    form = RateForm(request.POST, items=periodic)
    if not form.is_valid():
        return _charges(request, estate, rate_form=form)
    data = form.cleaned_data
    item = next(i for i in periodic if str(i.pk) == data["item"])
    try:
        rate = services.rate_set(
            item=item, amount=data["amount"], effective_from=data["effective_from"], by=request.user
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return _charges(request, estate, rate_form=form)
    messages.success(
        request,
        _("“%(item)s”自 %(day)s 起按 %(price)s %(unit)s 核算；已生成的账单不变。")
        % {"item": item.name, "day": rate.effective_from, "price": _price(rate.amount),
           "unit": UNIT[item.basis]},
    )  # fmt: skip
    return redirect("billing:charges")


# --- 账单生成 ---------------------------------------------------------------------------------


def _decorate_runs(runs, estate: Estate):
    for run in runs:
        run.tone = RUN_TONE.get(run.status, "badge-muted")
        run.percent = run_percent(run)
        staff = getattr(run.started_by, "staff", None) if run.started_by else None
        run.by_name = staff.name if staff else getattr(run.started_by, "username", "")
        run.months = (
            (run.period_end.year - run.period_start.year) * 12
            + run.period_end.month
            - run.period_start.month
            + 1
        )
    return runs


@fees_page
def run_list(request, estate: Estate):
    """账单生成: the estate's runs, the latest first."""
    status = request.GET.get("status", "")
    runs = BillingRun.objects.filter(estate=estate).select_related("started_by__staff")
    if status in BillingRunStatus.values:
        runs = runs.filter(status=status)
    else:
        status = ""
    page = paginate(request, runs.order_by("-started_at", "-pk"))
    _decorate_runs(page.object_list, estate)
    context = {
        "estate": estate,
        "page": page,
        "status": status,
        "statuses": BillingRunStatus.choices,
        "can_run": may_collect(actor_for(request.user)),
    }
    with timezone.override(estate_tz(estate)):
        return render_list(
            request, "billing/runs/list.html", "billing/runs/partials/results.html", context
        )


class RunForm(forms.Form):
    """新建账单生成: the period type, its first month and the due date (default: the last day
    of the first month)."""

    months = forms.ChoiceField(
        label=gettext_lazy("账期类型"),
        choices=PERIODS,
        initial="1",
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("请选择账期类型")},
    )
    first_month = forms.DateField(
        label=gettext_lazy("起始月份"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        error_messages={
            "required": gettext_lazy("请选择起始月份"),
            "invalid": gettext_lazy("请按“2026-12”的格式填写月份"),
        },
    )
    due_date = forms.DateField(
        label=gettext_lazy("缴费截止日"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("不填则为首月最后一天；缴费通知在截止日前 15 天发出"),
        error_messages={"invalid": gettext_lazy("请填写正确的日期")},
    )
    # FEE-05: asked only when the due date is less than 15 days away (the preview says so).
    short_notice_reason = forms.CharField(
        label=gettext_lazy("通知不足15天的原因"), required=False, max_length=200,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy(
            "如：入住预收物业费，业主当场已知晓缴费时间和金额")}),
        error_messages={"max_length": gettext_lazy("不能超过 200 字")},
    )  # fmt: skip

    def period(self) -> tuple[dt.date, dt.date, dt.date]:
        data = self.cleaned_data
        start, end = services.billing_period(
            first_month=data["first_month"], months=int(data["months"])
        )
        return start, end, data["due_date"] or services.billing_default_due(start)


def _run_page(request, estate: Estate, form: RunForm, preview=None, period=None):
    context = {"estate": estate, "form": form, "preview": preview}
    if preview is not None:
        start, end, due = period
        items = list(
            ChargeItem.objects.filter(estate=estate, is_active=True, basis__in=services.PERIODIC)
        )
        context.update({
            "period_start": start,
            "period_end": end,
            "due_date": due,
            "months": form.cleaned_data["months"],
            "first_month": start.strftime("%Y-%m"),
            "reason": form["short_notice_reason"].value() or "",
            "reason_errors": form.errors.get("short_notice_reason", []),
            "by_item": sorted(preview.by_item.items()),
            "no_items": not items,
            "unpriced": [i.name for i in items if services.rate_at(i, start) is None],
        })  # fmt: skip
    return render_local(request, "billing/runs/new.html", context, estate)


@fees_page
def run_new(request, estate: Estate):
    """新建账单生成: 预览 shows what the run would post; 确认生成 queues it."""
    _require_finance(request)
    if request.method != "POST":
        form = RunForm(initial={"months": "1", "first_month": _next_month(_today(estate))})
        return _run_page(request, estate, form)
    form = RunForm(request.POST)
    if not form.is_valid():
        return _run_page(request, estate, form)
    try:
        start, end, due = form.period()
        kwargs = {"estate": estate, "period_start": start, "period_end": end, "due_date": due,
                  "by": request.user}  # fmt: skip
        reason = form.cleaned_data.get("short_notice_reason") or ""
        if request.POST.get("confirm") != "1":
            preview = services.billing_preview(**kwargs)
            # The form again with the computed due date in it, to change and preview again.
            shown = RunForm({"months": form.cleaned_data["months"],
                             "first_month": start.strftime("%Y-%m"),
                             "due_date": due.isoformat(),
                             "short_notice_reason": reason})  # fmt: skip
            shown.is_valid()
            return _run_page(request, estate, shown, preview, (start, end, due))
        run = services.billing_run_queue(**kwargs, short_notice_reason=reason)
    except ValidationError as error:
        if "short_notice_reason" in getattr(error, "error_dict", {}):
            # FEE-05: the preview again, with the warning and the reason asked for by its field.
            preview = services.billing_preview(**kwargs)
            add_service_errors(form, error)
            return _run_page(request, estate, form, preview, (start, end, due))
        add_service_errors(form, error)
        return _run_page(request, estate, form)
    except Conflict as error:
        messages.error(request, error.message)
        return redirect("billing:runs")
    messages.success(
        request, _("已提交，账单正在后台生成，可离开本页，稍后在“账单生成”中查看结果。")
    )
    return redirect("billing:run_detail", pk=run.pk)


def _run_for(request, pk: int) -> BillingRun:
    """A run of an estate this user works in; anyone else's is a 404."""
    runs = scope_to_estates(BillingRun.objects.all(), actor_for(request.user))
    return get_or_404(runs.select_related("estate", "started_by__staff"), pk)


@fees_page
def run_detail(request, estate: Estate, pk: int):
    """A run's progress; while it is queued or running the bar refreshes itself every 2 s."""
    run = _run_for(request, pk)
    _decorate_runs([run], run.estate)
    context = {"estate": run.estate, "run": run, "active": run.status in services.ACTIVE_RUN}
    template = (
        "billing/runs/partials/progress.html"
        if wants_fragment(request)
        else "billing/runs/detail.html"
    )
    return render_local(request, template, context, run.estate)


@require_GET
@fees_page
def run_status(request, estate: Estate, pk: int):
    """The run's progress as JSON (for a page or a script that polls it)."""
    run = _run_for(request, pk)
    return JsonResponse({
        "id": run.pk,
        "status": run.status,
        "status_label": str(run.get_status_display()),
        "rooms_total": run.rooms_total,
        "rooms_done": run.rooms_done,
        "percent": run_percent(run),
        "bills_created": run.bills_created,
        "amount_total": str(run.amount_total),
        "error": run.error,
        "finished": run.status not in services.ACTIVE_RUN,
    })  # fmt: skip


urlpatterns = [
    path("billing/charges/", charges, name="charges"),
    path("billing/charges/items/", charge_item_add, name="charge_item_add"),
    path("billing/charges/items/<int:pk>/toggle/", charge_item_toggle, name="charge_item_toggle"),
    path("billing/charges/rates/", rate_add, name="rate_add"),
    path("billing/runs/", run_list, name="runs"),
    path("billing/runs/new/", run_new, name="run_new"),
    path("billing/runs/<int:pk>/", run_detail, name="run_detail"),
    path("billing/runs/<int:pk>/status/", run_status, name="run_status"),
]

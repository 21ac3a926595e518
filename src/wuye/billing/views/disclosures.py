"""公摊公示 pages (FEE-08): finance prepares a month's shared-cost disclosure from the common
meters and manual lines, recomputes it while it is a draft, and a manager publishes it; the
residents see theirs. Thin: every write through ``meters`` services."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from wuye.base.pages import paginate, render_list
from wuye.billing.documents.exports import shares_xlsx
from wuye.billing.models import (
    ZERO,
    AllocationMethod,
    Bill,
    DisclosureStatus,
    SharedCostDisclosure,
    SharedCostKind,
    SharedCostLine,
)
from wuye.billing.selectors import meters as meter_reads
from wuye.billing.selectors.meters import disclosure_share_rows, my_share_bills
from wuye.billing.services import meters
from wuye.billing.views.meters import error_text, meter_page
from wuye.billing.views.rooms import resident_required
from wuye.core.exceptions import Conflict
from wuye.core.forms import add_service_errors
from wuye.core.models import Building, Estate
from wuye.core.scoping import Actor, actor_for, get_or_404, visible_rooms
from wuye.core.shortcuts import render_local


class PrepareForm(forms.Form):
    month = forms.CharField(
        label=gettext_lazy("月份"), widget=forms.TextInput(attrs={"type": "month"})
    )
    method = forms.ChoiceField(
        label=gettext_lazy("分摊方式"),
        choices=AllocationMethod.choices,
        initial=AllocationMethod.AREA,
    )

    def clean_month(self) -> dt.date:
        month = meters.parse_month(self.cleaned_data["month"])
        if month is None:
            raise ValidationError(_("请选择月份"))
        return month


class LineForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("类别"), choices=SharedCostKind.choices, initial=SharedCostKind.ELEVATOR
    )
    name = forms.CharField(
        label=gettext_lazy("名称"),
        max_length=60,
        initial=gettext_lazy("电梯费"),
        error_messages={"required": gettext_lazy("请填写名称，如 电梯费")},
    )
    amount = forms.DecimalField(
        label=gettext_lazy("金额（元）"),
        max_digits=12,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={
            "required": gettext_lazy("请填写金额"),
            "invalid": gettext_lazy("请填写正确的金额，如 35.00"),
            "max_decimal_places": gettext_lazy("金额最多两位小数"),
            "max_digits": gettext_lazy("金额过大"),
            "max_whole_digits": gettext_lazy("金额过大"),
        },
    )
    building = forms.ModelChoiceField(
        label=gettext_lazy("分摊范围"),
        queryset=Building.objects.none(),
        required=False,
        empty_label=gettext_lazy("全项目"),
    )

    def __init__(self, *args, estate: Estate, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = Building.objects.filter(estate=estate)


class DraftForm(forms.Form):
    method = forms.ChoiceField(label=gettext_lazy("分摊方式"), choices=AllocationMethod.choices)
    note = forms.CharField(
        label=gettext_lazy("说明（公示时一并发布）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class PublishForm(forms.Form):
    due_date = forms.DateField(
        label=gettext_lazy("缴费截止日"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    notify_residents = forms.BooleanField(
        label=gettext_lazy("同时给住户发站内消息"), required=False
    )


@meter_page
def disclosure_list(request, estate: Estate):
    """公摊公示: every month's disclosure (drafts and history) and the form for a new month."""
    actor = actor_for(request.user)
    status = request.GET.get("status", "")
    items = SharedCostDisclosure.objects.filter(estate=estate).select_related("published_by")
    if status in DisclosureStatus.values:
        items = items.filter(status=status)
    month = meter_reads.month_shift(meters.current_month(estate), -1)
    form = PrepareForm(request.POST or None, initial={"month": f"{month:%Y-%m}"})
    can_prepare = meters.may_prepare_disclosure(actor)
    if request.method == "POST":
        if not can_prepare:
            raise PermissionDenied(_("只有财务人员或企业高层可以编制公摊费用"))
        if form.is_valid():
            try:
                disclosure = meters.disclosure_prepare(
                    estate=estate,
                    month=form.cleaned_data["month"],
                    method=form.cleaned_data["method"],
                    by=request.user,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            except Conflict as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("已按抄表计算草稿"))
                return redirect("billing:disclosure", pk=disclosure.pk)
    context = {
        "estate": estate,
        "page": paginate(request, items.order_by("-month")),
        "form": form,
        "status": status,
        "statuses": DisclosureStatus.choices,
        "can_prepare": can_prepare,
    }
    return render_list(
        request,
        "billing/meters/disclosures.html",
        "billing/meters/partials/disclosure_results.html",
        context,
    )


def _disclosure_for(estate: Estate, pk: int) -> SharedCostDisclosure:
    return get_or_404(
        SharedCostDisclosure.objects.filter(estate=estate).select_related(
            "estate", "created_by", "published_by", "item"
        ),
        pk,
    )


def _disclosure_page(
    request, estate, disclosure, *, line_form=None, draft_form=None, publish_form=None, status=200
):
    actor = actor_for(request.user)
    draft = disclosure.status == DisclosureStatus.DRAFT
    can_prepare = draft and meters.may_prepare_disclosure(actor)
    can_publish = draft and meters.may_publish_disclosure(actor)
    lines = list(disclosure.lines.select_related("building", "meter"))
    shares = disclosure_share_rows(disclosure) if draft else []
    posted = []
    if not draft and disclosure.item_id:
        posted = list(
            Bill.objects.filter(
                item_id=disclosure.item_id, period_start=disclosure.month, source_ref=""
            )
            .select_related("room__building", "room__unit")
            .order_by(
                "room__building__sort", "room__building__name", "room__unit__name", "room__number"
            )
        )
    due = meter_reads.month_end(meter_reads.month_shift(disclosure.month, 1))
    context = {
        "estate": estate,
        "d": disclosure,
        "lines": lines,
        "draft": draft,
        "can_prepare": can_prepare,
        "can_publish": can_publish,
        "missing": meters.missing_readings(estate, disclosure.month) if draft else [],
        "stale": draft and meters.stale_lines(disclosure),
        "unshared": meters.unshared_lines(disclosure) if draft else [],
        "shares": shares[:30],
        "shares_count": len(shares),
        "shares_sum": sum((s[1] for s in shares), ZERO),
        "posted": posted[:30],
        "posted_count": len(posted),
        "posted_sum": sum((b.amount for b in posted), ZERO),
        "line_form": line_form or LineForm(estate=estate),
        "draft_form": draft_form
        or DraftForm(initial={"method": disclosure.method, "note": disclosure.note}),
        "publish_form": publish_form or PublishForm(initial={"due_date": due}),
    }
    return render_local(request, "billing/meters/disclosure.html", context, estate)


@meter_page
def disclosure_detail(request, estate: Estate, pk: int):
    return _disclosure_page(request, estate, _disclosure_for(estate, pk))


def _flash(request, error) -> None:
    messages.error(request, error_text(error))


@require_POST
@meter_page
def disclosure_recompute(request, estate: Estate, pk: int):
    disclosure = _disclosure_for(estate, pk)
    try:
        meters.disclosure_prepare(estate=estate, month=disclosure.month, by=request.user)
    except (ValidationError, Conflict, PermissionDenied) as error:
        _flash(request, error)
    else:
        messages.success(request, _("已按最新读数重新计算"))
    return redirect("billing:disclosure", pk=pk)


@require_POST
@meter_page
def disclosure_update(request, estate: Estate, pk: int):
    disclosure = _disclosure_for(estate, pk)
    form = DraftForm(request.POST)
    if form.is_valid():
        try:
            meters.disclosure_update(disclosure=disclosure, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        except (Conflict, PermissionDenied) as error:
            _flash(request, error)
            return redirect("billing:disclosure", pk=pk)
        else:
            messages.success(request, _("分摊方式和说明已保存"))
            return redirect("billing:disclosure", pk=pk)
    return _disclosure_page(request, estate, disclosure, draft_form=form)


@require_POST
@meter_page
def disclosure_line_add(request, estate: Estate, pk: int):
    disclosure = _disclosure_for(estate, pk)
    form = LineForm(request.POST, estate=estate)
    if form.is_valid():
        try:
            meters.disclosure_line_add(disclosure=disclosure, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        except (Conflict, PermissionDenied) as error:
            _flash(request, error)
            return redirect("billing:disclosure", pk=pk)
        else:
            messages.success(request, _("已添加“%(name)s”") % {"name": form.cleaned_data["name"]})
            return redirect("billing:disclosure", pk=pk)
    return _disclosure_page(request, estate, disclosure, line_form=form)


@require_POST
@meter_page
def disclosure_line_remove(request, estate: Estate, pk: int, line_pk: int):
    disclosure = _disclosure_for(estate, pk)
    line = get_or_404(SharedCostLine.objects.filter(disclosure=disclosure), line_pk)
    try:
        meters.disclosure_line_remove(line=line, by=request.user)
    except (ValidationError, Conflict, PermissionDenied) as error:
        _flash(request, error)
    else:
        messages.success(request, _("已删除“%(name)s”") % {"name": line.name})
    return redirect("billing:disclosure", pk=pk)


@require_POST
@meter_page
def disclosure_publish(request, estate: Estate, pk: int):
    disclosure = _disclosure_for(estate, pk)
    form = PublishForm(request.POST)
    if form.is_valid():
        try:
            meters.disclosure_publish(disclosure=disclosure, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            if not form.errors:
                _flash(request, error)
        except (Conflict, PermissionDenied) as error:
            _flash(request, error)
            return redirect("billing:disclosure", pk=pk)
        else:
            messages.success(request, _("已公示，账单已计入各户，公告栏已发布"))
            return redirect("billing:disclosure", pk=pk)
    return _disclosure_page(request, estate, disclosure, publish_form=form)


@meter_page
def disclosure_shares_xlsx(request, estate: Estate, pk: int):
    """Each room's share: the draft's computed shares, or the published month's bills."""
    return shares_xlsx(_disclosure_for(estate, pk))


def _my_rooms(actor: Actor):
    return list(visible_rooms(actor).select_related("building", "unit"))


@resident_required
def my_disclosures(request):
    """公摊公示: the months published for the resident's estate (the history), newest first."""
    actor = actor_for(request.user)
    page = paginate(request, meter_reads.disclosures_for_resident(actor), per_page=12)
    rooms = _my_rooms(actor)
    mine = my_share_bills(rooms, page.object_list)
    for d in page.object_list:
        d.mine = mine.get((d.item_id, d.month), [])
        d.my_total = sum((b.amount for b in d.mine), ZERO)
    return render(request, "billing/meters/my_disclosures.html", {"page": page})


@resident_required
def my_disclosure(request, pk: int):
    actor = actor_for(request.user)
    disclosure = get_or_404(meter_reads.disclosures_for_resident(actor), pk)
    rooms = _my_rooms(actor)
    mine = meter_reads.my_shares(disclosure, rooms)
    context = {
        "d": disclosure,
        "lines": list(disclosure.lines.select_related("building")),
        "mine": mine,
        "my_total": sum((b.amount for b in mine), ZERO),
    }
    return render_local(request, "billing/meters/my_disclosure.html", context, disclosure.estate)


urlpatterns = [
    path("billing/disclosures/", disclosure_list, name="disclosures"),
    path("billing/disclosures/<int:pk>/", disclosure_detail, name="disclosure"),
    path(
        "billing/disclosures/<int:pk>/recompute/", disclosure_recompute, name="disclosure_recompute"
    ),
    path("billing/disclosures/<int:pk>/update/", disclosure_update, name="disclosure_update"),
    path("billing/disclosures/<int:pk>/lines/", disclosure_line_add, name="disclosure_line_add"),
    path(
        "billing/disclosures/<int:pk>/lines/<int:line_pk>/remove/",
        disclosure_line_remove,
        name="disclosure_line_remove",
    ),
    path("billing/disclosures/<int:pk>/publish/", disclosure_publish, name="disclosure_publish"),
    path(
        "billing/disclosures/<int:pk>/shares.xlsx",
        disclosure_shares_xlsx,
        name="disclosure_shares_xlsx",
    ),
    path("my/disclosures/", my_disclosures, name="my_disclosures"),
    path("my/disclosures/<int:pk>/", my_disclosure, name="my_disclosure"),
]

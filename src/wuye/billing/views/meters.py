"""Meter pages: the current estate's meters (表计), the month's reading entry on a phone (抄表),
the .xlsx import of a month's readings, the staff page of the monthly shared-cost disclosure
(draft, recompute, publish) and the residents' read-only 公摊公示 in the portal (FEE-08).

Thin: every write goes through ``meters`` (the rules and the permissions live there); the
pages only show or hide what a user may do.
"""

from __future__ import annotations

import datetime as dt
from functools import wraps

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from wuye.base.pages import paginate, render_list
from wuye.base.xlsx import file_response
from wuye.billing.documents.exports import shares_xlsx
from wuye.billing.models import (
    ZERO,
    AllocationMethod,
    Bill,
    DisclosureStatus,
    Meter,
    MeterKind,
    SharedCostDisclosure,
    SharedCostKind,
    SharedCostLine,
)
from wuye.billing.selectors import meters as meter_reads
from wuye.billing.selectors.meters import disclosure_share_rows, my_share_bills, reading_rows
from wuye.billing.services import meters
from wuye.billing.views.rooms import resident_required
from wuye.core.exceptions import Conflict
from wuye.core.forms import add_service_errors
from wuye.core.models import Building, Estate, Room
from wuye.core.scoping import Actor, actor_for, get_or_404, visible_rooms
from wuye.core.selectors import room_search_q
from wuye.core.shortcuts import estate_page, render_local

# --- Access ------------------------------------------------------------------------------------


def meter_page(view):
    """A staff page of the current estate's meters and shared costs."""

    @wraps(view)
    def wrapper(request, *args, estate: Estate, **kwargs):
        if not meters.may_read_meters(actor_for(request.user)):
            raise PermissionDenied(_("此页面仅供工程设备部、财务部门、客服中心和管理层使用"))
        return view(request, *args, estate=estate, **kwargs)

    return estate_page(wrapper)


def _error_text(error) -> str:
    if isinstance(error, Conflict):
        return error.message
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or _("没有权限")


def _month_from(request, estate: Estate, name: str = "month") -> dt.date:
    month = meters.parse_month(request.GET.get(name) or request.POST.get(name))
    now = meters.current_month(estate)
    return month if month is not None and month <= now else now


# --- Meters ------------------------------------------------------------------------------------


class MeterForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("表号"), max_length=30)
    name = forms.CharField(
        label=gettext_lazy("名称"),
        max_length=60,
        help_text=gettext_lazy("如 1栋公共照明电表、小区总水表"),
    )
    kind = forms.ChoiceField(label=gettext_lazy("类型"), choices=MeterKind.choices)
    building = forms.ModelChoiceField(
        label=gettext_lazy("分摊范围"),
        queryset=Building.objects.none(),
        required=False,
        empty_label=gettext_lazy("全项目（所有房屋分摊）"),
        help_text=gettext_lazy("楼栋表只由该楼栋的房屋分摊"),
    )
    room = forms.CharField(
        label=gettext_lazy("房屋（户表才填）"),
        max_length=40,
        required=False,
        help_text=gettext_lazy("如 1-2-301；公共表留空"),
    )
    multiplier = forms.DecimalField(
        label=gettext_lazy("倍率"),
        max_digits=10,
        decimal_places=2,
        initial=1,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    unit_price = forms.DecimalField(
        label=gettext_lazy("单价（元/吨或元/度）"),
        max_digits=12,
        decimal_places=4,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    is_active = forms.BooleanField(label=gettext_lazy("在用"), required=False, initial=True)

    def __init__(self, *args, estate: Estate, **kwargs):
        super().__init__(*args, **kwargs)
        self.estate = estate
        self.fields["building"].queryset = Building.objects.filter(estate=estate)

    def clean_room(self) -> Room | None:
        text = self.cleaned_data["room"].strip()
        if not text:
            return None
        found = list(Room.objects.filter(estate=self.estate).filter(room_search_q(text))[:2])
        if len(found) != 1:
            raise ValidationError(_("找不到唯一的房屋，请按“楼栋-单元-房号”填写，如 1-2-301"))
        return found[0]


@meter_page
def meter_list(request, estate: Estate):
    """表计: the estate's meters, filtered in the URL."""
    actor = actor_for(request.user)
    q = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    scope = request.GET.get("scope", "")
    active = request.GET.get("active", "1")
    items = Meter.objects.filter(estate=estate).select_related(
        "building", "room__building", "room__unit"
    )
    if q:
        items = items.filter(Q(code__icontains=q) | Q(name__icontains=q))
    if kind in MeterKind.values:
        items = items.filter(kind=kind)
    if scope == "common":
        items = items.filter(room__isnull=True)
    elif scope == "room":
        items = items.filter(room__isnull=False)
    if active in ("1", "0"):
        items = items.filter(is_active=active == "1")
    page = paginate(request, items.order_by("room_id", "building__sort", "kind", "code"))
    for meter in page.object_list:
        meter.scope = meter_reads.meter_scope_label(meter)
    context = {
        "estate": estate,
        "page": page,
        "q": q,
        "kind": kind,
        "scope": scope,
        "active": active,
        "kinds": MeterKind.choices,
        "can_edit": meters.may_edit_meters(actor),
        "can_read": meters.may_record_readings(actor),
        "filtered": bool(q or kind or scope or active != "1"),
    }
    return render_list(
        request, "billing/meters/meters.html", "billing/meters/partials/meter_results.html", context
    )


def _meter_form_page(request, estate: Estate, meter: Meter | None):
    actor = actor_for(request.user)
    can_edit = meters.may_edit_meters(actor)
    if meter is None and not can_edit:
        raise PermissionDenied(_("只有财务人员、工程设备部负责人或企业高层可以设置表计"))
    initial = {}
    if meter is not None:
        initial = {
            "code": meter.code,
            "name": meter.name,
            "kind": meter.kind,
            "building": meter.building_id,
            "multiplier": meter.multiplier,
            "unit_price": meter.unit_price,
            "is_active": meter.is_active,
            "room": (
                f"{meter.room.building.name}-{meter.room.unit.name}-{meter.room.number}"
                if meter.room and meter.room.unit_id
                else (f"{meter.room.building.name}-{meter.room.number}" if meter.room else "")
            ),
        }
    form = MeterForm(request.POST or None, estate=estate, initial=initial)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("只有财务人员、工程设备部负责人或企业高层可以设置表计"))
        if form.is_valid():
            data = form.cleaned_data
            try:
                saved = meters.meter_save(estate=estate, by=request.user, meter=meter, **data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("表计 %(code)s 已保存") % {"code": saved.code})
                return redirect("billing:meters")
    readings = list(meter.readings.select_related("by", "confirmed_by")[:12]) if meter else []
    context = {
        "estate": estate,
        "form": form,
        "meter": meter,
        "readings": readings,
        "can_edit": can_edit,
    }
    return render_local(request, "billing/meters/meter_form.html", context, estate)


@meter_page
def meter_new(request, estate: Estate):
    return _meter_form_page(request, estate, None)


@meter_page
def meter_edit(request, estate: Estate, pk: int):
    meter = get_or_404(
        Meter.objects.filter(estate=estate).select_related("room__building", "room__unit"), pk
    )
    return _meter_form_page(request, estate, meter)


# --- Monthly readings (phone) ------------------------------------------------------------------


@meter_page
def meter_readings(request, estate: Estate):
    """抄表: one input per meter for a month, with last month's reading and usage beside it."""
    actor = actor_for(request.user)
    month = _month_from(request, estate)
    building = request.GET.get("building", "") or request.POST.get("building", "")
    kind = request.GET.get("kind", "") or request.POST.get("kind", "")
    rows = reading_rows(estate, month, building, kind)
    can_record = meters.may_record_readings(actor)
    saved = 0
    problems = 0
    if request.method == "POST":
        if not can_record:
            raise PermissionDenied(_("只有工程设备部、财务人员或企业高层可以抄表"))
        for meter in rows:
            value = request.POST.get(f"r_{meter.pk}", "").strip()
            start = request.POST.get(f"s_{meter.pk}", "").strip()
            confirm = request.POST.get(f"c_{meter.pk}") == "1"
            note = request.POST.get(f"n_{meter.pk}", "").strip()
            meter.value, meter.start_value, meter.note_value = value, start, note
            if not value:
                continue
            if _unchanged(meter, value) and not start and not confirm:
                continue  # the month's saved reading, shown in its input
            try:
                meters.meter_reading_record(
                    meter=meter,
                    period=month,
                    reading=value,
                    by=request.user,
                    confirm=confirm,
                    note=note,
                    start=start or None,
                )
            except meters.Implausible as error:
                meter.error, meter.flagged = " ".join(error.messages), True
                problems += 1
            except (ValidationError, Conflict, PermissionDenied) as error:
                meter.error = _error_text(error)
                problems += 1
            else:
                saved += 1
        if not problems:
            if saved:
                messages.success(request, _("已保存 %(n)d 个读数") % {"n": saved})
            else:
                messages.info(request, _("没有新的读数需要保存"))
            query = f"?month={month:%Y-%m}&building={building}&kind={kind}"
            return redirect(reverse("billing:meter_readings") + query)
        messages.error(
            request,
            _("已保存 %(saved)d 个读数；%(n)d 个读数需要处理，见标红的表")
            % {"saved": saved, "n": problems},
        )
        rows = _merge_after_post(estate, month, building, kind, rows)
    context = {
        "estate": estate,
        "month": month,
        "rows": rows,
        "building": building,
        "kind": kind,
        "buildings": Building.objects.filter(estate=estate),
        "kinds": MeterKind.choices,
        "can_record": can_record,
        "this_month": meters.current_month(estate),
        "done": sum(1 for m in rows if m.current is not None),
    }
    return render_local(request, "billing/meters/readings.html", context, estate)


def _unchanged(meter: Meter, value: str) -> bool:
    if meter.current is None:
        return False
    try:
        return meters.parse_decimal(value, "reading", "0.01", "") == meter.current.reading
    except ValidationError:
        return False


def _merge_after_post(estate, month, building, kind, posted: list[Meter]) -> list[Meter]:
    """The fresh rows (what was saved shows as saved) with the failed rows' input and errors."""
    fresh = reading_rows(estate, month, building, kind)
    by_pk = {m.pk: m for m in posted}
    for meter in fresh:
        old = by_pk.get(meter.pk)
        if old is not None and old.error:
            meter.error, meter.flagged, meter.value = old.error, old.flagged, old.value
            meter.start_value, meter.note_value = old.start_value, old.note_value
    return fresh


# --- .xlsx import ------------------------------------------------------------------------------


@meter_page
def meter_reading_template(request, estate: Estate):
    """The month's import sheet, pre-filled with the meters and their previous readings."""
    month = _month_from(request, estate)
    content = meters.reading_template(estate, month)
    return file_response(content, f"{estate.name}-抄表-{month:%Y-%m}.xlsx")


class ImportForm(forms.Form):
    month = forms.CharField(
        label=gettext_lazy("月份"), widget=forms.TextInput(attrs={"type": "month"})
    )
    file = forms.FileField(
        label=gettext_lazy("读数文件（.xlsx）"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("我已核实标出的异常读数（如换表、漏水），确认导入"), required=False
    )
    note = forms.CharField(
        label=gettext_lazy("异常说明"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("确认异常读数时必填；某行的备注栏有内容时以该行为准"),
    )

    def clean_month(self) -> dt.date:
        month = meters.parse_month(self.cleaned_data["month"])
        if month is None:
            raise ValidationError(_("请选择月份"))
        return month


@meter_page
def meter_reading_import(request, estate: Estate):
    """导入读数: upload the filled-in sheet; every row is checked, all are saved or none."""
    actor = actor_for(request.user)
    if not meters.may_record_readings(actor):
        raise PermissionDenied(_("只有工程设备部、财务人员或企业高层可以抄表"))
    month = _month_from(request, estate)
    form = ImportForm(
        request.POST or None, request.FILES or None, initial={"month": f"{month:%Y-%m}"}
    )
    refused = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["file"].size > 5 * 1024 * 1024:
                raise ValidationError({"file": [_("文件不能超过 5 MB")]})
            rows = meters.reading_rows_from_xlsx(data["file"].read())
            result = meters.meter_reading_import(
                estate=estate,
                period=data["month"],
                rows=rows,
                by=request.user,
                confirm=data["confirm"],
                note=data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except meters.ImportRefused as error:
            refused = error
            if error.message:
                form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("已导入 %(n)d 个读数（其中确认异常 %(c)d 个，空白跳过 %(s)d 个）")
                % {"n": result.recorded, "c": result.confirmed, "s": result.skipped},
            )
            return redirect(reverse("billing:meter_readings") + f"?month={data['month']:%Y-%m}")
    context = {"estate": estate, "form": form, "month": month, "refused": refused}
    return render_local(request, "billing/meters/import.html", context, estate)


# --- Disclosure (staff) ------------------------------------------------------------------------


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
    messages.error(request, _error_text(error))


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


# --- 公摊公示 for residents (FEE-08) -------------------------------------------------------------


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
    path("billing/meters/", meter_list, name="meters"),
    path("billing/meters/new/", meter_new, name="meter_new"),
    path("billing/meters/<int:pk>/", meter_edit, name="meter_edit"),
    path("billing/meters/readings/", meter_readings, name="meter_readings"),
    path(
        "billing/meters/readings/template/", meter_reading_template, name="meter_reading_template"
    ),
    path("billing/meters/readings/import/", meter_reading_import, name="meter_reading_import"),
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

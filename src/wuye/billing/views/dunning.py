"""欠费催缴 pages (issue 6 item 8): the estate's arrears by age with the debtor list and its
export, one room's collection page (overdue bills, dunning history, contacts, the form to record a
contact: FEE-09), the 《催缴通知书》 PDFs (FEE-10) and the lawyer's-letter list a manager decides
case by case (FEE-11). The caution about courteous collection (FEE-13) is on every one of them.

FEE-02: customer service chases payment, finance keeps the ledgers; both read these pages (with
executives and auditors). Thin: reads here, every write through ``services``
(``collection_contact_record``, ``lawyer_letter_decide``).
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import (
    QuerySet,
)
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from wuye.base.pages import paginate, render_list, wants_fragment
from wuye.billing import services
from wuye.billing.documents.exports import arrears_xlsx
from wuye.billing.models import (
    ZERO,
    Bill,
    BillingSettings,
    CollectionContact,
    ContactMethod,
    Dunning,
    DunningKind,
)
from wuye.billing.selectors.collections import (
    BUCKET_LABELS,
    BUCKETS,
    bucket_of,
    caution,
    debtor_rooms,
    decorate_debtors,
    dunning_state,
    may_chase,
    month_reminders,
    parse_month,
    today_in,
)
from wuye.billing.selectors.fees import OPEN, may_collect, tz_of
from wuye.billing.views.rooms import _require_reader, fees_page, room_for_fees
from wuye.core.choices import Relation, Role
from wuye.core.forms import add_service_errors
from wuye.core.models import Building, Estate, Occupancy, Room
from wuye.core.scoping import Actor, actor_for, get_or_404
from wuye.core.shortcuts import render_local, staff_required

LETTERS_PER_PAGE = 10
CONTACTS_SHOWN = 5  # per case on the lawyer's-letter list; the room's page has them all


def may_decide_letters(actor: Actor) -> bool:
    """Mirrors lawyer_letter_decide's check (FEE-11), only to show or hide the form."""
    return actor.is_superuser or actor.role in (Role.EXECUTIVE, Role.DEPARTMENT_HEAD)


# --- Selectors (reads) ---------------------------------------------------------------------------


# --- 欠费账龄 -------------------------------------------------------------------------------------


class ArrearsFilter(forms.Form):
    q = forms.CharField(label=gettext_lazy("查找"), required=False, max_length=40)
    bucket = forms.ChoiceField(
        label=gettext_lazy("账龄"), required=False,
        choices=[("", gettext_lazy("全部账龄"))] + [(k, label) for k, label, _l, _h in BUCKETS],
    )  # fmt: skip
    building = forms.ModelChoiceField(
        label=gettext_lazy("楼栋"), required=False, queryset=Building.objects.none(),
        empty_label=gettext_lazy("全部楼栋"),
    )  # fmt: skip

    def __init__(self, data, *, estate: Estate):
        super().__init__(data)
        self.fields["q"].widget.attrs.update(
            type="search", placeholder=_("房号如 1-2-301，或业主姓名"), autocomplete="off"
        )
        self.fields["building"].queryset = Building.objects.filter(estate=estate).order_by(
            "sort", "name"
        )

    def value(self, name: str):
        """The field's valid value; a wrong one (a stale link) is ignored, not an error page."""
        self.is_valid()
        return self.cleaned_data.get(name) or ("" if name != "building" else None)


def _debtors(request, estate: Estate, today: dt.date) -> tuple[ArrearsFilter, QuerySet[Room]]:
    form = ArrearsFilter(request.GET, estate=estate)
    rooms = debtor_rooms(
        estate, today, bucket=form.value("bucket"), building=form.value("building"),
        q=form.value("q").strip(),
    )  # fmt: skip
    return form, rooms


@fees_page
def arrears(request, estate: Estate):
    """欠费账龄: money overdue by age, and the debtors (FEE-09/10/11), with the caution (FEE-13)."""
    today = today_in(estate)
    form, rooms = _debtors(request, estate, today)
    page = paginate(request, rooms)
    decorate_debtors(page.object_list, today)
    aging = services.arrears_aging(estate=estate)
    debtors = dict.fromkeys(BUCKET_LABELS, 0)
    for amounts in aging["rooms"].values():
        # A room's 账龄 is that of its oldest overdue bill: the last bucket it owes money in.
        owing = [key for key in BUCKET_LABELS if amounts[key] > 0]
        if owing:
            debtors[owing[-1]] += 1
    query = request.GET.copy()
    query.pop("page", None)
    stats = []
    for key, label, _low, _high in BUCKETS:
        query["bucket"] = key
        stats.append({"key": key, "label": label, "amount": aging["totals"][key],
                      "rooms": debtors[key], "query": query.urlencode()})  # fmt: skip
    month = today.replace(day=1)
    context = {
        "estate": estate,
        "form": form,
        "page": page,
        "stats": stats,
        "total": sum(aging["totals"].values(), ZERO),
        "debtor_count": len(aging["rooms"]),
        "bucket": form.value("bucket"),
        "today": today,
        "month": month,
        "month_count": month_reminders(estate, month).count(),
        "caution": caution(),
        "actor": actor_for(request.user),
    }
    with timezone.override(tz_of(estate)):
        return render_list(
            request, "billing/dunning/arrears.html", "billing/dunning/partials/debtors.html",
            context,
        )  # fmt: skip


@require_GET
@fees_page
def arrears_export(request, estate: Estate):
    """Exactly the debtors the list shows with these filters, as .xlsx, with the amount in each
    age bucket (UX.md: export what is filtered)."""
    today = today_in(estate)
    _form, rooms = _debtors(request, estate, today)
    return arrears_xlsx(estate, rooms, actor_for(request.user), today)


# --- One room: overdue bills, dunning history, contacts and the contact form (FEE-09) ----------


class ContactForm(forms.Form):
    """登记催收 — one phone call, SMS or visit and its result (collection_contact_record)."""

    method = forms.ChoiceField(
        label=gettext_lazy("催收方式"), choices=ContactMethod.choices, widget=forms.RadioSelect,
        initial=ContactMethod.PHONE, error_messages={"required": gettext_lazy("请选择催收方式"),
                                                     "invalid_choice": gettext_lazy(
                                                         "请选择催收方式（电话、短信或上门）")},
    )  # fmt: skip
    result = forms.CharField(
        label=gettext_lazy("催收结果"), max_length=200,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": gettext_lazy(
            "如：业主出差，承诺下周缴纳；电话未接通")}),
        error_messages={"required": gettext_lazy("请填写催收结果"),
                        "max_length": gettext_lazy("不能超过 200 字")},
    )  # fmt: skip
    promised_on = forms.DateField(
        label=gettext_lazy("承诺缴费日期"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("业主答应哪天缴费，没有可不填"),
        error_messages={"invalid": gettext_lazy("请填写正确的日期，如 2026-12-05")},
    )  # fmt: skip


def _room_page(request, room: Room, form: ContactForm | None = None,
               revealed: dict[int, str] | None = None):  # fmt: skip
    estate = room.estate
    actor = actor_for(request.user)
    today = today_in(estate)
    bills = list(
        Bill.objects.filter(room=room, status__in=OPEN).select_related("item")
        .order_by("due_date", "id")
    )  # fmt: skip
    for bill in bills:
        bill.days = (today - bill.due_date).days
        bill.overdue = bill.days > 0
        bill.bucket_label = BUCKET_LABELS[bucket_of(bill.days)] if bill.overdue else ""
    overdue = [b for b in bills if b.overdue]
    dunnings = list(
        Dunning.objects.filter(room=room).select_related("decided_by__staff")
        .order_by("-created_at", "-id")
    )  # fmt: skip
    oldest = overdue[0].due_date if overdue else None
    days = overdue[0].days if overdue else 0
    owners = list(
        Occupancy.objects.filter(Occupancy.current_q(on=today), room=room,
                                 relation=Relation.OWNER).select_related("resident")
    )  # fmt: skip
    can_chase = may_chase(actor)
    if can_chase and form is None:
        form = ContactForm()
    for occupancy in owners:  # FEE-09: the number in full only once revealed (and recorded)
        resident = occupancy.resident
        occupancy.revealed = (revealed or {}).get(resident.pk, "")
    context = {
        "room": room,
        "estate": estate,
        "owners": owners,
        "can_collect": may_collect(actor),
        "actor": actor,
        "overdue": overdue,
        "upcoming": [b for b in bills if not b.overdue],
        "owed": sum((b.outstanding for b in overdue), ZERO),
        "oldest": oldest,
        "days": days,
        "state": dunning_state(dunnings, oldest, days) if overdue else None,
        "dunnings": dunnings,
        "contacts": list(
            CollectionContact.objects.filter(room=room)
            .select_related("by__staff")
            .order_by("-at", "-id")[:100]
        ),
        "form": form,
        "can_chase": can_chase,
        "caution": caution(),
    }
    return render_local(request, "billing/dunning/room.html", context, estate)


@staff_required
def collection_room(request, room_pk: int):
    """催收 of one room; customer service (and finance) record each contact here (FEE-09)."""
    room = room_for_fees(request, room_pk)
    if request.method != "POST":
        return _room_page(request, room)
    if not may_chase(actor_for(request.user)):
        raise PermissionDenied(_("只有客服、财务人员或管理层可以登记催收"))
    form = ContactForm(request.POST)
    if not form.is_valid():
        return _room_page(request, room, form)
    data = form.cleaned_data
    try:
        services.collection_contact_record(
            room=room, method=data["method"], result=data["result"], by=request.user,
            promised_on=data["promised_on"],
        )  # fmt: skip
    except ValidationError as error:
        add_service_errors(form, error)
        return _room_page(request, room, form)
    messages.success(request, _("已登记催收记录：%(room)s") % {"room": room.label})
    return redirect("billing:collection_room", room_pk=room.pk)


@require_POST
@staff_required
def owner_phone(request, room_pk: int, resident_pk: int):
    """拨打: reveal one owner's full number to a collector (recorded: who, when, whose), as a
    tel: link — the fragment for the page's button, or the page with the number shown."""
    room = room_for_fees(request, room_pk)
    try:
        mobile, _reveal = services.owner_phone_reveal(
            room=room, resident_id=resident_pk, by=request.user
        )
    except ValidationError as error:
        messages.error(request, "；".join(m for ms in error.message_dict.values() for m in ms))
        return redirect("billing:collection_room", room_pk=room.pk)
    if wants_fragment(request):
        return HttpResponse(format_html(
            '<a class="btn btn-small btn-primary mono" href="tel:{0}" data-tel>{1} {0}</a>',
            mobile, _("拨打"),
        ))  # fmt: skip
    return _room_page(request, room, revealed={resident_pk: mobile})


# --- 律师函 (FEE-11) -----------------------------------------------------------------------------


# --- 收费设置 (the lawyer's-letter list day and the law firm) -----------------------------------


class BillingSettingsForm(forms.Form):
    lawyer_list_day = forms.IntegerField(
        label=gettext_lazy("逾期第几天列入律师函名单"), min_value=30, max_value=59,
        help_text=gettext_lazy("律师函须在逾期60天内发出；提前列入名单，留出审批和寄送的时间"),
        error_messages={"required": gettext_lazy("请填写天数"),
                        "invalid": gettext_lazy("请填写 30～59 之间的整数"),
                        "min_value": gettext_lazy("请填写 30～59 之间的整数"),
                        "max_value": gettext_lazy("请填写 30～59 之间的整数")},
    )  # fmt: skip
    law_firm = forms.CharField(label=gettext_lazy("律师事务所"), max_length=100, required=False)
    law_firm_address = forms.CharField(label=gettext_lazy("律所地址"), max_length=200,
                                       required=False)  # fmt: skip
    lawyer = forms.CharField(label=gettext_lazy("承办律师"), max_length=40, required=False)
    lawyer_phone = forms.CharField(label=gettext_lazy("律师电话"), max_length=30, required=False)


@fees_page
def billing_settings(request, estate: Estate):
    """收费设置: finance edits; the other fee readers look (FEE-02/11)."""
    actor = actor_for(request.user)
    row = BillingSettings.for_estate(estate)
    can_edit = may_collect(actor)
    initial = {name: getattr(row, name) for name in services.BILLING_SETTINGS_FIELDS}
    form = BillingSettingsForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("收费设置由财务人员修改"))
        if form.is_valid():
            try:
                services.billing_settings_update(estate=estate, by=request.user,
                                                 **form.cleaned_data)  # fmt: skip
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("已保存收费设置"))
                return redirect("billing:settings")
        status = 400
    context = {"estate": estate, "form": form, "settings": row, "can_edit": can_edit}
    return render_local(request, "billing/settings.html", context, estate, status=status)


# --- 《催缴通知书》 PDFs (FEE-10) --------------------------------------------------------------


def _reminder_for(request, pk: int) -> Dunning:
    """A reminder of an estate this fees reader works in; anything else is a 404."""
    actor = _require_reader(request)
    qs = Dunning.objects.filter(kind=DunningKind.REMINDER).select_related("estate")
    if not actor.is_superuser:
        qs = qs.filter(estate_id__in=actor.estate_ids)
    return get_or_404(qs, pk)


@require_GET
@staff_required
def dunning_notice_pdf(request, pk: int):
    from wuye.base.pdf import CJKFontMissing, font_missing_response, pdf_response
    from wuye.billing.documents.dunning import notice_number, reminder_notices_pdf

    dunning = _reminder_for(request, pk)
    try:
        content = reminder_notices_pdf([dunning])
    except CJKFontMissing as error:
        return font_missing_response(error, _("无法生成催缴通知书"))
    filename = _("催缴通知书-%(number)s.pdf") % {"number": notice_number(dunning)}
    return pdf_response(content, filename)


@require_GET
@fees_page
def dunning_notices_pdf(request, estate: Estate):
    """All of a month's 《催缴通知书》 of the estate still owed on, one per page, to print and
    deliver (``?month=2026-11``, this month by default)."""
    from wuye.base.pdf import CJKFontMissing, font_missing_response, pdf_response
    from wuye.billing.documents.dunning import reminder_notices_pdf

    month = parse_month(request.GET.get("month"), today_in(estate))
    try:
        content = reminder_notices_pdf(list(month_reminders(estate, month)), skip_settled=True)
    except CJKFontMissing as error:
        return font_missing_response(error, _("无法生成催缴通知书"))
    if content is None:
        messages.warning(
            request,
            _("%(month)s 没有需要打印的催缴通知书") % {"month": f"{month:%Y-%m}"},
        )
        return redirect("billing:arrears")
    filename = _("催缴通知书-%(estate)s-%(month)s.pdf") % {"estate": estate.name,
                                                          "month": f"{month:%Y%m}"}  # fmt: skip
    return pdf_response(content, filename)


urlpatterns = [
    path("billing/arrears/", arrears, name="arrears"),
    path("billing/arrears/export/", arrears_export, name="arrears_export"),
    path("billing/arrears/rooms/<int:room_pk>/", collection_room, name="collection_room"),
    path(
        "billing/arrears/rooms/<int:room_pk>/owners/<int:resident_pk>/phone/",
        owner_phone,
        name="owner_phone",
    ),
    path("billing/arrears/notices.pdf", dunning_notices_pdf, name="dunning_notices_pdf"),
    path("billing/dunning/<int:pk>/notice.pdf", dunning_notice_pdf, name="dunning_notice_pdf"),
    path("billing/settings/", billing_settings, name="settings"),
]

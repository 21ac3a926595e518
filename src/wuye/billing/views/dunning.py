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
    Count,
    F,
    QuerySet,
    Sum,
    prefetch_related_objects,
)
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
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
    DunningStatus,
    LawyerLetterVia,
)
from wuye.billing.selectors.collections import (
    BUCKET_LABELS,
    BUCKETS,
    bucket_of,
    caution,
    debtor_owners,
    debtor_rooms,
    decorate_debtors,
    dunning_state,
    may_chase,
    month_reminders,
    overdue_q,
    parse_month,
    today_in,
)
from wuye.billing.selectors.fees import OPEN, exact_sum, may_collect, tz_of
from wuye.billing.views.rooms import _require_reader, fees_page, room_for_fees
from wuye.core.choices import Relation, Role
from wuye.core.exceptions import Conflict
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


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("审批意见"), max_length=200,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": gettext_lazy(
            "如：多次催收未果，同意发送；业主已承诺月底缴清，暂不发送")}),
        error_messages={"required": gettext_lazy("请填写审批意见"),
                        "max_length": gettext_lazy("不能超过 200 字")},
    )  # fmt: skip
    decision = forms.ChoiceField(
        choices=[("approve", gettext_lazy("同意发送")), ("reject", gettext_lazy("不发送"))],
        error_messages={"required": gettext_lazy("请选择同意发送或不发送"),
                        "invalid_choice": gettext_lazy("请选择同意发送或不发送")},
    )  # fmt: skip


def _decorate_letters(letters: list[Dunning], estate: Estate, today: dt.date) -> None:
    """Each pending case with its debt (the bills it lists, what is still owed on them and the
    room's overdue total now), its reminder, the owners and the latest contacts."""
    rooms = [d.room for d in letters]
    prefetch_related_objects(rooms, debtor_owners(today))
    wanted = [pk for d in letters for pk in d.bills]
    bills = {b.pk: b for b in Bill.objects.filter(pk__in=wanted).select_related("item")}
    owed_now = dict(
        Bill.objects.filter(room__in=rooms).filter(overdue_q(today, prefix=""))
        .values("room_id").annotate(s=Sum(F("amount") - F("paid_amount")))
        .values_list("room_id", "s")
    )  # fmt: skip
    reminders = {
        (d.room_id, d.oldest_due): d
        for d in Dunning.objects.filter(room__in=rooms, kind=DunningKind.REMINDER)
    }
    contacts: dict[int, list[CollectionContact]] = {}
    for contact in (
        CollectionContact.objects.filter(room__in=rooms).select_related("by__staff")
        .order_by("-at", "-id")
    ):  # fmt: skip
        contacts.setdefault(contact.room_id, []).append(contact)
    for letter in letters:
        letter.bill_rows = [bills[pk] for pk in letter.bills if pk in bills]
        for bill in letter.bill_rows:
            bill.days = (today - bill.due_date).days
        letter.owed_now = exact_sum(owed_now.get(letter.room_id))
        letter.days = (today - letter.oldest_due).days
        letter.reminder = reminders.get((letter.room_id, letter.oldest_due))
        letter.owner_names = "、".join(o.resident.name for o in letter.room.owners)
        letter.owner_mobile = letter.room.owners[0].resident.mobile if letter.room.owners else ""
        letter.contact_count = len(contacts.get(letter.room_id, []))
        letter.contacts = contacts.get(letter.room_id, [])[:CONTACTS_SHOWN]


CLOCK_LABELS = {
    "running": (gettext_lazy("期限内"), "badge-ok"),
    "at_risk": (gettext_lazy("即将到期"), "badge-warn"),
    "overdue": (gettext_lazy("已超期"), "badge-breach"),
    "met": (gettext_lazy("按期办结"), "badge-ok"),
    "late": (gettext_lazy("超期办结"), "badge-breach"),
}
LETTER_TABS = {
    "pending": (DunningStatus.PENDING_APPROVAL,),
    "approved": (DunningStatus.APPROVED,),
    "done": (DunningStatus.SENT, DunningStatus.REJECTED),
}


class SentForm(forms.Form):
    """登记发送 of an approved lawyer's letter (services.lawyer_letter_sent)."""

    via = forms.ChoiceField(
        label=gettext_lazy("发送方式"), choices=LawyerLetterVia.choices,
        error_messages={"required": gettext_lazy("请选择发送方式"),
                        "invalid_choice": gettext_lazy("请选择发送方式")},
    )  # fmt: skip
    sent_at = forms.DateTimeField(
        label=gettext_lazy("发送时间"), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"required": gettext_lazy("请填写发送时间"),
                        "invalid": gettext_lazy("请填写正确的时间")},
    )  # fmt: skip
    note = forms.CharField(
        label=gettext_lazy("备注"), required=False, max_length=200,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("如：EMS 单号 1234567890")}),
        error_messages={"max_length": gettext_lazy("不能超过 200 字")},
    )  # fmt: skip


def letter_clock(letter: Dunning, now: dt.datetime) -> None:
    """The case's day-60 deadline on screen: its time, its state and colour (FEE-11)."""
    letter.clock = services.lawyer_letter_clock(letter, now)
    letter.clock_label, letter.clock_tone = CLOCK_LABELS[letter.clock]
    letter.deadline = letter.due_at or services.lawyer_letter_due(letter.estate, letter.oldest_due)


def _letters(request, estate: Estate, forms_by_pk: dict[int, forms.Form] | None = None,
             status: int = 200):  # fmt: skip
    today = today_in(estate)
    now = timezone.now()
    actor = actor_for(request.user)
    tab = request.GET.get("status", "pending")
    tab = {"decided": "done"}.get(tab, tab)
    if tab not in LETTER_TABS:
        tab = "pending"
    letters = Dunning.objects.filter(estate=estate, kind=DunningKind.LAWYER_LETTER).select_related(
        "estate", "room__building", "room__unit", "decided_by__staff", "sent_by__staff"
    )
    by_status = dict(letters.order_by().values_list("status").annotate(n=Count("id")))
    counts = {key: sum(by_status.get(state, 0) for state in states)
              for key, states in LETTER_TABS.items()}  # fmt: skip
    letters = letters.filter(status__in=LETTER_TABS[tab])
    if tab == "done":
        letters = letters.order_by("-decided_at", "-id")
    else:  # the nearest deadline first
        letters = letters.order_by("oldest_due", "created_at", "id")
    page = paginate(request, letters, per_page=LETTERS_PER_PAGE)
    _decorate_letters(page.object_list, estate, today)
    can_decide = may_decide_letters(actor)
    can_send = services.may_chase(actor)
    forms_by_pk = forms_by_pk or {}
    local_now = timezone.localtime(now, tz_of(estate))
    for letter in page.object_list:
        letter_clock(letter, now)
        letter.form = letter.sent_form = None
        if letter.status == DunningStatus.PENDING_APPROVAL and can_decide:
            letter.form = forms_by_pk.get(letter.pk) or DecisionForm()
        elif letter.status == DunningStatus.APPROVED and can_send:
            letter.sent_form = forms_by_pk.get(letter.pk) or SentForm(
                initial={"sent_at": local_now}
            )
    firm = BillingSettings.for_estate(estate)
    context = {
        "estate": estate,
        "page": page,
        "tab": tab,
        "decided": tab == "done",
        "counts": counts,
        "pending_count": counts["pending"],
        "can_decide": can_decide and tab == "pending",
        "firm": firm,
        "list_day": firm.lawyer_list_day,
        "caution": caution(),
        "actor": actor,
    }
    return render_local(request, "billing/dunning/letters.html", context, estate, status=status)


@fees_page
def lawyer_letters(request, estate: Estate):
    """律师函: cases listed from the estate's list day (default day 45 overdue) waiting for a
    manager, those approved and waiting to go out, and those done, each with its deadline: the
    end of day 60 (FEE-11)."""
    return _letters(request, estate)


def _back_to_letters(request) -> str:
    return reverse("billing:lawyer_letters") + (
        f"?{request.GET.urlencode()}" if request.GET else ""
    )


@require_POST
@fees_page
def lawyer_letter_decide(request, estate: Estate, pk: int):
    """同意发送 / 不发送 one case: the service checks the manager and the state (FEE-11)."""
    letter = get_or_404(Dunning.objects.filter(estate=estate, kind=DunningKind.LAWYER_LETTER), pk)
    back = _back_to_letters(request)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        if not may_decide_letters(actor_for(request.user)):
            raise PermissionDenied(_("律师函须由部门负责人或企业高层审批"))
        return _letters(request, estate, {letter.pk: form})
    approve = form.cleaned_data["decision"] == "approve"
    try:
        services.lawyer_letter_decide(
            dunning=letter, approve=approve, note=form.cleaned_data["note"], by=request.user
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return _letters(request, estate, {letter.pk: form})
    except Conflict as error:
        messages.error(request, str(error.message if hasattr(error, "message") else error))
        return redirect(back)
    room = letter.room.label
    if approve:
        messages.success(request, _(
            "已同意发送律师函：%(room)s。请生成律师函并在期限内寄出后登记发送。"
        ) % {"room": room})  # fmt: skip
    else:
        messages.success(request, _("已决定不发送律师函：%(room)s") % {"room": room})
    return redirect(back)


@require_POST
@fees_page
def lawyer_letter_sent(request, estate: Estate, pk: int):
    """登记发送 of an approved letter: when, how, by whom (FEE-11)."""
    letter = get_or_404(Dunning.objects.filter(estate=estate, kind=DunningKind.LAWYER_LETTER), pk)
    if not services.may_chase(actor_for(request.user)):
        raise PermissionDenied(_("只有客服、财务人员或管理层可以登记律师函发送"))
    form = SentForm(request.POST)
    if not form.is_valid():
        return _letters(request, estate, {letter.pk: form}, status=400)
    data = form.cleaned_data
    try:
        services.lawyer_letter_sent(dunning=letter, via=data["via"], sent_at=data["sent_at"],
                                    note=data["note"], by=request.user)  # fmt: skip
    except ValidationError as error:
        add_service_errors(form, error)
        return _letters(request, estate, {letter.pk: form}, status=400)
    except Conflict as error:
        messages.error(request, str(error.message if hasattr(error, "message") else error))
        return redirect(_back_to_letters(request))
    messages.success(request, _("已登记律师函发送：%(room)s") % {"room": letter.room.label})
    return redirect(_back_to_letters(request))


@require_GET
@fees_page
def lawyer_letter_pdf(request, estate: Estate, pk: int):
    """《律师函》 of an approved case, from the template with the estate's law firm (FEE-11)."""
    from wuye.base.pdf import CJKFontMissing, font_missing_response, pdf_response
    from wuye.billing.documents.lawyer_letter import lawyer_letter_pdf as make_pdf
    from wuye.billing.documents.lawyer_letter import letter_number

    letter = get_or_404(Dunning.objects.filter(estate=estate, kind=DunningKind.LAWYER_LETTER), pk)
    try:
        content = make_pdf(letter)
    except ValidationError as error:
        messages.error(request, "；".join(m for ms in error.message_dict.values() for m in ms))
        return redirect(_back_to_letters(request))
    except CJKFontMissing as error:
        return font_missing_response(error, _("无法生成律师函"))
    return pdf_response(content, _("律师函-%(number)s.pdf") % {"number": letter_number(letter)})


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
    path("billing/lawyer-letters/", lawyer_letters, name="lawyer_letters"),
    path(
        "billing/lawyer-letters/<int:pk>/decide/", lawyer_letter_decide, name="lawyer_letter_decide"
    ),
    path("billing/lawyer-letters/<int:pk>/sent/", lawyer_letter_sent, name="lawyer_letter_sent"),
    path("billing/lawyer-letters/<int:pk>/letter.pdf", lawyer_letter_pdf, name="lawyer_letter_pdf"),
    path("billing/settings/", billing_settings, name="settings"),
]

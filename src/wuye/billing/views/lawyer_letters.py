"""The lawyer's-letter pages (律师函, FEE-11): the list by state, the decision per case, the letter
sent and its PDF."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import (
    Count,
    F,
    Sum,
    prefetch_related_objects,
)
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from wuye.base.pages import paginate
from wuye.billing import services
from wuye.billing.models import (
    Bill,
    BillingSettings,
    CollectionContact,
    Dunning,
    DunningKind,
    DunningStatus,
    LawyerLetterVia,
)
from wuye.billing.selectors.collections import (
    caution,
    debtor_owners,
    overdue_q,
    today_in,
)
from wuye.billing.selectors.fees import exact_sum, tz_of
from wuye.billing.views.dunning import CONTACTS_SHOWN, LETTERS_PER_PAGE, may_decide_letters
from wuye.billing.views.rooms import fees_page
from wuye.core.exceptions import Conflict
from wuye.core.forms import add_service_errors
from wuye.core.models import Estate
from wuye.core.scoping import actor_for, get_or_404
from wuye.core.shortcuts import render_local


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


urlpatterns = [
    path("billing/lawyer-letters/", lawyer_letters, name="lawyer_letters"),
    path(
        "billing/lawyer-letters/<int:pk>/decide/", lawyer_letter_decide, name="lawyer_letter_decide"
    ),
    path("billing/lawyer-letters/<int:pk>/sent/", lawyer_letter_sent, name="lawyer_letter_sent"),
    path("billing/lawyer-letters/<int:pk>/letter.pdf", lawyer_letter_pdf, name="lawyer_letter_pdf"),
]

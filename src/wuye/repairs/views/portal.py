"""Repairs pages: the resident portal (phone first) and the QR-code report (REPAIR-02).

A resident sees the orders of the rooms they live in and the ones they reported (the scoped
selectors decide); anything else is a 404. Every write goes through the services:
``repair_order_create`` (the channel is APP for a resident) and ``repair_order_act`` (confirm,
reject, rate, comment).

The QR code printed per public area and per building lobby carries a signed token (``pa<id>`` /
``bld<id>``), so the codes of other places cannot be guessed; it opens a short report form for
a logged-in resident or staff member of that estate, with the place filled in.
"""

from __future__ import annotations

import re
from functools import wraps

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.crypto import constant_time_compare
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from wuye.base.pages import paginate
from wuye.core.choices import PublicAreaKind
from wuye.core.exceptions import Conflict
from wuye.core.models import Building, Estate, PublicArea, Room
from wuye.core.scoping import Actor, actor_for, visible_estates, visible_rooms
from wuye.core.shortcuts import estate_page
from wuye.repairs.forms.portal import (
    MAX_PHOTOS,
    CommentForm,
    QrReportForm,
    RateForm,
    RejectForm,
    ReportForm,
    place_value,
)
from wuye.repairs.selectors.orders import (
    comments_visible,
    repair_order_get_for_user,
    repair_order_list,
)
from wuye.workflow.attachments import attachments_from_request
from wuye.workflow.engine import get_process
from wuye.workflow.models import Attachment
from wuye.workflow.selectors import case_timeline
from wuye.workflow.services import allowed_actions

from ..choices import Channel, Status, Urgency
from ..models import RepairOrder
from ..processes import REPAIR
from ..services import EMERGENCY_WORDS, repair_order_act, repair_order_create, suggest_urgency

PAGE_SIZE = 10

# The tabs of 我的报修.
TABS = {
    "": None,
    "todo": [Status.WAITING_ACCEPTANCE, Status.WAITING_REVISIT],
    "open": [Status.WAITING_DISPATCH, Status.WAITING_ACCEPT, Status.IN_PROGRESS],
    "done": [Status.DONE, Status.CLOSED, Status.CANCELLED],
}
# What a resident does next, by status (the card's button).
NEXT_STEP = {Status.WAITING_ACCEPTANCE: ("confirm", gettext_lazy("去验收")),
             Status.WAITING_REVISIT: ("rate", gettext_lazy("去评价"))}  # fmt: skip
STATUS_TONE = {
    Status.WAITING_ACCEPTANCE: "badge-warn",
    Status.WAITING_REVISIT: "badge-warn",
    Status.DONE: "badge-ok",
    Status.CLOSED: "badge-muted",
    Status.CANCELLED: "badge-muted",
}
PORTAL_ACTIONS = ("confirm", "reject", "rate", "comment")


def resident_required(view):
    """Login, then residents only: these pages show a resident's own orders; for anyone else
    they do not exist (404)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if actor_for(request.user).resident is None:
            raise Http404
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def _status(order: RepairOrder) -> tuple[str, str]:
    status = order.case.status
    return str(Status(status).label), STATUS_TONE.get(status, "rp-badge-active")


def _estate_phone(estates) -> str:
    return next((e.phone for e in estates if e.phone), "")


def _service_errors(form, error: ValidationError, rename: dict[str, str] | None = None) -> list:
    """A service's ValidationError onto the form, by field where the form has that field (after
    ``rename``); the photo errors are returned, shown by the photo field."""
    photo_errors: list[str] = []
    items = error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]
    for field, texts in items:
        field = (rename or {}).get(field, field)
        if field in ("photos", "attachments"):
            photo_errors.extend(texts)
            continue
        target = field if field in form.fields and field != NON_FIELD_ERRORS else None
        for text in texts:
            form.add_error(target, text)
    return photo_errors


def _report(request: HttpRequest, form, rename: dict[str, str]) -> tuple[RepairOrder | None, list]:
    """Intake of a resident's or a QR-code report (REPAIR-02): the form first, so no photo is
    stored for a form that is refused; then the photos, then ``repair_order_create`` (the APP
    channel). Returns the order, or None and the errors of the photo field."""
    if len(request.FILES.getlist("photos")) > MAX_PHOTOS:
        form.is_valid()  # the other fields' errors too
        return None, [_("最多上传 %(n)d 张照片") % {"n": MAX_PHOTOS}]
    if not form.is_valid():
        return None, []
    data = form.cleaned_data
    place = data["place"]
    try:
        photos = attachments_from_request(request)
        order = repair_order_create(
            estate=place.estate,
            room=place if isinstance(place, Room) else None,
            public_area=place if isinstance(place, PublicArea) else None,
            description=data["description"],
            category=data["category"],
            contact_name=data["contact_name"],
            contact_phone=data["contact_phone"],
            preferred_time=data.get("preferred_time", ""),
            channel=Channel.APP,
            attachments=photos,
            by=request.user,
        )
    except ValidationError as error:
        return None, _service_errors(form, error, rename)
    messages.success(
        request,
        _("报修已提交，单号 %(number)s。客服中心会尽快安排维修人员。")
        % {"number": order.case.number},
    )
    return order, []


def _form_context(form, photo_errors: list, estate_phone: str) -> dict:
    description = form["description"].value() or ""
    return {
        "form": form,
        "photo_errors": photo_errors,
        "max_photos": MAX_PHOTOS,
        "emergency_words": list(EMERGENCY_WORDS),
        "emergency": suggest_urgency(description) == Urgency.EMERGENCY,
        "estate_phone": estate_phone,
    }


# --- 我的报修 -----------------------------------------------------------------------------------


@resident_required
def my_list(request):
    actor = actor_for(request.user)
    tab = request.GET.get("show", "")
    tab = tab if tab in TABS else ""
    orders = repair_order_list(actor=actor, status=TABS[tab] or "")
    page = paginate(request, orders, PAGE_SIZE)
    for order in page:
        order.status_label, order.status_tone = _status(order)
        order.next_step = NEXT_STEP.get(order.case.status)
    todo = repair_order_list(actor=actor, status=TABS["todo"]).count()
    return render(
        request,
        "repairs/portal/my_list.html",
        {"page": page, "tab": tab, "todo": todo, "urgent": Urgency.EMERGENCY},
    )


# --- 我要报修 -----------------------------------------------------------------------------------


def _report_places(actor: Actor) -> tuple[list, list]:
    rooms = list(visible_rooms(actor).select_related("estate", "building", "unit"))
    areas = list(
        PublicArea.objects.filter(estate__in=visible_estates(actor))
        .select_related("estate")
        .order_by("estate_id", "kind", "name")
    )
    return rooms, areas


@resident_required
def my_new(request):
    actor = actor_for(request.user)
    rooms, areas = _report_places(actor)
    photo_errors: list = []
    if request.method == "POST":
        form = ReportForm(request.POST, rooms=rooms, public_areas=areas)
        order, photo_errors = _report(request, form, {"room": "place", "public_area": "place"})
        if order is not None:
            return redirect("repairs:my_detail", pk=order.pk)
    else:
        resident = actor.resident
        place = request.GET.get("place") or (place_value(rooms[0]) if len(rooms) == 1 else "")
        form = ReportForm(
            rooms=rooms,
            public_areas=areas,
            initial={"place": place, "contact_name": resident.name,
                     "contact_phone": resident.mobile},
        )  # fmt: skip
    context = _form_context(form, photo_errors, _estate_phone(visible_estates(actor)))
    context["has_places"] = bool(rooms or areas)
    return render(request, "repairs/portal/my_new.html", context)


# --- 报修详情 -----------------------------------------------------------------------------------


def _progress(order: RepairOrder) -> list[dict]:
    """The steps as a resident reads them (REPAIR-03): done, the current one, or still ahead."""
    status = order.case.status
    steps = [
        (_("报修"), True),
        (_("派单"), order.dispatched_at is not None),
        (_("维修"), order.completed_at is not None),
        (_("验收"), order.accepted_at is not None or status in (Status.DONE, Status.CLOSED)),
        (_("评价"), order.revisited_at is not None or status == Status.DONE),
    ]
    current = next((i for i, (_label, done) in enumerate(steps) if not done), len(steps))
    return [
        {"label": label, "done": done, "current": i == current}
        for i, (label, done) in enumerate(steps)
    ]


def _promise(order: RepairOrder) -> str:
    """What the resident may expect while the repair is open (REPAIR-05/06)."""
    if order.completed_at is not None or order.case.status not in (
        Status.WAITING_DISPATCH, Status.WAITING_ACCEPT, Status.IN_PROGRESS
    ):  # fmt: skip
        return ""
    if order.urgency == Urgency.EMERGENCY:
        return _("紧急报修：维修人员30分钟内到达现场。")
    return _("一般报修：24小时内处理。")


def _who(event, actor: Actor) -> str:
    user = event.actor
    if user is None:
        return _("系统")
    if user.pk == actor.user.pk:
        return _("我")
    staff = getattr(user, "staff", None)
    if staff is not None:
        return staff.name
    resident = getattr(user, "resident", None)
    return resident.name if resident is not None else user.get_username()


def _timeline(order: RepairOrder, actor: Actor) -> list:
    """The events a resident may read (no internal comments), newest first, with photos."""
    process = get_process(REPAIR.code)
    events = case_timeline(case=order.case).select_related(
        "actor__staff", "actor__resident"
    ).prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.order_by("uploaded_at", "id"))
    )  # fmt: skip
    events = comments_visible(events, actor=actor)
    for e in events:
        e.label = process.event_label(e) if e.action != "created" else _("提交报修")
        e.to_label = process.state_label(e.to_status) if e.to_status else ""
        e.who = _who(e, actor)
    return list(reversed(events))


def _technician(order: RepairOrder) -> str:
    case = order.case
    if case.assignee_id is None or case.status in (Status.WAITING_DISPATCH, Status.CANCELLED):
        return ""
    staff = getattr(case.assignee, "staff", None)
    return staff.name if staff is not None else case.assignee.get_username()


def _pdf_url(order: RepairOrder) -> str:
    if order.accepted_at is None:
        return ""
    try:
        return reverse("repairs:acceptance_pdf", args=[order.pk])
    except NoReverseMatch:  # the PDF page is not installed
        return ""


def _detail(request, order: RepairOrder, *, forms: dict | None = None):
    actor = actor_for(request.user)
    allowed = {a.name for a in allowed_actions(case=order.case, user=request.user)}
    forms = forms or {}
    status_label, status_tone = _status(order)
    context = {
        "order": order,
        "case": order.case,
        "status_label": status_label,
        "status_tone": status_tone,
        "progress": _progress(order),
        "promise": _promise(order),
        "events": _timeline(order, actor),
        "technician": _technician(order),
        "charges": list(order.charges.all()) if order.completed_at else [],
        "materials": list(order.materials.all()) if order.completed_at else [],
        "can": {name: name in allowed for name in PORTAL_ACTIONS},
        "reject_form": forms.get("reject") or RejectForm(),
        "rate_form": forms.get("rate") or RateForm(),
        "comment_form": forms.get("comment") or CommentForm(),
        "open_form": next(iter(forms), ""),
        "pdf_url": _pdf_url(order),
        "estate_phone": order.estate.phone,
        "urgent": Urgency.EMERGENCY,
    }
    return render(request, "repairs/portal/my_detail.html", context)


def _order_for_portal(request, pk: int) -> RepairOrder:
    order = repair_order_get_for_user(request.user, pk)
    return RepairOrder.objects.select_related(
        "case__assignee__staff", "estate", "room__building", "room__unit", "public_area"
    ).get(pk=order.pk)


@resident_required
def my_detail(request, pk: int):
    return _detail(request, _order_for_portal(request, pk))


SUCCESS = {
    "confirm": gettext_lazy("已确认验收，感谢您的配合。欢迎对本次维修进行评价。"),
    "reject": gettext_lazy("已提交验收不通过，维修人员会再次处理。"),
    "rate": gettext_lazy("感谢您的评价！"),
    "comment": gettext_lazy("留言已发送"),
}
ACTION_FORMS = {"reject": RejectForm, "rate": RateForm, "comment": CommentForm}


@require_POST
@resident_required
def my_act(request, pk: int, action: str):
    """确认验收 / 验收不通过 / 评价 / 留言 — through ``repair_order_act``; bad input back on the
    page next to its field, a changed amount or state as a message over the fresh order."""
    if action not in PORTAL_ACTIONS:
        raise Http404
    order = _order_for_portal(request, pk)
    form = ACTION_FORMS[action](request.POST) if action in ACTION_FORMS else None
    if form is not None and not form.is_valid():
        return _detail(request, order, forms={action: form})
    data: dict = {}
    note = ""
    if action == "confirm":
        # REPAIR-11: the amount the resident was shown; the service refuses a changed one.
        data = {"amount": request.POST.get("amount", "")}
    elif action == "rate":
        data = dict(form.cleaned_data)
    else:
        note = form.cleaned_data["note"]
    try:
        repair_order_act(order=order, action=action, by=request.user, note=note, data=data)
    except ValidationError as error:
        if form is None:  # confirm has no fields of its own
            for text in error.messages:
                messages.error(request, text)
            return redirect("repairs:my_detail", pk=order.pk)
        _service_errors(form, error)
        return _detail(request, order, forms={action: form})
    except (Conflict, PermissionDenied) as error:
        # A changed amount (REPAIR-11) or state: the message over the order as it is now.
        messages.error(request, getattr(error, "message", None) or str(error))
        return redirect("repairs:my_detail", pk=order.pk)
    messages.success(request, SUCCESS[action])
    return redirect("repairs:my_detail", pk=order.pk)


# --- QR codes (REPAIR-02) ----------------------------------------------------------------------

QR_SALT = "wuye.repairs.qr"
# 16 characters of the HMAC (96 bits): a code that still scans when printed small, and a token
# nobody can guess for another place.
QR_SIGNATURE_CHARS = 16
_QR_TOKEN = re.compile(rf"^(pa|bld)(\d{{1,12}})\.([A-Za-z0-9_-]{{{QR_SIGNATURE_CHARS}}})$")


def _qr_signature(value: str, key) -> str:
    return signing.Signer(key=key, salt=QR_SALT).signature(value)[:QR_SIGNATURE_CHARS]


def qr_token(place: PublicArea | Building) -> str:
    """The signed token of a public area or a building: ``pa12.<signature>``."""
    value = f"{'pa' if isinstance(place, PublicArea) else 'bld'}{place.pk}"
    return f"{value}.{_qr_signature(value, settings.SECRET_KEY)}"


def qr_place(token: str) -> PublicArea | Building:
    """The place a token names; a tampered or foreign token, or a deleted place, is a 404.
    Codes printed before a secret-key rotation keep working through the fallback keys."""
    match = _QR_TOKEN.match(token)
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    if match is None or not any(
        constant_time_compare(match[3], _qr_signature(f"{match[1]}{match[2]}", key)) for key in keys
    ):
        raise Http404
    model = PublicArea if match[1] == "pa" else Building
    place = model.objects.select_related("estate").filter(pk=int(match[2])).first()
    if place is None:
        raise Http404
    return place


def _may_report_in(actor: Actor, estate: Estate) -> bool:
    """Residents and staff of the estate (contractors report through the desk)."""
    if actor.is_superuser:
        return True
    if actor.resident is None and actor.staff is None:
        return False
    return estate.pk in actor.estate_ids


def _lobby(building: Building) -> PublicArea | None:
    return building.public_areas.filter(kind=PublicAreaKind.LOBBY).order_by("name", "pk").first()


def _contact(actor: Actor) -> dict:
    person = actor.resident or actor.staff
    if person is None:
        return {}
    return {"contact_name": person.name, "contact_phone": person.mobile}


@login_required
def qr_report(request, token: str):
    """The short report form behind a printed QR code."""
    place = qr_place(token)
    actor = actor_for(request.user)
    estate = place.estate
    if not _may_report_in(actor, estate):
        raise Http404
    building = place if isinstance(place, Building) else place.building
    area = place if isinstance(place, PublicArea) else _lobby(place)
    choices = building.public_areas.order_by("kind", "name") if area is None else None
    no_place = area is None and not choices.exists()
    photo_errors: list = []
    if request.method == "POST" and not no_place:
        form = QrReportForm(request.POST, area=area, choices=choices)
        order, photo_errors = _report(request, form, {"room": "public_area"})
        if order is not None and actor.resident is not None:
            return redirect("repairs:my_detail", pk=order.pk)
        if order is not None:  # staff: the next report from the same place
            return redirect("repairs:qr_report", token=token)
    else:
        form = QrReportForm(area=area, choices=choices, initial=_contact(actor))
    context = _form_context(form, photo_errors, estate.phone)
    context.update(estate=estate, building=building, area=area, no_place=no_place)
    return render(request, "repairs/portal/qr_report.html", context)


def qr_svg(url: str) -> str:
    """The QR code of a URL as inline SVG (sized by CSS)."""
    return mark_safe(
        segno.make(url, error="m", micro=False).svg_inline(scale=1, border=2, omitsize=True)
    )


@estate_page
def qr_sheet(request, estate: Estate):
    """The printable sheet of the estate's report QR codes: one card per building (its lobby)
    and per public area, A4 in print."""

    def card(place, title: str, sub: str) -> dict:
        url = request.build_absolute_uri(reverse("repairs:qr_report", args=[qr_token(place)]))
        return {"title": title, "sub": sub, "url": url, "svg": qr_svg(url)}

    areas = list(estate.public_areas.select_related("building").order_by("kind", "name", "pk"))
    lobbies: dict[int, PublicArea] = {}
    for area in sorted(areas, key=lambda a: (a.name, a.pk)):  # the one ``_lobby`` picks
        if area.kind == PublicAreaKind.LOBBY and area.building_id:
            lobbies.setdefault(area.building_id, area)
    buildings = [
        card(b, lobbies[b.pk].name, _("楼栋大堂")) if b.pk in lobbies
        else card(b, _("%(building)s 大堂") % {"building": b.name},
                  _("本楼栋未登记大堂，扫码后可选具体位置"))
        for b in estate.buildings.order_by("sort", "name")
    ]  # fmt: skip
    # A building's lobby is printed once, as the building's card.
    printed = set(lobbies.values())
    places = [
        card(a, a.name, " · ".join(filter(None, [a.building.name if a.building else "",
                                                 a.get_kind_display()])))
        for a in areas
        if a not in printed
    ]  # fmt: skip
    return render(
        request,
        "repairs/portal/qr_sheet.html",
        {"estate": estate, "buildings": buildings, "places": places},
    )


urlpatterns = [
    path("my/repairs/", my_list, name="my_list"),
    path("my/repairs/new/", my_new, name="my_new"),
    path("my/repairs/<int:pk>/", my_detail, name="my_detail"),
    path("my/repairs/<int:pk>/<slug:action>/", my_act, name="my_act"),
    path("r/<str:token>/", qr_report, name="qr_report"),
    path("repairs/qr/", qr_sheet, name="qr_sheet"),
]

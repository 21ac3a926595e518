"""Complaint pages of the resident portal (phone first): 我的投诉, 我要投诉 and a complaint's
progress as the resident reads it.

A resident sees the complaints they made (``complaint_list`` scoped to the actor); anything
else, and these pages for anyone who is not a resident, is a 404. Every write goes through the
services: ``complaint_create`` (the service sets the APP channel for a resident) and
``complaint_act`` (rate, reopen, comment). What the resident reads is kept to what concerns
them: the department handling it (no staff names), the promised date of the running clock
(COMPLAINT-09/10), the reply (COMPLAINT-12), and a timeline without internal comments or the
desk's internal steps.
"""

from __future__ import annotations

import datetime as dt
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from wuye.base.pages import paginate
from wuye.complaints.forms.portal import (
    MAX_PHOTOS,
    CommentForm,
    ComplaintForm,
    RateForm,
    ReopenForm,
)
from wuye.complaints.selectors.complaints import complaint_list, timeline_for
from wuye.complaints.services.complaints import complaint_act, complaint_create
from wuye.core.choices import DepartmentKind
from wuye.core.exceptions import Conflict
from wuye.core.models import Department
from wuye.core.scoping import Actor, actor_for, get_or_404, visible_rooms
from wuye.workflow.attachments import attachments_from_request
from wuye.workflow.models import SlaClock
from wuye.workflow.services import allowed_actions

from ..choices import Channel, ReplyChannel, Status
from ..models import CONTENT_MAX, Complaint, ComplaintSettings

PAGE_SIZE = 10
HANDLE_CLOCKS = ("handle_general", "handle_urgent")  # COMPLAINT-09 / COMPLAINT-10

# The tabs of 我的投诉.
TABS = {
    "": None,
    "todo": [Status.REPLIED],
    "open": [Status.WAITING_ASSIGN, Status.HANDLING, Status.WAITING_APPROVAL,
             Status.WAITING_REPLY],
    "done": [Status.ARCHIVED, Status.CANCELLED],
}  # fmt: skip
# The status as a resident reads it: an executive's approval is part of the handling to them.
RESIDENT_STATUS = {
    Status.WAITING_ASSIGN: (gettext_lazy("已受理"), "badge-warn"),
    Status.HANDLING: (gettext_lazy("处理中"), "rp-badge-active"),
    Status.WAITING_APPROVAL: (gettext_lazy("处理中"), "rp-badge-active"),
    Status.WAITING_REPLY: (gettext_lazy("待回复"), "rp-badge-active"),
    Status.REPLIED: (gettext_lazy("已回复"), "badge-warn"),
    Status.ARCHIVED: (gettext_lazy("已完结"), "badge-ok"),
    Status.CANCELLED: (gettext_lazy("已撤销"), "badge-muted"),
}
# Where the step bar stands (受理 → 分派 → 处理 → 回复 → 评价): the index of the current step.
STEP_OF_STATUS = {
    Status.WAITING_ASSIGN: 1,
    Status.HANDLING: 2,
    Status.WAITING_APPROVAL: 2,
    Status.WAITING_REPLY: 3,
    Status.REPLIED: 4,
    Status.ARCHIVED: 5,
}
# The timeline as a resident reads it. The desk's own steps (reclassification, marking a major
# complaint, the executive's approval or sending back, links to repair orders) are internal
# management: the resident sees their effect in the status, not the notes written about them.
INTERNAL_ACTIONS = frozenset({"reclassify", "mark_major", "escalate_major", "submit_approval",
                              "approve", "send_back", "link_repair"})  # fmt: skip
TIMELINE_LABELS = {
    "created": gettext_lazy("提交投诉"),
    "assign": gettext_lazy("已分派处理部门"),
    "reassign": gettext_lazy("转交其他部门处理"),
    "progress": gettext_lazy("处理进展"),
    "resolve": gettext_lazy("处理完成"),
    "reply": gettext_lazy("回复处理结果"),
    "rate": gettext_lazy("评价"),
    "archive": gettext_lazy("投诉完结"),
    "reopen": gettext_lazy("不满意，要求重新处理"),
    "cancel": gettext_lazy("投诉撤销"),
    "comment": gettext_lazy("补充说明"),
}
# Notes the resident reads; others (a reassignment's reason, a resolution's internal wording)
# stay with the staff — the reply is what the complaint's outcome says to the resident.
SHOWN_NOTES = frozenset({"created", "progress", "rate", "reopen", "cancel", "comment"})
PORTAL_ACTIONS = ("rate", "reopen", "comment")
ACTION_FORMS = {"rate": RateForm, "reopen": ReopenForm, "comment": CommentForm}


def resident_required(view):
    """Login, then residents only: these pages show a resident's own complaints; for anyone
    else they do not exist (404)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if actor_for(request.user).resident is None:
            raise Http404
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def _status(complaint: Complaint) -> tuple[str, str]:
    label, tone = RESIDENT_STATUS.get(complaint.case.status, ("", "badge-muted"))
    return str(label), tone


def _handle_clock(clocks) -> SlaClock | None:
    """The handling deadline still counting (COMPLAINT-09/10), running or already breached."""
    return next(
        (c for c in clocks if c.key in HANDLE_CLOCKS and c.stopped_at is None
         and c.state in ("running", "breached")),
        None,
    )  # fmt: skip


def _service_errors(form, error: ValidationError) -> list[str]:
    """A service's ValidationError onto the form, by field where the form has it; the photo
    errors are returned, shown by the photo field."""
    photo_errors: list[str] = []
    items = error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]
    for field, texts in items:
        if field in ("photos", "attachments"):
            photo_errors.extend(texts)
            continue
        target = field if field in form.fields and field != NON_FIELD_ERRORS else None
        for text in texts:
            form.add_error(target, text)
    return photo_errors


# --- 我的投诉 -----------------------------------------------------------------------------------


@resident_required
def my_list(request):
    actor = actor_for(request.user)
    tab = request.GET.get("show", "")
    tab = tab if tab in TABS else ""
    complaints = complaint_list(actor=actor, status=TABS[tab] or "").prefetch_related(
        Prefetch(
            "case__clocks",
            queryset=SlaClock.objects.filter(key__in=HANDLE_CLOCKS, stopped_at__isnull=True),
            to_attr="handle_clocks",
        )
    )
    page = paginate(request, complaints, PAGE_SIZE)
    for complaint in page:
        complaint.status_label, complaint.status_tone = _status(complaint)
        complaint.due = _handle_clock(complaint.case.handle_clocks)
    todo = complaint_list(actor=actor, status=TABS["todo"]).count()
    return render(
        request,
        "complaints/portal/my_list.html",
        {"page": page, "tab": tab, "todo": todo, "replied": Status.REPLIED},
    )


# --- 我要投诉 -----------------------------------------------------------------------------------


def _create(request: HttpRequest, form: ComplaintForm) -> tuple[Complaint | None, list]:
    """The form first, so no photo is stored for a refused form; then the photos, then
    ``complaint_create``. Returns the complaint, or None and the photo field's errors."""
    if len(request.FILES.getlist("photos")) > MAX_PHOTOS:
        form.is_valid()  # the other fields' errors too
        return None, [_("最多上传 %(n)d 张照片") % {"n": MAX_PHOTOS}]
    if not form.is_valid():
        return None, []
    data = form.cleaned_data
    try:
        photos = attachments_from_request(request)
        complaint = complaint_create(
            estate=data["estate"],
            room=data["room"],
            type=data["type"],
            type_other=data["type_other"],
            content=data["content"],
            contact_name=data["contact_name"],
            contact_phone=data["contact_phone"],
            channel=Channel.APP,  # the service sets it for a resident anyway
            attachments=photos,
            by=request.user,
        )
    except ValidationError as error:
        return None, _service_errors(form, error)
    messages.success(
        request,
        _("投诉已提交，编号 %(number)s。我们会认真倾听并尽力解决，处理进度可在此查看。")
        % {"number": complaint.case.number},
    )
    return complaint, []


@resident_required
def my_new(request):
    actor = actor_for(request.user)
    rooms = list(visible_rooms(actor).select_related("estate", "building", "unit"))
    photo_errors: list = []
    if request.method == "POST" and rooms:
        form = ComplaintForm(request.POST, rooms=rooms)
        complaint, photo_errors = _create(request, form)
        if complaint is not None:
            return redirect("complaints:my_detail", pk=complaint.pk)
    else:
        resident = actor.resident
        room = request.GET.get("room", "")
        if not room.isdigit() and len(rooms) == 1:
            room = str(rooms[0].pk)
        form = ComplaintForm(
            rooms=rooms,
            initial={"room": room, "contact_name": resident.name,
                     "contact_phone": resident.mobile},
        )  # fmt: skip
    estates = list({r.estate_id: r.estate for r in rooms}.values())
    return render(
        request,
        "complaints/portal/my_new.html",
        {
            "form": form,
            "has_rooms": bool(rooms),
            "photo_errors": photo_errors,
            "max_photos": MAX_PHOTOS,
            "content_max": CONTENT_MAX,
            # Each estate's service phone: a resident with rooms in two estates sees both.
            "estate_phones": [(e.name, e.phone) for e in estates if e.phone],
            "many_estates": len(estates) > 1,
        },
    )


# --- 投诉详情 -----------------------------------------------------------------------------------


def _steps(complaint: Complaint) -> list[dict]:
    """受理 → 分派 → 处理 → 回复 → 评价 (COMPLAINT-04 as the resident lives it)."""
    current = STEP_OF_STATUS.get(complaint.case.status, 0)
    labels = [_("受理"), _("分派"), _("处理"), _("回复"), _("评价")]
    return [
        {"label": label, "done": i < current, "current": i == current}
        for i, label in enumerate(labels)
    ]


def _departments(events) -> dict[int, str]:
    """The department of each staff member who acted, in one query (the resident reads
    "客户服务中心", never a name)."""
    ids = {e.actor.staff.department_id for e in events if _staff_of(e) is not None}
    kinds = dict(Department.objects.filter(pk__in=ids).values_list("pk", "kind"))
    return {
        pk: str(_("物业公司")) if kind == DepartmentKind.EXECUTIVE else DepartmentKind(kind).label
        for pk, kind in kinds.items()
    }


def _staff_of(event):
    return getattr(event.actor, "staff", None) if event.actor_id else None


def _timeline(complaint: Complaint, actor: Actor) -> list:
    """The events a resident may read, newest first, with the photos."""
    events = [e for e in timeline_for(complaint, actor) if e.action not in INTERNAL_ACTIONS]
    departments = _departments(events)
    for e in events:
        e.label = TIMELINE_LABELS.get(e.action, e.action)
        e.shown_note = e.note if e.action in SHOWN_NOTES else ""
        if e.action in ("assign", "reassign") and e.data.get("department") in DepartmentKind:
            e.detail = _("由%(dept)s处理") % {"dept": DepartmentKind(e.data["department"]).label}
        staff = _staff_of(e)
        if e.actor_id is None:
            e.who = _("系统")
        elif e.actor_id == actor.user.pk:
            e.who = _("我")
        elif staff is not None:
            e.who = departments.get(staff.department_id, _("物业"))
        else:
            e.who = _("业主")
    return list(reversed(events))


def _reopen_window(complaint: Complaint) -> dict:
    """COMPLAINT reopen: within the estate's days after the reply, once."""
    if complaint.replied_at is None or complaint.case.status not in (
        Status.REPLIED, Status.ARCHIVED
    ):  # fmt: skip
        return {}
    days = ComplaintSettings.for_estate(complaint.estate).reopen_days
    until = complaint.replied_at + dt.timedelta(days=days)
    again = complaint.reopenings.select_related("case").order_by("-pk").first()
    return {"days": days, "until": until, "open": timezone.now() <= until, "again": again}


def _detail(
    request, complaint: Complaint, *, forms: dict | None = None, photo_errors: list | None = None
):
    actor = actor_for(request.user)
    allowed = {a.name for a in allowed_actions(case=complaint.case, user=request.user)}
    forms = forms or {}
    status_label, status_tone = _status(complaint)
    clocks = list(complaint.case.clocks.all())
    reopen = _reopen_window(complaint)
    reply_clock = next(
        (c for c in clocks if c.key == "reply" and c.stopped_at is None and c.state != "cancelled"),
        None,
    )
    can = {name: name in allowed for name in PORTAL_ACTIONS}
    can["reopen"] = bool(can["reopen"] and reopen.get("open") and reopen.get("again") is None)
    context = {
        "complaint": complaint,
        "case": complaint.case,
        "status_label": status_label,
        "status_tone": status_tone,
        "steps": _steps(complaint),
        "handle_clock": _handle_clock(clocks),
        "reply_clock": reply_clock,
        "department": complaint.get_department_display() if complaint.department else "",
        "handling": complaint.case.status in (Status.HANDLING, Status.WAITING_APPROVAL),
        "reply_channel": ReplyChannel(complaint.reply_channel).label
        if complaint.reply_channel
        else "",
        "events": _timeline(complaint, actor),
        "reopen": reopen,
        "can": can,
        "rate_form": forms.get("rate") or RateForm(),
        "reopen_form": forms.get("reopen") or ReopenForm(),
        "comment_form": forms.get("comment") or CommentForm(),
        "open_form": next(iter(forms), ""),
        "photo_errors": photo_errors or [],
        "max_photos": MAX_PHOTOS,
        "estate_phone": complaint.estate.phone,
    }
    return render(request, "complaints/portal/my_detail.html", context)


def _complaint_for_portal(request, pk: int) -> Complaint:
    qs = complaint_list(actor=actor_for(request.user)).select_related(
        "case__estate", "reopened_from__case"
    )
    return get_or_404(qs.prefetch_related("case__clocks"), pk)


@resident_required
def my_detail(request, pk: int):
    return _detail(request, _complaint_for_portal(request, pk))


SUCCESS = {
    "rate": gettext_lazy("感谢您的评价！我们会继续改进服务。"),
    "comment": gettext_lazy("补充说明已发送给处理人员"),
}


@require_POST
@resident_required
def my_act(request, pk: int, action: str):
    """评价 / 不满意，要求重新处理 / 补充说明 — through ``complaint_act``; bad input back on the
    page next to its field, a changed state or an expired window as a message."""
    if action not in PORTAL_ACTIONS:
        raise Http404
    complaint = _complaint_for_portal(request, pk)
    form = ACTION_FORMS[action](request.POST)
    if not form.is_valid():
        return _detail(request, complaint, forms={action: form})
    data: dict = {}
    note = ""
    photos: list = []
    if action == "rate":
        data = dict(form.cleaned_data)
    else:
        note = form.cleaned_data["note"]
    if action == "comment":
        data = {"internal": False}
    try:
        if action == "comment" and request.FILES.getlist("photos"):
            if len(request.FILES.getlist("photos")) > MAX_PHOTOS:
                raise ValidationError({"photos": [_("最多上传 %(n)d 张照片") % {"n": MAX_PHOTOS}]})
            photos = attachments_from_request(request, case=complaint.case)
        complaint_act(complaint=complaint, action=action, by=request.user, note=note, data=data,
                      attachments=photos or None)  # fmt: skip
    except ValidationError as error:
        photo_errors = _service_errors(form, error)
        return _detail(request, complaint, forms={action: form}, photo_errors=photo_errors)
    except (Conflict, PermissionDenied) as error:
        # The state moved on, or the reopen window closed: the message over the page as it is.
        messages.error(request, getattr(error, "message", None) or str(error))
        return redirect("complaints:my_detail", pk=complaint.pk)
    if action == "reopen":
        again = complaint.reopenings.select_related("case").order_by("-pk").first()
        messages.success(
            request,
            _("已为您重新提交处理，新的投诉编号 %(number)s。我们会尽力解决，进度可在此查看。")
            % {"number": again.case.number},
        )
        return redirect("complaints:my_detail", pk=again.pk)
    messages.success(request, SUCCESS[action])
    return redirect("complaints:my_detail", pk=complaint.pk)


urlpatterns = [
    path("my/complaints/", my_list, name="my_list"),
    path("my/complaints/new/", my_new, name="my_new"),
    path("my/complaints/<int:pk>/", my_detail, name="my_detail"),
    path("my/complaints/<int:pk>/<slug:action>/", my_act, name="my_act"),
]

"""Complaint pages of the desk (客服中心) and the departments: the complaint list with its export,
intake by phone, at the counter or by email, the complaint's page with the steps this user may
take, and the daily ledger 《投诉处理台账》 (COMPLAINT-11) with its export.

Thin: reads through selectors, every write through ``services``; a service's ValidationError
goes next to the form field, a Conflict or PermissionDenied becomes a message with its reason.
"""

from __future__ import annotations

import datetime as dt
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import Resolver404, path, resolve, reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_GET, require_POST

from wuye.base.pages import paginate
from wuye.complaints.documents.exports import (
    EXPORT_LIMIT,
    complaints_xlsx_response,
    ledger_xlsx_response,
)
from wuye.complaints.forms.desk import (
    ActionForm,
    ComplaintIntakeForm,
    action_form,
    suggested_department,
)
from wuye.complaints.selectors import complaints as selectors
from wuye.complaints.services import complaints as services
from wuye.core.choices import DepartmentKind, Role
from wuye.core.exceptions import Conflict
from wuye.core.forms import add_service_errors
from wuye.core.models import Estate
from wuye.core.scoping import Actor, actor_for
from wuye.core.selectors import find_rooms, room_owner
from wuye.core.shortcuts import estate_page, staff_required
from wuye.core.shortcuts import estate_tz as tz_of
from wuye.core.shortcuts import render_local as render_in
from wuye.core.templatetags.wuye import due_in
from wuye.workflow.attachments import attachments_from_request
from wuye.workflow.services import allowed_actions

from ..choices import ComplaintType, Status
from ..filters import TABS, ComplaintFilter
from ..models import Complaint
from ..processes import COMPLAINT, DESK, DESK_VIEWERS, HANDLERS

VIEWERS = DESK_VIEWERS  # the desk pages' readers (processes.py)
# Who sees every department's complaints by default; the others see their own department's.
ALL_DEPARTMENTS = DESK | {Role.AUDITOR}
# Steps the desk page never offers: the resident's rating, the scheduler's escalation, and the
# approval submit (the resolve form becomes it for a major complaint, the service decides).
NOT_ON_PAGE = frozenset({"rate", "escalate_major", "submit_approval"})
# Steps taken in their own box (or on the ledger), not in the list of action forms.
MAIN_ACTIONS = ("assign", "approve", "resolve", "reply", "progress")
WITH_ATTACHMENTS = frozenset({"progress", "resolve", "comment"})


def _can(actor: Actor, roles) -> bool:
    return actor.is_superuser or actor.role in roles


def _require(request, roles) -> Actor:
    actor = actor_for(request.user)
    if not _can(actor, roles):
        raise PermissionDenied(_("此页面仅供客服中心、各部门和管理层使用"))
    return actor


def desk_page(view):
    """A desk page about the current estate (list, intake, ledger)."""

    @wraps(view)
    def wrapper(request, *args, estate: Estate, **kwargs):
        _require(request, VIEWERS)
        return view(request, *args, estate=estate, **kwargs)

    return estate_page(wrapper)


def _department(value: str) -> str:
    return str(DepartmentKind(value).label) if value else ""


# --- Deadlines as people read them -------------------------------------------------------------


def decorate(complaints, now: dt.datetime | None = None):
    """Each complaint's next deadline as a colour (ok / warn / breach, UX.md) and a countdown;
    a complaint waiting for assignment also its 1-hour assignment deadline (COMPLAINT-08)."""
    now = now or timezone.now()
    for c in complaints:
        due = getattr(c, "next_due", None)
        warn = getattr(c, "next_warn", None)
        late = due is not None and due <= now
        c.overdue = bool(getattr(c, "breached", False)) or late
        c.due_state = "breach" if late else "warn" if warn is not None and warn <= now else "ok"
        c.due_text = due_in(due, now)  # "已超时 2 小时 15 分" / "剩余 3 小时 5 分"
        c.status_label = COMPLAINT.state(c.case.status).label
        c.department_label = _department(c.department)
        assign_due = getattr(c, "assign_due", None)
        c.assign_text = ""
        if c.case.status == Status.WAITING_ASSIGN and assign_due is not None:
            c.assign_text = due_in(assign_due, now)
            c.assign_state = "breach" if assign_due <= now else "ok"
    return complaints


# --- The list ----------------------------------------------------------------------------------


def own_department(actor: Actor) -> str:
    """The department whose complaints a staff member outside the desk sees by default."""
    if _can(actor, ALL_DEPARTMENTS) or actor.staff is None:
        return ""
    return actor.staff.department.kind


def _filter(request, estate: Estate) -> ComplaintFilter:
    actor = actor_for(request.user)
    return ComplaintFilter(
        request.GET, actor=actor, estate=estate, department=own_department(actor)
    )


def _tab_query(request, tab: str) -> str:
    """The list's query string with another quick tab (the other filters kept, page 1)."""
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("tab", None)
    if tab:
        query["tab"] = tab
    return query.urlencode()


@desk_page
def complaint_list(request, estate: Estate):
    actor = actor_for(request.user)
    filterset = _filter(request, estate)
    page = paginate(request, filterset.qs)
    decorate(page.object_list)
    counts = filterset.tab_counts()
    current = filterset.current_tab
    own = own_department(actor)
    context = {
        "filter": filterset,
        "page": page,
        "tabs": [
            {
                "value": value,
                "label": label,
                "count": counts[value],
                "active": value == current,
                "query": _tab_query(request, value),
            }
            for value, label, _f in TABS
        ],
        "tab": current,
        "can_create": _can(actor, DESK),
        "own_department": _department(own) if own and "department" not in request.GET else "",
        "filtered": any(v for k, v in request.GET.items() if k not in ("page", "tab", "sort")),
    }
    # Filters and paging swap only the results; a history restore gets the whole page.
    htmx = getattr(request, "htmx", None)
    fragment = bool(htmx) and not htmx.history_restore_request and htmx.target == "results"
    template = "complaints/desk/partials/results.html" if fragment else "complaints/desk/list.html"
    response = render_in(request, template, context, estate)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


@require_GET
@desk_page
def complaint_export(request, estate: Estate):
    """Exactly what the list shows with these filters, as .xlsx (UX.md: export what is filtered)."""
    complaints = _filter(request, estate).qs[:EXPORT_LIMIT]
    return complaints_xlsx_response(
        estate=estate, complaints=complaints, actor=actor_for(request.user), now=timezone.now()
    )


# --- Intake (COMPLAINT-05/06/07, assignment COMPLAINT-08) --------------------------------------


@desk_page
def complaint_create(request, estate: Estate):
    _require(request, DESK)
    form = ComplaintIntakeForm(request.POST or None, estate=estate)
    if request.method == "POST" and form.is_valid():
        try:
            complaint = services.complaint_create(
                **form.service_kwargs(),
                attachments=attachments_from_request(request) or None,
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _after_intake(request, form, complaint)
    type_ = form["type"].value() or ""
    suggestions = {t: _department(suggested_department(t)) for t in ComplaintType.values}
    context = {
        "form": form,
        "estate": estate,
        "suggestion": suggestions.get(type_, ""),
        "suggestions": suggestions,
    }
    return render_in(request, "complaints/desk/create.html", context, estate)


def _after_intake(request, form: ComplaintIntakeForm, complaint: Complaint):
    """The complaint is registered; assigned at once when the agent chose to (COMPLAINT-08)."""
    number = complaint.case.number
    department = form.cleaned_data.get("department")
    if not (form.cleaned_data.get("assign_now") and department):
        messages.success(
            request, _("已登记投诉 %(number)s，请在 1 小时内分派") % {"number": number}
        )
        return redirect("complaints:detail", pk=complaint.pk)
    try:
        services.complaint_act(
            complaint=complaint, action="assign", by=request.user, data={"department": department}
        )
    except (ValidationError, Conflict, PermissionDenied) as exc:
        messages.warning(
            request,
            _("已登记投诉 %(number)s，但未能分派：%(reason)s")
            % {"number": number, "reason": _reason(exc)},
        )
    else:
        messages.success(
            request,
            _("已登记投诉 %(number)s 并分派至%(department)s")
            % {"number": number, "department": _department(department)},
        )
    return redirect("complaints:detail", pk=complaint.pk)


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return pgettext("separator of error messages", "；").join(exc.messages)
    return getattr(exc, "message", None) or str(exc) or _("您不能执行该操作")


@require_GET
@desk_page
def room_lookup(request, estate: Estate):
    """HTMX: the rooms matching the typed number, with the owner to call back."""
    building = None
    if request.GET.get("building", "").isdigit():
        building = estate.buildings.filter(pk=request.GET["building"]).first()
    text = request.GET.get("room", "")
    rooms = list(find_rooms(estate, text, building)[:6])
    owner = room_owner(rooms[0]) if len(rooms) == 1 else None
    context = {"rooms": rooms, "text": text.strip(), "owner": owner,
               "show_phone": actor_for(request.user).can_see_pii()}  # fmt: skip
    return render(request, "complaints/partials/room_match.html", context)


# --- The complaint's page ------------------------------------------------------------------------


def get_complaint(request, pk: int) -> Complaint:
    """The complaint if this user may see it (else 404), with what its page shows."""
    complaints = selectors.complaint_list(actor=actor_for(request.user)).select_related(
        "complainant", "reported_by__staff", "approved_by__staff", "replied_by__staff",
        "reopened_from__case",
    )  # fmt: skip
    try:
        return complaints.get(pk=pk)
    except Complaint.DoesNotExist:
        raise Http404 from None


def _clocks(complaint: Complaint) -> list:
    clocks = list(complaint.case.clocks.order_by("started_at", "id"))
    now = timezone.now()
    for c in clocks:
        c.view_state = (
            "paused" if c.state in ("cancelled", "paused")
            else "breach" if c.state == "breached" or (c.state == "running" and c.due_at <= now)
            else "warn" if c.state == "running" and (c.warned_at or c.warn_at <= now)
            else "ok"
        )  # fmt: skip
        # A late clock still counting says by how much ("已超时 2 小时 15 分").
        counting = c.stopped_at is None and c.state in ("running", "breached")
        c.countdown = due_in(c.due_at, now) if counting else ""
    return clocks


def _timeline(complaint: Complaint, actor: Actor) -> list:
    events = selectors.timeline_for(complaint, actor)
    for e in events:
        e.label = COMPLAINT.event_label(e)
        e.from_label = COMPLAINT.state_label(e.from_status) if e.from_status else ""
        e.to_label = COMPLAINT.state_label(e.to_status)
    return events


def _photos(complaint: Complaint) -> list:
    """The photos sent with the complaint."""
    from wuye.workflow.models import Attachment

    return list(Attachment.objects.filter(case=complaint.case, event__action="created"))


def _offered(request, complaint: Complaint) -> list[str]:
    """The steps this user may take now, as the page offers them."""
    actor = actor_for(request.user)
    names = []
    for action in allowed_actions(case=complaint.case, user=request.user):
        if action.name in NOT_ON_PAGE:
            continue
        # COMPLAINT-03: the responsible department handles; the service says so too.
        if action.name == "progress" and not services.can_record_progress(actor, complaint):
            continue
        if action.name == "resolve" and not services.can_handle(actor, complaint):
            continue
        names.append(action.name)
    return names


def _forms(request, complaint: Complaint, bound: ActionForm | None) -> dict[str, ActionForm]:
    forms = {}
    for name in _offered(request, complaint):
        if bound is not None and bound.action == name:
            forms[name] = bound
        else:
            forms[name] = action_form(name, complaint)
    if bound is not None and bound.action not in forms:
        # A step this page does not offer (no longer, or not to this user): its errors.
        for errors in bound.errors.values():
            for error in errors:
                messages.error(request, error)
    return forms


def _detail_context(request, complaint: Complaint, bound: ActionForm | None = None) -> dict:
    actor = actor_for(request.user)
    forms = _forms(request, complaint, bound)
    main = [forms[name] for name in MAIN_ACTIONS if name in forms]
    more = [f for name, f in forms.items() if name not in (*MAIN_ACTIONS, "link_repair")]
    clocks = _clocks(complaint)
    return {
        "complaint": complaint,
        "case": complaint.case,
        "status_label": COMPLAINT.state(complaint.case.status).label,
        "department_label": _department(complaint.department),
        "suggested_department": _department(suggested_department(complaint.type)),
        "clocks": clocks,
        "overdue": any(c.view_state == "breach" and not c.stopped_at for c in clocks),
        "photos": _photos(complaint),
        "repairs": list(complaint.repair_orders.select_related("case").order_by("-reported_at")),
        "reopenings": list(complaint.reopenings.select_related("case").order_by("received_at")),
        "main_forms": main,
        "more_forms": more,
        "link_form": forms.get("link_repair"),
        "bound": bound,
        "events": _timeline(complaint, actor),
        "actor": actor,
        "next": reverse("complaints:detail", args=[complaint.pk]),
    }


def render_detail(request, complaint: Complaint, bound: ActionForm | None = None):
    context = _detail_context(request, complaint, bound)
    return render_in(request, "complaints/desk/detail.html", context, complaint.estate)


@staff_required
def complaint_detail(request, pk: int):
    _require(request, VIEWERS)
    return render_detail(request, get_complaint(request, pk))


def _next(request, complaint: Complaint) -> str:
    """Where to go after a step: the page the form came from (the page or the ledger), if safe."""
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("complaints:detail", args=[complaint.pk])


def _came_from_ledger(target: str) -> bool:
    try:
        return resolve(target.split("?", 1)[0]).view_name == "complaints:ledger"
    except Resolver404:
        return False


ACTION_NAMES = {a.name for a in COMPLAINT.actions} - NOT_ON_PAGE
DONE_MESSAGES = {
    "assign": gettext_lazy("已分派，责任部门会收到通知"),
    "progress": gettext_lazy("已记录今日进展"),
    "reply": gettext_lazy("已回复业主"),
    "link_repair": gettext_lazy("已关联报修单"),
    "comment": gettext_lazy("已添加备注"),
}


@require_POST
@staff_required
def complaint_act(request, pk: int, action: str):
    """One POST for every step, from the complaint's page and from the ledger."""
    if action not in ACTION_NAMES:
        raise Http404
    complaint = get_complaint(request, pk)
    target = _next(request, complaint)
    form = action_form(action, complaint, request.POST, request.FILES)
    if form.is_valid():
        try:
            attachments = (
                attachments_from_request(request, complaint.case)
                if action in WITH_ATTACHMENTS
                else None
            )
            done = services.complaint_act(
                complaint=complaint, action=action, by=request.user, attachments=attachments,
                **form.service_args(),
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        except (Conflict, PermissionDenied) as exc:
            messages.error(request, _reason(exc))
            return redirect(target)
        else:
            messages.success(request, _done_message(action, done))
            return redirect(target)
    # Bad input: the same page again, the form keeping what was typed, errors beside the fields.
    complaint = get_complaint(request, pk)
    if _came_from_ledger(target):
        return render_ledger(request, complaint.estate, bound=form, target=target)
    return render_detail(request, complaint, bound=form)


def _done_message(action: str, complaint: Complaint) -> str:
    if action == "resolve" and complaint.case.status == Status.WAITING_APPROVAL:
        return _("已提交企业高层审批（重大投诉）")
    if action == "resolve":
        return _("已处理完成，请在 24 小时内回复业主")
    if action in DONE_MESSAGES:
        return str(DONE_MESSAGES[action])
    return _("已%(action)s") % {"action": COMPLAINT.action(action).label}


# --- The ledger 《投诉处理台账》 (COMPLAINT-11) ---------------------------------------------


def _day(request, estate: Estate) -> dt.date:
    """The ledger's day: ?day=YYYY-MM-DD, else today in the estate's time zone."""
    try:
        day = dt.date.fromisoformat(request.GET.get("day") or request.POST.get("day") or "")
    except ValueError:
        day = None
    return selectors.ledger_day(estate, day)


def ledger_rows(request, estate: Estate, day: dt.date) -> list[Complaint]:
    actor = actor_for(request.user)
    rows = decorate(selectors.ledger(actor=actor, estate_id=estate.pk, day=day))
    today = day == timezone.localdate(timezone=tz_of(estate))
    may_progress = _can(actor, HANDLERS)
    for c in rows:
        c.handling = c.case.status == Status.HANDLING
        c.can_progress = (
            today and c.handling and may_progress and services.can_record_progress(actor, c)
        )  # fmt: skip
    return rows


def render_ledger(request, estate: Estate, bound: ActionForm | None = None, target: str = ""):
    day = _day(request, estate)
    rows = ledger_rows(request, estate, day)
    for c in rows:
        if bound is not None and bound.complaint.pk == c.pk:
            c.form = bound
        elif c.can_progress:
            c.form = action_form("progress", c, auto_id=f"id_%s_{c.pk}")
    today = timezone.localdate(timezone=tz_of(estate))
    context = {
        "estate": estate,
        "rows": rows,
        "day": day,
        "is_today": day == today,
        "not_updated": sum(1 for c in rows if c.handling and c.today_progress is None),
        "handling": sum(1 for c in rows if c.handling),
        "overdue": sum(1 for c in rows if c.overdue),
        "next": target or request.get_full_path(),
        "printed_at": timezone.now(),
    }
    return render_in(request, "complaints/desk/ledger.html", context, estate)


@desk_page
def ledger(request, estate: Estate):
    return render_ledger(request, estate)


@require_GET
@desk_page
def ledger_export(request, estate: Estate):
    """The day's ledger as .xlsx (the file name carries the date)."""
    day = _day(request, estate)
    rows = selectors.ledger(actor=actor_for(request.user), estate_id=estate.pk, day=day)
    return ledger_xlsx_response(estate=estate, day=day, rows=rows, now=timezone.now())


urlpatterns = [
    path("complaints/", complaint_list, name="list"),
    path("complaints/export/", complaint_export, name="export"),
    path("complaints/new/", complaint_create, name="create"),
    path("complaints/new/room/", room_lookup, name="room_lookup"),
    path("complaints/ledger/", ledger, name="ledger"),
    path("complaints/ledger/export/", ledger_export, name="ledger_export"),
    path("complaints/<int:pk>/", complaint_detail, name="detail"),
    path("complaints/<int:pk>/act/<str:action>/", complaint_act, name="act"),
]

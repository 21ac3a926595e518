"""Move-in pages (业主入住): batches with their notices and printed letters, the move-in desk's
queue on the day, each owner's move-in with its steps in the manual's order (MOVEIN-02) on a
desktop or a phone (the engineer's house inspection), the two printed forms, the house defects
with their clocks, the needs routed to departments and the dashboard.

Thin: every write goes through ``services``; a ValidationError goes next to its field, a
Conflict or PermissionDenied becomes a message with its reason, and nothing is changed.
"""

from __future__ import annotations

from functools import wraps

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from wuye.base.pages import paginate
from wuye.base.pdf import CJKFontMissing, font_missing_response, pdf_response
from wuye.core.choices import DepartmentKind, Role
from wuye.core.exceptions import Conflict
from wuye.core.forms import add_service_errors
from wuye.core.models import Building, Estate
from wuye.core.scoping import actor_for
from wuye.core.shortcuts import estate_page, render_local, staff_required
from wuye.handover.selectors import takeover_confirmed
from wuye.residents import selectors, services
from wuye.residents.choices import BatchStatus, MoveInStatus
from wuye.residents.models import MoveIn
from wuye.residents.processes import DESK, MOVE_IN, STAFF
from wuye.workflow.attachments import (
    attachment_store,
    attachment_store_signature,
    attachments_from_request,
)
from wuye.workflow.engine import get_process
from wuye.workflow.models import AttachmentKind
from wuye.workflow.services import allowed_actions

M = MoveInStatus
# FEE-06: finance issues invoices (its clerks, heads and the executives).
INVOICERS = (Role.FINANCE_CLERK, Role.DEPARTMENT_HEAD, Role.EXECUTIVE)
STEPS = ("arrive", "check_documents", "pay_fees", "inspect", "hand_keys", "complete", "revisit")
DEFECT_ROWS = 3
NEED_ROWS = 2


def _require(request, roles) -> None:
    actor = actor_for(request.user)
    if not (actor.is_superuser or actor.role in roles):
        raise PermissionDenied(_("此页面仅供客服中心、工程部和管理层使用"))


def movein_page(roles=STAFF):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, estate: Estate, **kwargs):
            _require(request, roles)
            return view(request, *args, estate=estate, **kwargs)

        return estate_page(wrapper)

    return decorator


def _error_text(error) -> list[str]:
    if isinstance(error, ValidationError):
        return [m for ms in error.message_dict.values() for m in ms] if hasattr(
            error, "error_dict") else list(error.messages)  # fmt: skip
    return [getattr(error, "message", None) or str(error)]


# --- Batches (MOVEIN-03) ------------------------------------------------------------------------

LOCAL_DT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class BatchForm(forms.Form):
    building = forms.ModelChoiceField(label=gettext_lazy("楼栋"), queryset=Building.objects.none())
    title = forms.CharField(label=gettext_lazy("批次名称"), max_length=60,
                            help_text=gettext_lazy("如“1栋第一批入住”"))  # fmt: skip
    starts_at = forms.DateTimeField(
        label=gettext_lazy("入住开始时间"), widget=LOCAL_DT,
        help_text=gettext_lazy("通知须至少提前 7 天发出"),
    )  # fmt: skip
    ends_at = forms.DateTimeField(label=gettext_lazy("入住结束时间"), widget=LOCAL_DT)
    place = forms.CharField(label=gettext_lazy("办理地点"), max_length=100)
    documents = forms.CharField(
        label=gettext_lazy("需携带资料"), widget=forms.Textarea(attrs={"rows": 2}),
        initial=gettext_lazy("身份证原件及复印件、购房合同、委托书（代办时）"),
    )  # fmt: skip
    fees = forms.CharField(
        label=gettext_lazy("需缴费用"), widget=forms.Textarea(attrs={"rows": 2}),
        initial=gettext_lazy("半年物业服务费、装修押金"),
    )  # fmt: skip

    def __init__(self, *args, estate: Estate, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = Building.objects.filter(estate=estate)


@movein_page(DESK)
def batch_list(request, estate: Estate):
    actor = actor_for(request.user)
    status = request.GET.get("status", "")
    building = request.GET.get("building", "")
    qs = selectors.batch_list_filtered(
        actor=actor,
        estate=estate,
        status=status,
        building=int(building) if building.isdigit() else None,
    )
    buildings = list(Building.objects.filter(estate=estate))
    for b in buildings:
        b.confirmed = takeover_confirmed(b)
    context = {
        "page": paginate(request, qs),
        "statuses": BatchStatus.choices,
        "status": status,
        "buildings": buildings,
        "building": building,
        "filtered": bool(status or building),
    }
    return render_local(request, "residents/batches.html", context, estate)


@movein_page(DESK)
def batch_new(request, estate: Estate):
    form = BatchForm(request.POST or None, estate=estate)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.batch_create(**form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已创建入住批次，请在通知期限前发出入住通知"))
            return redirect("residents:batch", pk=batch.pk)
    buildings = list(Building.objects.filter(estate=estate))
    for b in buildings:
        b.confirmed = takeover_confirmed(b)
    return render_local(request, "residents/batch_new.html",
                        {"form": form, "buildings": buildings}, estate)  # fmt: skip


@staff_required
def batch_detail(request, pk: int):
    _require(request, DESK)
    batch = services.batch_get_for_user(request.user, pk)
    context = {"batch": batch, **selectors.batch_facts(batch)}
    # MOVEIN-01: the order department's vehicle guidance, asked for when the notices went out.
    guidance = services.vehicle_guidance_case(batch)
    context["guidance"] = guidance
    if guidance is not None:
        context["guidance_status"] = get_process("move_in_need").state_label(guidance.status)
    show = request.GET.get("show", "")
    context["show"] = show
    if show == "unnotified":
        context["rows"] = context["unnotified"]
    else:
        context["rows"] = context["owners"]
    return render_local(request, "residents/batch_detail.html", context, batch.estate)


@require_POST
@staff_required
def batch_notify(request, pk: int):
    batch = services.batch_get_for_user(request.user, pk)
    try:
        result = services.batch_notify(batch=batch, by=request.user)
    except (Conflict, PermissionDenied, ValidationError) as error:
        for text in _error_text(error):
            messages.error(request, text)
    else:
        messages.success(request, _(
            "已通知 %(n)d 位业主：%(app)d 位发送站内消息和短信，全部可打印书面通知"
        ) % {"n": result.notified, "app": result.by_app})  # fmt: skip
    return redirect("residents:batch", pk=batch.pk)


@staff_required
def batch_letters(request, pk: int):
    """The printed notices (书面通知), one per owner on its own page."""
    _require(request, DESK)
    batch = services.batch_get_for_user(request.user, pk)
    facts = selectors.batch_facts(batch)
    title, body = services.notice_text(batch)
    context = {"batch": batch, "owners": facts["owners"], "title": title, "body": body,
               "today": timezone.localdate()}  # fmt: skip
    return render_local(request, "residents/letters.html", context, batch.estate)


# --- The desk's queue on the day (MOVEIN-01/12) -------------------------------------------------


@movein_page()
def desk(request, estate: Estate):
    actor = actor_for(request.user)
    batches = selectors.desk_batches(actor=actor, estate=estate)
    wanted = request.GET.get("batch", "")
    batch = next((b for b in batches if str(b.pk) == wanted), None) or selectors.current_batch(
        batches, timezone.now()
    )
    q = request.GET.get("q", "").strip()
    status = request.GET.get("status", "")
    qs = selectors.desk_move_ins(actor=actor, q=q, status=status)
    qs = qs.filter(batch=batch) if batch else MoveIn.objects.none()
    page = paginate(request, qs)
    for m in page.object_list:
        m.status_label = MOVE_IN.state_label(m.case.status)
    context = {
        "batches": batches, "batch": batch, "page": page, "q": q, "status": status,
        "statuses": [("waiting", _("办理中")), *M.choices],
        "filtered": bool(q or status),
    }  # fmt: skip
    return render_local(request, "residents/desk.html", context, estate)


# --- One owner's move-in ------------------------------------------------------------------------


def _step_posted(request, action: str) -> dict:
    """The action's data from the posted form (the service checks it)."""
    post = request.POST
    if action == "check_documents":
        return {k: post.get(k, "") for k in ("id_number", "contract_no", "household",
                                             "emergency_contact")}  # fmt: skip
    if action == "inspect":
        return {"defects": [
            {"location": loc, "description": desc}
            for loc, desc in zip(post.getlist("location"), post.getlist("description"),
                                 strict=False)
        ]}  # fmt: skip
    if action == "hand_keys":
        return {k: post.get(k, "") for k in ("key_count", "access_cards", "usage_explained")}
    if action == "revisit":
        return {"method": post.get("method", ""), "satisfaction": post.get("satisfaction", ""),
                "needs": [{"need": n, "department": d} for n, d in zip(
                    post.getlist("need"), post.getlist("department"), strict=False)]}  # fmt: skip
    return {}


def _agreements(request, by) -> tuple[dict, list]:
    """MOVEIN-09: each agreement signed on the screen (two pads: their inputs come in page
    order) or as an uploaded scan; stored unbound for the ``complete`` action."""
    pads = request.POST.getlist("signature")
    data, stored = {}, []
    for index, key in enumerate(("service_agreement", "covenant")):
        drawn = pads[index].strip() if index < len(pads) else ""
        scan = request.FILES.get(f"{key}_scan")
        try:
            if drawn:
                attachment = attachment_store_signature(data_url=drawn, by=by)
            elif scan is not None:
                attachment = attachment_store(upload=scan, kind=AttachmentKind.PHOTO, by=by)
            else:
                continue
        except ValidationError as error:
            raise ValidationError({key: error.messages}) from None
        data[key] = str(attachment.pk)
        stored.append(attachment)
    return data, stored


def _detail(request, move_in: MoveIn, *, errors=None, posted=None, action="", status=200):
    case = move_in.case
    now = timezone.now()
    allowed = [a.name for a in allowed_actions(case=case, user=request.user)]
    bills = services.move_in_bills(move_in)
    # MOVEIN-05: the payments of the move-in fees, each with its invoice (开具发票).
    payments = services.move_in_payments(move_in) if bills else []
    for p in payments:
        p.issued_invoice = services.issued_invoice(p)
    invoice_pending = [p for p in payments if p.issued_invoice is None]
    fee_preview, fee_error = [], ""
    if "pay_fees" in allowed and not bills:
        try:
            fee_preview = services.move_in_fee_lines(move_in)
        except ValidationError as error:
            fee_error = " ".join(_error_text(error))
    defects = list(move_in.defects.select_related("case").prefetch_related("case__clocks"))
    for d in defects:
        d.clocks = selectors.clock_view(list(d.case.clocks.all()), now)
        d.status_label = get_process("house_defect").state_label(d.case.status)
    from wuye.workflow.selectors import case_timeline_labelled as _timeline

    posted = posted or {}
    context = {
        "move_in": move_in, "case": case,
        "status_label": MOVE_IN.state_label(case.status),
        "clocks": selectors.clock_view(list(case.clocks.all()), now),
        "allowed": allowed,
        "next_step": next((s for s in STEPS if s in allowed), ""),
        "bills": bills, "payments": payments, "fee_preview": fee_preview, "fee_error": fee_error,
        "fees_paid": bool(bills) and all(b.status == "paid" for b in bills),
        "invoice_pending": invoice_pending,
        "can_invoice": actor_for(request.user).role in INVOICERS,
        "defects": defects, "errors": errors or {}, "posted": posted, "action": action,
        "defect_rows": posted.get("defects") or [{}] * DEFECT_ROWS,
        "need_rows": posted.get("needs") or [{}] * NEED_ROWS,
        "departments": [(k, DepartmentKind(k).label) for k in services.NEED_DEPARTMENTS],
        "methods": services.REVISIT_METHODS, "scores": range(5, 0, -1),
        "events": _timeline(case),
        "documents_done": case.status not in (M.NOTIFIED, M.ARRIVED, M.CANCELLED),
        "inspected": case.status in (M.INSPECTED, M.KEYS_HANDED, M.COMPLETED, M.REVISITED),
        "is_phone": actor_for(request.user).role == Role.TECHNICIAN,
    }  # fmt: skip
    return render_local(request, "residents/move_in.html", context, move_in.batch.estate,
                        status=status)  # fmt: skip


@staff_required
def move_in_detail(request, pk: int):
    _require(request, STAFF)
    return _detail(request, services.move_in_get_for_user(request.user, pk))


@require_POST
@staff_required
def move_in_action(request, pk: int, action: str):
    _require(request, STAFF)
    move_in = services.move_in_get_for_user(request.user, pk)
    if action not in {a.name for a in MOVE_IN.actions}:
        raise Http404
    data = _step_posted(request, action)
    note = request.POST.get("note", "")
    try:
        attachments = []
        if action == "complete":
            agreements, attachments = _agreements(request, request.user)
            data.update(agreements)
        elif action == "inspect":
            attachments = attachments_from_request(request, case=move_in.case)
        services.move_in_act(move_in=move_in, action=action, by=request.user, note=note,
                             data=data, attachments=attachments)  # fmt: skip
    except ValidationError as error:
        errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        return _detail(request, services.move_in_get_for_user(request.user, pk), errors=errors,
                       posted=data, action=action, status=400)  # fmt: skip
    except (Conflict, PermissionDenied) as error:
        for text in _error_text(error):
            messages.error(request, text)
    else:
        messages.success(request, _("已记录：%(step)s") % {"step": MOVE_IN.action_label(action)})
    return redirect("residents:move_in", pk=pk)


@require_POST
@staff_required
def move_in_fees(request, pk: int):
    move_in = services.move_in_get_for_user(request.user, pk)
    try:
        services.move_in_fees_raise(move_in=move_in, by=request.user)
    except (Conflict, PermissionDenied, ValidationError) as error:
        for text in _error_text(error):
            messages.error(request, text)
    else:
        messages.success(request, _("已生成入住费用账单，请业主到收银处缴费"))
    return redirect("residents:move_in", pk=pk)


@require_POST
@staff_required
def move_in_invoice(request, pk: int):
    """MOVEIN-05: finance issues the invoices of the move-in fees from the move-in page."""
    move_in = services.move_in_get_for_user(request.user, pk)
    try:
        services.move_in_invoice_issue(
            move_in=move_in, numbers=request.POST.getlist("numbers"),
            title=request.POST.get("title", ""), by=request.user,
        )  # fmt: skip
    except (Conflict, PermissionDenied, ValidationError) as error:
        for text in _error_text(error):
            messages.error(request, text)
    else:
        messages.success(request, _("已开具入住费用发票"))
    return redirect("residents:move_in", pk=pk)


@staff_required
def application_pdf_view(request, pk: int):
    from wuye.residents.documents.move_in import application_pdf

    move_in = services.move_in_get_for_user(request.user, pk)
    if move_in.case.status in (M.NOTIFIED, M.ARRIVED):
        messages.error(request, _("资料审核通过后才能打印《业主入住申请表》"))
        return redirect("residents:move_in", pk=pk)
    try:
        content = application_pdf(move_in)
    except CJKFontMissing as error:
        return font_missing_response(error, _("无法生成申请表"))
    return pdf_response(content, _("业主入住申请表-%(n)s.pdf") % {"n": move_in.case.number})


@staff_required
def inspection_pdf_view(request, pk: int):
    from wuye.residents.documents.move_in import inspection_pdf

    move_in = services.move_in_get_for_user(request.user, pk)
    if not move_in.case.events.filter(action="inspect").exists():
        messages.error(request, _("房屋验收后才能打印《房屋验收记录表》"))
        return redirect("residents:move_in", pk=pk)
    try:
        content = inspection_pdf(move_in)
    except CJKFontMissing as error:
        return font_missing_response(error, _("无法生成验收记录表"))
    return pdf_response(content, _("房屋验收记录表-%(n)s.pdf") % {"n": move_in.case.number})


# --- Defects, needs and the dashboard -----------------------------------------------------------


@movein_page()
def defect_list(request, estate: Estate):
    actor = actor_for(request.user)
    show = request.GET.get("show", "open")
    qs = selectors.house_defects_shown(actor=actor, estate=estate, show=show)
    page = paginate(request, qs)
    now = timezone.now()
    process = get_process("house_defect")
    for d in page.object_list:
        d.clocks = selectors.clock_view(list(d.case.clocks.all()), now)
        d.status_label = process.state_label(d.case.status)
    context = {"page": page, "show": show, "filtered": show != "open"}
    return render_local(request, "residents/defects.html", context, estate)


@movein_page()
def need_list(request, estate: Estate):
    """MOVEIN-11: the needs of the visits, by department (one's own by default)."""
    actor = actor_for(request.user)
    department = selectors.need_department(actor, request.GET.get("department"))
    qs = selectors.needs_shown(actor=actor, estate=estate, department=department,
                               show=request.GET.get("show", "open"))  # fmt: skip
    page = paginate(request, qs)
    context = {
        "page": page, "department": department, "show": request.GET.get("show", "open"),
        "departments": [(k, DepartmentKind(k).label) for k in services.NEED_DEPARTMENTS],
    }  # fmt: skip
    for t in page.object_list:
        t.department_label = DepartmentKind(t.department).label
        t.status_label = get_process("move_in_need").state_label(t.case.status)
    return render_local(request, "residents/needs.html", context, estate)


@movein_page()
def dashboard(request, estate: Estate):
    """Owners notified / arrived / completed per batch, open defects and their clocks, the
    revisits due (MOVEIN-10)."""
    context = selectors.dashboard(actor=actor_for(request.user), estate=estate)
    return render_local(request, "residents/dashboard.html", context, estate)


urlpatterns = [
    path("movein/", dashboard, name="dashboard"),
    path("movein/batches/", batch_list, name="batches"),
    path("movein/batches/new/", batch_new, name="batch_new"),
    path("movein/batches/<int:pk>/", batch_detail, name="batch"),
    path("movein/batches/<int:pk>/notify/", batch_notify, name="batch_notify"),
    path("movein/batches/<int:pk>/letters/", batch_letters, name="batch_letters"),
    path("movein/desk/", desk, name="desk"),
    path("movein/<int:pk>/", move_in_detail, name="move_in"),
    path("movein/<int:pk>/fees/", move_in_fees, name="move_in_fees"),
    path("movein/<int:pk>/invoice/", move_in_invoice, name="move_in_invoice"),
    path("movein/<int:pk>/application.pdf", application_pdf_view, name="application_pdf"),
    path("movein/<int:pk>/inspection.pdf", inspection_pdf_view, name="inspection_pdf"),
    path("movein/<int:pk>/<slug:action>/", move_in_action, name="act"),
    path("movein/defects/", defect_list, name="defects"),
    path("movein/needs/", need_list, name="needs"),
]

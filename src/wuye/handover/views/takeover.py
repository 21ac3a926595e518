"""Pages of the takeover acceptance (接管验收, TAKEOVER-*): the plans of the estate with the gate to
move-in per building (TAKEOVER-15), the project and a new plan, the plan page (checklist, defects,
《整改通知书》, confirmation, documents, timeline), the on-site checklist on a phone and a
defect's page with its 15-working-day clock.

Thin: reads through ``services``' getters, every write through a service; a ValidationError goes
next to the form's field, a Conflict or PermissionDenied becomes a message with its reason.
"""

from __future__ import annotations

from functools import wraps

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from wuye.base.pages import due_text, paginate
from wuye.base.pdf import CJKFontMissing, font_missing_response, pdf_response
from wuye.core.exceptions import Conflict
from wuye.core.forms import add_service_errors
from wuye.core.models import Building, Estate, Staff
from wuye.core.scoping import actor_for
from wuye.core.shortcuts import estate_page, staff_required
from wuye.core.shortcuts import render_local as render_in
from wuye.facilities.models import Equipment, EquipmentCategory
from wuye.handover.choices import DefectStatus, TakeoverStatus
from wuye.handover.documents import takeover as pdf
from wuye.handover.documents.takeover_exports import defects_xlsx_response
from wuye.handover.models import (
    CheckItem,
    CheckResult,
    CheckSystem,
    DocumentCategory,
    HandoverProject,
    TakeoverPlan,
    Team,
    TeamMember,
)
from wuye.handover.processes import LEADS, TAKEOVER, TAKEOVER_DEFECT, TEAM
from wuye.handover.services import takeover as services
from wuye.workflow.attachments import attachments_from_request
from wuye.workflow.engine import get_process
from wuye.workflow.services import allowed_actions

# The badge colour of each state (the shared badge classes of wuye.css).
STATUS_BADGE = {
    TakeoverStatus.PREPARING: "badge-muted", TakeoverStatus.INSPECTING: "badge-warn",
    TakeoverStatus.RECTIFYING: "badge-warn", TakeoverStatus.CONFIRMED: "badge-ok",
    TakeoverStatus.DOCUMENTED: "badge-ok", DefectStatus.FOUND: "badge-breach",
    DefectStatus.RECTIFYING: "badge-warn", DefectStatus.FIXED: "badge-warn",
    DefectStatus.CLOSED: "badge-ok",
}  # fmt: skip
RESULT_BADGE = {CheckResult.PENDING: "badge-muted", CheckResult.PASSED: "badge-ok",
                CheckResult.FAILED: "badge-breach"}  # fmt: skip
PLAN_ACTIONS = ("start_inspection", "start_rectification", "hand_over_documents", "comment")
DEFECT_ACTIONS = ("report_fixed", "reinspect_pass", "reinspect_fail", "comment")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _can(request, roles) -> bool:
    actor = actor_for(request.user)
    return actor.is_superuser or actor.role in roles


def takeover_page(view):
    """Staff of the takeover team's roles (customer service, engineering, order, their heads)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _can(request, TEAM):
            raise PermissionDenied(_("此页面仅供接管验收小组及管理层使用"))
        return view(request, *args, **kwargs)

    return staff_required(wrapper)


def _error_message(request, exc: Exception) -> None:
    if isinstance(exc, ValidationError):
        for errors in exc.message_dict.values() if hasattr(exc, "error_dict") else [exc.messages]:
            for message in errors:
                messages.error(request, message)
    else:
        messages.error(request, getattr(exc, "message", None) or str(exc) or _("不能执行该操作"))


def _clock_view(clock, now) -> None:
    clock.view_state = (
        "paused" if clock.state in ("cancelled", "paused")
        else "breach" if clock.state == "breached" or (clock.state == "running"
                                                       and clock.due_at <= now)
        else "warn" if clock.state == "running" and (clock.warned_at or clock.warn_at <= now)
        else "ok"
    )  # fmt: skip
    clock.countdown = due_text(clock.due_at, now) if clock.state == "running" else ""


def _timeline(case) -> list:
    process = get_process(case.process)
    events = list(
        case.events.select_related("actor__staff")
        .prefetch_related("attachments")
        .order_by("at", "id")
    )
    for e in events:
        e.label = process.event_label(e)
        e.from_label = process.state_label(e.from_status) if e.from_status else ""
        e.to_label = process.state_label(e.to_status)
    return events


# --- Forms (they shape input; the rules are the services') ------------------------------------


class ProjectForm(forms.Form):
    developer = forms.CharField(label=gettext_lazy("开发企业"), max_length=100)
    design_unit = forms.CharField(label=gettext_lazy("设计单位"), max_length=100, required=False)
    contractor = forms.CharField(label=gettext_lazy("施工单位"), max_length=100, required=False)
    total_floor_area = forms.DecimalField(label=gettext_lazy("总建筑面积（㎡）"), required=False,
                                          max_digits=12, decimal_places=2, min_value=0)  # fmt: skip


class PlanForm(forms.Form):
    building = forms.ModelChoiceField(
        label=gettext_lazy("验收范围（楼栋）"), queryset=Building.objects.none(), required=False,
        empty_label=gettext_lazy("全项目"),
    )  # fmt: skip
    scope_structure = forms.BooleanField(label=gettext_lazy("房屋本体"), required=False,
                                         initial=True)  # fmt: skip
    scope_equipment = forms.BooleanField(label=gettext_lazy("设施设备"), required=False,
                                         initial=True)  # fmt: skip
    scope_public = forms.BooleanField(label=gettext_lazy("公共区域"), required=False,
                                      initial=True)  # fmt: skip
    standards = forms.CharField(
        label=gettext_lazy("验收标准"), widget=forms.Textarea(attrs={"rows": 2}),
        initial=gettext_lazy("《建筑工程质量验收统一标准》及相关专业验收规范"),
    )  # fmt: skip
    tools = forms.CharField(label=gettext_lazy("验收工具"), initial=gettext_lazy("验房仪、卷尺、"
                            "靠尺、空鼓锤、万用表、手电筒"))  # fmt: skip
    planned_on = forms.DateField(label=gettext_lazy("计划验收日期"), widget=DATE)
    owner_representatives = forms.CharField(
        label=gettext_lazy("受邀业主代表"), widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("须邀请业主代表参加，填写姓名及联系方式"),
    )  # fmt: skip
    team = forms.ModelMultipleChoiceField(
        label=gettext_lazy("接管验收小组"), queryset=Staff.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("须有客服、工程、秩序三方人员"),
    )  # fmt: skip

    def __init__(self, *args, estate: Estate, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = Building.objects.filter(estate=estate)
        self.fields["team"].queryset = (
            Staff.objects.filter(estates=estate, is_active=True,
                                 department__kind__in=services.TEAM_ROLE_OF_DEPARTMENT)
            .select_related("department").order_by("department__kind", "name")
        )  # fmt: skip
        self.fields["team"].label_from_instance = lambda s: (
            f"{s.name}（{s.department.get_kind_display()} · {s.get_role_display()}）"
        )


class ItemAddForm(forms.Form):
    system = forms.ChoiceField(label=gettext_lazy("检查系统"), choices=CheckSystem.choices)
    building = forms.ModelChoiceField(label=gettext_lazy("楼栋"), queryset=Building.objects.none(),
                                      required=False, empty_label="—")  # fmt: skip
    name = forms.CharField(label=gettext_lazy("检查项目"), max_length=100)
    standard = forms.CharField(label=gettext_lazy("合格标准"), max_length=200, required=False)

    def __init__(self, *args, estate: Estate, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = Building.objects.filter(estate=estate)


class CheckForm(forms.Form):
    result = forms.ChoiceField(
        label=gettext_lazy("检查结果"), widget=forms.RadioSelect,
        choices=[(CheckResult.PASSED, gettext_lazy("合格")),
                 (CheckResult.FAILED, gettext_lazy("不合格"))],
    )  # fmt: skip
    run1 = forms.BooleanField(label=gettext_lazy("第1次空载运行无异常"), required=False)
    run2 = forms.BooleanField(label=gettext_lazy("第2次空载运行无异常"), required=False)
    run3 = forms.BooleanField(label=gettext_lazy("第3次空载运行无异常"), required=False)
    note = forms.CharField(label=gettext_lazy("检查记录"), max_length=200, required=False)
    description = forms.CharField(
        label=gettext_lazy("问题描述（不合格时必填）"), required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": gettext_lazy(
            "如：3层走廊墙面裂缝约50厘米")}),
    )  # fmt: skip
    location = forms.CharField(label=gettext_lazy("问题部位"), max_length=100, required=False)

    def runs(self) -> int:
        return sum(1 for key in ("run1", "run2", "run3") if self.cleaned_data.get(key))


class ConfirmForm(forms.Form):
    property_signatory = forms.CharField(label=gettext_lazy("物业方签署人"), max_length=50)
    developer_signatory = forms.CharField(label=gettext_lazy("开发企业签署人"), max_length=50)


class DocumentForm(forms.Form):
    category = forms.ChoiceField(label=gettext_lazy("资料类别"), choices=DocumentCategory.choices)
    name = forms.CharField(label=gettext_lazy("资料名称"), max_length=100)
    copies = forms.IntegerField(label=gettext_lazy("份数"), min_value=1, max_value=999, initial=1)
    note = forms.CharField(label=gettext_lazy("备注"), max_length=200, required=False)
    equipment = forms.ModelChoiceField(
        label=gettext_lazy("保修卡对应设备"), queryset=Equipment.objects.none(), required=False,
        empty_label=gettext_lazy("— 选择已有设备，或在下方登记新设备 —"),
    )  # fmt: skip
    new_code = forms.CharField(label=gettext_lazy("新设备编号"), max_length=40, required=False)
    new_name = forms.CharField(label=gettext_lazy("新设备名称"), max_length=80, required=False)
    new_category = forms.ChoiceField(label=gettext_lazy("新设备类别"), required=False,
                                     choices=[("", "—"), *EquipmentCategory.choices])  # fmt: skip
    new_location = forms.CharField(label=gettext_lazy("安装位置"), max_length=100,
                                   required=False)  # fmt: skip
    warranty_from = forms.DateField(label=gettext_lazy("保修起始日"), required=False, widget=DATE)
    warranty_until = forms.DateField(label=gettext_lazy("保修截止日"), required=False, widget=DATE)
    warranty_unit = forms.CharField(label=gettext_lazy("保修责任单位"), max_length=100,
                                    required=False)  # fmt: skip
    warranty_contact = forms.CharField(label=gettext_lazy("保修联系方式"), max_length=60,
                                       required=False)  # fmt: skip

    def __init__(self, *args, estate: Estate, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["equipment"].queryset = Equipment.objects.filter(estate=estate)

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        new = None
        if data.get("new_code") or data.get("new_name"):
            new = {
                "code": data["new_code"],
                "name": data["new_name"],
                "category": data.get("new_category") or "",
                "location": data["new_location"],
            }
        return {
            "category": data["category"], "name": data["name"], "copies": data["copies"],
            "note": data["note"], "equipment": data.get("equipment"), "new_equipment": new,
            "warranty_from": data.get("warranty_from"),
            "warranty_until": data.get("warranty_until"),
            "warranty_unit": data["warranty_unit"], "warranty_contact": data["warranty_contact"],
        }  # fmt: skip


# --- The list, with the gate per building (TAKEOVER-15) ---------------------------------------


@estate_page
def takeover_list(request, estate: Estate):
    if not _can(request, TEAM):
        raise PermissionDenied(_("此页面仅供接管验收小组及管理层使用"))
    project = HandoverProject.objects.filter(estate=estate).first()
    plans = (
        services.takeover_plan_list(actor=actor_for(request.user))
        .filter(project__estate=estate)
        .annotate(
            n_items=Count("items", distinct=True),
            n_defects=Count("defects", distinct=True),
            n_open=Count(
                "defects", filter=~Q(defects__case__status=DefectStatus.CLOSED), distinct=True
            ),
        )
        .order_by("-created_at")
    )
    status = request.GET.get("status", "")
    if status in TakeoverStatus.values:
        plans = plans.filter(case__status=status)
    page = paginate(request, plans)
    for plan in page.object_list:
        plan.status_label = TAKEOVER.state(plan.case.status).label
        plan.badge = STATUS_BADGE[plan.case.status]
    context = {
        "estate": estate, "project": project, "page": page, "status": status,
        "statuses": TakeoverStatus.choices, "gate": services.move_in_allowed(estate),
        "can_lead": _can(request, LEADS), "filtered": bool(status),
    }  # fmt: skip
    return render_in(request, "handover/takeover/list.html", context, estate)


@estate_page
def project_new(request, estate: Estate):
    if not _can(request, LEADS):
        raise PermissionDenied(_("只有部门负责人或公司管理层可以登记接管项目"))
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_create(estate=estate, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except Conflict as exc:
            messages.error(request, exc.message)
            return redirect("handover:takeover_list")
        else:
            messages.success(request, _("已登记接管项目"))
            return redirect("handover:takeover_list")
    return render_in(request, "handover/takeover/project_form.html", {"form": form}, estate)


@estate_page
def plan_new(request, estate: Estate):
    if not _can(request, LEADS):
        raise PermissionDenied(_("只有部门负责人或公司管理层可以制定接管验收方案"))
    project = HandoverProject.objects.filter(estate=estate).first()
    if project is None:
        messages.error(request, _("请先登记接管项目（开发企业等信息）"))
        return redirect("handover:takeover_project_new")
    form = PlanForm(request.POST or None, estate=estate)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.takeover_plan_create(project=project, by=request.user,
                                                 **form.cleaned_data)  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        except Conflict as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已制定接管验收方案 %(number)s，并生成检查清单")
                             % {"number": plan.case.number})  # fmt: skip
            return redirect("handover:takeover_detail", pk=plan.pk)
    context = {"form": form, "project": project}
    return render_in(request, "handover/takeover/plan_form.html", context, estate)


# --- The plan page -------------------------------------------------------------------------------


def _plan_context(request, plan: TakeoverPlan, **forms_) -> dict:
    now = timezone.now()
    estate = plan.project.estate
    allowed = {a.name for a in allowed_actions(case=plan.case, user=request.user)}
    items = list(plan.items.select_related("building", "checked_by__staff"))
    for item in items:
        item.badge = RESULT_BADGE[item.result]
    defects = list(plan.defects.select_related("case", "notice").prefetch_related("case__clocks"))
    for d in defects:
        d.status_label = TAKEOVER_DEFECT.state(d.case.status).label
        d.badge = STATUS_BADGE[d.case.status]
        d.clock = next(iter(d.case.clocks.all()), None)
        if d.clock is not None:
            _clock_view(d.clock, now)
    status = plan.case.status
    can_lead = _can(request, LEADS)
    team = TeamMember.objects.filter(project=plan.project, team=Team.TAKEOVER).select_related(
        "staff"
    )
    gate = services.move_in_allowed(estate)
    if plan.building_id:
        gate = [(b, ok) for b, ok in gate if b.pk == plan.building_id]
    return {
        "plan": plan, "case": plan.case, "estate": estate, "team": team,
        "status_label": TAKEOVER.state(status).label, "badge": STATUS_BADGE[status],
        "items": items, "pending": sum(1 for i in items if i.result == CheckResult.PENDING),
        "defects": defects, "notices": list(plan.notices.all()),
        "waiting": [d for d in defects if d.case.status == DefectStatus.FOUND],
        "documents": list(plan.documents.select_related("equipment")),
        "actions": [a for a in PLAN_ACTIONS if a in allowed],
        "action_labels": {a.name: a.label for a in TAKEOVER.actions},
        "can_lead": can_lead, "preparing": status == TakeoverStatus.PREPARING,
        "checking": status in (TakeoverStatus.INSPECTING, TakeoverStatus.RECTIFYING),
        "can_notify": can_lead and status in (TakeoverStatus.INSPECTING,
                                              TakeoverStatus.RECTIFYING),
        "can_confirm": "confirm" in allowed,
        "blockers": services.confirmation_blockers(plan) if "confirm" in allowed else [],
        "accepted": status in (TakeoverStatus.CONFIRMED, TakeoverStatus.DOCUMENTED),
        "can_add_documents": status == TakeoverStatus.CONFIRMED,
        "item_form": forms_.get("item_form") or ItemAddForm(estate=estate),
        "confirm_form": forms_.get("confirm_form") or ConfirmForm(),
        "document_form": forms_.get("document_form") or DocumentForm(estate=estate),
        "events": _timeline(plan.case), "gate": gate,
    }  # fmt: skip


def _render_plan(request, plan, status=200, **forms_):
    context = _plan_context(request, plan, **forms_)
    return render_in(request, "handover/takeover/detail.html", context, plan.project.estate, status)


@takeover_page
def plan_detail(request, pk: int):
    return _render_plan(request, services.takeover_plan_get_for_user(request.user, pk))


@require_POST
@takeover_page
def plan_act(request, pk: int, action: str):
    if action not in PLAN_ACTIONS:
        raise Http404
    plan = services.takeover_plan_get_for_user(request.user, pk)
    try:
        services.takeover_plan_act(plan=plan, action=action, by=request.user,
                                   note=request.POST.get("note", ""))  # fmt: skip
    except (ValidationError, Conflict, PermissionDenied) as exc:
        _error_message(request, exc)
    else:
        messages.success(request, _("已%(action)s") % {"action": TAKEOVER.action(action).label})
    return redirect("handover:takeover_detail", pk=plan.pk)


@require_POST
@takeover_page
def item_add(request, pk: int):
    plan = services.takeover_plan_get_for_user(request.user, pk)
    form = ItemAddForm(request.POST, estate=plan.project.estate)
    if form.is_valid():
        try:
            services.check_item_add(plan=plan, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except (Conflict, PermissionDenied) as exc:
            _error_message(request, exc)
            return redirect("handover:takeover_detail", pk=plan.pk)
        else:
            messages.success(request, _("已添加检查项目"))
            return redirect(reverse("handover:takeover_detail", args=[plan.pk]) + "#checklist")
    return _render_plan(request, plan, status=400, item_form=form)


@require_POST
@takeover_page
def item_remove(request, pk: int):
    item = services.check_item_get_for_user(request.user, pk)
    try:
        services.check_item_remove(item=item, by=request.user)
    except (Conflict, PermissionDenied) as exc:
        _error_message(request, exc)
    else:
        messages.success(request, _("已删除检查项目“%(name)s”") % {"name": item.name})
    return redirect(reverse("handover:takeover_detail", args=[item.plan_id]) + "#checklist")


@require_POST
@takeover_page
def notice_issue(request, pk: int):
    plan = services.takeover_plan_get_for_user(request.user, pk)
    try:
        notice = services.rectification_notice_issue(plan=plan, by=request.user)
    except (Conflict, PermissionDenied) as exc:
        _error_message(request, exc)
    else:
        messages.success(request, _("已发出整改通知书 %(number)s，整改期限 %(due)s") % {
            "number": notice.number,
            "due": timezone.localtime(notice.due_at).strftime("%Y-%m-%d"),
        })  # fmt: skip
    return redirect("handover:takeover_detail", pk=plan.pk)


@require_POST
@takeover_page
def plan_confirm(request, pk: int):
    plan = services.takeover_plan_get_for_user(request.user, pk)
    form = ConfirmForm(request.POST)
    if form.is_valid():
        try:
            scans = attachments_from_request(request, plan.case)
            services.takeover_confirm(plan=plan, by=request.user, scan=scans[0] if scans else None,
                                      **form.cleaned_data)  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        except (Conflict, PermissionDenied) as exc:
            _error_message(request, exc)
            return redirect("handover:takeover_detail", pk=plan.pk)
        else:
            messages.success(request, _("已签署接管验收确认书"))
            return redirect("handover:takeover_detail", pk=plan.pk)
    return _render_plan(request, plan, status=400, confirm_form=form)


@require_POST
@takeover_page
def document_add(request, pk: int):
    plan = services.takeover_plan_get_for_user(request.user, pk)
    form = DocumentForm(request.POST, estate=plan.project.estate)
    if form.is_valid():
        try:
            services.handover_document_add(plan=plan, by=request.user, **form.service_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc)
        except (Conflict, PermissionDenied) as exc:
            _error_message(request, exc)
            return redirect("handover:takeover_detail", pk=plan.pk)
        else:
            messages.success(
                request, _("已登记移交资料“%(name)s”") % {"name": form.cleaned_data["name"]}
            )
            return redirect(reverse("handover:takeover_detail", args=[plan.pk]) + "#documents")
    return _render_plan(request, plan, status=400, document_form=form)


@require_GET
@takeover_page
def defects_export(request, pk: int):
    """The plan's defects with their deadlines, as .xlsx (to send on or to follow up)."""
    return defects_xlsx_response(services.takeover_plan_get_for_user(request.user, pk))


# --- PDFs ----------------------------------------------------------------------------------------


def _pdf(make, obj, filename: str, title: str):
    try:
        return pdf_response(make(obj), filename)
    except CJKFontMissing as exc:
        return font_missing_response(exc, title)


@require_GET
@takeover_page
def notice_pdf(request, pk: int):
    notice = services.rectification_notice_get_for_user(request.user, pk)
    return _pdf(pdf.rectification_notice_pdf, notice, f"整改通知书-{notice.number}.pdf",
                _("无法生成整改通知书"))  # fmt: skip


@require_GET
@takeover_page
def confirmation_pdf(request, pk: int):
    plan = services.takeover_plan_get_for_user(request.user, pk)
    if plan.case.status not in (TakeoverStatus.CONFIRMED, TakeoverStatus.DOCUMENTED):
        raise Http404
    return _pdf(pdf.confirmation_pdf, plan, f"接管验收确认书-{plan.case.number}.pdf",
                _("无法生成接管验收确认书"))  # fmt: skip


@require_GET
@takeover_page
def documents_pdf(request, pk: int):
    plan = services.takeover_plan_get_for_user(request.user, pk)
    return _pdf(pdf.documents_pdf, plan, f"资料移交清单-{plan.case.number}.pdf",
                _("无法生成资料移交清单"))  # fmt: skip


# --- The on-site checklist on a phone (TAKEOVER-05/12) ------------------------------------------


def _in_order(items) -> list[CheckItem]:
    """Building by building, the whole estate's items last (the phone walks them in order)."""
    return sorted(
        items.select_related("building"),
        key=lambda i: (i.building is None, i.building.sort if i.building else 0,
                       i.building_id or 0, i.sort, i.pk),
    )  # fmt: skip


@takeover_page
def checklist(request, pk: int):
    plan = services.takeover_plan_get_for_user(request.user, pk)
    items = _in_order(plan.items.all())
    groups: dict[str, list[CheckItem]] = {}
    for item in items:
        item.badge = RESULT_BADGE[item.result]
        groups.setdefault(item.building.name if item.building_id else _("全项目"), []).append(item)
    done = sum(1 for i in items if i.result != CheckResult.PENDING)
    context = {
        "plan": plan, "case": plan.case, "groups": groups, "done": done, "total": len(items),
        "status_label": TAKEOVER.state(plan.case.status).label,
        "checking": plan.case.status in (TakeoverStatus.INSPECTING, TakeoverStatus.RECTIFYING),
        "next_item": next((i for i in items if i.result == CheckResult.PENDING), None),
    }  # fmt: skip
    return render_in(request, "handover/takeover/checklist.html", context, plan.project.estate)


@takeover_page
def item_check(request, pk: int):
    item = services.check_item_get_for_user(request.user, pk)
    plan = item.plan
    form = CheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            attachments = attachments_from_request(request, plan.case)
            services.check_item_record(
                item=item, result=form.cleaned_data["result"], by=request.user,
                note=form.cleaned_data["note"], elevator_runs_ok=form.runs(),
                description=form.cleaned_data["description"],
                location=form.cleaned_data["location"], attachments=attachments,
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
            if "elevator_runs_ok" in exc.message_dict:
                form.add_error("run3", exc.message_dict["elevator_runs_ok"][0])
            if "photos" in exc.message_dict:
                form.photo_errors = exc.message_dict["photos"]
        except (Conflict, PermissionDenied) as exc:
            _error_message(request, exc)
            return redirect("handover:takeover_checklist", pk=plan.pk)
        else:
            label = CheckResult(form.cleaned_data["result"]).label
            messages.success(request, _("“%(name)s”已登记为%(result)s")
                             % {"name": item.name, "result": label})  # fmt: skip
            pending = _in_order(plan.items.filter(result=CheckResult.PENDING))
            following = pending[0] if pending else None
            if following is not None:
                return redirect("handover:takeover_item", pk=following.pk)
            return redirect("handover:takeover_checklist", pk=plan.pk)
    item.badge = RESULT_BADGE[item.result]
    context = {
        "item": item, "plan": plan, "case": plan.case, "form": form,
        "is_elevator": item.system == CheckSystem.ELEVATOR,
        "checking": plan.case.status in (TakeoverStatus.INSPECTING, TakeoverStatus.RECTIFYING),
        "photo_errors": getattr(form, "photo_errors", []),
        "defects": list(item.defects.select_related("case")),
    }  # fmt: skip
    status = 400 if request.method == "POST" else 200
    return render_in(request, "handover/takeover/item.html", context, plan.project.estate, status)


# --- A defect ------------------------------------------------------------------------------------


@takeover_page
def defect_detail(request, pk: int):
    defect = services.takeover_defect_get_for_user(request.user, pk)
    now = timezone.now()
    clocks = list(defect.case.clocks.order_by("started_at", "id"))
    for c in clocks:
        _clock_view(c, now)
    allowed = {a.name for a in allowed_actions(case=defect.case, user=request.user)}
    photos = list(defect.item.event.attachments.all()) if defect.item.event_id else []
    context = {
        "defect": defect, "case": defect.case, "plan": defect.plan, "clocks": clocks,
        "status_label": TAKEOVER_DEFECT.state(defect.case.status).label,
        "badge": STATUS_BADGE[defect.case.status], "photos": photos,
        "actions": [a for a in DEFECT_ACTIONS if a in allowed],
        "action_labels": {a.name: a.label for a in TAKEOVER_DEFECT.actions},
        "note_required": {a.name for a in TAKEOVER_DEFECT.actions if a.note_required},
        "events": _timeline(defect.case),
    }  # fmt: skip
    return render_in(request, "handover/takeover/defect.html", context, defect.plan.project.estate)


@require_POST
@takeover_page
def defect_act(request, pk: int, action: str):
    if action not in DEFECT_ACTIONS:
        raise Http404
    defect = services.takeover_defect_get_for_user(request.user, pk)
    try:
        attachments = attachments_from_request(request, defect.case)
        services.takeover_defect_act(defect=defect, action=action, by=request.user,
                                     note=request.POST.get("note", ""),
                                     attachments=attachments)  # fmt: skip
    except (ValidationError, Conflict, PermissionDenied) as exc:
        _error_message(request, exc)
    else:
        label = TAKEOVER_DEFECT.action(action).label
        messages.success(request, _("已%(action)s") % {"action": label})
    return redirect("handover:takeover_defect", pk=defect.pk)


urlpatterns = [
    path("handover/takeover/", takeover_list, name="takeover_list"),
    path("handover/takeover/project/new/", project_new, name="takeover_project_new"),
    path("handover/takeover/new/", plan_new, name="takeover_new"),
    path("handover/takeover/<int:pk>/", plan_detail, name="takeover_detail"),
    path("handover/takeover/<int:pk>/act/<slug:action>/", plan_act, name="takeover_act"),
    path("handover/takeover/<int:pk>/items/add/", item_add, name="takeover_item_add"),
    path("handover/takeover/items/<int:pk>/remove/", item_remove, name="takeover_item_remove"),
    path("handover/takeover/<int:pk>/checklist/", checklist, name="takeover_checklist"),
    path("handover/takeover/items/<int:pk>/", item_check, name="takeover_item"),
    path("handover/takeover/<int:pk>/notice/", notice_issue, name="takeover_notice_issue"),
    path("handover/takeover/notices/<int:pk>/pdf/", notice_pdf, name="takeover_notice_pdf"),
    path("handover/takeover/<int:pk>/confirm/", plan_confirm, name="takeover_confirm"),
    path(
        "handover/takeover/<int:pk>/confirmation.pdf",
        confirmation_pdf,
        name="takeover_confirmation_pdf",
    ),
    path("handover/takeover/<int:pk>/documents/add/", document_add, name="takeover_document_add"),
    path("handover/takeover/<int:pk>/documents.pdf", documents_pdf, name="takeover_documents_pdf"),
    path("handover/takeover/<int:pk>/defects.xlsx", defects_export, name="takeover_defects_export"),
    path("handover/takeover/defects/<int:pk>/", defect_detail, name="takeover_defect"),
    path(
        "handover/takeover/defects/<int:pk>/act/<slug:action>/",
        defect_act,
        name="takeover_defect_act",
    ),
]

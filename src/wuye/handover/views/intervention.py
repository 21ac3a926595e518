"""Pre-intervention pages (前期介入, INTAKE-*): the projects, a project's stage and its work —
agreement, team, written suggestions, site inspections with concealed-works photos, weekly
meetings — and the 《前期介入报告》.

Thin: reads through ``intervention``'s selectors, every write through its services; a service's
ValidationError goes next to the form field, a Conflict or PermissionDenied becomes a message
that says why. Staff of the project's estate see it (the team's roles and the auditors); the
leads (department heads, executives) move it on.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from wuye.base.pages import paginate
from wuye.base.pdf import CJKFontMissing, font_missing_response, pdf_response
from wuye.base.xlsx import dated_filename, xlsx_response
from wuye.core.exceptions import Conflict
from wuye.core.forms import add_service_errors
from wuye.core.models import Estate, Staff
from wuye.core.scoping import Actor, actor_for, get_or_404, visible_estates
from wuye.core.shortcuts import estate_tz, render_local, staff_required
from wuye.handover.choices import InterventionStatus
from wuye.handover.documents.intervention_report import (
    intervention_report_pdf,
    suggestion_letter_pdf,
)
from wuye.handover.models import (
    DesignSuggestion,
    HandoverProject,
    SuggestionStatus,
    SuggestionTopic,
    TeamRole,
)
from wuye.handover.processes import INTERVENTION
from wuye.handover.services import intervention as svc
from wuye.workflow.attachments import attachments_from_request
from wuye.workflow.selectors import case_timeline

I = InterventionStatus  # noqa: E741
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = {"rows": 4}


def _require_viewer(request) -> Actor:
    actor = actor_for(request.user)
    if not (actor.is_superuser or actor.role in svc.VIEWERS):
        raise PermissionDenied(_("此页面仅供前期介入小组、部门负责人和企业高层使用"))
    return actor


def _project(request, pk: int) -> HandoverProject:
    _require_viewer(request)
    return svc.project_get_for_user(request.user, pk)


def _render(request, template: str, context: dict, project: HandoverProject, status: int = 200):
    context.setdefault("project", project)
    return render_local(request, f"handover/intervention/{template}", context, project.estate,
                        status)  # fmt: skip


def _error_messages(request, exc: Exception) -> None:
    if isinstance(exc, ValidationError):
        for errors in exc.message_dict.values():
            for message in errors:
                messages.error(request, message)
    else:
        messages.error(request, getattr(exc, "message", None) or str(exc) or _("您不能执行该操作"))


# --- Forms (they shape input; the rules are the services') ----------------------------------------


class ProjectForm(forms.Form):
    estate = forms.ModelChoiceField(label=_("项目"), queryset=Estate.objects.none(),
                                    empty_label=_("请选择项目"))  # fmt: skip
    developer = forms.CharField(label=gettext_lazy("开发企业"), max_length=100)
    design_unit = forms.CharField(label=gettext_lazy("设计单位"), max_length=100, required=False)
    contractor = forms.CharField(label=gettext_lazy("施工单位"), max_length=100, required=False)
    total_floor_area = forms.CharField(
        label=gettext_lazy("总建筑面积（㎡）"), max_length=16, required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text=gettext_lazy("物业用房按总建筑面积的一定比例配置"),
    )  # fmt: skip
    start = forms.BooleanField(label=gettext_lazy("立即开始前期介入（项目对接）"), required=False,
                               initial=True)  # fmt: skip

    def __init__(self, *args, actor: Actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["estate"].queryset = (
            visible_estates(actor).filter(handover__isnull=True).order_by("name")
        )


class PremisesForm(forms.Form):
    """INTAKE-09: the areas and the proportion; the service checks the figures."""

    total_floor_area = forms.CharField(
        label=gettext_lazy("项目总建筑面积（㎡）"), max_length=16, required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )  # fmt: skip
    premises_area = forms.CharField(
        label=gettext_lazy("物业管理用房面积（㎡）"), max_length=16, required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )  # fmt: skip
    premises_ratio = forms.CharField(
        label=gettext_lazy("物业用房配置比例（%）"), max_length=10, required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text=gettext_lazy(
            "按合同或当地规定填写，如 0.4 表示 4‰；不填则不检查物业用房面积"
        ),
    )  # fmt: skip


class AgreementForm(forms.Form):
    signed_on = forms.DateField(label=gettext_lazy("签订日期"), widget=DATE)
    scope = forms.CharField(
        label=gettext_lazy("介入范围"), widget=forms.Textarea(attrs=TEXT),
        help_text=gettext_lazy("如：规划设计评审、施工跟进、竣工验收配合"),
    )  # fmt: skip
    duties = forms.CharField(label=gettext_lazy("双方职责"), widget=forms.Textarea(attrs=TEXT))
    photos = forms.CharField(required=False, widget=forms.HiddenInput)  # where photo errors go


class TeamMemberForm(forms.Form):
    staff = forms.ModelChoiceField(label=gettext_lazy("员工"), queryset=Staff.objects.none(),
                                   empty_label=gettext_lazy("请选择员工"))  # fmt: skip
    role = forms.ChoiceField(label=gettext_lazy("分工"), choices=TeamRole.choices)

    def __init__(self, *args, project: HandoverProject, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = svc.team_candidates(project)
        self.fields["staff"].label_from_instance = lambda s: (
            f"{s.name}（{s.department.get_kind_display()}）"
        )


class SuggestionForm(forms.Form):
    topic = forms.ChoiceField(label=gettext_lazy("类别"), choices=SuggestionTopic.choices)
    title = forms.CharField(label=gettext_lazy("标题"), max_length=100)
    content = forms.CharField(label=gettext_lazy("建议内容"),
                              widget=forms.Textarea(attrs={"rows": 6}))  # fmt: skip
    number = forms.CharField(label=gettext_lazy("函件编号"), max_length=32, required=False,
                             help_text=gettext_lazy("不填则自动编号"))  # fmt: skip
    submitted_on = forms.DateField(label=gettext_lazy("提交日期"), required=False, widget=DATE,
                                   help_text=gettext_lazy("不填则为今天"))  # fmt: skip


class AnswerForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("是否采纳"), widget=forms.RadioSelect,
        choices=[(SuggestionStatus.ADOPTED, SuggestionStatus.ADOPTED.label),
                 (SuggestionStatus.REJECTED, SuggestionStatus.REJECTED.label)],
    )  # fmt: skip
    answer = forms.CharField(label=gettext_lazy("开发企业答复"),
                             widget=forms.Textarea(attrs=TEXT))  # fmt: skip
    answered_on = forms.DateField(label=gettext_lazy("答复日期"), required=False, widget=DATE,
                                  help_text=gettext_lazy("不填则为今天"))  # fmt: skip


class InspectionForm(forms.Form):
    inspected_on = forms.DateField(label=gettext_lazy("巡查日期"), widget=DATE)
    location = forms.CharField(label=gettext_lazy("巡查部位"), max_length=100,
                               help_text=gettext_lazy("如：3栋地下室给水管"))  # fmt: skip
    findings = forms.CharField(label=gettext_lazy("巡查情况"), widget=forms.Textarea(attrs=TEXT))
    concealed_works = forms.BooleanField(
        label=gettext_lazy("涉及隐蔽工程（水电管道等，须上传照片）"), required=False
    )
    rectification = forms.CharField(label=gettext_lazy("整改意见"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    # INTAKE-07: at the completion acceptance, what this inspection checked the installation of.
    checks = forms.MultipleChoiceField(
        label=gettext_lazy("竣工验收重点检查（安装质量）"), required=False,
        choices=list(svc.COMPLETION_CHECKS.items()), widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    photos = forms.CharField(required=False, widget=forms.HiddenInput)


class IntervalForm(forms.Form):
    days = forms.IntegerField(label=gettext_lazy("巡查周期（天）"), min_value=1,
                              max_value=svc.MAX_INTERVAL_DAYS)  # fmt: skip


class MeetingForm(forms.Form):
    held_on = forms.DateField(label=gettext_lazy("会议日期"), widget=DATE)
    attendees = forms.CharField(
        label=gettext_lazy("参会人员"), widget=forms.Textarea(attrs={"rows": 2})
    )
    minutes = forms.CharField(label=gettext_lazy("会议纪要"), widget=forms.Textarea(attrs=TEXT))
    decisions = forms.CharField(label=gettext_lazy("会议决定"), required=False,
                                widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    open_points = forms.CharField(label=gettext_lazy("待办事项"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text=gettext_lazy("每行一项"))  # fmt: skip


class SuggestionFilter(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("搜索"), required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": gettext_lazy("编号或标题")}),
    )  # fmt: skip
    status = forms.ChoiceField(
        label=gettext_lazy("状态"), required=False,
        choices=[("", gettext_lazy("全部")), ("open", gettext_lazy("待答复")),
                 (SuggestionStatus.ADOPTED, SuggestionStatus.ADOPTED.label),
                 (SuggestionStatus.REJECTED, SuggestionStatus.REJECTED.label)],
    )  # fmt: skip
    topic = forms.ChoiceField(
        label=gettext_lazy("类别"), required=False,
        choices=[("", gettext_lazy("全部")), *SuggestionTopic.choices],
    )  # fmt: skip


# --- Projects -------------------------------------------------------------------------------------


@require_GET
@staff_required
def project_list(request):
    actor = _require_viewer(request)
    q = request.GET.get("q", "").strip()
    stage = request.GET.get("stage", "")
    projects = svc.project_list(actor=actor, q=q, stage=stage).order_by("estate__name")
    page = paginate(request, projects)
    for p in page.object_list:
        case = p.intervention_case
        p.stage_label = INTERVENTION.state(case.status).label if case else _("未开始")
        p.stage_code = case.status if case else "not_started"
    stages = [("", _("全部")), ("not_started", _("未开始")), *I.choices]
    context = {
        "page": page, "q": q, "stage": stage, "stages": stages,
        "can_create": svc.can_lead(actor),
        "filtered": bool(q or stage),
    }  # fmt: skip
    return render(request, "handover/intervention/project_list.html", context)


@staff_required
def project_create(request):
    actor = _require_viewer(request)
    if not svc.can_lead(actor):
        raise PermissionDenied(_("只有部门负责人或企业高层可以登记项目"))
    form = ProjectForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        from wuye.handover.services.takeover import project_create as create

        data = form.cleaned_data
        try:
            with transaction.atomic():
                project = create(
                    estate=data["estate"], developer=data["developer"],
                    design_unit=data["design_unit"], contractor=data["contractor"],
                    total_floor_area=data["total_floor_area"] or None, by=request.user,
                )  # fmt: skip
                if data["start"]:
                    svc.intervention_start(project, request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except (Conflict, PermissionDenied) as exc:
            form.add_error(None, getattr(exc, "message", None) or str(exc))
        else:
            messages.success(request, _("已登记项目 %(name)s") % {"name": project.estate.name})
            return redirect("handover:project_detail", pk=project.pk)
    return render(request, "handover/intervention/project_form.html", {"form": form})


def _stage_context(request, project: HandoverProject) -> dict:
    actor = actor_for(request.user)
    case = project.intervention_case
    lead = svc.can_lead(actor, project)
    step_actions = []
    if case is not None and lead:
        for name in (*svc.STEP_ACTIONS,):
            decl = INTERVENTION.action(name)
            if case.status in decl.sources:
                step_actions.append(decl)
    return {
        "actor": actor,
        "case": case,
        "lead": lead,
        "member": actor.is_superuser or actor.role in svc.TEAM,
        "steps": svc.step_timeline(project),
        "step_actions": step_actions,
        "status_label": INTERVENTION.state(case.status).label if case else _("未开始"),
    }


@require_GET
@staff_required
def project_detail(request, pk: int):
    project = _project(request, pk)
    context = _stage_context(request, project)
    context.update(
        {
            "agreement": getattr(project, "agreement", None),
            "team": svc.team_members(project),
            "missing_roles": svc.team_missing_roles(project),
            "team_form": TeamMemberForm(project=project) if context["lead"] else None,
            "open_suggestions": list(
                svc.suggestion_list(project, status="open").order_by("submitted_at")[:10]
            ),
            "suggestion_counts": _suggestion_counts(project),
            "inspections": list(project.inspections.select_related("inspector__staff")[:5]),
            "inspection_due": svc.inspection_due(project),
            "premises": svc.premises_check(project),
            "meetings": list(project.meetings.all()[:5]),
            "weeks": svc.meeting_weeks(project),
            "open_points": svc.open_points(project),
            "events": _timeline(project),
        }
    )
    return _render(request, "project_detail.html", context, project)


def _timeline(project: HandoverProject) -> list:
    case = project.intervention_case
    if case is None:
        return []
    events = list(case_timeline(case=case).prefetch_related("attachments"))
    for e in events:
        e.label = INTERVENTION.event_label(e)
        e.from_label = INTERVENTION.state_label(e.from_status) if e.from_status else ""
        e.to_label = INTERVENTION.state_label(e.to_status)
    return events


def _suggestion_counts(project: HandoverProject) -> dict:
    counts = {s: 0 for s in SuggestionStatus.values}
    for status in project.suggestions.values_list("status", flat=True):
        counts[status] += 1
    counts["total"] = sum(counts.values())
    return counts


@require_POST
@staff_required
def project_start(request, pk: int):
    project = _project(request, pk)
    try:
        svc.intervention_start(project, request.user)
    except (Conflict, PermissionDenied) as exc:
        _error_messages(request, exc)
    else:
        messages.success(request, _("已开始前期介入：项目对接"))
    return redirect("handover:project_detail", pk=project.pk)


@require_POST
@staff_required
def project_act(request, pk: int, action: str):
    """A step of INTAKE-03 (or the report's submission), with an optional note."""
    if action not in svc.STEP_ACTIONS:
        raise Http404
    project = _project(request, pk)
    try:
        svc.intervention_act(project=project, action=action, by=request.user,
                             note=request.POST.get("note", ""))  # fmt: skip
    except (Conflict, PermissionDenied, ValidationError) as exc:
        _error_messages(request, exc)
    else:
        label = INTERVENTION.action(action).label
        messages.success(request, _("已%(action)s") % {"action": label})
    return redirect("handover:project_detail", pk=project.pk)


# --- Agreement and team (INTAKE-02/04) ------------------------------------------------------------


@staff_required
def agreement_edit(request, pk: int):
    project = _project(request, pk)
    actor = actor_for(request.user)
    if not svc.can_lead(actor, project):
        raise PermissionDenied(_("只有部门负责人或企业高层可以登记《前期介入协议》"))
    agreement = getattr(project, "agreement", None)
    initial = {}
    if agreement is not None:
        initial = {"signed_on": agreement.signed_on, "scope": agreement.scope,
                   "duties": agreement.duties}  # fmt: skip
    form = AgreementForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            case = project.intervention_case
            files = attachments_from_request(request, case) if case else []
            data = {k: v for k, v in form.cleaned_data.items() if k != "photos"}
            svc.agreement_record(project=project, attachments=files, by=request.user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except (Conflict, PermissionDenied) as exc:
            form.add_error(None, getattr(exc, "message", None) or str(exc))
        else:
            messages.success(request, _("已登记《前期介入协议》"))
            return redirect("handover:project_detail", pk=project.pk)
    context = {"form": form, "agreement": agreement}
    return _render(request, "agreement_form.html", context, project)


@require_POST
@staff_required
def team_add(request, pk: int):
    project = _project(request, pk)
    form = TeamMemberForm(request.POST, project=project)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("handover:project_detail", pk=project.pk)
    try:
        member = svc.team_member_add(project=project, by=request.user, **form.cleaned_data)
    except (ValidationError, Conflict, PermissionDenied) as exc:
        _error_messages(request, exc)
    else:
        messages.success(request, _("%(name)s 已加入前期介入小组") % {"name": member.staff.name})
    return redirect("handover:project_detail", pk=project.pk)


@require_POST
@staff_required
def team_remove(request, pk: int, member: int):
    project = _project(request, pk)
    row = get_or_404(project.team.filter(team="intervention").select_related("staff"), member)
    try:
        svc.team_member_remove(member=row, by=request.user)
    except (ValidationError, Conflict, PermissionDenied) as exc:
        _error_messages(request, exc)
    else:
        messages.success(request, _("%(name)s 已退出前期介入小组") % {"name": row.staff.name})
    return redirect("handover:project_detail", pk=project.pk)


# --- Suggestions (INTAKE-05/09/10/13) -------------------------------------------------------------


def _suggestions(request, project: HandoverProject):
    form = SuggestionFilter(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    qs = svc.suggestion_list(project, status=data.get("status", ""), topic=data.get("topic", ""),
                             q=data.get("q", ""))  # fmt: skip
    return form, qs


@require_GET
@staff_required
def suggestion_list(request, pk: int):
    project = _project(request, pk)
    form, qs = _suggestions(request, project)
    context = _stage_context(request, project)
    context.update({"filter_form": form, "page": paginate(request, qs),
                    "counts": _suggestion_counts(project),
                    "filtered": any(v for k, v in request.GET.items() if k != "page")})  # fmt: skip
    return _render(request, "suggestion_list.html", context, project)


@require_GET
@staff_required
def suggestion_export(request, pk: int):
    project = _project(request, pk)
    _form, qs = _suggestions(request, project)
    return suggestion_workbook(project, qs)


def suggestion_workbook(project: HandoverProject, suggestions) -> HttpResponse:
    """The spreadsheet of ``suggestions`` (the list's rows, filtered), for the page and the API."""
    tz = estate_tz(project.estate)

    def local(value):
        return value.astimezone(tz).replace(tzinfo=None) if value else None

    rows = [[s.number, s.get_topic_display(), s.title, s.content, local(s.submitted_at),
             s.get_status_display(), s.developer_answer, local(s.answered_at)]
            for s in suggestions[:20_000]]  # fmt: skip
    headers = [_("函件编号"), _("类别"), _("标题"), _("建议内容"), _("提交时间"), _("状态"),
               _("开发企业答复"), _("答复时间")]  # fmt: skip
    return xlsx_response(
        filename=dated_filename(project.estate.name, _("规划设计建议")), title=_("规划设计建议"),
        headers=headers, rows=rows, text_columns=(0,), widths=(20, 12, 30, 60, 17, 10, 40, 17),
    )  # fmt: skip


@staff_required
def suggestion_create(request, pk: int):
    project = _project(request, pk)
    form = SuggestionForm(request.POST or None, initial={"topic": request.GET.get("topic", "")})
    if request.method == "POST" and form.is_valid():
        try:
            suggestion = svc.suggestion_submit(project=project, by=request.user,
                                               **form.cleaned_data)  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        except (Conflict, PermissionDenied) as exc:
            form.add_error(None, getattr(exc, "message", None) or str(exc))
        else:
            messages.success(
                request, _("已书面提交建议 %(number)s，请打印建议函送达开发企业")
                % {"number": suggestion.number},
            )  # fmt: skip
            return redirect("handover:suggestion_detail", pk=project.pk, sid=suggestion.pk)
    context = {"form": form, "elevators": svc.elevator_ratio(project)}
    return _render(request, "suggestion_form.html", context, project)


def _suggestion(project: HandoverProject, sid: int) -> DesignSuggestion:
    return get_or_404(project.suggestions.select_related("submitted_by__staff"), sid)


@staff_required
def suggestion_detail(request, pk: int, sid: int):
    project = _project(request, pk)
    suggestion = _suggestion(project, sid)
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            svc.suggestion_answer(suggestion=suggestion, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except (Conflict, PermissionDenied) as exc:
            form.add_error(None, getattr(exc, "message", None) or str(exc))
        else:
            messages.success(request, _("已登记开发企业答复"))
            return redirect("handover:suggestion_detail", pk=project.pk, sid=suggestion.pk)
    actor = actor_for(request.user)
    context = {
        "suggestion": suggestion, "form": form,
        "can_answer": suggestion.status == SuggestionStatus.SUBMITTED
        and (actor.is_superuser or actor.role in svc.TEAM),
        "elevators": svc.elevator_ratio(project) if suggestion.topic == "elevator" else None,
    }  # fmt: skip
    return _render(request, "suggestion_detail.html", context, project)


@require_GET
@staff_required
def suggestion_letter(request, pk: int, sid: int):
    project = _project(request, pk)
    suggestion = _suggestion(project, sid)
    try:
        content = suggestion_letter_pdf(suggestion)
    except CJKFontMissing as error:
        return font_missing_response(error, _("无法生成建议函"))
    return pdf_response(content, _("建议函-%(number)s.pdf") % {"number": suggestion.number})


# --- Site inspections (INTAKE-06/11) --------------------------------------------------------------


@require_GET
@staff_required
def inspection_list(request, pk: int):
    project = _project(request, pk)
    location = request.GET.get("location", "").strip()
    qs = svc.inspection_list(project, location=location,
                             concealed=bool(request.GET.get("concealed")))  # fmt: skip
    page = paginate(request, qs)
    photos = svc.photos_by_event(page.object_list)
    for inspection in page.object_list:
        inspection.photos = photos.get(inspection.event_id, [])
    context = _stage_context(request, project)
    context.update({
        "page": page, "location": location, "concealed": bool(request.GET.get("concealed")),
        "due": svc.inspection_due(project),
        "interval_form": IntervalForm(initial={"days": project.inspection_interval_days}),
        "filtered": bool(location or request.GET.get("concealed")),
    })  # fmt: skip
    return _render(request, "inspection_list.html", context, project)


@staff_required
def inspection_create(request, pk: int):
    project = _project(request, pk)
    form = InspectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "photos"}
        try:
            files = attachments_from_request(request, project.intervention_case)
            svc.inspection_record(project=project, attachments=files, by=request.user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except (Conflict, PermissionDenied) as exc:
            form.add_error(None, getattr(exc, "message", None) or str(exc))
        else:
            messages.success(request, _("已登记工地巡查"))
            return redirect("handover:inspection_list", pk=project.pk)
    case = svc.current_case(project)
    context = {"form": form, "due": svc.inspection_due(project),
               "completion": case is not None and case.status == svc.I.COMPLETION}  # fmt: skip
    return _render(request, "inspection_form.html", context, project)


@staff_required
def premises_edit(request, pk: int):
    """INTAKE-09: edit the project's areas and the premises proportion."""
    project = _project(request, pk)
    if not svc.can_lead(actor_for(request.user), project):
        raise PermissionDenied(_("只有部门负责人或企业高层可以修改"))
    initial = {f: "" if getattr(project, f) is None else getattr(project, f)
               for f in ("total_floor_area", "premises_area", "premises_ratio")}  # fmt: skip
    form = PremisesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            svc.premises_area_set(project=project, **form.cleaned_data, by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已保存物业用房面积"))
            return redirect("handover:project_detail", pk=project.pk)
    status = 400 if request.method == "POST" else 200
    return _render(request, "premises_form.html", {"form": form}, project, status=status)


@require_POST
@staff_required
def inspection_interval(request, pk: int):
    project = _project(request, pk)
    try:
        svc.inspection_interval_set(project=project, days=request.POST.get("days"),
                                    by=request.user)  # fmt: skip
    except (ValidationError, PermissionDenied) as exc:
        _error_messages(request, exc)
    else:
        messages.success(
            request, _("巡查周期已改为 %(n)s 天") % {"n": project.inspection_interval_days}
        )
    return redirect("handover:inspection_list", pk=project.pk)


@require_GET
@staff_required
def concealed_gallery(request, pk: int):
    project = _project(request, pk)
    q = request.GET.get("location", "").strip()
    groups = svc.concealed_gallery(project, location=q)
    return _render(request, "gallery.html", {"groups": groups, "location": q}, project)


# --- Weekly meetings (INTAKE-12) ------------------------------------------------------------------


@require_GET
@staff_required
def meeting_list(request, pk: int):
    project = _project(request, pk)
    context = _stage_context(request, project)
    meetings = project.meetings.select_related("recorded_by__staff")
    context.update({"page": paginate(request, meetings), "weeks": svc.meeting_weeks(project)})
    return _render(request, "meeting_list.html", context, project)


@staff_required
def meeting_create(request, pk: int):
    project = _project(request, pk)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            svc.meeting_record(project=project, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except (Conflict, PermissionDenied) as exc:
            form.add_error(None, getattr(exc, "message", None) or str(exc))
        else:
            messages.success(request, _("已登记例会纪要"))
            return redirect("handover:meeting_list", pk=project.pk)
    return _render(request, "meeting_form.html", {"form": form}, project)


# --- 《前期介入报告》 (INTAKE-08) -----------------------------------------------------------------


@require_GET
@staff_required
def report_pdf(request, pk: int):
    project = _project(request, pk)
    case = project.intervention_case
    if case is None or case.status not in (I.SUMMARY, I.CLOSED):
        messages.error(request, _("《前期介入报告》在“前期介入总结”阶段生成"))
        return redirect("handover:project_detail", pk=project.pk)
    try:
        content = intervention_report_pdf(project)
    except CJKFontMissing as error:
        return font_missing_response(error, _("无法生成前期介入报告"))
    filename = _("前期介入报告-%(estate)s.pdf") % {"estate": project.estate.name}
    return pdf_response(content, filename)


P = "handover/projects/<int:pk>/"
urlpatterns = [
    path("handover/projects/", project_list, name="project_list"),
    path("handover/projects/new/", project_create, name="project_create"),
    path(P, project_detail, name="project_detail"),
    path(P + "start/", project_start, name="project_start"),
    path(P + "act/<str:action>/", project_act, name="project_act"),
    path(P + "agreement/", agreement_edit, name="agreement"),
    path(P + "premises/", premises_edit, name="premises"),
    path(P + "team/", team_add, name="team_add"),
    path(P + "team/<int:member>/remove/", team_remove, name="team_remove"),
    path(P + "suggestions/", suggestion_list, name="suggestion_list"),
    path(P + "suggestions/export/", suggestion_export, name="suggestion_export"),
    path(P + "suggestions/new/", suggestion_create, name="suggestion_create"),
    path(P + "suggestions/<int:sid>/", suggestion_detail, name="suggestion_detail"),
    path(P + "suggestions/<int:sid>/letter.pdf", suggestion_letter, name="suggestion_letter"),
    path(P + "inspections/", inspection_list, name="inspection_list"),
    path(P + "inspections/new/", inspection_create, name="inspection_create"),
    path(P + "inspections/interval/", inspection_interval, name="inspection_interval"),
    path(P + "inspections/photos/", concealed_gallery, name="concealed_gallery"),
    path(P + "meetings/", meeting_list, name="meeting_list"),
    path(P + "meetings/new/", meeting_create, name="meeting_create"),
    path(P + "report.pdf", report_pdf, name="report_pdf"),
]

"""Pages of outages (停水停电, EMERG-OUTAGE): the list (upcoming first) and its Excel file, the
desk's "计划停水停电" and "突发停水停电" forms (on a phone; the level the scope suggests, or
another with its reason), and the outage's page — its notice and how long ahead it went out, the
tasks with their people, their due times (the late ones marked) and a big "完成" for the guard,
the cause, the utility, the restoration and the sample to call. Every write goes through the
services."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from wuye.base.pages import paginate, render_list
from wuye.core.exceptions import Conflict
from wuye.core.models import Building, Staff
from wuye.core.scoping import actor_for
from wuye.core.shortcuts import current_estate, estate_tz, staff_required
from wuye.core.shortcuts import render_local as render_in
from wuye.workflow.selectors import case_timeline_labelled
from wuye.workflow.services import allowed_actions

from ..choices import Level, TaskKind, TaskStatus, Utility
from ..documents.outages import outages_xlsx
from ..processes import ENGINEERS, OUTAGE_ACTIONS
from ..selectors import outages as selectors
from ..selectors.outages import STATE_LABELS, kind_label
from ..services import outages as services
from ..services.incidents import incident_act

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


class OutageFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("搜索"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search"}))  # fmt: skip
    utility = forms.ChoiceField(label=gettext_lazy("类型"), required=False,
                                choices=[("", gettext_lazy("全部")), *Utility.choices])  # fmt: skip
    kind = forms.ChoiceField(label=gettext_lazy("计划/突发"), required=False, choices=[
        ("", gettext_lazy("全部")), ("planned", gettext_lazy("计划内")),
        ("sudden", gettext_lazy("突发")),
    ])  # fmt: skip
    state = forms.ChoiceField(
        label=gettext_lazy("状态"), required=False,
        choices=[("", gettext_lazy("全部")), *STATE_LABELS.items()],
    )  # fmt: skip


class OutageForm(forms.Form):
    """计划停水停电 / 突发停水停电 (the services check the rules)."""

    utility = forms.ChoiceField(label=gettext_lazy("类型"), choices=Utility.choices,
                                widget=forms.RadioSelect)  # fmt: skip
    whole_estate = forms.BooleanField(
        label=gettext_lazy("整个小区"), required=False,
        help_text=gettext_lazy("整个小区（或全部楼栋）停水停电按Ⅰ级响应，涉及10栋楼以上按Ⅲ级"),
    )  # fmt: skip
    buildings = forms.ModelMultipleChoiceField(
        label=gettext_lazy("涉及楼栋"), queryset=Building.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    starts_at = forms.DateTimeField(
        label=gettext_lazy("停水停电时间"), input_formats=DATETIME_FORMATS, widget=DATETIME_INPUT
    )
    expected_end_at = forms.DateTimeField(label=gettext_lazy("预计恢复时间"),
                                          input_formats=DATETIME_FORMATS,
                                          widget=DATETIME_INPUT)  # fmt: skip
    precautions = forms.CharField(
        label=gettext_lazy("注意事项"), max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": gettext_lazy("如 请业主提前储水")}),
    )  # fmt: skip
    cause = forms.CharField(
        label=gettext_lazy("原因"), max_length=1000, required=False,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("如 二次供水水箱清洗")}),
    )  # fmt: skip
    guard = forms.ModelChoiceField(
        label=gettext_lazy("取水点值守秩序员"), queryset=Staff.objects.none(), required=False,
        help_text=gettext_lazy("停水时必填：临时取水点需安排秩序员值守"),
    )  # fmt: skip
    water_point = forms.CharField(
        label=gettext_lazy("临时取水点"), max_length=100, required=False,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("小区门口")}),
    )  # fmt: skip
    level = forms.TypedChoiceField(label=gettext_lazy("响应级别"), required=False, coerce=int,
                                   empty_value=None, choices=[("", gettext_lazy("按建议"))]
                                   + [(str(v), lbl) for v, lbl in Level.choices])  # fmt: skip
    level_reason = forms.CharField(label=gettext_lazy("调整级别的原因"), required=False,
                                   max_length=200)  # fmt: skip

    def __init__(self, *args, estate, planned: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["buildings"].queryset = Building.objects.filter(estate=estate).order_by("pk")
        self.fields["guard"].queryset = Staff.objects.filter(
            estates=estate, is_active=True, role__in=services.GUARD_ROLES
        ).order_by("name")
        if planned:
            self.fields["starts_at"].help_text = gettext_lazy(
                "须在 48 小时之后；不足 48 小时请按突发登记"
            )
        else:
            self.fields["starts_at"].required = False
            self.fields["starts_at"].help_text = gettext_lazy("不填则为现在")


def _filters(request):
    """The list's filters from the URL, shared by the page and its Excel file."""
    estate = current_estate(request)
    form = OutageFilterForm(request.GET or None)
    values = form.cleaned_data if form.is_valid() else {}
    outages = selectors.outage_list(
        actor=actor_for(request.user), estate_id=estate.pk if estate else None,
        utility=values.get("utility", ""), state=values.get("state", ""), q=values.get("q", ""),
        planned={"planned": True, "sudden": False}.get(values.get("kind", "")),
    )  # fmt: skip
    return form, values, estate, outages


@require_GET
@staff_required
def outage_list(request):
    """停水停电: upcoming first, with how long ahead each notice went out."""
    form, values, estate, outages = _filters(request)
    page = paginate(request, outages)
    for outage in page.object_list:
        outage.state = selectors.outage_state(outage)
        outage.state_label = STATE_LABELS[outage.state]
        outage.kind_label = kind_label(outage)
        outage.ahead = selectors.ahead_text(selectors.outage_notice_ahead(outage))
    context = {"page": page, "form": form, "estate": estate,
               "filtered": any(values.values()) if values else False}  # fmt: skip
    zone = estate_tz(estate) if estate else timezone.get_current_timezone()
    with timezone.override(zone):
        return render_list(request, "emergency/outages/list.html",
                           "emergency/outages/results.html", context)  # fmt: skip


@require_GET
@staff_required
def outage_export(request):
    """The filtered outages as an Excel file."""
    _form, _values, _estate, outages = _filters(request)
    return outages_xlsx(outages)


def _open_view(request, *, planned: bool):
    estate = current_estate(request)
    if estate is None:
        raise Http404
    with timezone.override(estate_tz(estate)):  # a datetime-local is the estate's time
        form = OutageForm(request.POST or None, estate=estate, planned=planned)
        valid = request.method == "POST" and form.is_valid()
    if valid:
        data = form.cleaned_data
        service = services.outage_plan if planned else services.outage_report
        try:
            outage = service(
                estate=estate, utility=data["utility"], starts_at=data["starts_at"],
                expected_end_at=data["expected_end_at"], precautions=data["precautions"],
                buildings=list(data["buildings"]), whole_estate=data["whole_estate"],
                guard=data["guard"], water_point=data["water_point"], cause=data["cause"],
                level=data["level"], level_reason=data["level_reason"], by=request.user,
            )  # fmt: skip
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, _("已登记，通知已发送给受影响的住户"))
            return redirect("emergency:outage_detail", pk=outage.pk)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "planned": planned}
    return render_in(request, "emergency/outages/form.html", context, estate, status)


@staff_required
def outage_plan(request):
    """计划停水停电 (EMERG-OUTAGE-04/05): 48 hours ahead, the notice at once."""
    return _open_view(request, planned=True)


@staff_required
def outage_report(request):
    """突发停水停电 (EMERG-OUTAGE-06): the households told at once."""
    return _open_view(request, planned=False)


def _context(request, outage, errors: dict | None = None, failed: str = "") -> dict:
    incident = outage.incident
    allowed = {a.name for a in allowed_actions(case=incident.case, user=request.user)}
    tasks = list(selectors.outage_tasks(outage))
    sample = list(selectors.outage_sample(outage))
    actor = actor_for(request.user)
    me = getattr(actor.staff, "pk", None)
    engineer = actor.is_superuser or actor.role in ENGINEERS
    now = timezone.now()
    for task in tasks:
        task.mine = task.assignee_id is not None and task.assignee_id == me
        task.overdue = selectors.task_overdue(task, now)
        # The lifts and the cause are engineering's (EMERG-OUTAGE-09/13).
        task.can_do = engineer or task.kind not in (TaskKind.ELEVATORS, TaskKind.CAUSE)
    tasks.sort(key=lambda t: (not t.mine, t.status != TaskStatus.OPEN))
    outage.kind_label = kind_label(outage)
    ahead = selectors.outage_notice_ahead(outage)
    return {
        "outage": outage, "incident": incident, "case": incident.case,
        "state": selectors.outage_state(outage),
        "state_label": STATE_LABELS[selectors.outage_state(outage)],
        "ahead": selectors.ahead_text(ahead),
        "ahead_ok": ahead is not None and ahead >= services.NOTICE_AHEAD,
        "tasks": tasks, "open_tasks": [t for t in tasks if t.status == TaskStatus.OPEN],
        "sample": sample, "called": sum(1 for v in sample if v.contacted_at),
        "steps": list(incident.steps.order_by("order")),
        "contacts": list(incident.contacts.order_by("at", "pk")),
        "can": {name: name in allowed for name in
                ("task_done", "find_cause", "call_utility", "restore", "sample_call")},
        "events": case_timeline_labelled(incident.case),
        "errors": [m for problems in (errors or {}).values() for m in problems],
        "failed": failed, "post": request.POST if failed else {},
    }  # fmt: skip


@require_GET
@staff_required
def outage_detail(request, pk: int):
    outage = selectors.outage_get_for_user(request.user, pk)
    return render_in(request, "emergency/outages/detail.html", _context(request, outage),
                     outage.incident.estate)  # fmt: skip


def _act(request, pk: int, action: str, data: dict):
    outage = selectors.outage_get_for_user(request.user, pk)
    try:
        incident_act(incident=outage.incident_id, action=action, by=request.user,
                     note=request.POST.get("note", ""), data=data)  # fmt: skip
    except ValidationError as error:
        errors = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
    except (Conflict, PermissionDenied) as error:
        errors = {"": [getattr(error, "message", None) or str(error)]}
    else:
        messages.success(request, _("已保存"))
        return redirect(reverse("emergency:outage_detail", args=[pk]))
    outage = selectors.outage_get_for_user(request.user, pk)
    context = _context(request, outage, errors=errors, failed=action)
    return render_in(request, "emergency/outages/detail.html", context, outage.incident.estate,
                     status=400)  # fmt: skip


@require_POST
@staff_required
def outage_task_done(request, pk: int, task_id: int):
    """完成 a task (the guard's big button on a phone)."""
    data = {"task": task_id}
    if request.POST.get("cause"):
        data["cause"] = request.POST["cause"]
    return _act(request, pk, "task_done", data)


@require_POST
@staff_required
def outage_act(request, pk: int, action: str):
    """记录故障原因 / 联系供水供电部门 / 恢复供应 / 回访, posted from the outage's page."""
    if action not in {a.name for a in OUTAGE_ACTIONS}:
        raise Http404
    post = request.POST
    keys = {"find_cause": ("cause",), "call_utility": ("organisation", "person", "phone",
                                                      "reference"),
            "restore": ("cause",), "sample_call": ("followup", "satisfaction")}  # fmt: skip
    data = {key: post.get(key, "").strip() for key in keys.get(action, ()) if post.get(key)}
    if action == "sample_call":
        data["reached"] = post.get("reached", "yes") != "no"
    return _act(request, pk, action, data)


urlpatterns = [
    path("outages/", outage_list, name="outage_list"),
    path("outages/export.xlsx", outage_export, name="outage_export"),
    path("outages/plan/", outage_plan, name="outage_plan"),
    path("outages/sudden/", outage_report, name="outage_report"),
    path("outages/<int:pk>/", outage_detail, name="outage_detail"),
    path("outages/<int:pk>/tasks/<int:task_id>/done/", outage_task_done, name="outage_task_done"),
    path("outages/<int:pk>/<str:action>/", outage_act, name="outage_act"),
]

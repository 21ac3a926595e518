"""Pages of planned work: 我的任务 (a phone page for staff and contractors), the estate's task
board (filters, paging, .xlsx), the month calendar, the plans and one plan's page with its tasks
and history, and the plan form. Thin: the rules are ``services.tasks``."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from wuye.base.pages import paginate, render_list
from wuye.core.choices import STAFF_ROLES, DepartmentKind, Role
from wuye.core.forms import add_service_errors
from wuye.core.models import Contractor, Estate, Staff
from wuye.core.scoping import actor_for
from wuye.core.shortcuts import estate_page, render_local
from wuye.core.shortcuts import estate_tz as zone_of
from wuye.workflow.choices import TargetUnit
from wuye.workflow.models import Frequency, PlannedTaskStatus, RecurrenceBasis, Schedule
from wuye.workflow.schedules import SCHEDULE_WRITE_ROLES

from ..choices import CertificateKind
from ..documents.tasks import task_state, tasks_xlsx_response
from ..models import Checklist, Route
from ..selectors import tasks as selectors
from ..services import tasks as services

KINDS = (
    ("maintenance", gettext_lazy("设备保养")),
    ("inspection", gettext_lazy("设备巡检")),
    ("patrol", gettext_lazy("巡逻")),
    ("fire_check", gettext_lazy("消防检查")),
    ("cleaning_check", gettext_lazy("保洁检查")),
    ("greening", gettext_lazy("绿化养护")),
)
KIND_LABELS = dict(KINDS)
BASIS_HELP = gettext_lazy("按上次完成：下一次在上次完成后隔一个周期")
STATUS_CHOICES = [
    ("", gettext_lazy("全部状态")),
    (selectors.OVERDUE, gettext_lazy("已超时（含已错过）")),
    *PlannedTaskStatus.choices,
]


def _can_plan(actor, estate: Estate) -> bool:
    return actor.is_superuser or (
        actor.role in SCHEDULE_WRITE_ROLES and estate.pk in actor.estate_ids
    )


def _decorate(tasks, now: dt.datetime) -> None:
    for task in tasks:
        task.state_label = task_state(task, now)
        task.kind_label = KIND_LABELS.get(task.schedule.kind, task.schedule.kind)
        task.is_late = task.status == PlannedTaskStatus.MISSED or (
            task.status == PlannedTaskStatus.PLANNED and task.due_at < now
        )


# --- 我的任务 -----------------------------------------------------------------------------------


@login_required
def my_tasks(request):
    """Staff or a contractor's account: overdue, today, the next 7 days."""
    actor = actor_for(request.user)
    if actor.staff is None and actor.contractor is None and not actor.is_superuser:
        raise PermissionDenied(_("此页面仅供员工和维保单位使用"))
    now = timezone.now()
    lists = selectors.my_tasks(actor, now=now)
    for rows in lists.values():
        _decorate(rows, now)
    tab = request.GET.get("tab") if request.GET.get("tab") in lists else "today"
    if tab == "today" and not lists["today"] and lists["overdue"]:
        tab = "overdue"
    context = {"lists": lists, "tab": tab, "tasks": lists[tab], "now": now}
    return render_list(request, "fieldwork/tasks/mine.html", "fieldwork/tasks/mine.html", context)


# --- The task board ----------------------------------------------------------------------------


class BoardFilter(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("计划或对象"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("类别"), required=False, choices=[("", gettext_lazy("全部类别")), *KINDS]
    )
    status = forms.ChoiceField(label=gettext_lazy("状态"), required=False, choices=STATUS_CHOICES)
    start = forms.DateField(
        label=gettext_lazy("计划日期从"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = forms.DateField(
        label=gettext_lazy("至"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    plan = forms.IntegerField(
        required=False, widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1
    )


def _board(request, estate: Estate):
    form = BoardFilter(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    return form, selectors.task_board(
        actor_for(request.user),
        estate=estate,
        kind=data.get("kind", ""),
        status=data.get("status", ""),
        subject=data.get("q", ""),
        plan=data.get("plan"),
        start=data.get("start"),
        end=data.get("end"),
    )


@require_GET
@estate_page
def task_board(request, estate: Estate):
    form, qs = _board(request, estate)
    page = paginate(request, qs)
    selectors.attach_subjects(t.schedule.spec for t in page.object_list)
    now = timezone.now()
    _decorate(page.object_list, now)
    context = {
        "form": form,
        "page": page,
        "estate": estate,
        "now": now,
        "query": request.GET.urlencode(),
    }
    with timezone.override(zone_of(estate)):
        return render_list(
            request, "fieldwork/tasks/board.html", "fieldwork/tasks/board_results.html", context
        )


@require_GET
@estate_page
def task_export(request, estate: Estate):
    """Exactly what the board shows with these filters, as .xlsx."""
    _form, qs = _board(request, estate)
    return tasks_xlsx_response(estate=estate, tasks=qs, now=timezone.now())


@require_GET
@estate_page
def task_calendar(request, estate: Estate):
    """A month of planned tasks per day (per kind): the maintenance calendar and the others."""
    today = timezone.now().astimezone(zone_of(estate)).date()
    try:
        year = int(request.GET.get("year") or today.year)
        month = int(request.GET.get("month") or today.month)
        first = dt.date(year, month, 1)
    except ValueError:
        year, month, first = today.year, today.month, today.replace(day=1)
    if not 2000 <= year <= 2100:
        year, month, first = today.year, today.month, today.replace(day=1)
    kind = request.GET.get("kind", "")
    kind = kind if kind in KIND_LABELS else ""
    data = selectors.task_calendar(
        actor_for(request.user), estate=estate, year=year, month=month, kind=kind
    )
    previous = first - dt.timedelta(days=1)
    following = first + dt.timedelta(days=32)
    context = {
        "calendar": data,
        "estate": estate,
        "kind": kind,
        "kinds": KINDS,
        "today": today,
        "previous": previous,
        "following": following.replace(day=1),
        "weekdays": [_("周一"), _("周二"), _("周三"), _("周四"), _("周五"), _("周六"), _("周日")],
    }
    return render_local(request, "fieldwork/tasks/calendar.html", context, estate)


# --- Plans ------------------------------------------------------------------------------------


@require_GET
@estate_page
def plan_list(request, estate: Estate):
    actor = actor_for(request.user)
    qs = selectors.plans_visible(actor).filter(estate=estate).order_by("-active", "kind", "name")
    kind = request.GET.get("kind", "")
    if kind:
        qs = qs.filter(kind=kind)
    page = paginate(request, qs)
    selectors.attach_subjects(s.spec for s in page.object_list)
    for plan in page.object_list:
        plan.kind_label = KIND_LABELS.get(plan.kind, plan.kind)
    context = {
        "page": page,
        "estate": estate,
        "kinds": KINDS,
        "kind": kind,
        "can_plan": _can_plan(actor, estate),
    }
    return render_list(request, "fieldwork/tasks/plans.html", "fieldwork/tasks/plans.html", context)


@require_GET
@login_required
def plan_detail(request, pk: int):
    """One plan: what its tasks require, the coming tasks, and its history (done and missed)."""
    actor = actor_for(request.user)
    plan = selectors.plan_get_for_user(actor, pk)
    selectors.attach_subjects([plan.spec])
    now = timezone.now()
    coming = list(
        plan.tasks.filter(status=PlannedTaskStatus.PLANNED).order_by("scheduled_for")[:20]
    )
    history = paginate(
        request,
        plan.tasks.exclude(status=PlannedTaskStatus.PLANNED)
        .select_related("done_by")
        .order_by("-scheduled_for"),
    )
    _decorate(coming, now)
    _decorate(history.object_list, now)
    context = {
        "plan": plan,
        "spec": plan.spec,
        "coming": coming,
        "page": history,
        "now": now,
        "counts": selectors.plan_task_counts(plan),
        "estate": plan.estate,
        "kind_label": KIND_LABELS.get(plan.kind, plan.kind),
        "can_plan": _can_plan(actor, plan.estate),
    }
    return render_local(request, "fieldwork/tasks/plan.html", context, plan.estate)


class PlanForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("计划名称"), max_length=100)
    kind = forms.ChoiceField(label=gettext_lazy("类别"), choices=KINDS)
    frequency = forms.ChoiceField(label=gettext_lazy("频率"), choices=Frequency.choices)
    basis = forms.ChoiceField(
        label=gettext_lazy("周期起算"),
        choices=RecurrenceBasis.choices,
        initial=RecurrenceBasis.CALENDAR,
        help_text=BASIS_HELP,
    )
    interval = forms.IntegerField(
        label=gettext_lazy("间隔"),
        min_value=1,
        max_value=366,
        initial=1,
        help_text=gettext_lazy("每隔几小时、几天或几个月"),
    )
    times = forms.CharField(
        label=gettext_lazy("时间点"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("如 08:00，多个用逗号分隔"),
    )
    day_of_month = forms.IntegerField(
        label=gettext_lazy("每月几号"), required=False, min_value=1, max_value=31
    )
    months = forms.CharField(
        label=gettext_lazy("月份"),
        required=False,
        max_length=40,
        help_text=gettext_lazy("季节性计划的月份，如 3,4,5"),
    )
    anchor = forms.DateField(
        label=gettext_lazy("开始日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = forms.DateField(
        label=gettext_lazy("结束日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    due_amount = forms.IntegerField(
        label=gettext_lazy("完成时限"),
        min_value=0,
        max_value=10000,
        initial=0,
        help_text=gettext_lazy("0 天：当天内完成"),
    )
    due_unit = forms.ChoiceField(
        label=gettext_lazy("时限单位"), choices=TargetUnit.choices, initial=TargetUnit.DAYS
    )
    assignee = forms.TypedChoiceField(
        label=gettext_lazy("执行人"), required=False, coerce=int, empty_value=None
    )
    assignee_role = forms.ChoiceField(label=gettext_lazy("执行角色"), required=False)
    department = forms.ChoiceField(
        label=gettext_lazy("责任部门"), required=False, choices=[("", "—"), *DepartmentKind.choices]
    )
    subject = forms.ChoiceField(label=gettext_lazy("作业对象"), required=False)
    checklist = forms.TypedChoiceField(
        label=gettext_lazy("检查表"), required=False, coerce=int, empty_value=None
    )
    route = forms.TypedChoiceField(
        label=gettext_lazy("巡查路线"), required=False, coerce=int, empty_value=None
    )
    contractor = forms.TypedChoiceField(
        label=gettext_lazy("维保单位"), required=False, coerce=int, empty_value=None
    )
    certificate = forms.ChoiceField(
        label=gettext_lazy("所需证书/资质"),
        required=False,
        choices=[("", "—"), *CertificateKind.choices],
    )
    photos = forms.IntegerField(
        label=gettext_lazy("至少照片数"), min_value=0, max_value=services.PHOTOS_MAX, initial=0
    )
    signature = forms.BooleanField(label=gettext_lazy("需签名"), required=False)

    def __init__(self, *args, estate: Estate, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        none = [("", "—")]
        staff = (
            Staff.objects.filter(company_id=estate.company_id, is_active=True)
            .filter(Q(estates=estate) | Q(role=Role.EXECUTIVE))
            .distinct()
            .order_by("name")
        )
        self.fields["assignee"].choices = none + [(s.user_id, s.name) for s in staff]
        self.fields["assignee_role"].choices = none + [(r.value, r.label) for r in STAFF_ROLES]
        self.fields["subject"].choices = none + _subject_choices(estate)
        checklists = Checklist.objects.filter(company_id=estate.company_id, active=True).filter(
            Q(estate__isnull=True) | Q(estate=estate)
        )
        self.fields["checklist"].choices = none + [(c.pk, c.name) for c in checklists]
        routes = Route.objects.filter(estate=estate, active=True)
        self.fields["route"].choices = none + [(r.pk, r.name) for r in routes]
        contractors = Contractor.objects.filter(company_id=estate.company_id, estates=estate)
        self.fields["contractor"].choices = none + [(c.pk, c.name) for c in contractors]
        if editing:
            for name in ("kind", "frequency", "basis", "anchor"):
                self.fields[name].disabled = True

    CYCLE = (
        "name",
        "kind",
        "frequency",
        "basis",
        "interval",
        "times",
        "day_of_month",
        "months",
        "anchor",
        "end",
        "due_amount",
        "due_unit",
    )

    @property
    def cycle_fields(self) -> list:
        return [self[name] for name in self.CYCLE]

    @property
    def work_fields(self) -> list:
        return [self[name] for name in self.fields if name not in self.CYCLE]

    def clean_times(self) -> list[str]:
        return [
            t.strip() for t in self.cleaned_data["times"].replace("，", ",").split(",") if t.strip()
        ]

    def clean_months(self) -> list[int]:
        text = self.cleaned_data["months"].replace("，", ",")
        try:
            return [int(m) for m in text.split(",") if m.strip()]
        except ValueError:
            raise ValidationError(_("月份须为 1 到 12 的数字，用逗号分隔")) from None


def _subject_choices(estate: Estate) -> list[tuple[str, str]]:
    choices = []
    for label in services.SUBJECT_MODELS:
        model = ContentType.objects.get_by_natural_key(*label.split(".")).model_class()
        if model is None:
            continue
        group = [
            (f"{label}:{row.pk}", str(row))
            for row in model._default_manager.filter(estate=estate)[:500]
        ]
        if group:
            choices.append((str(model._meta.verbose_name), group))
    return choices


def _plan_values(form: PlanForm, estate: Estate, editing: bool) -> dict:
    data = dict(form.cleaned_data)
    ids = {key: data.pop(key) for key in ("checklist", "route", "contractor", "assignee")}
    subject = data.pop("subject") or ""
    label, _sep, pk = subject.partition(":")
    ids["subject"] = (label, int(pk)) if pk.isdigit() else None
    refs = services.plan_refs_resolve(estate=estate, **ids)
    if editing:
        for name in ("kind", "frequency", "basis", "anchor"):
            data.pop(name, None)
    return data | refs


def _initial(plan: Schedule) -> dict:
    spec = plan.spec
    initial = {
        name: getattr(plan, name)
        for name in (
            "name",
            "kind",
            "frequency",
            "basis",
            "interval",
            "day_of_month",
            "anchor",
            "end",
            "due_amount",
            "due_unit",
            "assignee_role",
            "department",
        )
    }
    kind = spec.subject_type
    initial |= {
        "times": ", ".join(plan.times),
        "months": ",".join(str(m) for m in plan.months),
        "assignee": plan.assignee_id,
        "subject": f"{kind.app_label}.{kind.model}:{spec.subject_id}" if kind else "",
        "checklist": spec.checklist_id,
        "route": spec.route_id,
        "contractor": spec.contractor_id,
        "certificate": spec.certificate,
        "photos": spec.photos,
        "signature": spec.signature,
    }
    return initial


def _plan_form_page(request, estate: Estate, plan: Schedule | None = None):
    actor = actor_for(request.user)
    if not _can_plan(actor, estate):
        raise PermissionDenied(_("只有部门负责人或企业高层可以制定计划"))
    editing = plan is not None
    initial = _initial(plan) if editing else {}
    form = PlanForm(request.POST or None, estate=estate, editing=editing, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            values = _plan_values(form, estate, editing)
            if editing:
                plan = services.plan_update(schedule=plan, by=request.user, **values)
            else:
                plan = services.plan_create(estate=estate, by=request.user, **values)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已保存计划“%(name)s”") % {"name": plan.name})
            return redirect("fieldwork:plan_detail", plan.pk)
    context = {"form": form, "plan": plan, "estate": estate}
    status = 400 if request.method == "POST" else 200
    return render_local(request, "fieldwork/tasks/plan_form.html", context, estate, status=status)


@estate_page
def plan_create(request, estate: Estate):
    return _plan_form_page(request, estate)


@login_required
def plan_edit(request, pk: int):
    plan = selectors.plan_get_for_user(actor_for(request.user), pk)
    return _plan_form_page(request, plan.estate, plan)


@require_POST
@login_required
def plan_deactivate(request, pk: int):
    plan = selectors.plan_get_for_user(actor_for(request.user), pk)
    cancelled = services.plan_deactivate(schedule=plan, by=request.user)
    messages.success(request, _("计划已停用，取消了 %(n)d 个未开始的任务") % {"n": cancelled})
    return redirect("fieldwork:plan_detail", plan.pk)


urlpatterns = [
    path("tasks/mine/", my_tasks, name="my_tasks"),
    path("tasks/", task_board, name="task_board"),
    path("tasks/export/", task_export, name="task_export"),
    path("tasks/calendar/", task_calendar, name="task_calendar"),
    path("plans/", plan_list, name="plan_list"),
    path("plans/new/", plan_create, name="plan_create"),
    path("plans/<int:pk>/", plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", plan_edit, name="plan_edit"),
    path("plans/<int:pk>/deactivate/", plan_deactivate, name="plan_deactivate"),
]

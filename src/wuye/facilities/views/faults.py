"""Pages of equipment faults (设备故障, EQUIP-FAULT): the list (open first, with their clocks),
reporting a fault, the fault's page with the steps this user may take now (big buttons for the
technician on site: arrive, test runs, notes), the 《故障处理报告》 form and its PDF. Every step
posts to ``fault_act`` and goes through ``services.faults.fault_act``, as the API does."""

from __future__ import annotations

from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from wuye.base.pages import paginate, render_list
from wuye.base.pdf import CJKFontMissing, font_missing_response
from wuye.core.exceptions import Conflict
from wuye.core.models import Contractor
from wuye.core.scoping import actor_for
from wuye.core.shortcuts import current_estate, estate_tz
from wuye.core.shortcuts import render_local as render_in
from wuye.core.templatetags.wuye import due_in, overdue_by
from wuye.workflow.attachments import attachments_from_request
from wuye.workflow.models import Case
from wuye.workflow.selectors import case_timeline_labelled
from wuye.workflow.services import allowed_actions

from ..documents.faults import fault_report_pdf
from ..models import Equipment, Fault, FaultSeverity, FaultSource
from ..processes import ANOMALY_OPEN, EQUIPMENT_FAULT
from ..selectors import faults as selectors
from ..selectors.anomalies import anomaly_get_for_user
from ..services import faults as services

# The steps in the manual's order (EQUIP-FAULT-03), as the page offers them.
STEPS = ("arrive", "rescue", "call_contractor", "contractor_arrive", "investigate",
         "repair_done", "test_run", "test_fail", "accept", "inform", "inform_outcome",
         "reclassify", "link_repair", "comment")  # fmt: skip


def staff_or_contractor(view):
    """Staff of the estates, and the contractors' accounts (who see the faults they were called
    to); residents get a 403 page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        actor = actor_for(request.user)
        if not (actor.is_superuser or actor.staff is not None or actor.contractor is not None):
            raise PermissionDenied(_("此页面仅供物业员工和维保单位使用"))
        return view(request, *args, **kwargs)

    return login_required(wrapper)


class FaultFilterForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("搜索"), required=False, max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": gettext_lazy("工单号、设备")}
        ),
    )  # fmt: skip
    status = forms.ChoiceField(label=gettext_lazy("状态"), required=False)
    severity = forms.ChoiceField(
        label=gettext_lazy("故障等级"), required=False,
        choices=[("", gettext_lazy("全部")), *FaultSeverity.choices],
    )  # fmt: skip
    open_only = forms.BooleanField(label=gettext_lazy("只看未关闭"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("全部"))] + [
            (s.code, s.label) for s in EQUIPMENT_FAULT.states
        ]


class FaultCreateForm(forms.Form):
    equipment = forms.ModelChoiceField(
        label=gettext_lazy("故障设备"), queryset=Equipment.objects.none()
    )
    severity = forms.ChoiceField(label=gettext_lazy("故障等级"), choices=FaultSeverity.choices)
    entrapment = forms.BooleanField(label=gettext_lazy("电梯困人"), required=False)
    source = forms.ChoiceField(label=gettext_lazy("发现途径"), choices=FaultSource.choices)
    source_number = forms.CharField(
        label=gettext_lazy("来源工单号"), required=False, max_length=32,
        help_text=gettext_lazy("由业主报修或运行异常发现时填写，如 BX-20261126-0001"),
    )  # fmt: skip
    description = forms.CharField(label=gettext_lazy("故障现象"), max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip

    def __init__(self, *args, estate, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["equipment"].queryset = Equipment.objects.filter(estate=estate)


def _clocks(fault: Fault) -> list:
    now = timezone.now()
    clocks = list(fault.case.clocks.order_by("started_at", "id"))
    for c in clocks:
        c.view_state = (
            "paused" if c.state in ("cancelled", "paused")
            else "breach" if c.state == "breached" or (c.state == "running" and c.due_at <= now)
            else "warn" if c.state == "running" and (c.warned_at or c.warn_at <= now)
            else "ok"
        )  # fmt: skip
        counting = c.state in ("running", "breached") and c.stopped_at is None
        c.countdown = due_in(c.due_at, now) if counting else ""
        c.late_by = overdue_by(c.due_at, c.stopped_at) if c.stopped_at else ""
    return clocks


def _next_due(fault: Fault) -> None:
    counting = [c for c in fault.case.clocks.all()
                if c.state in ("running", "breached") and c.stopped_at is None]  # fmt: skip
    fault.next_due = min((c.due_at for c in counting), default=None)
    fault.breached = any(c.state == "breached" for c in counting)
    fault.status_label = EQUIPMENT_FAULT.state_label(fault.case.status)


@require_GET
@staff_or_contractor
def fault_list(request):
    """设备故障: open faults first, with severity, equipment and their next deadline."""
    actor = actor_for(request.user)
    estate = current_estate(request) if actor.staff is not None else None
    form = FaultFilterForm(request.GET or None)
    values = form.cleaned_data if form.is_valid() else {}
    faults = selectors.fault_list(
        actor=actor, estate_id=estate.pk if estate else None, status=values.get("status", ""),
        severity=values.get("severity", ""), open_only=values.get("open_only", False),
        q=values.get("q", ""),
    )  # fmt: skip
    page = paginate(request, faults)
    for fault in page.object_list:
        _next_due(fault)
    context = {"page": page, "form": form, "estate": estate,
               "can_create": actor.staff is not None or actor.is_superuser}  # fmt: skip
    with timezone.override(estate_tz(estate) if estate else timezone.get_current_timezone()):
        return render_list(request, "facilities/faults/list.html",
                           "facilities/faults/partials/results.html", context)  # fmt: skip


def _from_anomaly(request, estate) -> dict:
    """``?anomaly=<pk>``: the fault form prefilled from an open anomaly (EQUIP-OPS-08, "转为故障"):
    its equipment, its case as the source, its description. Anything else: an empty form."""
    pk = request.GET.get("anomaly", "")
    if request.method != "GET" or not pk.isdigit() or len(pk) > 12:
        return {}
    try:
        anomaly = anomaly_get_for_user(request.user, int(pk))
    except Http404:
        return {}
    if anomaly.estate_id != estate.pk or anomaly.case.status not in ANOMALY_OPEN:
        return {}
    return {
        "equipment": anomaly.equipment_id, "source": FaultSource.ANOMALY,
        "source_number": anomaly.case.number, "description": anomaly.description,
    }  # fmt: skip


@staff_or_contractor
def fault_create(request):
    """上报设备故障 (EQUIP-FAULT-04/05)."""
    estate = current_estate(request)
    if estate is None or actor_for(request.user).staff is None:
        raise Http404
    form = FaultCreateForm(
        request.POST or None, estate=estate, initial=_from_anomaly(request, estate)
    )
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        number = values.pop("source_number").strip()
        try:
            if values["source"] == FaultSource.REPAIR:
                # EQUIP-FAULT-04: an owner's repair order about common equipment.
                fault = services.fault_link_repair(
                    order=_order_by_number(estate, number), equipment=values["equipment"],
                    severity=values["severity"], description=values["description"],
                    by=request.user,
                )  # fmt: skip
            else:
                source_case = None
                if number:
                    source_case = Case.objects.filter(estate=estate, number=number).first()
                    if source_case is None:
                        raise ValidationError({"source_number": [_("本项目没有这个工单号")]})
                fault = services.fault_create(
                    by=request.user, attachments=attachments_from_request(request),
                    source_case=source_case, **values,
                )  # fmt: skip
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, _("已上报，工单号 %(number)s") % {"number": fault.case.number}
            )
            return redirect("facilities:fault_detail", pk=fault.pk)
    status = 400 if request.method == "POST" else 200
    return render_in(request, "facilities/faults/create.html", {"form": form}, estate, status)


ERROR_FIELDS = {"order": "source_number", "source_case": "source_number"}


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    for field, problems in error.message_dict.items():
        field = ERROR_FIELDS.get(field, field)
        form.add_error(field if field in form.fields else None, problems)


def _detail_context(request, fault: Fault, errors: dict | None = None, failed: str = "") -> dict:
    allowed = {a.name for a in allowed_actions(case=fault.case, user=request.user)}
    actor = actor_for(request.user)
    if actor.contractor is not None and actor.staff is None:
        allowed -= {"link_repair"}
    if not fault.entrapment:
        allowed -= {"rescue"}
    elif fault.rescued_at is not None:
        allowed -= {"rescue"}
    if fault.contractor_id is None:
        allowed -= {"contractor_arrive"}
    if fault.equipment.category != "elevator":
        allowed -= {"test_run"}  # other equipment: the test's note with the acceptance
    runs = selectors.fault_test_runs(fault)
    if len(runs) >= services.ELEVATOR_TEST_RUNS:
        allowed -= {"test_run"}
    labels = {a.name: a.label for a in EQUIPMENT_FAULT.actions}
    flat = [message for problems in (errors or {}).values() for message in problems]
    return {
        "fault": fault,
        "case": fault.case,
        "status_label": EQUIPMENT_FAULT.state_label(fault.case.status),
        "clocks": _clocks(fault),
        "events": case_timeline_labelled(fault.case),
        "steps": [
            (name, labels[name], flat if name == failed else [])
            for name in STEPS
            if name in allowed
        ],
        "failed_elsewhere": flat if failed and failed not in allowed else [],
        "can_report": "write_report" in allowed,
        "runs": runs,
        "runs_needed": services.ELEVATOR_TEST_RUNS,
        "contractors": Contractor.objects.filter(estates=fault.estate_id).order_by("name"),
        "severities": FaultSeverity.choices,
        "errors": errors or {},
        "failed": failed,
        "post": request.POST if failed else {},
        "report": getattr(fault, "report", None) if fault.case.status == "closed" else None,
    }


@require_GET
@staff_or_contractor
def fault_detail(request, pk: int):
    fault = selectors.fault_get_for_user(request.user, pk)
    return render_in(request, "facilities/faults/detail.html", _detail_context(request, fault),
                     fault.estate)  # fmt: skip


def _action_data(request, fault: Fault, action: str) -> dict:
    post = request.POST
    if action == "call_contractor":
        return {"contractor": post.get("contractor", "")}
    if action in ("inform", "inform_outcome"):
        return {"title": post.get("title", ""), "body": post.get("body", "")}
    if action == "reclassify":
        return {"severity": post.get("severity", "")}
    if action == "link_repair":
        return {"order": _order_by_number(fault, post.get("order", ""))}
    return {}


def _order_by_number(fault_or_estate, number: str):
    """A repair order of the estate by its number (BX-20261126-0001), as people type it."""
    from wuye.repairs.models import RepairOrder

    estate_id = getattr(fault_or_estate, "estate_id", None) or fault_or_estate.pk
    order = RepairOrder.objects.filter(estate_id=estate_id, case__number=number.strip()).first()
    return order.pk if order is not None else ""


@require_POST
@staff_or_contractor
def fault_act(request, pk: int, action: str):
    """One step posted from the fault's page; errors are shown next to the step's fields."""
    fault = selectors.fault_get_for_user(request.user, pk)
    if action not in {a.name for a in EQUIPMENT_FAULT.actions} or action == "write_report":
        raise Http404
    try:
        services.fault_act(
            fault=fault, action=action, by=request.user, note=request.POST.get("note", ""),
            data=_action_data(request, fault, action),
            attachments=attachments_from_request(request, case=fault.case),
        )  # fmt: skip
    except ValidationError as error:
        errors = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
    except Conflict as error:
        errors = {"": [error.message]}
    else:
        messages.success(request, _("已保存"))
        return redirect(reverse("facilities:fault_detail", args=[pk]) + "#steps")
    fault = selectors.fault_get_for_user(request.user, pk)
    context = _detail_context(request, fault, errors=errors, failed=action)
    return render_in(request, "facilities/faults/detail.html", context, fault.estate, status=400)


MEASURE_ROWS = 5


@staff_or_contractor
def fault_report(request, pk: int):
    """《故障处理报告》 (EQUIP-FAULT-09): cause, what was done, preventive measures with their
    period (each becomes a recurring schedule, EQUIP-FAULT-15)."""
    fault = selectors.fault_get_for_user(request.user, pk)
    errors: dict = {}
    rows = [{"text": "", "interval_days": ""} for _i in range(MEASURE_ROWS)]
    if request.method == "POST":
        rows = [{"text": request.POST.get(f"measure_text_{i}", "").strip(),
                 "interval_days": request.POST.get(f"measure_days_{i}", "").strip()}
                for i in range(MEASURE_ROWS)]  # fmt: skip
        data = {
            "cause": request.POST.get("cause", ""),
            "handling": request.POST.get("handling", ""),
            "measures": [r for r in rows if r["text"] or r["interval_days"]],
        }
        try:
            services.fault_act(fault=fault, action="write_report", by=request.user, data=data)
        except ValidationError as error:
            errors = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
        except Conflict as error:
            errors = {"": [error.message]}
        else:
            messages.success(request, _("故障处理报告已保存，预防措施已生成执行计划"))
            return redirect("facilities:fault_detail", pk=pk)
    elif fault.case.status != "summary":
        return redirect("facilities:fault_detail", pk=pk)
    context = {"fault": fault, "case": fault.case, "errors": errors, "rows": rows,
               "post": request.POST}  # fmt: skip
    status = 400 if errors else 200
    return render_in(request, "facilities/faults/report.html", context, fault.estate, status)


@require_GET
@staff_or_contractor
def fault_report_pdf_view(request, pk: int) -> HttpResponse:
    fault = selectors.fault_get_for_user(request.user, pk)
    if not hasattr(fault, "report"):
        raise Http404
    try:
        return fault_report_pdf(fault)
    except CJKFontMissing as error:
        return font_missing_response(error, _("无法生成故障处理报告"))


urlpatterns = [
    path("facilities/faults/", fault_list, name="fault_list"),
    path("facilities/faults/new/", fault_create, name="fault_create"),
    path("facilities/faults/<int:pk>/", fault_detail, name="fault_detail"),
    path("facilities/faults/<int:pk>/report/", fault_report, name="fault_report"),
    path("facilities/faults/<int:pk>/report.pdf", fault_report_pdf_view, name="fault_report_pdf"),
    path("facilities/faults/<int:pk>/<str:action>/", fault_act, name="fault_act"),
]

"""Equipment anomaly pages (设备异常, EQUIP-OPS-08/09): engineering's phone list of open anomalies
with the 10-minute clock, the anomaly page with the actions this user may take, and the report
form opened from a piece of equipment."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from wuye.base.pages import due_text, paginate, render_list
from wuye.core.exceptions import Conflict
from wuye.core.forms import add_service_errors
from wuye.core.scoping import actor_for
from wuye.core.shortcuts import estate_page, estate_tz, render_local, staff_required
from wuye.workflow.selectors import case_timeline_labelled
from wuye.workflow.services import allowed_actions

from ..choices import AnomalySource
from ..processes import ANOMALY_OPEN
from ..selectors import anomalies as selectors
from ..selectors import equipment as equipment_selectors
from ..selectors.equipment import parameter_table_of
from ..selectors.logs import readings_text
from ..services import anomalies as services
from ..services.faults import FAULT_REPORT_ROLES


def _clock_view(clock, now) -> dict:
    if clock.state == "running":
        state = "breach" if now >= clock.due_at else ("warn" if now >= clock.warn_at else "ok")
    else:
        state = "breach" if clock.state == "breached" else "ok"
    return {
        "clock": clock,
        "state": state,
        "countdown": due_text(clock.due_at, now) if clock.state == "running" else "",
    }


@require_GET
@estate_page
def anomaly_list(request, estate):
    """Open anomalies first (the oldest finding on top: it breaches first), then the handled."""
    show = request.GET.get("show", "open")
    qs = selectors.anomaly_list(
        actor=actor_for(request.user), estate_id=estate.pk, open_only=show != "all"
    ).prefetch_related("case__clocks")
    if show != "all":
        qs = qs.order_by("found_at", "id")
    page = paginate(request, qs)
    now = timezone.now()
    for a in page.object_list:
        a.clocks_view = [_clock_view(c, now) for c in a.case.clocks.all()]
    context = {"estate": estate, "page": page, "show": show}
    with timezone.override(estate_tz(estate)):
        return render_list(
            request, "facilities/anomalies/list.html", "facilities/anomalies/results.html", context
        )


class ActionForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("说明"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _entries(anomaly) -> list:
    entries = list(anomaly.log_entries.order_by("hour", "recorded_at"))
    parameters = parameter_table_of(anomaly.equipment)
    for e in entries:
        e.readings = readings_text(e.values, parameters)
    return entries


def _may_report_fault(user) -> bool:
    actor = actor_for(user)
    return actor.is_superuser or (actor.staff is not None and actor.role in FAULT_REPORT_ROLES)


@staff_required
def anomaly_detail(request, pk: int):
    anomaly = selectors.anomaly_get_for_user(request.user, pk)
    now = timezone.now()
    # "to_fault" is taken by the fault process when it opens a fault from this anomaly.
    actions = [
        a for a in allowed_actions(case=anomaly.case, user=request.user) if a.name != "to_fault"
    ]
    context = {
        "anomaly": anomaly,
        "estate": anomaly.estate,
        "actions": actions,
        "form": ActionForm(),
        "clocks": [_clock_view(c, now) for c in anomaly.case.clocks.all()],
        "timeline": case_timeline_labelled(anomaly.case),
        "is_open": anomaly.case.status in ANOMALY_OPEN,
        # EQUIP-OPS-08: anything beyond a small fix goes on as a fault, opened from here.
        "may_open_fault": anomaly.case.status in ANOMALY_OPEN and _may_report_fault(request.user),
        "log_entries": _entries(anomaly),
    }
    return render_local(request, "facilities/anomalies/detail.html", context, anomaly.estate)


@require_POST
@staff_required
def anomaly_act(request, pk: int, action: str):
    anomaly = selectors.anomaly_get_for_user(request.user, pk)
    form = ActionForm(request.POST)
    note = form.data.get("note", "")
    if action not in {a.name for a in allowed_actions(case=anomaly.case, user=request.user)}:
        messages.error(request, _("您现在不能执行这个操作"))
        return redirect("facilities:anomaly_detail", pk=anomaly.pk)
    try:
        services.anomaly_act(anomaly=anomaly, action=action, by=request.user, note=note)
    except ValidationError as exc:
        text = "；".join(
            m for ms in getattr(exc, "message_dict", {"": exc.messages}).values() for m in ms
        )
        messages.error(request, text)
    except (Conflict, PermissionDenied) as exc:
        messages.error(request, getattr(exc, "message", None) or str(exc))
    else:
        messages.success(request, _("已处理"))
    return redirect("facilities:anomaly_detail", pk=anomaly.pk)


class ReportForm(forms.Form):
    description = forms.CharField(
        label=gettext_lazy("异常情况"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("如 电梯停在5楼不动、水泵异响"),
    )
    source = forms.ChoiceField(
        label=gettext_lazy("发现途径"),
        choices=AnomalySource.choices,
        initial=AnomalySource.OPERATOR,
    )


@staff_required
def anomaly_report(request, pk: int):
    """Report an anomaly on a piece of equipment (EQUIP-OPS-08); engineering is told at once."""
    equipment = equipment_selectors.equipment_get_for_user(request.user, pk)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.anomaly_report(
                equipment=equipment, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已上报工程部：%(number)s") % {"number": case.number})
            return redirect("facilities:anomaly_detail", pk=case.equipment_anomaly.pk)
    context = {"equipment": equipment, "form": form, "estate": equipment.estate}
    return render_local(request, "facilities/anomalies/report.html", context, equipment.estate)


urlpatterns = [
    path("anomalies/", anomaly_list, name="anomaly_list"),
    path("anomalies/<int:pk>/", anomaly_detail, name="anomaly_detail"),
    path("anomalies/<int:pk>/<slug:action>/", anomaly_act, name="anomaly_act"),
    path("equipment/<int:pk>/anomaly/", anomaly_report, name="anomaly_report"),
]

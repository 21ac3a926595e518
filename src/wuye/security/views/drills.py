"""Pages of fire drills (消防演练, FIRE-13): the list with each estate's count this year against
the 1–2 target, planning a drill, the drill's page where it is started (its exercise incident
of the fire plan, linked), recorded (participants, photos, summary, the evacuation checklist)
or cancelled."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from wuye.base.pages import paginate, render_list
from wuye.core.exceptions import Conflict
from wuye.core.models import Staff
from wuye.core.scoping import actor_for
from wuye.core.shortcuts import current_estate, estate_tz, staff_required
from wuye.core.shortcuts import render_local as render_in
from wuye.emergency.choices import IncidentStatus
from wuye.workflow.attachments import attachments_from_request
from wuye.workflow.selectors import case_timeline_labelled
from wuye.workflow.services import allowed_actions

from ..choices import EVACUATION_REQUIRED, EvacuationItem
from ..documents.fires import drills_xlsx
from ..models import FireDrill
from ..processes import FIRE_DRILL
from ..selectors import drills as selectors
from ..services import drills as services

RECORD_FIELDS = ("held_on", "participants", "participant_count", "summary")


class DrillFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("搜索"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search"}))  # fmt: skip
    status = forms.ChoiceField(label=gettext_lazy("状态"), required=False)
    year = forms.IntegerField(label=gettext_lazy("年度"), required=False, min_value=2000,
                              max_value=2100)  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("全部"))] + [
            (s.code, s.label) for s in FIRE_DRILL.states
        ]


class DrillPlanForm(forms.Form):
    planned_on = forms.DateField(label=gettext_lazy("计划日期"),
                                 widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip
    scenario = forms.CharField(
        label=gettext_lazy("演练科目"), max_length=200,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("如 高层住宅火灾疏散演练")}),
    )  # fmt: skip
    organiser = forms.ModelChoiceField(label=gettext_lazy("组织人"), queryset=Staff.objects.none())

    def __init__(self, *args, estate, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = Staff.objects.filter(
            estates=estate, is_active=True
        ).order_by("name")


@require_GET
@staff_required
def drill_list(request):
    """消防演练: each estate's drills this year against 1–2, then the drills."""
    actor = actor_for(request.user)
    estate = current_estate(request)
    form = DrillFilterForm(request.GET or None)
    values = form.cleaned_data if form.is_valid() else {}
    zone = estate_tz(estate) if estate else timezone.get_current_timezone()
    year = timezone.localtime(timezone.now(), zone).year
    drills = selectors.drill_list(
        actor=actor, estate_id=estate.pk if estate else None, status=values.get("status", ""),
        year=values.get("year"), q=values.get("q", ""),
    )  # fmt: skip
    page = paginate(request, drills)
    for drill in page.object_list:
        drill.status_label = FIRE_DRILL.state_label(drill.case.status)
    context = {
        "page": page, "form": form, "estate": estate, "year": year,
        "summary": selectors.drill_year_summary(actor=actor, year=year),
        "filtered": any(values.values()) if values else False,
    }  # fmt: skip
    with timezone.override(zone):
        return render_list(request, "security/drills/list.html",
                           "security/drills/results.html", context)  # fmt: skip


@require_GET
@staff_required
def drill_export(request):
    """The filtered drills as an Excel file."""
    estate = current_estate(request)
    form = DrillFilterForm(request.GET or None)
    values = form.cleaned_data if form.is_valid() else {}
    drills = selectors.drill_list(
        actor=actor_for(request.user), estate_id=estate.pk if estate else None,
        status=values.get("status", ""), year=values.get("year"), q=values.get("q", ""),
    )  # fmt: skip
    return drills_xlsx(drills, estate.name if estate else "")


@staff_required
def drill_plan(request):
    """安排消防演练 (FIRE-13)."""
    estate = current_estate(request)
    if estate is None:
        raise Http404
    form = DrillPlanForm(request.POST or None, estate=estate)
    if request.method == "POST" and form.is_valid():
        try:
            drill = services.drill_plan(estate=estate, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, _("演练已安排"))
            return redirect("security:drill_detail", pk=drill.pk)
    status = 400 if request.method == "POST" else 200
    return render_in(request, "security/drills/plan.html", {"form": form}, estate, status)


def _context(request, drill: FireDrill, errors: dict | None = None, failed: str = "") -> dict:
    allowed = {a.name for a in allowed_actions(case=drill.case, user=request.user)}
    return {
        "drill": drill, "case": drill.case,
        "status_label": FIRE_DRILL.state_label(drill.case.status),
        # FIRE-13 + ch.7: started once, as an exercise of the fire plan (its incident).
        "can_start": "start" in allowed and drill.incident_id is None,
        "exercise_status": IncidentStatus(drill.incident.case.status).label
        if drill.incident_id else "",
        "can_record": "record" in allowed, "can_cancel": "cancel" in allowed,
        "can_comment": "comment" in allowed,
        "checklist": [(i.value, i.label, i in EVACUATION_REQUIRED) for i in EvacuationItem],
        "evacuation": [(i.label, drill.evacuation.get(i.value)) for i in EvacuationItem]
        if drill.evacuation else [],
        "events": case_timeline_labelled(drill.case),
        "errors": [m for problems in (errors or {}).values() for m in problems],
        "failed": failed, "post": request.POST if failed else {},
    }  # fmt: skip


@require_GET
@staff_required
def drill_detail(request, pk: int):
    drill = selectors.drill_get_for_user(request.user, pk)
    return render_in(request, "security/drills/detail.html", _context(request, drill),
                     drill.estate)  # fmt: skip


@require_POST
@staff_required
def drill_act(request, pk: int, action: str):
    """开始演练 / 记录演练 / 取消 / 备注, posted from the drill's page."""
    drill = selectors.drill_get_for_user(request.user, pk)
    if action not in {a.name for a in FIRE_DRILL.actions}:
        raise Http404
    post = request.POST
    data = {}
    if action == "record":
        data = {key: post.get(key, "") for key in RECORD_FIELDS}
        data["checklist"] = post.getlist("checklist")
    try:
        services.drill_act(
            drill=drill, action=action, by=request.user, note=post.get("note", ""), data=data,
            attachments=attachments_from_request(request, case=drill.case),
        )  # fmt: skip
    except ValidationError as error:
        errors = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
    except Conflict as error:
        errors = {"": [error.message]}
    else:
        messages.success(request, _("已保存"))
        return redirect(reverse("security:drill_detail", args=[pk]))
    drill = selectors.drill_get_for_user(request.user, pk)
    context = _context(request, drill, errors=errors, failed=action)
    return render_in(request, "security/drills/detail.html", context, drill.estate, status=400)


urlpatterns = [
    path("drills/", drill_list, name="drill_list"),
    path("drills/new/", drill_plan, name="drill_plan"),
    path("drills/export.xlsx", drill_export, name="drill_export"),
    path("drills/<int:pk>/", drill_detail, name="drill_detail"),
    path("drills/<int:pk>/<str:action>/", drill_act, name="drill_act"),
]

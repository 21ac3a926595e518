"""Pages of fires (火灾, FIRE-02/08..12, VEHICLE-13): the list, the phone report with its three
required facts, and the fire's live page — the step to take now as one big button, the
evacuation checklist, the timeline refreshing itself. Every step posts to ``fire_act`` and
goes through ``services.fires.fire_act``, as the API does."""

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
from wuye.core.models import Building
from wuye.core.scoping import actor_for
from wuye.core.shortcuts import current_estate, estate_tz, staff_required
from wuye.core.shortcuts import render_local as render_in
from wuye.workflow.attachments import attachments_from_request
from wuye.workflow.selectors import case_timeline_labelled
from wuye.workflow.services import allowed_actions

from ..choices import EVACUATION_REQUIRED, EvacuationItem, FirefightingMeans, FireSize, Trapped
from ..documents.fires import fires_xlsx
from ..models import FireIncident
from ..processes import FIRE_INCIDENT
from ..selectors import fires as selectors
from ..services import fires as services

# The steps in FIRE-02's order, as the live page offers them.
STEPS = ("call_119", "fight", "await_brigade", "brigade_arrive", "upgrade", "evacuate",
         "evacuated", "close", "comment")  # fmt: skip


class FireFilterForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("搜索"), required=False, max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": gettext_lazy("编号、地点")}),
    )  # fmt: skip
    status = forms.ChoiceField(label=gettext_lazy("状态"), required=False)
    open_only = forms.BooleanField(label=gettext_lazy("只看未结案"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("全部"))] + [
            (s.code, s.label) for s in FIRE_INCIDENT.states
        ]


class FireReportForm(forms.Form):
    """FIRE-09: the three facts, big and first; the 119 call (FIRE-08)."""

    place = forms.CharField(
        label=gettext_lazy("火灾地点"), max_length=200,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("如 3栋2单元12楼楼道")}),
    )  # fmt: skip
    size = forms.ChoiceField(
        label=gettext_lazy("火势大小"), choices=FireSize.choices, widget=forms.RadioSelect
    )
    trapped = forms.ChoiceField(
        label=gettext_lazy("有无人员被困"), choices=Trapped.choices, widget=forms.RadioSelect
    )
    trapped_note = forms.CharField(label=gettext_lazy("被困情况"), required=False, max_length=200)
    building = forms.ModelChoiceField(
        label=gettext_lazy("楼栋"), queryset=Building.objects.none(), required=False
    )
    called_119 = forms.BooleanField(label=gettext_lazy("已拨打119"), required=False)
    description = forms.CharField(
        label=gettext_lazy("现场情况"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip

    def __init__(self, *args, estate, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = Building.objects.filter(estate=estate)


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


@require_GET
@staff_required
def fire_list(request):
    """火灾记录: open fires first."""
    actor = actor_for(request.user)
    estate = current_estate(request)
    form = FireFilterForm(request.GET or None)
    values = form.cleaned_data if form.is_valid() else {}
    fires = selectors.fire_list(
        actor=actor, estate_id=estate.pk if estate else None, status=values.get("status", ""),
        open_only=values.get("open_only", False), q=values.get("q", ""),
    )  # fmt: skip
    page = paginate(request, fires)
    for fire in page.object_list:
        fire.status_label = FIRE_INCIDENT.state_label(fire.case.status)
    context = {"page": page, "form": form, "estate": estate, "filtered": bool(values)}
    with timezone.override(estate_tz(estate) if estate else timezone.get_current_timezone()):
        return render_list(request, "security/fires/list.html",
                           "security/fires/partials/results.html", context)  # fmt: skip


@require_GET
@staff_required
def fire_export(request):
    """The filtered fires as an Excel file."""
    estate = current_estate(request)
    form = FireFilterForm(request.GET or None)
    values = form.cleaned_data if form.is_valid() else {}
    fires = selectors.fire_list(
        actor=actor_for(request.user), estate_id=estate.pk if estate else None,
        status=values.get("status", ""), open_only=values.get("open_only", False),
        q=values.get("q", ""),
    )  # fmt: skip
    return fires_xlsx(fires, estate.name if estate else "")


@staff_required
def fire_report(request):
    """报火警 (FIRE-08/09): a phone form, three required facts first."""
    estate = current_estate(request)
    if estate is None:
        raise Http404
    form = FireReportForm(request.POST or None, estate=estate)
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in ("place", "size", "trapped")}
        if form.is_valid():
            values.update(form.cleaned_data)
        try:
            fire = services.fire_report(
                estate=estate, place=values["place"], size=values["size"],
                trapped=values["trapped"], building=values.get("building"),
                trapped_note=values.get("trapped_note", ""),
                description=values.get("description", ""),
                called_119=bool(values.get("called_119")), by=request.user,
                attachments=attachments_from_request(request),
            )  # fmt: skip
        except ValidationError as error:
            form.errors.clear()
            _add_errors(form, error)
        else:
            messages.success(request, _("已报警，秩序管理部已收到通知"))
            return redirect("security:fire_detail", pk=fire.pk)
    status = 400 if request.method == "POST" else 200
    return render_in(request, "security/fires/report.html", {"form": form}, estate, status)


def _detail_context(request, fire: FireIncident, errors: dict | None = None,
                    failed: str = "") -> dict:  # fmt: skip
    allowed = {a.name for a in allowed_actions(case=fire.case, user=request.user)}
    if fire.called_119_at is not None:
        allowed.discard("call_119")
    if fire.size == FireSize.LARGE:
        allowed -= {"fight", "upgrade"}  # FIRE-10: the brigade fights a large fire
    if fire.brigade_arrived_at is not None:
        allowed.discard("brigade_arrive")
    labels = {a.name: a.label for a in FIRE_INCIDENT.actions}
    flat = [m for problems in (errors or {}).values() for m in problems]
    return {
        "fire": fire,
        "case": fire.case,
        "status_label": FIRE_INCIDENT.state_label(fire.case.status),
        "states": [(s.code, s.label) for s in FIRE_INCIDENT.states],
        "events": case_timeline_labelled(fire.case),
        "steps": [(n, labels[n], flat if n == failed else []) for n in STEPS if n in allowed],
        "failed_elsewhere": flat if failed and failed not in allowed else [],
        "facilities": FirefightingMeans.choices,
        "facility_labels": [FirefightingMeans(f).label for f in fire.facilities_used
                            if f in FirefightingMeans.values],
        "checklist": [(i.value, i.label, i in EVACUATION_REQUIRED) for i in EvacuationItem],
        "evacuation": [(i.label, fire.evacuation.get(i.value)) for i in EvacuationItem]
        if fire.evacuation else [],
        "post": request.POST if failed else {},
        "failed": failed,
    }  # fmt: skip


@require_GET
@staff_required
def fire_detail(request, pk: int):
    """The fire's live page: where it is, what to do now, what happened."""
    fire = selectors.fire_get_for_user(request.user, pk)
    context = _detail_context(request, fire)
    template = "security/fires/detail.html"
    if request.htmx and request.GET.get("part") == "timeline":
        template = "security/fires/partials/timeline.html"
    return render_in(request, template, context, fire.estate)


def _action_data(request, action: str) -> dict:
    post = request.POST
    if action == "call_119":
        return {"by_name": post.get("by_name", "")}
    if action == "fight":
        return {"facilities": post.getlist("facilities")}
    if action == "evacuated":
        return {"checklist": post.getlist("checklist")}
    if action == "close":
        return {k: post.get(k, "") for k in ("investigated_by", "cause", "site_cleared",
                                             "order_restored")}  # fmt: skip
    return {}


@require_POST
@staff_required
def fire_act(request, pk: int, action: str):
    """One step posted from the live page; errors shown at the step."""
    fire = selectors.fire_get_for_user(request.user, pk)
    if action not in {a.name for a in FIRE_INCIDENT.actions}:
        raise Http404
    try:
        services.fire_act(
            fire=fire, action=action, by=request.user, note=request.POST.get("note", ""),
            data=_action_data(request, action),
            attachments=attachments_from_request(request, case=fire.case),
        )  # fmt: skip
    except ValidationError as error:
        errors = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
    except Conflict as error:
        errors = {"": [error.message]}
    else:
        messages.success(request, _("已记录"))
        return redirect(reverse("security:fire_detail", args=[pk]) + "#steps")
    fire = selectors.fire_get_for_user(request.user, pk)
    context = _detail_context(request, fire, errors=errors, failed=action)
    return render_in(request, "security/fires/detail.html", context, fire.estate, status=400)


urlpatterns = [
    path("fires/", fire_list, name="fire_list"),
    path("fires/new/", fire_report, name="fire_report"),
    path("fires/export.xlsx", fire_export, name="fire_export"),
    path("fires/<int:pk>/", fire_detail, name="fire_detail"),
    path("fires/<int:pk>/<str:action>/", fire_act, name="fire_act"),
]

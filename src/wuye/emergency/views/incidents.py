"""Pages of incidents (突发事件, EMERG-01..07), for everyone on duty: the list with its filters
and Excel file, the phone form "登记突发事件" with the level suggested live from the scope
(htmx), the live incident page (level, place, scope, clocks, who was paged and who acknowledged,
the steps with their checklists, the tasks, contacts, releases and follow-ups, the actions as big
buttons, a timeline that refreshes itself) and the report PDF. Every write goes through
``incident_open`` / ``incident_act`` (or ``supply_draw``), as the API does."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from wuye.base.pages import paginate, render_list
from wuye.base.pdf import CJKFontMissing, font_missing_response, pdf_response
from wuye.core.exceptions import Conflict
from wuye.core.models import Building, Staff
from wuye.core.scoping import actor_for
from wuye.core.shortcuts import current_estate, estate_tz, staff_required
from wuye.core.shortcuts import render_local as render_in
from wuye.workflow.selectors import case_timeline_labelled
from wuye.workflow.services import allowed_actions

from ..choices import IncidentKind, IncidentStatus, Level, Party, TaskKind
from ..documents.incidents import incidents_xlsx
from ..documents.report import incident_report_pdf, report_title
from ..models import SupplyItem
from ..processes import INCIDENT, INCIDENT_ACTIONS
from ..selectors import incidents as selectors
from ..services.incidents import incident_act, incident_open, level_suggest, step_owner
from ..services.supplies import supply_draw

ACTIONS = frozenset(a.name for a in INCIDENT_ACTIONS)
BLANK = [("", gettext_lazy("全部"))]


class IncidentFilterForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("搜索"), required=False, max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": gettext_lazy("编号、地点")}),
    )  # fmt: skip
    kind = forms.ChoiceField(label=gettext_lazy("事件类型"), required=False,
                             choices=BLANK + IncidentKind.choices)  # fmt: skip
    level = forms.ChoiceField(
        label=gettext_lazy("响应级别"), required=False,
        choices=[*BLANK, *((str(v), lbl) for v, lbl in Level.choices)],
    )  # fmt: skip
    status = forms.ChoiceField(label=gettext_lazy("状态"), required=False,
                               choices=BLANK + IncidentStatus.choices)  # fmt: skip
    drill = forms.ChoiceField(
        label=gettext_lazy("演练/真实"), required=False,
        choices=[*BLANK, ("no", gettext_lazy("真实事件")), ("yes", gettext_lazy("演练"))],
    )  # fmt: skip
    since = forms.DateField(label=gettext_lazy("从"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip
    until = forms.DateField(label=gettext_lazy("到"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip


class IncidentOpenForm(forms.Form):
    """登记突发事件, made for a phone: what, where, how big; the level follows the scope."""

    kind = forms.ChoiceField(label=gettext_lazy("事件类型"), choices=IncidentKind.choices,
                             widget=forms.RadioSelect)  # fmt: skip
    place = forms.CharField(
        label=gettext_lazy("地点"), max_length=100,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("如 3栋2单元电梯")}),
    )  # fmt: skip
    whole_estate = forms.BooleanField(label=gettext_lazy("涉及整个小区"), required=False)
    buildings = forms.ModelMultipleChoiceField(
        label=gettext_lazy("涉及楼栋"), queryset=Building.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    households = forms.IntegerField(label=gettext_lazy("涉及户数"), min_value=0,
                                    max_value=100_000, initial=0)  # fmt: skip
    people = forms.IntegerField(label=gettext_lazy("涉及人数（如被困人数）"), min_value=0,
                                max_value=100_000, initial=0)  # fmt: skip
    description = forms.CharField(label=gettext_lazy("情况描述"), required=False, max_length=1000,
                                  widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    exercise = forms.BooleanField(label=gettext_lazy("演练"), required=False)
    level = forms.TypedChoiceField(label=gettext_lazy("响应级别"), required=False, coerce=int,
                                   empty_value=None, choices=[("", gettext_lazy("按建议"))]
                                   + [(str(v), lbl) for v, lbl in Level.choices])  # fmt: skip
    level_reason = forms.CharField(label=gettext_lazy("调整级别的原因"), required=False,
                                   max_length=200)  # fmt: skip

    def __init__(self, *args, estate, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["buildings"].queryset = Building.objects.filter(estate=estate).order_by("pk")


def _filters(request):
    form = IncidentFilterForm(request.GET or None)
    values = form.cleaned_data if form.is_valid() else {}
    estate = current_estate(request)
    incidents = selectors.incident_list(
        actor=actor_for(request.user), estate_id=estate.pk if estate else None,
        kind=values.get("kind", ""), level=values.get("level") or None,
        status=values.get("status", ""), drill=values.get("drill", ""),
        since=values.get("since"), until=values.get("until"), q=values.get("q", ""),
        zone=estate_tz(estate) if estate else None,
    )  # fmt: skip
    return form, estate, incidents


@require_GET
@staff_required
def incident_list(request):
    """突发事件: newest first, drills marked."""
    form, estate, incidents = _filters(request)
    page = paginate(request, incidents)
    context = {"page": page, "form": form, "estate": estate}
    with timezone.override(estate_tz(estate) if estate else timezone.get_current_timezone()):
        return render_list(request, "emergency/incidents/list.html",
                           "emergency/incidents/partials/results.html", context)  # fmt: skip


@require_GET
@staff_required
def incident_export(request):
    """The filtered incidents as an Excel file."""
    _form, _estate, incidents = _filters(request)
    return incidents_xlsx(incidents)


def _suggested(form_data, estate) -> int:
    kind = form_data.get("kind") or IncidentKind.OTHER
    if kind not in IncidentKind.values:
        kind = IncidentKind.OTHER
    chosen = Building.objects.filter(estate=estate, pk__in=[
        v for v in form_data.getlist("buildings") if str(v).isdigit()]).count()  # fmt: skip
    try:
        people = max(0, min(int(form_data.get("people") or 0), 100_000))
    except ValueError:
        people = 0
    return level_suggest(kind, whole_estate=bool(form_data.get("whole_estate")),
                         buildings=chosen, people=people)  # fmt: skip


@staff_required
def incident_new(request):
    """登记突发事件 (or a drill). An htmx request with ``part=level`` answers the level the
    scope suggests, as the user fills the form in."""
    estate = current_estate(request)
    if estate is None:
        raise Http404
    if request.htmx and request.GET.get("part") == "level":
        level = _suggested(request.GET, estate)
        return render(request, "emergency/incidents/partials/level.html",
                      {"suggested": Level(level)})  # fmt: skip
    form = IncidentOpenForm(request.POST or None, estate=estate)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            values = form.cleaned_data
            try:
                incident = incident_open(
                    estate=estate, by=request.user, kind=values["kind"], place=values["place"],
                    description=values["description"], buildings=list(values["buildings"]),
                    households=values["households"], people=values["people"],
                    whole_estate=values["whole_estate"], level=values["level"],
                    level_reason=values["level_reason"], exercise=values["exercise"],
                )  # fmt: skip
            except ValidationError as error:
                for field, problems in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, problems)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("已登记，相关人员已收到通知"))
                return redirect("emergency:incident_detail", pk=incident.pk)
        status = 400
    suggested = Level(_suggested(request.POST, estate)) if request.method == "POST" else Level.IV
    context = {"form": form, "estate": estate, "suggested": suggested}
    return render_in(request, "emergency/incidents/new.html", context, estate, status)


def _topic_url(incident) -> str:
    """The topic's own page of the incident, where the steps it owns are done."""
    if incident.kind == IncidentKind.ENTRAPMENT and incident.fault_id:
        return reverse("emergency:lift_detail", args=[incident.pk])
    if incident.kind == IncidentKind.OUTAGE and hasattr(incident, "outage"):
        return reverse("emergency:outage_detail", args=[incident.outage.pk])
    if incident.kind == IncidentKind.HEALTH:
        return reverse("emergency:health_detail", args=[incident.pk])
    return ""


def _context(request, incident, errors=None, failed: str = "") -> dict:
    live = selectors.incident_live(incident)
    allowed = [a for a in allowed_actions(case=incident.case, user=request.user)
               if a.name in ACTIONS]  # fmt: skip
    names = {a.name for a in allowed}
    my_page = next((p for p in live["pages"] if p.user_id == request.user.pk), None)
    next_step = next((s for s in live["steps"] if s.done_at is None), None)
    # A step its topic owns is done on the topic's page: say where instead of a button.
    owner = step_owner(incident, next_step.code) if next_step is not None else ""
    return {
        "incident": incident, "case": incident.case, **live,
        "status_label": INCIDENT.state_label(incident.case.status),
        "clocks": list(incident.case.clocks.all()),
        "events": case_timeline_labelled(incident.case),
        "can": names, "my_page": my_page, "next_step": next_step,
        "next_step_owner": owner, "topic_url": _topic_url(incident) if owner else "",
        "report_title": report_title(incident),
        "levels": Level.choices, "parties": Party.choices, "task_kinds": TaskKind.choices,
        "staff": Staff.objects.filter(estates=incident.estate_id, is_active=True).order_by("name"),
        "supplies": SupplyItem.objects.filter(estate=incident.estate_id, active=True,
                                              quantity__gt=0),
        "errors": errors or {}, "failed": failed, "post": request.POST if failed else {},
    }  # fmt: skip


@require_GET
@staff_required
def incident_detail(request, pk: int):
    """The live incident page; ``part=timeline`` (htmx polling) answers only the timeline."""
    incident = selectors.incident_get_for_user(request.user, pk)
    if request.htmx and request.GET.get("part") == "timeline":
        context = {"incident": incident, "case": incident.case,
                   "events": case_timeline_labelled(incident.case)}  # fmt: skip
        return render_in(request, "emergency/incidents/partials/timeline.html", context,
                         incident.estate)  # fmt: skip
    return render_in(request, "emergency/incidents/detail.html", _context(request, incident),
                     incident.estate)  # fmt: skip


def _int(value):
    return int(value) if str(value or "").strip().isdigit() else value or None


def _action_data(request, action: str) -> dict:
    post = request.POST
    if action == "relevel":
        return {"level": post.get("level")}
    if action == "step":
        return {"step": post.get("step", ""), "checks": post.getlist("checks")}
    if action == "task_add":
        due = parse_datetime(post.get("due_at", "")) if post.get("due_at") else None
        if due is not None and timezone.is_naive(due):
            due = timezone.make_aware(due)
        return {"title": post.get("title", ""), "kind": post.get("kind") or TaskKind.OTHER,
                "place": post.get("place", ""), "assignee": _int(post.get("assignee")),
                "due_at": due}  # fmt: skip
    if action == "task_done":
        return {"task": _int(post.get("task"))}
    if action == "contact":
        return {k: post.get(k, "") for k in ("party", "organisation", "person", "phone",
                                             "reference")}  # fmt: skip
    if action == "release":
        return {"title": post.get("title", ""), "body": post.get("body", "")}
    if action == "followup":
        return {"person": post.get("person", ""), "phone": post.get("phone", ""),
                "reached": post.get("reached") == "on",
                "satisfaction": _int(post.get("satisfaction"))}  # fmt: skip
    if action == "write_report":
        return {k: post.get(k, "") for k in ("summary", "cause", "handling", "lessons")}
    return {}


@require_POST
@staff_required
def incident_action(request, pk: int, action: str):
    """One action posted from the live page; errors shown at its form, input kept."""
    incident = selectors.incident_get_for_user(request.user, pk)
    if action not in ACTIONS:
        raise Http404
    try:
        if action == "draw":
            supply_draw(item=_int(request.POST.get("item")), by=request.user,
                        quantity=_int(request.POST.get("quantity")) or 0, incident=incident.pk,
                        note=request.POST.get("note", ""))  # fmt: skip
        else:
            incident_act(incident=incident.pk, action=action, by=request.user,
                         note=request.POST.get("note", ""),
                         data=_action_data(request, action))  # fmt: skip
    except ValidationError as error:
        errors = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
    except (Conflict, PermissionDenied) as error:
        errors = {"": [getattr(error, "message", None) or str(error)]}
    else:
        messages.success(request, _("已记录"))
        return redirect(reverse("emergency:incident_detail", args=[pk]))
    incident = selectors.incident_get_for_user(request.user, pk)
    context = _context(request, incident, errors=errors, failed=action)
    return render_in(request, "emergency/incidents/detail.html", context, incident.estate, 400)


@require_GET
@staff_required
def incident_report(request, pk: int):
    """《突发事件处理报告》 / 《电梯困人应急处理报告》 as PDF (EMERG-LIFT-09)."""
    incident = selectors.incident_get_for_user(request.user, pk)
    try:
        content = incident_report_pdf(incident)
    except CJKFontMissing as error:
        return font_missing_response(error, _("无法生成事件报告"))
    return pdf_response(content, f"{incident.case.number}.pdf")


urlpatterns: list = [
    path("incidents/", incident_list, name="incident_list"),
    path("incidents/new/", incident_new, name="incident_new"),
    path("incidents/export.xlsx", incident_export, name="incident_export"),
    path("incidents/<int:pk>/", incident_detail, name="incident_detail"),
    path("incidents/<int:pk>/report.pdf", incident_report, name="incident_report"),
    path("incidents/<int:pk>/<str:action>/", incident_action, name="incident_action"),
]

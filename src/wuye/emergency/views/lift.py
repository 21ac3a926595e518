"""Pages of elevator entrapments (电梯困人, EMERG-LIFT): the desk's list and intake form, the desk's
view of a running entrapment (its clocks side by side, the steps, the timelines), the guard's
phone card and the contractor's phone card. Every step posts to ``lift_act`` and goes through
``services.lift.entrapment_act``, as the API does."""

from __future__ import annotations

from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
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
from wuye.core.models import Contractor
from wuye.core.scoping import actor_for
from wuye.core.shortcuts import current_estate, estate_tz, staff_required
from wuye.core.shortcuts import render_local as render_in
from wuye.workflow.attachments import attachments_from_request
from wuye.workflow.selectors import case_timeline_labelled

from ..choices import IncidentSource
from ..choices import IncidentStatus as S
from ..processes import INCIDENT
from ..selectors import lift as selectors
from ..services import lift as services
from ..services.plan_defaults import CALM_SCRIPT

SOURCE_CHOICES = [(s.value, s.label) for s in services.SOURCES]
BACK = {"detail": "emergency:lift_detail", "guard": "emergency:lift_guard",
        "contractor": "emergency:lift_contractor"}  # fmt: skip


def staff_or_contractor(view):
    """Staff of the estates, and the contractors' accounts (who see the entrapments they were
    called to); residents get a 403 page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        actor = actor_for(request.user)
        if not (actor.is_superuser or actor.staff is not None or actor.contractor is not None):
            raise PermissionDenied(_("此页面仅供物业员工和维保单位使用"))
        return view(request, *args, **kwargs)

    return login_required(wrapper)


class EntrapmentForm(forms.Form):
    """The desk's intake (EMERG-LIFT-02 接警): which lift, how many trapped, who called."""

    lift = forms.ModelChoiceField(label=gettext_lazy("电梯"), queryset=None)
    source = forms.ChoiceField(
        label=gettext_lazy("报警来源"), choices=SOURCE_CHOICES, widget=forms.RadioSelect,
        initial=IncidentSource.DESK,
    )  # fmt: skip
    people = forms.IntegerField(
        label=gettext_lazy("被困人数"), min_value=0, max_value=100000, initial=1,
        help_text=gettext_lazy("不清楚可填 0"),
    )  # fmt: skip
    caller = forms.CharField(label=gettext_lazy("来电人"), required=False, max_length=40)
    phone = forms.CharField(label=gettext_lazy("联系电话"), required=False, max_length=20)
    room = forms.CharField(
        label=gettext_lazy("房号"), required=False, max_length=30,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("如 1-2-301")}),
    )  # fmt: skip
    description = forms.CharField(
        label=gettext_lazy("情况描述"), required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip

    def __init__(self, *args, estate, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lift"].queryset = selectors.lift_choices(estate)
        self.fields["lift"].empty_label = _("请选择电梯")


def _room(estate, text: str):
    """A room typed as 1-2-301 (building-unit-number) or as its number alone, in the estate."""
    from wuye.core.models import Room

    text = (text or "").strip()
    if not text:
        return None
    parts = text.replace("—", "-").split("-")
    rooms = Room.objects.filter(estate_id=estate.pk, number=parts[-1])
    if len(parts) == 3:
        rooms = rooms.filter(unit__building__name__startswith=parts[0],
                             unit__name__startswith=parts[1])  # fmt: skip
    found = list(rooms[:2])
    if len(found) != 1:
        raise ValidationError({"room": [_("找不到该房号，请按 楼栋-单元-房号 填写，如 1-2-301")]})
    return found[0]


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


@require_GET
@staff_or_contractor
def lift_list(request):
    """电梯困人: the running ones first; a contractor sees those it was called to."""
    actor = actor_for(request.user)
    estate = current_estate(request) if actor.staff is not None else None
    rows = selectors.entrapment_list(actor=actor, estate_id=estate.pk if estate else None,
                                     open_only=request.GET.get("open") == "1",
                                     q=request.GET.get("q", "")[:50])  # fmt: skip
    page = paginate(request, rows)
    for row in page.object_list:
        row.status_label = INCIDENT.state_label(row.case.status)
    context = {"page": page, "estate": estate, "is_contractor": actor.staff is None,
               "q": request.GET.get("q", "")[:50],
               "open": request.GET.get("open") == "1"}  # fmt: skip
    with timezone.override(estate_tz(estate) if estate else timezone.get_current_timezone()):
        return render_list(request, "emergency/lift/list.html",
                           "emergency/lift/results.html", context)  # fmt: skip


@staff_required
def lift_new(request):
    """接警: the desk opens an entrapment (a resident's call: caller, room, phone)."""
    estate = current_estate(request)
    if estate is None:
        raise Http404
    form = EntrapmentForm(request.POST or None, estate=estate)
    if request.method == "POST":
        if form.is_valid():
            values = form.cleaned_data
            try:
                incident = services.entrapment_open(
                    estate=estate, lift=values["lift"], by=request.user,
                    source=values["source"], people=values["people"],
                    description=values.get("description", ""), caller=values.get("caller", ""),
                    phone=values.get("phone", ""), room=_room(estate, values.get("room", "")),
                )  # fmt: skip
            except ValidationError as error:
                _add_errors(form, error)
            except Conflict as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("已登记，秩序管理部与工程设备部已收到通知"))
                return redirect("emergency:lift_detail", pk=incident.pk)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "estate": estate}
    return render_in(request, "emergency/lift/new.html", context, estate, status)


# What the desk view offers, in the manual's order (EMERG-LIFT-02), with their labels.
LABELS = {
    "call_contractor": gettext_lazy("联系维保单位"), "arrive": gettext_lazy("工程人员到场"),
    "investigate": gettext_lazy("排查结论"), "repair_done": gettext_lazy("维修完成"),
    "test_run": gettext_lazy("空载试运行正常"), "test_fail": gettext_lazy("试运行异常"),
    "accept": gettext_lazy("验收合格，恢复运行"), "inspect": gettext_lazy("检查验收完成"),
    "end": gettext_lazy("处置结束"), "followup": gettext_lazy("记录回访"),
    "followup_done": gettext_lazy("回访完成"), "write_report": gettext_lazy("形成事件报告"),
}  # fmt: skip


def _roles(name: str) -> frozenset:
    from wuye.facilities.processes import EQUIPMENT_FAULT

    if name == "call_contractor":
        return services.DESK_ROLES
    if name in (*services.FAULT_STEPS, "accept", "inspect"):
        return EQUIPMENT_FAULT.action("accept" if name == "inspect" else name).roles
    return INCIDENT.action({"followup_done": "step"}.get(name, name)).roles


def _available(incident, actor) -> list[tuple[str, str]]:
    """The steps the desk view offers now, to this user's role."""
    fault, status = incident.fault, incident.case.status
    steps = {s.code: s.done_at for s in incident.steps.all()}
    names: list[str] = []
    if (
        status == S.ACTIVE
        and fault.rescued_at is None
        and (fault.contractor_called_at is None or fault.contractor_arrived_at is not None)
        and steps.get(services.CALL) is None
    ):
        names.append("call_contractor")
    if status in (S.ACTIVE, S.FOLLOWUP):
        names += {"reported": ["arrive"], "investigating": ["investigate"],
                  "repairing": ["repair_done"]}.get(fault.case.status, [])  # fmt: skip
        if fault.case.status == "testing":
            runs = fault.test_runs.filter(repair_round=fault.repair_round, normal=True).count()
            names += ["accept"] if runs >= 3 else ["test_run", "test_fail"]
        if fault.accepted_at and services.INSPECT in steps and steps[services.INSPECT] is None:
            names.append("inspect")
    if status == S.ACTIVE and fault.rescued_at is not None:
        names.append("end")
    if status == S.FOLLOWUP and steps.get(services.FOLLOWUP, True) is None:
        names += ["followup", "followup_done"]
    if status == S.FOLLOWUP and all(steps.values()) and not hasattr(incident, "report"):
        names.append("write_report")
    allowed = [n for n in names if actor.is_superuser or actor.role in _roles(n)]
    return [(n, LABELS[n]) for n in allowed]


def _report_url(incident) -> str:
    """The report's PDF (the incidents' documents), once written."""
    from django.urls import NoReverseMatch

    if not hasattr(incident, "report"):
        return ""
    try:
        return reverse("emergency:incident_report", args=[incident.pk])
    except NoReverseMatch:
        return ""


def _context(request, incident, errors: dict | None = None, failed: str = "") -> dict:
    fault = incident.fault
    steps = {s.code: s for s in incident.steps.all()}
    flat = [m for problems in (errors or {}).values() for m in problems]
    contractors = Contractor.objects.filter(estates=incident.estate_id).order_by("name")
    return {
        "incident": incident, "case": incident.case, "fault": fault,
        "status_label": INCIDENT.state_label(incident.case.status),
        "active": incident.case.status == S.ACTIVE,
        "followup": incident.case.status == S.FOLLOWUP,
        "clocks": selectors.entrapment_clocks(incident),
        "steps": list(steps.values()), "reassure": steps.get(services.REASSURE),
        "rescue": steps.get(services.RESCUE), "calm_script": CALM_SCRIPT,
        "events": case_timeline_labelled(incident.case),
        "fault_events": case_timeline_labelled(fault.case),
        "runs": list(fault.test_runs.filter(repair_round=fault.repair_round).order_by("number")),
        "followups": list(incident.followups.all()),
        "contractors": contractors, "errors": flat, "failed": failed,
        "post": request.POST if failed else {},
        "has_report": hasattr(incident, "report"),
        "alarm_ms": int(incident.reported_at.timestamp() * 1000),
        "now_ms": int(timezone.now().timestamp() * 1000),
        "called_ms": int(fault.contractor_called_at.timestamp() * 1000)
        if fault.contractor_called_at else 0,
        "available": _available(incident, actor_for(request.user)),
        "report_url": _report_url(incident),
    }  # fmt: skip


@require_GET
@staff_required
def lift_detail(request, pk: int):
    """The desk's view of a running entrapment: the clocks side by side, who did what."""
    incident = selectors.entrapment_get_for_user(request.user, pk)
    return render_in(request, "emergency/lift/detail.html", _context(request, incident),
                     incident.estate)  # fmt: skip


@require_GET
@staff_required
def lift_guard(request, pk: int):
    """The guard's card (EMERG-LIFT-04/10/12): time since the alarm, the place, the calm
    script, the two checks, one big button."""
    incident = selectors.entrapment_get_for_user(request.user, pk)
    return render_in(request, "emergency/lift/guard.html", _context(request, incident),
                     incident.estate)  # fmt: skip


@require_GET
@staff_or_contractor
def lift_contractor(request, pk: int):
    """The contractor's card (EMERG-LIFT-05/07/11): arrival, then the rescue's checks."""
    incident = selectors.entrapment_get_for_user(request.user, pk)
    return render_in(request, "emergency/lift/contractor.html", _context(request, incident),
                     incident.estate)  # fmt: skip


def _action_data(request, action: str) -> dict:
    post = request.POST
    if action in ("guard_arrive", "rescue"):
        return {"checks": post.getlist("checks")}
    if action == "call_contractor":
        return {"contractor": post.get("contractor") or None}
    if action == "followup":
        satisfaction = post.get("satisfaction", "")
        return {"person": post.get("person", ""), "phone": post.get("phone", ""),
                "reached": post.get("reached") != "no",
                "satisfaction": int(satisfaction) if satisfaction.isdigit() else None}  # fmt: skip
    if action == "write_report":
        return {k: post.get(k, "") for k in ("summary", "cause", "handling", "lessons")}
    return {}


@require_POST
@staff_or_contractor
def lift_act(request, pk: int, action: str):
    """One step posted from a card or the desk view; errors shown on the page it came from."""
    incident = selectors.entrapment_get_for_user(request.user, pk)
    if action not in services.ENTRAPMENT_ACTIONS:
        raise Http404
    back = request.POST.get("back") if request.POST.get("back") in BACK else "detail"
    if actor_for(request.user).staff is None:
        back = "contractor"
    try:
        services.entrapment_act(
            incident=incident.pk, action=action, by=request.user,
            note=request.POST.get("note", ""), data=_action_data(request, action),
            attachments=attachments_from_request(request, case=incident.case),
        )  # fmt: skip
    except ValidationError as error:
        errors = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
    except (Conflict, PermissionDenied) as error:
        errors = {"": [getattr(error, "message", None) or str(error)]}
    else:
        messages.success(request, _("已记录"))
        return redirect(reverse(BACK[back], args=[pk]))
    incident = selectors.entrapment_get_for_user(request.user, pk)
    template = {"detail": "detail", "guard": "guard", "contractor": "contractor"}[back]
    context = _context(request, incident, errors=errors, failed=action)
    return render_in(request, f"emergency/lift/{template}.html", context, incident.estate,
                     status=400)  # fmt: skip


urlpatterns = [
    path("lift/", lift_list, name="lift_list"),
    path("lift/new/", lift_new, name="lift_new"),
    path("lift/<int:pk>/", lift_detail, name="lift_detail"),
    path("lift/<int:pk>/guard/", lift_guard, name="lift_guard"),
    path("lift/<int:pk>/contractor/", lift_contractor, name="lift_contractor"),
    path("lift/<int:pk>/<str:action>/", lift_act, name="lift_act"),
]

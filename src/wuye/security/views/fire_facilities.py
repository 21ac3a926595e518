"""Fire facility pages: the register (filters, Excel, QR labels), a facility with its check
history, the guard's phone check screen (scan the QR label → the checklist), the month's
progress per kind, the replacements and closing one."""

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

from wuye.base.pages import paginate, render_list
from wuye.core.exceptions import Conflict
from wuye.core.forms import add_service_errors
from wuye.core.models import Building
from wuye.core.scoping import actor_for
from wuye.core.shortcuts import estate_page, estate_tz, render_local, staff_required

from ..api.fire_facilities import labels_response
from ..choices import FIRE_STEPS, ExtinguisherAgent, FireFacilityKind, FireFacilityState
from ..documents.fire_facilities import fire_facilities_xlsx
from ..selectors import fire_facilities as selectors
from ..services import fire_checks as checks
from ..services import fire_facilities as services

BLANK = [("", gettext_lazy("全部"))]


class FireFilter(forms.Form):
    q = forms.CharField(label=gettext_lazy("搜索"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=gettext_lazy("设施类型"), required=False, choices=BLANK + FireFacilityKind.choices
    )
    building = forms.ModelChoiceField(
        label=gettext_lazy("楼栋"), required=False, queryset=Building.objects.none()
    )
    state = forms.ChoiceField(
        label=gettext_lazy("状态"), required=False, choices=BLANK + FireFacilityState.choices
    )

    def __init__(self, *args, estate, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = Building.objects.filter(estate=estate)
        self.fields["building"].empty_label = _("全部")


class FireFacilityForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("设施类型"), choices=FireFacilityKind.choices)
    code = forms.CharField(label=gettext_lazy("设备编号"), max_length=40)
    name = forms.CharField(label=gettext_lazy("名称"), max_length=80)
    building = forms.ModelChoiceField(
        label=gettext_lazy("楼栋"), required=False, queryset=Building.objects.none()
    )
    location = forms.CharField(label=gettext_lazy("安装位置"), max_length=100, required=False)
    agent = forms.ChoiceField(
        label=gettext_lazy("灭火剂类型"), required=False, choices=BLANK + ExtinguisherAgent.choices
    )
    capacity = forms.CharField(label=gettext_lazy("规格"), max_length=20, required=False)
    rated_pressure = forms.DecimalField(
        label=gettext_lazy("额定压力(MPa)"), required=False, max_digits=5, decimal_places=2
    )
    pressure_low = forms.DecimalField(
        label=gettext_lazy("压力下限(MPa)"), required=False, max_digits=5, decimal_places=2
    )
    expires_on = forms.DateField(
        label=gettext_lazy("有效期至"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )  # fmt: skip

    def __init__(self, *args, estate, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = Building.objects.filter(estate=estate)
        if editing:  # the kind and the code stay; the register's other fields are the equipment's
            for name in ("kind", "code", "building"):
                del self.fields[name]


def _today(estate):
    return timezone.localdate(timezone=estate_tz(estate))


def _filtered(request, estate):
    form = FireFilter(request.GET or None, estate=estate)
    data = form.cleaned_data if form.is_valid() else {}
    qs = selectors.fire_facility_list(
        actor=actor_for(request.user), estate_id=estate.pk, kind=data.get("kind", ""),
        building_id=data["building"].pk if data.get("building") else None,
        state=data.get("state", ""), today=_today(estate), q=data.get("q", ""),
    )  # fmt: skip
    return form, qs


def _may_setup(request) -> bool:
    actor = actor_for(request.user)
    return actor.is_superuser or actor.role in services.SETUP_ROLES


@require_GET
@estate_page
def fire_facility_list(request, estate):
    form, qs = _filtered(request, estate)
    page = paginate(request, qs)
    today = _today(estate)
    for item in page.object_list:
        item.flag = selectors.facility_state(item, today)
        item.flag_label = selectors.state_label(item.flag)
    context = {
        "estate": estate, "filter_form": form, "page": page, "may_setup": _may_setup(request),
        "may_write": _may_write(request),
        "unplanned": qs.filter(monthly_schedule__isnull=True).count(),
    }  # fmt: skip
    with timezone.override(estate_tz(estate)):
        return render_list(
            request, "security/fire_facilities/list.html",
            "security/fire_facilities/results.html", context,
        )  # fmt: skip


@require_GET
@estate_page
def fire_facility_export(request, estate):
    _form, qs = _filtered(request, estate)
    return fire_facilities_xlsx(qs, estate.name)


@require_GET
@estate_page
def fire_facility_labels(request, estate):
    _form, qs = _filtered(request, estate)
    return labels_response(request, list(qs), estate.name)


@require_POST
@estate_page
def fire_checks_setup(request, estate):
    planned = services.fire_checks_setup(estate=estate, by=request.user)
    messages.success(request, _("已为 %(n)d 个消防设施制定检查计划") % {"n": planned})
    return redirect("security:fire_facility_list")


def _may_write(request) -> bool:
    actor = actor_for(request.user)
    return actor.is_superuser or actor.role in services.FACILITY_WRITE_ROLES


def _save(request, estate, facility=None):
    if not _may_write(request):
        raise PermissionDenied(_("消防设施由工程设备部登记和维护"))
    initial = {}
    if facility is not None:
        initial = {f: getattr(facility, f) for f in services.FACILITY_FIELDS}
        initial |= {"name": facility.equipment.name, "location": facility.equipment.location}
    form = FireFacilityForm(
        request.POST or None, estate=estate, editing=facility is not None, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        try:
            if facility is None:
                facility = services.fire_facility_create(estate=estate, by=request.user, **values)
            else:
                services.fire_facility_update(facility=facility, by=request.user, **values)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存消防设施 %(code)s") % {
                "code": facility.equipment.code})  # fmt: skip
            return redirect("security:fire_facility_detail", pk=facility.pk)
    context = {"form": form, "facility": facility, "estate": estate}
    return render_local(request, "security/fire_facilities/form.html", context, estate)


@estate_page
def fire_facility_create(request, estate):
    return _save(request, estate)


@staff_required
def fire_facility_edit(request, pk: int):
    facility = selectors.fire_facility_get_for_user(request.user, pk)
    return _save(request, facility.estate, facility)


@require_GET
@staff_required
def fire_facility_detail(request, pk: int):
    facility = selectors.fire_facility_get_for_user(request.user, pk)
    today = _today(facility.estate)
    context = {
        "facility": facility, "estate": facility.estate,
        "flag": selectors.facility_state(facility, today),
        "history": selectors.check_history(facility),
        "task": checks.fire_check_task(facility),
        "may_write": _may_write(request),
        "replacements": facility.replacements.select_related("case")[:10],
    }  # fmt: skip
    context["flag_label"] = selectors.state_label(context["flag"])
    return render_local(request, "security/fire_facilities/detail.html", context, facility.estate)


@require_GET
@staff_required
def fire_check_scan(request, token: str):
    """A scanned label: the facility's check screen (a 404 for an old or foreign label)."""
    facility = selectors.fire_facility_by_qr(request.user, token)
    return redirect("security:fire_check", pk=facility.pk)


def _answers(request, items) -> list[dict]:
    answers = []
    for item in items:
        raw = request.POST.get(f"item-{item.pk}", "")
        if item.kind == "check":
            value = {"1": True, "0": False}.get(raw)
        else:
            value = raw.strip() or None
        answers.append({"item": item.pk, "value": value})
    return answers


@staff_required
def fire_check(request, pk: int):
    """The phone check screen: the facility's current checklist, one big button per item."""
    facility = selectors.fire_facility_get_for_user(request.user, pk)
    task = checks.fire_check_task(facility)
    items = list(task.schedule.spec.checklist.items.order_by("position")) if task else []
    errors: dict = {}
    if request.method == "POST" and task is not None:
        try:
            checks.fire_check_submit(
                facility=facility, answers=_answers(request, items), by=request.user,
                note=request.POST.get("note", ""),
            )  # fmt: skip
        except ValidationError as error:
            errors = error.message_dict
        except Conflict as error:
            messages.error(request, str(error))
            return redirect("security:fire_facility_detail", pk=facility.pk)
        else:
            messages.success(request, _("已提交 %(code)s 的检查记录") % {
                "code": facility.equipment.code})  # fmt: skip
            return redirect("security:fire_facility_detail", pk=facility.pk)
    for item in items:
        item.errors = errors.get(f"item-{item.pk}", [])
        item.value = request.POST.get(f"item-{item.pk}", "")
    context = {"facility": facility, "estate": facility.estate, "task": task, "items": items,
               "errors": errors, "note": request.POST.get("note", "")}  # fmt: skip
    return render_local(request, "security/fire_facilities/check.html", context, facility.estate)


@require_GET
@estate_page
def fire_check_progress(request, estate):
    today = _today(estate)
    rows = selectors.month_progress(estate=estate, month=today, zone=estate_tz(estate))
    context = {
        "estate": estate,
        "rows": rows,
        "month": today,
        "steps": FIRE_STEPS,
        "total": {k: sum(getattr(r, k) for r in rows) for k in ("done", "due", "missed")},
    }
    return render_local(request, "security/fire_facilities/progress.html", context, estate)


@require_GET
@estate_page
def fire_replacement_list(request, estate):
    state = request.GET.get("state", "open")
    qs = selectors.replacement_list(
        actor=actor_for(request.user), estate_id=estate.pk,
        state=state if state in ("open", "closed") else "", q=request.GET.get("q", "")[:100],
    )  # fmt: skip
    context = {"estate": estate, "page": paginate(request, qs), "state": state}
    with timezone.override(estate_tz(estate)):
        return render_list(
            request, "security/fire_facilities/replacements.html",
            "security/fire_facilities/replacement_rows.html", context,
        )  # fmt: skip


@staff_required
def fire_replacement_detail(request, pk: int):
    replacement = selectors.replacement_get_for_user(request.user, pk)
    errors: dict = {}
    if request.method == "POST":
        try:
            checks.fire_replacement_case_act(
                case=replacement.case, action="replace", by=request.user,
                note=request.POST.get("note", ""),
                data={"expires_on": request.POST.get("expires_on", ""),
                      "pressure": request.POST.get("pressure", "")},
            )  # fmt: skip
        except ValidationError as error:
            errors = error.message_dict
        except Conflict as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("已记录更换，工单已关闭"))
            return redirect("security:fire_replacement_detail", pk=replacement.pk)
    context = {
        "r": replacement,
        "estate": replacement.facility.estate,
        "errors": errors,
        "clock": selectors.replacement_clock(replacement),
        "post": request.POST,
        "may_replace": _may_write(request),
    }
    return render_local(
        request, "security/fire_facilities/replacement.html", context, replacement.estate
    )


urlpatterns = [
    path("fire/", fire_facility_list, name="fire_facility_list"),
    path("fire/export.xlsx", fire_facility_export, name="fire_facility_export"),
    path("fire/labels.pdf", fire_facility_labels, name="fire_facility_labels"),
    path("fire/setup/", fire_checks_setup, name="fire_checks_setup"),
    path("fire/progress/", fire_check_progress, name="fire_check_progress"),
    path("fire/new/", fire_facility_create, name="fire_facility_create"),
    path("fire/<int:pk>/", fire_facility_detail, name="fire_facility_detail"),
    path("fire/<int:pk>/edit/", fire_facility_edit, name="fire_facility_edit"),
    path("fire/<int:pk>/check/", fire_check, name="fire_check"),
    path("fire/q/<str:token>/", fire_check_scan, name="fire_check_scan"),
    path("fire/replacements/", fire_replacement_list, name="fire_replacement_list"),
    path("fire/replacements/<int:pk>/", fire_replacement_detail, name="fire_replacement_detail"),
]

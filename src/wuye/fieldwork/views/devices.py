"""Pages of the monitoring intake (设备告警): the alarm list of the current estate (open first,
refreshed every 15 seconds), an alarm's page with acknowledge and clear, and the device pages
(register, rotate the secret, disable). Thin: reads through selectors, writes through services.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_POST

from wuye.base.pages import paginate, wants_fragment
from wuye.core.choices import DepartmentKind
from wuye.core.exceptions import Conflict
from wuye.core.forms import add_service_errors
from wuye.core.models import Estate
from wuye.core.scoping import Actor, actor_for
from wuye.core.shortcuts import estate_page, staff_required
from wuye.core.shortcuts import render_local as render_in

from ..models.devices import DeviceKind, EventState, Severity
from ..selectors import devices as selectors
from ..services import devices as services

REFRESH_SECONDS = 15


def _can(actor: Actor, roles) -> bool:
    return actor.is_superuser or actor.role in roles


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return pgettext("separator of error messages", "；").join(exc.messages)
    return getattr(exc, "message", None) or str(exc) or _("您不能执行该操作")


# --- The alarm list ----------------------------------------------------------------------------


class AlarmFilterForm(forms.Form):
    device = forms.TypedChoiceField(label=gettext_lazy("设备"), required=False, coerce=int,
                                    empty_value=None)  # fmt: skip
    kind = forms.ChoiceField(
        label=gettext_lazy("设备类型"), required=False,
        choices=[("", gettext_lazy("全部")), *DeviceKind.choices],
    )  # fmt: skip
    state = forms.ChoiceField(
        label=gettext_lazy("状态"), required=False,
        choices=[("", gettext_lazy("未解除")), *EventState.choices, ("all", gettext_lazy("全部"))],
    )  # fmt: skip
    severity = forms.ChoiceField(
        label=gettext_lazy("级别"), required=False,
        choices=[("", gettext_lazy("全部")), *Severity.choices],
    )  # fmt: skip
    date_from = forms.DateField(label=gettext_lazy("接收日期从"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip
    date_to = forms.DateField(label=gettext_lazy("至"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip

    def __init__(self, *args, estate: Estate, actor: Actor, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        devices = selectors.device_list(actor=actor, estate_id=estate.pk)
        self.fields["device"].choices = [("", _("全部")), *((d.pk, d.name) for d in devices)]


def _alarms(request, estate: Estate):
    actor = actor_for(request.user)
    form = AlarmFilterForm(request.GET or None, estate=estate, actor=actor)
    values = form.cleaned_data if form.is_valid() else {}
    state = values.get("state") or ""
    events = selectors.device_event_list(
        actor=actor, estate_id=estate.pk, device_id=values.get("device"),
        kind=values.get("kind") or "", state="" if state == "all" else state,
        open_only=not state, severity=values.get("severity") or "",
        date_from=values.get("date_from"), date_to=values.get("date_to"),
    )  # fmt: skip
    return form, events


@estate_page
def device_event_list(request, estate: Estate):
    """设备告警: open alarms first, the most severe first; the results refresh every 15 s."""
    actor = actor_for(request.user)
    form, events = _alarms(request, estate)
    page = paginate(request, events)
    context = {
        "estate": estate,
        "filter_form": form,
        "page": page,
        "counts": selectors.device_event_counts(actor=actor, estate_id=estate.pk),
        "refresh": REFRESH_SECONDS,
        "can_handle": _can(actor, services.ALARM_ROLES),
        "can_manage": _can(actor, services.DEVICE_WRITE_ROLES),
        "filtered": any(v for k, v in request.GET.items() if k != "page"),
        "now": timezone.now(),
    }
    fragment = wants_fragment(request)
    template = "fieldwork/devices/partials/alarm_results.html" if fragment else (
        "fieldwork/devices/alarm_list.html"
    )  # fmt: skip
    response = render_in(request, template, context, estate)
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- An alarm ----------------------------------------------------------------------------------


@staff_required
def device_event_detail(request, pk: int):
    actor = actor_for(request.user)
    event = selectors.device_event_get(actor=actor, pk=pk)
    context = {
        "event": event,
        "subject": selectors.device_subject_label(event.device),
        "can_handle": _can(actor, services.ALARM_ROLES),
        "repeats": event.repeats,
    }
    return render_in(request, "fieldwork/devices/alarm_detail.html", context, event.estate)


def _alarm_step(request, pk: int, step, done: str):
    event = selectors.device_event_get(actor=actor_for(request.user), pk=pk)
    try:
        step(event)
    except (ValidationError, Conflict) as exc:
        messages.error(request, _reason(exc))
    else:
        messages.success(request, done)
    return redirect("fieldwork:device_event_detail", pk=event.pk)


@require_POST
@staff_required
def device_event_acknowledge(request, pk: int):
    return _alarm_step(
        request, pk, lambda e: services.device_event_acknowledge(event=e, by=request.user),
        _("已确认告警"),
    )  # fmt: skip


@require_POST
@staff_required
def device_event_clear(request, pk: int):
    note = request.POST.get("note", "")
    return _alarm_step(
        request, pk, lambda e: services.device_event_clear(event=e, by=request.user, note=note),
        _("已解除告警"),
    )  # fmt: skip


# --- Devices -----------------------------------------------------------------------------------


@estate_page
def device_list(request, estate: Estate):
    actor = actor_for(request.user)
    devices = selectors.device_list(actor=actor, estate_id=estate.pk,
                                    q=request.GET.get("q", "")[:100])  # fmt: skip
    context = {
        "estate": estate,
        "page": paginate(request, devices),
        "q": request.GET.get("q", "")[:100],
        "can_manage": _can(actor, services.DEVICE_WRITE_ROLES),
        "filtered": bool(request.GET.get("q")),
    }
    return render_in(request, "fieldwork/devices/device_list.html", context, estate)


class DeviceForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("设备名称"), max_length=100,
                           help_text=gettext_lazy("如 1栋1号客梯监控"))  # fmt: skip
    kind = forms.ChoiceField(label=gettext_lazy("设备类型"), choices=DeviceKind.choices)
    department = forms.ChoiceField(
        label=gettext_lazy("责任部门"), required=False,
        choices=[("", gettext_lazy("按设备类型（消防主机：秩序管理部，其余：工程设备部）")),
                 *((v, lbl) for v, lbl in DepartmentKind.choices
                   if v != DepartmentKind.EXECUTIVE)],
        help_text=gettext_lazy("无人处理的告警立即通知该部门负责人"),
    )  # fmt: skip
    location = forms.CharField(label=gettext_lazy("安装位置"), max_length=100, required=False)
    subject = forms.ChoiceField(label=gettext_lazy("监控对象"), required=False)

    def __init__(self, *args, estate: Estate, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.estate = estate
        self.fields["subject"].choices = [("", _("无（整个项目）")),
                                          *selectors.device_subject_choices(estate)]  # fmt: skip

    def subject_record(self):
        value = self.cleaned_data.get("subject") or ""
        if not value:
            return None
        label, _sep, pk = value.rpartition(":")
        return services.device_subject_resolve(subject_type=label, subject_id=int(pk))


def _secret_page(request, device, secret: str, created: bool):
    context = {"device": device, "secret": secret, "created": created}
    response = render_in(request, "fieldwork/devices/device_secret.html", context, device.estate)
    add_never_cache_headers(response)  # the secret must not stay in a cache
    return response


@estate_page
def device_create(request, estate: Estate):
    actor = actor_for(request.user)
    if not _can(actor, services.DEVICE_WRITE_ROLES):
        raise PermissionDenied(_("只有部门负责人和企业高层可以管理监控设备"))
    form = DeviceForm(request.POST or None, estate=estate)
    if request.method == "POST" and form.is_valid():
        try:
            device, secret = services.device_create(
                estate=estate, name=form.cleaned_data["name"], kind=form.cleaned_data["kind"],
                department=form.cleaned_data["department"],
                location=form.cleaned_data["location"], subject=form.subject_record(),
                by=request.user,
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _secret_page(request, device, secret, created=True)
    return render_in(request, "fieldwork/devices/device_form.html", {"form": form}, estate)


@staff_required
def device_detail(request, pk: int):
    actor = actor_for(request.user)
    device = selectors.device_get(actor=actor, pk=pk)
    events = selectors.device_event_list(actor=actor, device_id=device.pk)[:20]
    context = {
        "device": device,
        "subject": selectors.device_subject_label(device),
        "events": events,
        "can_manage": _can(actor, services.DEVICE_WRITE_ROLES),
    }
    return render_in(request, "fieldwork/devices/device_detail.html", context, device.estate)


@require_POST
@staff_required
def device_rotate(request, pk: int):
    device = selectors.device_get(actor=actor_for(request.user), pk=pk)
    device, secret = services.device_secret_rotate(device=device, by=request.user)
    return _secret_page(request, device, secret, created=False)


def _device_step(request, pk: int, step, done: str):
    device = selectors.device_get(actor=actor_for(request.user), pk=pk)
    try:
        step(device)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("fieldwork:device_detail", pk=device.pk)


@require_POST
@staff_required
def device_disable(request, pk: int):
    return _device_step(request, pk, lambda d: services.device_disable(device=d, by=request.user),
                        _("设备已停用，其上报将被拒绝"))  # fmt: skip


@require_POST
@staff_required
def device_enable(request, pk: int):
    return _device_step(request, pk, lambda d: services.device_enable(device=d, by=request.user),
                        _("设备已启用"))  # fmt: skip


urlpatterns = [
    path("monitoring/alarms/", device_event_list, name="device_event_list"),
    path("monitoring/alarms/<int:pk>/", device_event_detail, name="device_event_detail"),
    path(
        "monitoring/alarms/<int:pk>/acknowledge",
        device_event_acknowledge,
        name="device_event_acknowledge",
    ),
    path("monitoring/alarms/<int:pk>/clear", device_event_clear, name="device_event_clear"),
    path("monitoring/devices/", device_list, name="device_list"),
    path("monitoring/devices/new", device_create, name="device_create"),
    path("monitoring/devices/<int:pk>/", device_detail, name="device_detail"),
    path("monitoring/devices/<int:pk>/rotate", device_rotate, name="device_rotate"),
    path("monitoring/devices/<int:pk>/disable", device_disable, name="device_disable"),
    path("monitoring/devices/<int:pk>/enable", device_enable, name="device_enable"),
]

"""《临时出入证》 pages (GUARD-10): the gate's scan screen (the phone's camera opens it from the QR,
or the code is typed or pasted) with a big green accepted / red refused and the reason; the staff's
passes, issuing one and its QR; the resident's portal: pre-register a guest and show the QR."""

from __future__ import annotations

import datetime as dt

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from wuye.base.pages import paginate, render_list
from wuye.core.scoping import actor_for, visible_rooms
from wuye.core.shortcuts import estate_page, estate_tz, render_local

from ..choices import PassKind, ScanResult
from ..selectors import passes as selectors
from ..services import passes as services
from .visitors import RoomField, remember_gate, remembered_gate, resolve_room

PORTAL_PAGE_SIZE = 10
LOCAL_INPUT = "%Y-%m-%dT%H:%M"


def scan_url(request, code: str) -> str:
    return request.build_absolute_uri(reverse("security:pass_scan") + f"?code={code}")


def qr_svg(url: str) -> str:
    """The pass's QR code as inline SVG (sized by CSS)."""
    return mark_safe(
        segno.make(url, error="m", micro=False).svg_inline(scale=1, border=2, omitsize=True)
    )


def _pass_view(request, temporary_pass) -> dict:
    return {
        "pass": temporary_pass,
        "state": ScanResult(services.pass_state(temporary_pass, timezone.now())),
        "qr": qr_svg(scan_url(request, temporary_pass.code)),
        "code_text": f"{temporary_pass.code[:4]}-{temporary_pass.code[4:]}",
    }


# --- The gate's scan screen (phone) --------------------------------------------------------------


@estate_page
def pass_scan(request, estate):
    """扫码核验: the QR opens it with ``?code=``; the guard confirms with one big button. The
    code can be typed or the QR's link pasted. GET never records: only the button does."""
    scan, error = None, ""
    code = request.POST.get("code", request.GET.get("code", ""))[:300]
    gate = request.POST.get("gate", remembered_gate(request))[:30]
    if request.method == "POST":
        try:
            scan = services.pass_scan(estate=estate, code=code, gate=gate, by=request.user)
        except ValidationError as exc:
            error = "；".join(m for ms in exc.message_dict.values() for m in ms)
        else:
            remember_gate(request, gate)
            code = ""
    context = {
        "estate": estate,
        "scan": scan,
        "error": error,
        "code": code,
        "gate": gate,
        "accepted": ScanResult.ACCEPTED,
        # EMERG-HEALTH-10: which place is closed, beside the refusal.
        "closure_note": services.scan_message(scan)
        if scan is not None and scan.result == ScanResult.CLOSED
        else "",
    }
    return render_local(
        request, "security/passes/scan.html", context, estate, status=400 if error else 200
    )


# --- The staff's passes --------------------------------------------------------------------------


class PassFilter(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("类别"),
        required=False,
        choices=[("", gettext_lazy("全部")), *PassKind.choices],
    )
    active = forms.ChoiceField(
        label=gettext_lazy("状态"),
        required=False,
        choices=[("1", gettext_lazy("有效期内")), ("0", gettext_lazy("已失效")),
                 ("", gettext_lazy("全部"))],
    )  # fmt: skip
    q = forms.CharField(
        label=gettext_lazy("搜索"),
        required=False,
        max_length=30,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": gettext_lazy("来访人、编码或房号")}
        ),
    )


@require_GET
@estate_page
def pass_list(request, estate):
    form = PassFilter(request.GET or None, initial={"active": "1"})
    data = form.cleaned_data if form.is_valid() else {"active": "1"}
    qs = selectors.pass_list(
        actor=actor_for(request.user),
        estate_id=estate.pk,
        kind=data.get("kind") or "",
        active={"1": True, "0": False}.get(data.get("active") or ""),
        search=data.get("q") or "",
    )
    page = paginate(request, qs)
    now = timezone.now()
    for p in page.object_list:
        p.state = ScanResult(services.pass_state(p, now))
    context = {"estate": estate, "form": form, "page": page, "accepted": ScanResult.ACCEPTED}
    with timezone.override(estate_tz(estate)):
        return render_list(
            request, "security/passes/list.html", "security/passes/results.html", context
        )


def _local_default(estate, hours: int) -> str:
    now = timezone.localtime(timezone.now(), estate_tz(estate)).replace(second=0, microsecond=0)
    return (now + dt.timedelta(hours=hours)).strftime(LOCAL_INPUT)


class PassForm(forms.Form):
    visitor_name = forms.CharField(label=gettext_lazy("来访人姓名"), max_length=30)
    visitor_mobile = forms.CharField(
        label=gettext_lazy("来访人手机号"), max_length=20, required=False
    )
    valid_from = forms.DateTimeField(
        label=gettext_lazy("生效时间"),
        input_formats=[LOCAL_INPUT],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT),
    )
    valid_until = forms.DateTimeField(
        label=gettext_lazy("失效时间"),
        input_formats=[LOCAL_INPUT],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT),
        help_text=gettext_lazy("到该分钟结束为止有效"),
    )
    max_entries = forms.IntegerField(
        label=gettext_lazy("可进入次数"), min_value=1, max_value=100, initial=1
    )


class StaffPassForm(PassForm):
    kind = forms.ChoiceField(label=gettext_lazy("类别"), choices=PassKind.choices)
    room = RoomField(required=False)
    id_number = forms.CharField(label=gettext_lazy("身份证号"), max_length=20, required=False)
    note = forms.CharField(label=gettext_lazy("备注"), max_length=200, required=False)
    field_order = ["kind", "visitor_name", "id_number", "visitor_mobile", "room"]


def _naive(data: dict) -> dict:
    # The form's times are the estate's wall clock: the service reads a naive time that way.
    for key in ("valid_from", "valid_until"):
        if data.get(key) is not None and timezone.is_aware(data[key]):
            data[key] = timezone.make_naive(data[key])
    return data


def _issue(request, form, estate, room) -> object | None:
    data = _naive(dict(form.cleaned_data))
    data.pop("room", None)
    try:
        with timezone.override(estate_tz(estate)):
            return services.pass_issue(estate=estate, room=room, by=request.user, **data)
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    except PermissionDenied as exc:
        form.add_error(None, str(exc))
    return None


@estate_page
def pass_new(request, estate):
    """Issue a pass at the desk or the gate (a decoration worker's: from the room's 装修登记)."""
    initial = {
        "kind": request.GET.get("kind", PassKind.GUEST),
        "room": request.GET.get("room", "")[:40],
        "valid_from": _local_default(estate, 0),
        "valid_until": _local_default(estate, 4),
    }
    form = StaffPassForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        room = resolve_room(form, estate)
        if not form.errors:
            temporary_pass = _issue(request, form, estate, room)
            if temporary_pass is not None:
                messages.success(request, _("已办理临时出入证"))
                return redirect("security:pass_detail", pk=temporary_pass.pk)
    context = {"estate": estate, "form": form}
    return render_local(request, "security/passes/form.html", context, estate)


@login_required
def pass_detail(request, pk: int):
    """The pass with its QR (to show or send), its state now and its scans."""
    temporary_pass = selectors.pass_get_for_user(request.user, pk)
    actor = actor_for(request.user)
    if actor.staff is None and not actor.is_superuser:
        return redirect("security:my_pass_detail", pk=pk)
    context = _pass_view(request, temporary_pass)
    context.update(estate=temporary_pass.estate, scans=selectors.pass_scans(temporary_pass)[:50])
    return render_local(request, "security/passes/detail.html", context, temporary_pass.estate)


@require_POST
@login_required
def pass_revoke(request, pk: int):
    temporary_pass = selectors.pass_get_for_user(request.user, pk)
    try:
        services.pass_revoke(temporary_pass=temporary_pass, by=request.user)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("出入证已作废"))
    return redirect("security:pass_detail", pk=pk)


# --- The resident's portal -----------------------------------------------------------------------


def _resident(request):
    actor = actor_for(request.user)
    if actor.resident is None:
        raise Http404
    return actor


@login_required
def my_passes(request):
    """我的访客: the guests' passes I pre-registered."""
    actor = _resident(request)
    page = paginate(request, selectors.pass_list(actor=actor), PORTAL_PAGE_SIZE)
    now = timezone.now()
    for p in page.object_list:
        p.state = ScanResult(services.pass_state(p, now))
    return render(
        request,
        "security/passes/my_list.html",
        {"page": page, "accepted": ScanResult.ACCEPTED},
    )


class GuestPassForm(PassForm):
    room = forms.ModelChoiceField(label=gettext_lazy("拜访房屋"), queryset=None, empty_label=None)
    field_order = ["room", "visitor_name", "visitor_mobile"]

    def __init__(self, *args, rooms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = rooms
        self.fields["max_entries"].max_value = services.PORTAL_MAX_ENTRIES
        self.fields["max_entries"].widget.attrs["max"] = services.PORTAL_MAX_ENTRIES


@login_required
def my_pass_new(request):
    """预约访客: a resident pre-registers a guest and gets the QR pass to send them."""
    actor = _resident(request)
    rooms = visible_rooms(actor).select_related("estate", "building", "unit")
    first = rooms.first()
    if first is None:
        raise Http404
    initial = {
        "room": first.pk,
        "valid_from": _local_default(first.estate, 0),
        "valid_until": _local_default(first.estate, 4),
        "max_entries": 1,
    }
    form = GuestPassForm(request.POST or None, rooms=rooms, initial=initial)
    if request.method == "POST" and form.is_valid():
        room = form.cleaned_data["room"]
        form.cleaned_data["kind"] = PassKind.GUEST
        temporary_pass = _issue(request, form, room.estate, room)
        if temporary_pass is not None:
            return redirect("security:my_pass_detail", pk=temporary_pass.pk)
    return render(request, "security/passes/my_new.html", {"form": form})


@login_required
def my_pass_detail(request, pk: int):
    _resident(request)
    temporary_pass = selectors.pass_get_for_user(request.user, pk)
    context = _pass_view(request, temporary_pass)
    return render_local(request, "security/passes/my_detail.html", context, temporary_pass.estate)


urlpatterns = [
    path("passes/", pass_list, name="pass_list"),
    path("passes/new/", pass_new, name="pass_new"),
    path("passes/scan/", pass_scan, name="pass_scan"),
    path("passes/<int:pk>/", pass_detail, name="pass_detail"),
    path("passes/<int:pk>/revoke/", pass_revoke, name="pass_revoke"),
    path("my/passes/", my_passes, name="my_passes"),
    path("my/passes/new/", my_pass_new, name="my_pass_new"),
    path("my/passes/<int:pk>/", my_pass_detail, name="my_pass_detail"),
]

"""装修登记 pages (GUARD-10): customer service registers a room's decoration, sees its workers'
passes, issues one (inside the permit's period) and finishes or revokes it."""

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
from wuye.core.scoping import actor_for
from wuye.core.shortcuts import estate_page, render_local, staff_required

from ..choices import DecorationStatus, PassKind
from ..selectors import decoration as selectors
from ..services import decoration as services
from .visitors import RoomField, resolve_room


class DecorationFilter(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("状态"),
        required=False,
        choices=[("", gettext_lazy("全部")), *DecorationStatus.choices],
    )
    q = forms.CharField(label=gettext_lazy("装修公司"), required=False, max_length=50)


@require_GET
@estate_page
def decoration_list(request, estate):
    form = DecorationFilter(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    qs = selectors.decoration_permit_list(
        actor=actor_for(request.user),
        estate_id=estate.pk,
        status=data.get("status") or "",
        search=data.get("q") or "",
    )
    context = {"estate": estate, "form": form, "page": paginate(request, qs)}
    return render_list(
        request, "security/decoration/list.html", "security/decoration/results.html", context
    )


class DecorationForm(forms.Form):
    room = RoomField()
    company = forms.CharField(label=gettext_lazy("装修公司"), max_length=100)
    person_in_charge = forms.CharField(label=gettext_lazy("现场负责人"), max_length=30)
    phone = forms.CharField(label=gettext_lazy("负责人电话"), max_length=20)
    starts_on = forms.DateField(
        label=gettext_lazy("开工日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=gettext_lazy("完工日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=gettext_lazy("备注"), max_length=200, required=False)


@estate_page
def decoration_new(request, estate):
    form = DecorationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        room = resolve_room(form, estate)
        if not form.errors:
            data = {k: v for k, v in form.cleaned_data.items() if k != "room"}
            try:
                permit = services.decoration_permit_register(
                    estate=estate, room=room, by=request.user, **data
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("已登记装修"))
                return redirect("security:decoration_detail", pk=permit.pk)
    context = {"estate": estate, "form": form}
    return render_local(request, "security/decoration/form.html", context, estate)


@staff_required
def decoration_detail(request, pk: int):
    permit = selectors.decoration_permit_get_for_user(request.user, pk)
    context = {
        "estate": permit.estate,
        "permit": permit,
        "passes": permit.passes.order_by("-valid_from")[:100],
        "active": permit.status == DecorationStatus.ACTIVE,
        "pass_kind": PassKind.DECORATION,
        "room_text": permit.room.label,
        "now": timezone.now(),
    }
    return render_local(request, "security/decoration/detail.html", context, permit.estate)


@require_POST
@staff_required
def decoration_close(request, pk: int):
    permit = selectors.decoration_permit_get_for_user(request.user, pk)
    try:
        services.decoration_permit_close(
            permit=permit, status=request.POST.get("status", "")[:20], by=request.user
        )
    except (ValidationError, PermissionDenied, Conflict) as exc:
        messages.error(request, getattr(exc, "message", None) or "；".join(exc.messages))
    else:
        messages.success(request, _("装修登记已结束，工人出入证同时失效"))
    return redirect("security:decoration_detail", pk=pk)


urlpatterns = [
    path("decoration/", decoration_list, name="decoration_list"),
    path("decoration/new/", decoration_new, name="decoration_new"),
    path("decoration/<int:pk>/", decoration_detail, name="decoration_detail"),
    path("decoration/<int:pk>/close/", decoration_close, name="decoration_close"),
]

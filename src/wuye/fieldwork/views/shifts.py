"""Pages of shifts and shift handover (交接班, EQUIP-OPS-10 / GUARD-04).

On the phone (operators, guards): 我的班次, the handover form of the outgoing person, the page
where the incoming person checks and signs (or refuses). On a desk (heads): the duty posts, a
post's week roster with a form to add a shift, its handover history and the printable
《交接班记录表》. Every write goes through ``fieldwork.services.shifts``."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from wuye.base.pages import paginate, render_list
from wuye.base.pdf import CJKFontMissing
from wuye.core.exceptions import Conflict
from wuye.core.models import Staff
from wuye.core.scoping import actor_for
from wuye.core.shortcuts import current_estate, render_local, staff_required
from wuye.workflow.attachments import attachment_url, attachments_from_request

from ..choices import CertificateKind
from ..documents.shifts import handover_pdf_response
from ..models import Handover, HandoverClear, HandoverStatus
from ..selectors import shifts as selectors
from ..services import handovers
from ..services import shifts as services

T = "fieldwork/shifts/"


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    for field, texts in error.message_dict.items():
        form.add_error(field if field in form.fields else None, texts)


def _refused(request, error: Exception, target: str):
    messages.error(request, getattr(error, "message", None) or str(error) or _("不能执行该操作"))
    return redirect(target)


def _render(request, template: str, context: dict, estate, status: int = 200):
    return render_local(request, T + template, context, estate, status)


# --- 我的班次 -----------------------------------------------------------------------------------


def _my_shifts_page(request, *, errors=(), check_errors=(), checked=(), status: int = 200):
    """我的班次; the first upcoming shift (when I am not on duty) with its 接班 button and the
    start checks to tick; after a refused 接班, why (the start checks' next to their boxes)."""
    actor = actor_for(request.user)
    mine = selectors.my_shifts(actor=actor)
    first = mine.upcoming[0] if mine.upcoming and not mine.current else None
    context = {
        "mine": mine,
        "now": timezone.now(),
        "start_checks": services.start_checks(first, actor.staff) if first else [],
        "errors": list(errors),
        "check_errors": list(check_errors),
        "checked": set(checked),
    }
    estate = current_estate(request)
    if estate is None:
        return render(request, T + "mine.html", context, status=status)
    return _render(request, "mine.html", context, estate, status)


@staff_required
def my_shifts(request):
    return _my_shifts_page(request)


@require_POST
@staff_required
def shift_start(request, pk: int):
    shift = selectors.shift_get_for_user(request.user, pk)
    checks = request.POST.getlist("checks")
    try:
        services.shift_start(shift=shift, by=request.user, checks=checks)
    except ValidationError as error:  # a start check not ticked, a certificate (EQUIP-OPS-11)
        found = error.message_dict
        check_errors = found.pop("checks", [])
        errors = [m for ms in found.values() for m in ms]
        return _my_shifts_page(request, errors=errors, check_errors=check_errors,
                               checked=checks, status=400)  # fmt: skip
    except (Conflict, PermissionDenied) as error:
        return _refused(request, error, reverse("fieldwork:my_shifts"))
    messages.success(request, _("已接班，开始值班"))
    return redirect("fieldwork:my_shifts")


@require_POST
@staff_required
def handover_open(request, pk: int):
    shift = selectors.shift_get_for_user(request.user, pk)
    try:
        handover = handovers.handover_open(
            shift=shift, by=request.user, closing=request.POST.get("closing") == "1"
        )
    except ValidationError as error:
        messages.error(request, " ".join([m for ms in error.message_dict.values() for m in ms]))
        return redirect("fieldwork:my_shifts")
    except (Conflict, PermissionDenied) as error:
        return _refused(request, error, reverse("fieldwork:my_shifts"))
    return redirect("fieldwork:handover_form", pk=handover.pk)


# --- The outgoing person's form -------------------------------------------------------------------


class HandoverForm(forms.Form):
    operating_status = forms.CharField(
        label=gettext_lazy("运行状态 / 岗位情况"),
        max_length=services.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=gettext_lazy("设备运行、岗位值守情况，交班签字时必填"),
    )
    anomalies = forms.CharField(
        label=gettext_lazy("异常情况"),
        max_length=services.TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    articles = forms.CharField(
        label=gettext_lazy("交接物品"),
        max_length=services.ARTICLES_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("如对讲机、警棍、钥匙及数量"),
    )
    new_items = forms.CharField(
        label=gettext_lazy("新增未完成事项"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("每行一项"),
    )

    def service_args(self, data) -> dict:
        done = []
        for value in data.getlist("done"):
            if value.isdigit() and len(value) < 19:
                done.append(int(value))
        return {
            "operating_status": self.cleaned_data["operating_status"],
            "anomalies": self.cleaned_data["anomalies"],
            "articles": self.cleaned_data["articles"],
            "new_items": [
                line for line in self.cleaned_data["new_items"].splitlines() if line.strip()
            ],
            "done_items": done,
            **_guard_args(data),
        }


def _guard_args(data) -> dict:
    """GUARD-04/05 from a handover page: the equipment checked (``equip:<n>`` = ok / missing)
    and the 三清 ticked; absent when the page has neither."""
    args: dict = {}
    if "equipment_shown" in data:
        names = data.getlist("equipment_name")[: services.EQUIPMENT_MAX]
        args["equipment"] = {
            name: data.get(f"equip_{n}") == "ok"
            for n, name in enumerate(names)
            if data.get(f"equip_{n}") in ("ok", "missing")
        }
    if "clears_shown" in data:
        args["clears"] = [c for c in data.getlist("clears") if c in HandoverClear.values]
    return args


def _handover_context(request, handover: Handover) -> dict:
    actor = actor_for(request.user)
    signatures = selectors.handover_signatures(handover)
    return {
        "handover": handover,
        "post": handover.post,
        "items": list(handover.items.all()),
        "signatures": {k: attachment_url(v) if v else "" for k, v in signatures.items()},
        "may_print": handover.status == HandoverStatus.ACCEPTED,
        "is_head": services.is_post_head(actor, handover.post),
        "clear_choices": HandoverClear.choices,
    }


@staff_required
def handover_form(request, pk: int):
    handover = selectors.handover_get_for_user(request.user, pk)
    if handover.status != HandoverStatus.DRAFT:
        return redirect("fieldwork:handover_detail", pk=handover.pk)
    form = HandoverForm(
        request.POST or None,
        initial={
            "operating_status": handover.operating_status,
            "anomalies": handover.anomalies,
            "articles": handover.articles,
        },
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        sign = request.POST.get("submit") != "save"
        try:
            args = form.service_args(request.POST)
            if sign:
                attachments = attachments_from_request(request)
                handovers.handover_sign_outgoing(
                    handover=handover, attachments=attachments, by=request.user, **args
                )
                messages.success(request, _("已签字交班，请接班人核对后签字"))
                return redirect("fieldwork:handover_detail", pk=handover.pk)
            handovers.handover_record(handover=handover, by=request.user, **args)
            messages.success(request, _("已暂存"))
            return redirect("fieldwork:handover_form", pk=handover.pk)
        except ValidationError as error:
            _add_errors(form, error)
        except (Conflict, PermissionDenied) as error:
            return _refused(request, error, reverse("fieldwork:handover_detail", args=[pk]))
    if request.method == "POST":
        status = 400
    context = _handover_context(request, handover) | {"form": form}
    return _render(request, "form.html", context, handover.post.estate, status)


# --- The incoming person ------------------------------------------------------------------------


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("拒绝原因"),
        max_length=services.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _same_phone_signer(request, handover: Handover):
    """The incoming person signing on the outgoing person's phone: they pick their name and
    confirm with their own password (failures count towards their login lockout)."""
    receivers = {str(u.pk): u for u in handovers.handover_receivers(handover)}
    user = receivers.get(request.POST.get("signer", ""))
    if user is None:
        raise ValidationError({"signer": [_("请选择接班人")]})
    password = request.POST.get("password", "")
    signer = authenticate(request, username=user.get_username(), password=password)
    if signer is None or signer.pk != user.pk:
        raise ValidationError({"password": [_("接班人密码不正确")]})
    return signer


@staff_required
def handover_accept(request, pk: int):
    """The incoming person checks the record and signs, on their own phone or on the outgoing
    person's (then with their password); or refuses below."""
    handover = selectors.handover_get_for_user(request.user, pk)
    errors: list[str] = []
    check_errors: list[str] = []
    checks = request.POST.getlist("checks")
    status = 200
    if request.method == "POST":
        try:
            signer = request.user
            if "signer" in request.POST:
                signer = _same_phone_signer(request, handover)
            attachments = attachments_from_request(request, by=signer)
            handovers.handover_sign_incoming(
                handover=handover,
                attachments=attachments,
                by=signer,
                clears=_guard_args(request.POST).get("clears"),
                checks=checks,
            )
            messages.success(request, _("已签字接班，开始值班"))
            return redirect("fieldwork:handover_detail", pk=handover.pk)
        except ValidationError as error:
            found = error.message_dict
            check_errors = found.pop("checks", [])
            errors = [m for ms in found.values() for m in ms]
            status = 400
        except (Conflict, PermissionDenied) as error:
            return _refused(request, error, reverse("fieldwork:handover_detail", args=[pk]))
    receivers = handovers.handover_receivers(handover)
    same_phone = request.user.pk not in {u.pk for u in receivers}
    incoming = handover.incoming_shift if handover.status == HandoverStatus.WAITING else None
    staff = None if same_phone else actor_for(request.user).staff
    context = _handover_context(request, handover) | {
        "errors": errors,
        "refuse_form": RefuseForm(),
        "receivers": receivers,
        "same_phone": same_phone,
        "start_checks": services.start_checks(incoming, staff) if incoming else [],
        "check_errors": check_errors,
        "checked": set(checks),
    }
    return _render(request, "accept.html", context, handover.post.estate, status)


@require_POST
@staff_required
def handover_refuse(request, pk: int):
    handover = selectors.handover_get_for_user(request.user, pk)
    form = RefuseForm(request.POST)
    if form.is_valid():
        try:
            handovers.handover_refuse(
                handover=handover, reason=form.cleaned_data["reason"], by=request.user
            )
            messages.success(request, _("已拒绝接班，交班人继续值班"))
            return redirect("fieldwork:my_shifts")
        except ValidationError as error:
            _add_errors(form, error)
        except (Conflict, PermissionDenied) as error:
            return _refused(request, error, reverse("fieldwork:handover_detail", args=[pk]))
    context = _handover_context(request, handover) | {"errors": [], "refuse_form": form}
    return _render(request, "accept.html", context, handover.post.estate, 400)


@staff_required
def handover_detail(request, pk: int):
    handover = selectors.handover_get_for_user(request.user, pk)
    actor = actor_for(request.user)
    context = _handover_context(request, handover) | {
        "to_sign": selectors.handovers_to_sign(actor=actor).filter(pk=handover.pk).exists(),
        "mine_draft": handover.status == HandoverStatus.DRAFT
        and handover.outgoing_shift.members.filter(staff=actor.staff).exists(),
    }
    return _render(request, "detail.html", context, handover.post.estate)


@require_GET
@login_required
def handover_pdf(request, pk: int) -> HttpResponse:
    handover = selectors.handover_get_for_user(request.user, pk)
    try:
        return handover_pdf_response(handover)
    except CJKFontMissing as error:
        page = format_html(
            '<!doctype html><html lang="zh-Hans"><meta charset="utf-8"><title>{}</title>'
            "<h1>{}</h1><p>{}</p></html>",
            _("无法生成交接班记录表"),
            _("无法生成交接班记录表"),
            str(error),
        )
        return HttpResponse(page, status=503)


# --- Posts, roster, history (desk) ------------------------------------------------------------


@staff_required
def duty_posts(request):
    estate = current_estate(request)
    actor = actor_for(request.user)
    posts = selectors.post_list(actor=actor, estate_id=estate.pk if estate else None)
    context = {"page": paginate(request, posts), "certificates": dict(CertificateKind.choices)}
    return render_list(request, T + "posts.html", T + "posts_results.html", context)


def _week_start(request) -> dt.date:
    try:
        day = dt.date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        day = timezone.localdate()
    if not dt.date(2000, 1, 3) <= day <= dt.date(2100, 12, 27):
        day = timezone.localdate()
    return day - dt.timedelta(days=day.weekday())


class ShiftForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("班次名称"), max_length=30, required=False)
    starts_at = forms.DateTimeField(
        label=gettext_lazy("开始时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    ends_at = forms.DateTimeField(
        label=gettext_lazy("结束时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    staff = forms.ModelMultipleChoiceField(
        label=gettext_lazy("值班人员"),
        queryset=Staff.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, post=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = Staff.objects.filter(
            estates=post.estate_id, is_active=True, department__kind=post.department
        ).order_by("employee_no")


def _roster(request, post, form: ShiftForm | None = None, status: int = 200):
    actor = actor_for(request.user)
    monday = _week_start(request)
    context = {
        "post": post,
        "days": selectors.roster_week(actor=actor, post=post, monday=monday),
        "monday": monday,
        "previous": (monday - dt.timedelta(days=7)).isoformat(),
        "next": (monday + dt.timedelta(days=7)).isoformat(),
        "is_head": services.is_post_head(actor, post),
        "form": form or ShiftForm(post=post),
        "today": timezone.localdate(timezone=services.estate_zone(post.estate)),
    }
    return _render(request, "roster.html", context, post.estate, status)


@staff_required
def duty_roster(request, pk: int):
    return _roster(request, selectors.post_get_for_user(request.user, pk))


@require_POST
@staff_required
def shift_new(request, pk: int):
    post = selectors.post_get_for_user(request.user, pk)
    with timezone.override(services.estate_zone(post.estate)):
        form = ShiftForm(request.POST, post=post)
        valid = form.is_valid()
    if valid:
        try:
            shift = services.shift_create(
                post=post,
                starts_at=form.cleaned_data["starts_at"],
                ends_at=form.cleaned_data["ends_at"],
                staff=list(form.cleaned_data["staff"]),
                name=form.cleaned_data["name"],
                by=request.user,
            )
            messages.success(request, _("已添加班次"))
            week = timezone.localtime(shift.starts_at, services.estate_zone(post.estate)).date()
            return redirect(
                reverse("fieldwork:duty_roster", args=[post.pk]) + f"?week={week.isoformat()}"
            )
        except ValidationError as error:
            _add_errors(form, error)
        except (Conflict, PermissionDenied) as error:
            return _refused(request, error, reverse("fieldwork:duty_roster", args=[pk]))
    return _roster(request, post, form, 400)


class HistoryFilter(forms.Form):
    date_from = forms.DateField(
        label=gettext_lazy("开始日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label=gettext_lazy("结束日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    status = forms.ChoiceField(
        label=gettext_lazy("状态"),
        required=False,
        choices=[("", gettext_lazy("全部")), *HandoverStatus.choices],
    )


@staff_required
def handover_history(request, pk: int):
    post = selectors.post_get_for_user(request.user, pk)
    filters = HistoryFilter(request.GET or None)
    values = filters.cleaned_data if filters.is_valid() else {}
    handovers = selectors.handover_list(
        actor=actor_for(request.user),
        post_id=post.pk,
        date_from=values.get("date_from"),
        date_to=values.get("date_to"),
        status=values.get("status") or "",
    ).prefetch_related("items")
    context = {"post": post, "filter_form": filters, "page": paginate(request, handovers)}
    with timezone.override(services.estate_zone(post.estate)):
        return render_list(request, T + "history.html", T + "history_results.html", context)


urlpatterns = [
    path("shifts/mine/", my_shifts, name="my_shifts"),
    path("shifts/<int:pk>/start/", shift_start, name="shift_start"),
    path("shifts/<int:pk>/handover/", handover_open, name="handover_open"),
    path("handovers/<int:pk>/", handover_detail, name="handover_detail"),
    path("handovers/<int:pk>/edit/", handover_form, name="handover_form"),
    path("handovers/<int:pk>/accept/", handover_accept, name="handover_accept"),
    path("handovers/<int:pk>/refuse/", handover_refuse, name="handover_refuse"),
    path("handovers/<int:pk>/record.pdf", handover_pdf, name="handover_pdf"),
    path("duty-posts/", duty_posts, name="duty_posts"),
    path("duty-posts/<int:pk>/roster/", duty_roster, name="duty_roster"),
    path("duty-posts/<int:pk>/shifts/new/", shift_new, name="shift_new"),
    path("duty-posts/<int:pk>/handovers/", handover_history, name="handover_history"),
]

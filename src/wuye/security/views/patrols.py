"""The guards' phone pages (GUARD-07…12): report what a patrol found (from a checkpoint, with a
photo: damage → repair, fire lane / e-bike → obstruction, suspicious person → incident), the
conduct check at shift start, and the head's one-click setup of the default patrol routes."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wuye.core.forms import add_service_errors
from wuye.core.models import PublicArea
from wuye.core.scoping import actor_for
from wuye.core.selectors import room_list
from wuye.core.shortcuts import current_estate, estate_page, render_local, staff_required
from wuye.fieldwork.models import Shift
from wuye.workflow.attachments import attachments_from_request

from ..choices import PatrolAnomalyKind
from ..selectors import patrols as selectors
from ..services import guards as guard_services
from ..services import patrols as services


class AnomalyForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("发现了什么"), choices=PatrolAnomalyKind.choices,
        widget=forms.RadioSelect,
    )  # fmt: skip
    description = forms.CharField(
        label=gettext_lazy("情况说明"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("如 纸箱堵住消防通道、路灯不亮、陌生人在车库徘徊"),
    )  # fmt: skip
    location = forms.CharField(label=gettext_lazy("位置"), max_length=100, required=False)
    room = forms.CharField(
        label=gettext_lazy("物品所属房号"), max_length=30, required=False,
        help_text=gettext_lazy("知道是哪户的，填房号（如 1-2-301），系统通知业主清理"),
    )  # fmt: skip
    public_area = forms.ModelChoiceField(
        label=gettext_lazy("损坏设施所在区域"), queryset=PublicArea.objects.none(), required=False
    )
    police_ref = forms.CharField(
        label=gettext_lazy("已报警110：接警编号"), max_length=50, required=False,
        help_text=gettext_lazy("报警后填写接警编号或出警民警姓名，报警时间按提交时间记录"),
    )  # fmt: skip


def _room(request, estate, text: str):
    if not text.strip():
        return None
    rooms = list(room_list(actor=actor_for(request.user), estate=estate, search=text)[:2])
    if len(rooms) != 1:
        raise ValidationError({"room": [_("找不到这个房号，请按 楼栋-单元-房号 填写")]})
    return rooms[0]


@staff_required
def patrol_report(request):
    """GUARD-11: report a finding on patrol, from a checkpoint (``?checkpoint=``) or anywhere."""
    actor = actor_for(request.user)
    checkpoint = None
    raw = request.GET.get("checkpoint", "")
    if raw.isdigit() and len(raw) < 10:
        checkpoint = selectors.checkpoint_get_for_user(request.user, int(raw))
    estate = checkpoint.route.estate if checkpoint else current_estate(request)
    if estate is None:
        return redirect("web:home")
    form = AnomalyForm(request.POST or None)
    form.fields["public_area"].queryset = PublicArea.objects.filter(estate=estate)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                room = _room(request, estate, data["room"])
                attachments = attachments_from_request(request)
                anomaly = services.patrol_anomaly_report(
                    estate=estate, kind=data["kind"], description=data["description"],
                    location=data["location"], checkpoint=checkpoint, room=room,
                    public_area=data["public_area"], police_ref=data["police_ref"],
                    attachments=attachments, by=actor,
                )  # fmt: skip
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已上报：%(number)s") % {"number": anomaly.case.number})
                return redirect("security:patrol_report_done", pk=anomaly.pk)
    context = {"form": form, "checkpoint": checkpoint, "estate": estate}
    return render_local(request, "security/guards/report.html", context, estate, status)


@staff_required
def patrol_report_done(request, pk: int):
    anomaly = selectors.patrol_anomaly_list(actor=actor_for(request.user)).filter(pk=pk).first()
    if anomaly is None:
        raise Http404
    context = {"anomaly": anomaly, "estate": anomaly.estate}
    return render_local(request, "security/guards/report_done.html", context, anomaly.estate)


@staff_required
def conduct_check(request, pk: int):
    """GUARD-12: the guard's three confirmations at shift start."""
    actor = actor_for(request.user)
    shift = Shift.objects.select_related("post__estate").filter(pk=pk).first()
    if shift is None or not (actor.is_superuser or shift.estate_id in actor.estate_ids):
        raise Http404
    errors: dict = {}
    status = 200
    if request.method == "POST":
        try:
            guard_services.conduct_check_record(
                shift=shift, by=request.user, badge=request.POST.get("badge") == "on",
                uniform=request.POST.get("uniform") == "on",
                polite=request.POST.get("polite") == "on",
            )  # fmt: skip
        except ValidationError as exc:
            errors, status = exc.message_dict, 400
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect("fieldwork:my_shifts")
        else:
            messages.success(request, _("仪容仪表已确认，祝值班顺利"))
            return redirect("fieldwork:my_shifts")
    done = selectors.conduct_check_list(actor=actor, shift_id=shift.pk)
    context = {"shift": shift, "estate": shift.post.estate, "errors": errors,
               "done": done.filter(staff=actor.staff).first() if actor.staff else None}  # fmt: skip
    return render_local(request, "security/guards/conduct.html", context, shift.post.estate, status)


@estate_page
def patrol_setup(request, estate):
    """GUARD-07/09: the order head creates the two default patrol routes and their rounds."""
    if request.method == "POST":
        try:
            services.patrol_routes_setup(estate=estate, by=request.user)
        except ValidationError as exc:
            messages.error(request, "；".join(m for ms in exc.message_dict.values() for m in ms))
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("已创建默认巡逻路线和巡逻计划，请打印巡检点二维码张贴"))
            return redirect("fieldwork:route_list")
    context = {"estate": estate, "general": services.GENERAL_POINTS, "key": services.KEY_POINTS,
               "checks": services.PATROL_CHECKS}  # fmt: skip
    return render_local(request, "security/guards/setup.html", context, estate)


urlpatterns = [
    path("patrol/report/", patrol_report, name="patrol_report"),
    path("patrol/report/<int:pk>/", patrol_report_done, name="patrol_report_done"),
    path("patrol/setup/", patrol_setup, name="patrol_setup"),
    path("shifts/<int:pk>/conduct/", conduct_check, name="conduct_check"),
]

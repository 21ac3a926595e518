"""Pages of the weather records (天气记录): the list of rain and heat recorded by the head or
posted by a weather station, and the head's form to record rain (CLEAN-07: the main roads are
swept at once) or heat (GREEN-12: an extra watering) — thin over ``services.weather``, the same
as the API."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from wuye.base.pages import paginate, render_list
from wuye.core.forms import add_service_errors
from wuye.core.scoping import actor_for, scope_to_estates
from wuye.core.shortcuts import estate_page, estate_tz

from ..choices import WeatherKind
from ..models import WeatherRecord
from ..processes import ENVIRONMENT_LEADS
from ..services.weather import NOTE_MAX, weather_record
from .zones import READERS, require_role


class WeatherForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("天气"), choices=WeatherKind.choices, widget=forms.RadioSelect
    )
    at = forms.DateTimeField(
        label=gettext_lazy("时间"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=gettext_lazy("不填则为现在"),
    )  # fmt: skip
    temperature = forms.DecimalField(
        label=gettext_lazy("气温（℃）"), required=False, min_value=-60, max_value=70,
        max_digits=4, decimal_places=1, help_text=gettext_lazy("高温须填写气温"),
    )  # fmt: skip
    note = forms.CharField(label=gettext_lazy("说明"), max_length=NOTE_MAX, required=False)


def _records(request, estate):
    actor = actor_for(request.user)
    qs = scope_to_estates(WeatherRecord.objects.all(), actor).filter(estate=estate)
    kind = request.GET.get("kind", "")
    if kind in WeatherKind.values:
        qs = qs.filter(kind=kind)
    return qs.select_related("recorded_by", "device_event__device").order_by("-at", "-id")


@require_http_methods(["GET", "POST"])
@estate_page
def weather_list(request, estate):
    require_role(request, READERS, _("天气记录由环境管理部查看和登记"))
    actor = actor_for(request.user)
    may_write = actor.is_superuser or actor.role in ENVIRONMENT_LEADS
    form = WeatherForm(request.POST or None) if may_write else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("只有环境管理部负责人或企业高层可以登记天气"))
        with timezone.override(estate_tz(estate)):  # the time typed is the estate's
            valid = form.is_valid()
        if valid:
            data = form.cleaned_data
            try:
                record = weather_record(
                    estate=estate, kind=data["kind"], at=data["at"] or timezone.now(),
                    by=request.user, temperature=data["temperature"], note=data["note"],
                )  # fmt: skip
            except ValidationError as exc:
                add_service_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                if record.kind == WeatherKind.RAIN:
                    text = _("已登记降雨，生成主干道雨后清扫任务 %(n)d 项")
                else:
                    text = _("已登记高温，生成绿化加浇任务 %(n)d 项")
                messages.success(request, text % {"n": record.tasks_created})
                return redirect("environment:weather_list")
    context = {
        "estate": estate, "page": paginate(request, _records(request, estate)), "form": form,
        "kinds": WeatherKind.choices, "kind": request.GET.get("kind", ""),
    }  # fmt: skip
    with timezone.override(estate_tz(estate)):
        return render_list(
            request, "environment/weather/list.html", "environment/weather/results.html", context
        )


urlpatterns = [
    path("weather/", weather_list, name="weather_list"),
]

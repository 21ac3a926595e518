"""Pages of fire-prevention publicity (消防宣传, FIRE-07): the year's plan by month — what was
published, what is due this month, what is overdue — adding a topic, filling the year with the
usual topics, and publishing a topic (customer service, FIRE-01) to the board, SMS and app."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from wuye.core.exceptions import Conflict
from wuye.core.scoping import actor_for
from wuye.core.shortcuts import current_estate, estate_tz, staff_required
from wuye.core.shortcuts import render_local as render_in

from ..choices import PublicityChannel
from ..selectors import publicity as selectors
from ..services import publicity as services


def _months() -> list[tuple[int, str]]:
    """The months in the page's language, at render time."""
    return [(m, _("%(month)d月") % {"month": m}) for m in range(1, 13)]


class TopicForm(forms.Form):
    month = forms.TypedChoiceField(label=gettext_lazy("月份"), coerce=int, choices=_months)
    title = forms.CharField(
        label=gettext_lazy("宣传主题"), max_length=100,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("如 楼道禁止堆放杂物")}),
    )  # fmt: skip
    body = forms.CharField(label=gettext_lazy("宣传内容"), max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 4}))  # fmt: skip
    channels = forms.MultipleChoiceField(
        label=gettext_lazy("宣传渠道"), choices=PublicityChannel.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
        initial=[PublicityChannel.BOARD, PublicityChannel.SMS, PublicityChannel.APP],
    )  # fmt: skip


def _year(request, estate) -> int:
    today = timezone.localtime(timezone.now(), estate_tz(estate)).date()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    return year if services.YEAR_MIN <= year <= services.YEAR_MAX else today.year


@require_GET
@staff_required
def publicity_plan(request):
    """消防宣传计划: the year's topics by month with what was published and what is overdue."""
    estate = current_estate(request)
    if estate is None:
        raise Http404
    actor = actor_for(request.user)
    year = _year(request, estate)
    today = timezone.localtime(timezone.now(), estate_tz(estate)).date()
    topics = selectors.with_states(
        selectors.publicity_list(actor=actor, estate_id=estate.pk, year=year), today
    )
    counts = {state: sum(1 for t in topics if t.state == state) for state in selectors.STATES}
    context = {
        "estate": estate, "year": year, "topics": topics, "counts": counts,
        "can_publish": services.may_publish(actor, estate), "form": TopicForm(),
    }  # fmt: skip
    return render_in(request, "security/publicity/plan.html", context, estate)


@staff_required
def publicity_create(request):
    """Add a topic to the year's plan."""
    estate = current_estate(request)
    if estate is None:
        raise Http404
    year = _year(request, estate)
    form = TopicForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.publicity_topic_create(estate=estate, year=year, by=request.user,
                                            **form.cleaned_data)  # fmt: skip
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        except Conflict as error:
            form.add_error("title", error.message)
        else:
            messages.success(request, _("宣传主题已加入计划"))
            return redirect(reverse("security:publicity_plan") + f"?year={year}")
    context = {"form": form, "year": year, "estate": estate}
    status = 400 if request.method == "POST" else 200
    return render_in(request, "security/publicity/topic_form.html", context, estate, status)


@require_POST
@staff_required
def publicity_seed(request):
    """Fill the year with the usual topics (those it lacks)."""
    estate = current_estate(request)
    if estate is None:
        raise Http404
    year = _year(request, estate)
    made = services.publicity_plan_seed(estate=estate, year=year, by=request.user)
    messages.success(request, _("已加入 %(n)d 个宣传主题") % {"n": len(made)})
    return redirect(reverse("security:publicity_plan") + f"?year={year}")


@require_POST
@staff_required
def publicity_publish(request, pk: int):
    """Publish one topic (FIRE-07) as a fire-safety notice."""
    topic = selectors.publicity_get_for_user(request.user, pk)
    try:
        services.publicity_publish(topic=topic, by=request.user)
    except (Conflict, PermissionDenied) as error:
        messages.error(request, str(getattr(error, "message", error)))
    else:
        messages.success(request, _("已发布到公告栏，并通知住户"))
    return redirect(reverse("security:publicity_plan") + f"?year={topic.year}")


urlpatterns = [
    path("publicity/", publicity_plan, name="publicity_plan"),
    path("publicity/new/", publicity_create, name="publicity_create"),
    path("publicity/plan/", publicity_seed, name="publicity_seed"),
    path("publicity/<int:pk>/publish/", publicity_publish, name="publicity_publish"),
]

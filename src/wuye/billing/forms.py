"""The fee reports' filters, at the edge: a year and months (收缴率), a span of days (收入构成), the
company view's year, month and date; the pages show a bad filter by its field, the API answers
it as a 400."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wuye.billing.selectors import reports

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


YEARS_BACK = 9  # the year picker offers this many earlier years and the next one


def month_label(month: int) -> str:
    return _("%(m)d月") % {"m": month}


def months_choices():
    return [(m, month_label(m)) for m in range(1, 13)]


def today_in_zone(tz) -> dt.date:
    return timezone.now().astimezone(tz).date()


class CollectionForm(forms.Form):
    year = forms.TypedChoiceField(
        label=gettext_lazy("年度"), coerce=int, required=False, empty_value=None
    )
    month_from = forms.TypedChoiceField(
        label=gettext_lazy("起始月份"), coerce=int, required=False, empty_value=None
    )
    month_to = forms.TypedChoiceField(
        label=gettext_lazy("截止月份"), coerce=int, required=False, empty_value=None
    )
    as_of = forms.DateField(
        label=gettext_lazy("实收截至日期"), required=False, widget=DATE_WIDGET,
        error_messages={"invalid": gettext_lazy("请填写正确的日期，如 2026-11-26")},
    )  # fmt: skip

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        years = [
            (y, _("%(y)d年") % {"y": y})
            for y in range(today.year + 1, today.year - YEARS_BACK - 1, -1)
        ]
        self.fields["year"].choices = years
        self.fields["year"].error_messages["invalid_choice"] = _("请选择列表中的年度")
        for name in ("month_from", "month_to"):
            self.fields[name].choices = months_choices()
            self.fields[name].error_messages["invalid_choice"] = _("请选择 1–12 月")

    def clean(self):
        data = super().clean()
        if (
            data.get("month_from")
            and data.get("month_to")
            and data["month_from"] > data["month_to"]
        ):
            self.add_error("month_to", _("截止月份不能早于起始月份"))
        return data


def bound_data(request, defaults: dict) -> dict | None:
    """The filters asked for over the defaults, so the form shows what the page shows; None
    (an unbound form) when nothing was asked."""
    given = {k: request.GET[k] for k in defaults if request.GET.get(k)}
    if not given:
        return None
    return {**{k: "" if v is None else str(v) for k, v in defaults.items()}, **given}


def collection_params(request, estate) -> tuple[CollectionForm, dict]:
    today = today_in_zone(reports.estate_tz(estate))
    # This year: January to this month; another year: all twelve months.
    year = request.GET.get("year", "")
    month_to = 12 if year.isdigit() and int(year) != today.year else today.month
    params = {"year": today.year, "month_from": 1, "month_to": month_to, "as_of": today}
    form = CollectionForm(bound_data(request, params), today=today, initial=params)
    if form.is_bound and form.is_valid():
        params.update({k: v for k, v in form.cleaned_data.items() if v is not None})
    elif form.is_bound:  # shown by the fields; the page keeps this year's figures
        params["month_to"] = today.month
    return form, params


class IncomeForm(forms.Form):
    start = forms.DateField(
        label=gettext_lazy("开始日期"), widget=DATE_WIDGET,
        error_messages={"invalid": gettext_lazy("请填写正确的日期，如 2026-11-01")},
    )  # fmt: skip
    end = forms.DateField(
        label=gettext_lazy("结束日期"), widget=DATE_WIDGET,
        error_messages={"invalid": gettext_lazy("请填写正确的日期，如 2026-11-30")},
    )  # fmt: skip

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("结束日期不能早于开始日期"))
        elif start and end and (end - start).days > 366 * 3:
            self.add_error("end", _("统计区间最长三年"))
        return data


def income_period(request, estate) -> tuple[IncomeForm, dt.date, dt.date, dt.date]:
    today = today_in_zone(reports.estate_tz(estate))
    start, end = today.replace(day=1), today
    defaults = {"start": start, "end": end}
    form = IncomeForm(bound_data(request, defaults), initial=defaults)
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    return form, start, end, today


class CompanyForm(forms.Form):
    year = forms.TypedChoiceField(
        label=gettext_lazy("年度"), coerce=int, required=False, empty_value=None
    )
    month = forms.TypedChoiceField(
        label=gettext_lazy("月份"), coerce=int, required=False, empty_value=None
    )
    as_of = forms.DateField(
        label=gettext_lazy("实收截至日期"), required=False, widget=DATE_WIDGET,
        error_messages={"invalid": gettext_lazy("请填写正确的日期，如 2026-11-26")},
    )  # fmt: skip

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [
            (y, _("%(y)d年") % {"y": y})
            for y in range(today.year + 1, today.year - YEARS_BACK - 1, -1)
        ]
        self.fields["year"].error_messages["invalid_choice"] = _("请选择列表中的年度")
        self.fields["month"].choices = [("", _("全年")), *months_choices()]
        self.fields["month"].error_messages["invalid_choice"] = _("请选择 1–12 月或全年")


def company_params(request) -> tuple[CompanyForm, dict]:
    """The company view's filters (``year``, ``month``, ``as_of``) over this year's defaults;
    a bad filter is shown by its field (the API answers it as a 400)."""
    today = timezone.localdate()
    params = {"year": today.year, "month": None, "as_of": today}
    form = CompanyForm(bound_data(request, params), today=today, initial=params)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        params.update({"year": data["year"] or today.year, "month": data["month"],
                       "as_of": data["as_of"] or today})  # fmt: skip
    return form, params

"""``{% holiday_banner %}``: the home page's reminder that a year's holidays are not entered yet."""

from django import template
from django.utils.translation import pgettext

from wuye.workflow.calendar import missing_holiday_years
from wuye.workflow.holiday_notice import may_enter_holidays

register = template.Library()


@register.inclusion_tag("workflow/partials/holiday_banner.html", takes_context=True)
def holiday_banner(context) -> dict:
    """For executives and administrators only: the years to enter (this year if missing, next
    year from 1 November), else nothing."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not may_enter_holidays(user):
        return {"years": ""}
    years = missing_holiday_years()
    return {"years": pgettext("list separator", "、").join(str(year) for year in years)}

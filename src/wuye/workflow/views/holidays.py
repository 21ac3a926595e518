"""节假日安排: enter a year's holidays by pasting the State Council's notice (preview, then save).

The page and ``api_holidays`` call the same services of ``holiday_notice``."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from wuye.core.exceptions import Conflict
from wuye.core.shortcuts import staff_required
from wuye.workflow.holiday_notice import (
    NOTICE_MAX_CHARS,
    YEAR_MAX,
    YEAR_MIN,
    holiday_notice_preview,
    holiday_notice_save,
    holiday_years,
    may_enter_holidays,
)


class HolidayNoticeForm(forms.Form):
    year = forms.IntegerField(
        label=gettext_lazy("年份"),
        required=False,
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
        help_text=gettext_lazy("通知标题里有年份时可以不填"),
    )
    text = forms.CharField(
        label=gettext_lazy("通知全文"),
        max_length=NOTICE_MAX_CHARS,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=gettext_lazy(
            "打开中国政府网上的《国务院办公厅关于××年部分节假日安排的通知》，"
            "从标题到最后一项全选复制，粘贴在这里"
        ),
    )


@require_http_methods(["GET", "POST"])
@staff_required
def holidays(request):
    """GET: which years are entered, and the form. POST: the preview; POST with ``save``: save."""
    if not may_enter_holidays(request.user):
        raise PermissionDenied(_("只有企业高层和系统管理员可以录入节假日"))
    form = HolidayNoticeForm(request.POST or None)
    notice, errors = None, []
    if request.method == "POST" and form.is_valid():
        values = {"text": form.cleaned_data["text"], "year": form.cleaned_data["year"]}
        saving = "save" in request.POST
        try:
            service = holiday_notice_save if saving else holiday_notice_preview
            notice = service(**values, by=request.user)
        except ValidationError as exc:
            errors = exc.messages
        except Conflict as exc:
            errors = [exc.message]
        else:
            if saving:
                messages.success(request, _saved_message(notice))
                return redirect("workflow:holidays")
    context = {"form": form, "notice": notice, "errors": errors, "years": holiday_years()}
    return render(request, "workflow/holidays.html", context)


def _saved_message(notice) -> str:
    return _("已保存 %(year)s 年的安排：放假 %(holidays)s 天，调休上班 %(workdays)s 天") % {
        "year": notice.year,
        "holidays": len(notice.holidays),
        "workdays": len(notice.workdays),
    }

"""The design-review suggestions as .xlsx (the page's export and the API's)."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _

from wuye.base.xlsx import dated_filename, xlsx_response
from wuye.core.shortcuts import estate_tz
from wuye.handover.models import (
    HandoverProject,
)


def suggestion_workbook(project: HandoverProject, suggestions) -> HttpResponse:
    """The spreadsheet of ``suggestions`` (the list's rows, filtered), for the page and the API."""
    tz = estate_tz(project.estate)

    def local(value):
        return value.astimezone(tz).replace(tzinfo=None) if value else None

    rows = [[s.number, s.get_topic_display(), s.title, s.content, local(s.submitted_at),
             s.get_status_display(), s.developer_answer, local(s.answered_at)]
            for s in suggestions[:20_000]]  # fmt: skip
    headers = [_("函件编号"), _("类别"), _("标题"), _("建议内容"), _("提交时间"), _("状态"),
               _("开发企业答复"), _("答复时间")]  # fmt: skip
    return xlsx_response(
        filename=dated_filename(project.estate.name, _("规划设计建议")), title=_("规划设计建议"),
        headers=headers, rows=rows, text_columns=(0,), widths=(20, 12, 30, 60, 17, 10, 40, 17),
    )  # fmt: skip

"""The task board as .xlsx (UX.md: export exactly what is filtered). The page and the API answer
the same file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.http import HttpResponse
from django.utils.translation import gettext as _

from wuye.base.pages import excel_time
from wuye.base.xlsx import dated_filename, xlsx_response
from wuye.core.models import Estate
from wuye.core.shortcuts import estate_tz as zone_of
from wuye.workflow.models import PlannedTask, PlannedTaskStatus

from ..selectors.tasks import attach_subjects

EXPORT_LIMIT = 20_000  # rows of one file


def task_state(task: PlannedTask, now: dt.datetime) -> str:
    """What a person reads in the status column: 已错过 stays visible after a late completion."""
    if task.status == PlannedTaskStatus.DONE and task.missed_at is not None:
        return _("已完成（逾期）")
    if task.status == PlannedTaskStatus.PLANNED and task.due_at < now:
        return _("已超时")
    return str(task.get_status_display())


def tasks_xlsx_response(
    *, estate: Estate, tasks: Iterable[PlannedTask], now: dt.datetime
) -> HttpResponse:
    """计划任务: the board's tasks as filtered, at most ``EXPORT_LIMIT``."""
    zone = zone_of(estate)
    rows_in = list(tasks[:EXPORT_LIMIT]) if hasattr(tasks, "__getitem__") else list(tasks)
    attach_subjects(t.schedule.spec for t in rows_in)
    rows = []
    for t in rows_in:
        done_by = getattr(t.done_by, "staff", None)
        rows.append([
            t.schedule.name, t.schedule.kind, t.schedule.spec.subject_name,
            excel_time(t.scheduled_for, zone), excel_time(t.due_at, zone), task_state(t, now),
            excel_time(t.missed_at, zone), excel_time(t.done_at, zone),
            done_by.name if done_by else (str(t.done_by) if t.done_by_id else ""), t.note,
        ])  # fmt: skip
    headers = [_("计划"), _("类别"), _("作业对象"), _("计划时间"), _("到期时间"), _("状态"),
               _("标记错过时间"), _("完成时间"), _("完成人"), _("备注")]  # fmt: skip
    return xlsx_response(
        filename=dated_filename(estate.name, _("计划任务")),
        title=_("计划任务"),
        headers=headers,
        rows=rows,
        text_columns=(2,),
        widths=(24, 12, 20, 17, 17, 12, 17, 17, 10, 40),
    )

"""The desk's complaint files as .xlsx: the list exactly as filtered, and the day's ledger
《投诉处理台账》 (COMPLAINT-11). The pages and the API answer the same files."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.http import HttpResponse
from django.utils.translation import gettext as _

from wuye.base.pages import excel_time
from wuye.base.xlsx import dated_filename, xlsx_response
from wuye.complaints.choices import Status
from wuye.complaints.models import Complaint
from wuye.complaints.processes import COMPLAINT
from wuye.core.choices import DepartmentKind
from wuye.core.models import Estate
from wuye.core.scoping import Actor
from wuye.core.shortcuts import estate_tz
from wuye.core.templatetags.wuye import due_in, person
from wuye.core.validators import mask_mobile

EXPORT_LIMIT = 20_000  # rows of one file


def department_label(value: str) -> str:
    return str(DepartmentKind(value).label) if value else ""


def is_overdue(complaint: Complaint, now: dt.datetime) -> bool:
    """超时: a deadline missed and not stopped (``breached``), or the next one already past."""
    due = getattr(complaint, "next_due", None)
    return bool(getattr(complaint, "breached", False)) or (due is not None and due <= now)


def complaints_xlsx_response(
    *, estate: Estate, complaints: Iterable[Complaint], actor: Actor, now: dt.datetime
) -> HttpResponse:
    """投诉工单: the complaints as the list filters them (``filters.ComplaintFilter.qs``, which
    annotates the deadlines), at most ``EXPORT_LIMIT``; phones masked unless the role may see
    them."""
    tz = estate_tz(estate)
    show_phone = actor.can_see_pii()
    rows = []
    for c in complaints:
        rows.append([
            c.case.number, str(COMPLAINT.state(c.case.status).label), c.type_label,
            c.get_urgency_display(), _("是") if c.is_major else "", c.get_channel_display(),
            excel_time(c.received_at, tz), c.room.label if c.room_id else "", c.contact_name,
            c.contact_phone if show_phone else mask_mobile(c.contact_phone), c.content,
            department_label(c.department), person(c.case.assignee),
            excel_time(c.assigned_at, tz), excel_time(c.next_due, tz),
            _("是") if is_overdue(c, now) else "", c.resolution, c.measure,
            excel_time(c.resolved_at, tz), excel_time(c.replied_at, tz), c.satisfaction,
        ])  # fmt: skip
    headers = [_("投诉单号"), _("状态"), _("投诉类型"), _("紧急程度"), _("重大投诉"),
               _("投诉渠道"), _("受理时间"), _("房屋"), _("联系人"), _("联系电话"),
               _("投诉内容"), _("责任部门"), _("处理人"), _("分派时间"), _("下一到期时间"),
               _("超时"), _("处理结果"), _("改进措施"), _("处理完成时间"), _("回复时间"),
               _("满意度")]  # fmt: skip
    return xlsx_response(
        filename=dated_filename(estate.name, _("投诉工单")),
        title=_("投诉工单"),
        headers=headers,
        rows=rows,
        text_columns=(0, 7, 9),
        widths=(20, 8, 12, 8, 8, 8, 17, 16, 10, 14, 48, 14, 10, 17, 17, 6, 36, 30, 17, 17, 8),
    )


def ledger_xlsx_response(
    *, estate: Estate, day: dt.date, rows: Iterable[Complaint], now: dt.datetime
) -> HttpResponse:
    """《投诉处理台账》 of a day (``rows``: ``selectors.ledger``), the file name carrying the date:
    each open complaint with its owner, its deadline and the day's progress note (今日未更新 when
    a complaint being handled has none)."""
    tz = estate_tz(estate)
    lines = []
    for i, c in enumerate(rows, start=1):
        note = c.today_progress
        handling = c.case.status == Status.HANDLING
        lines.append([
            i, c.case.number, excel_time(c.received_at, tz), c.type_label,
            c.get_urgency_display(), _("是") if c.is_major else "", c.content, c.contact_name,
            department_label(c.department), person(c.case.assignee),
            str(COMPLAINT.state(c.case.status).label), excel_time(c.next_due, tz),
            due_in(c.next_due, now), note.note if note else (_("今日未更新") if handling else ""),
            excel_time(note.at, tz) if note else None, person(note.actor) if note else "",
        ])  # fmt: skip
    headers = [_("序号"), _("投诉单号"), _("受理时间"), _("投诉类型"), _("紧急程度"),
               _("重大投诉"), _("投诉内容"), _("联系人"), _("责任部门"), _("处理人"),
               _("状态"), _("下一到期时间"), _("时限情况"), _("当日进展"), _("进展记录时间"),
               _("记录人")]  # fmt: skip
    return xlsx_response(
        filename=f"{estate.name}-{_('投诉处理台账')}-{day:%Y%m%d}.xlsx",
        title=_("投诉处理台账"),
        headers=headers,
        rows=lines,
        text_columns=(1,),
        widths=(6, 20, 17, 12, 8, 8, 40, 10, 14, 10, 8, 17, 18, 40, 17, 10),
    )

"""《作业记录》 — a task record printed on A4 (EQUIP-MAINT-07: filled in and archived): the company,
the estate, the record's number, the plan and its subject, what each item asked and what was
answered (out of range marked), who did it and when (EQUIP-MAINT-13), the signature and a line
for the supervisor's. Raises :class:`wuye.base.pdf.CJKFontMissing` without a Chinese font."""

from __future__ import annotations

import io
import logging
from zoneinfo import ZoneInfo

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf.enums import Align
from fpdf.fonts import FontFace

from wuye.base.pdf import FAMILY, INK, SHADE, CJKDocument, form_table, pdf_response, quantity, when

from ..choices import ItemKind
from ..models import TaskRecord
from ..selectors.records import record_parts

logger = logging.getLogger(__name__)

MARGIN = 15
LABEL = FontFace(emphasis="", fill_color=SHADE)
FLAG = FontFace(emphasis="B", color=(176, 0, 32))


def record_number(record: TaskRecord) -> str:
    """ZY-<id>, six digits at least: the form's number."""
    return f"ZY-{record.pk:06d}"


def answer_text(answer) -> str:
    """What was answered, in words (the page and the PDF say the same)."""
    if answer.kind == ItemKind.CHECK:
        return {True: _("正常"), False: _("不正常")}.get(answer.passed, _("未填"))
    if answer.kind == ItemKind.READING:
        if answer.number is None:
            return _("未填")
        return f"{quantity(answer.number)} {answer.unit}".strip()
    if answer.kind == ItemKind.PHOTO:
        return _("已拍照") if answer.photo_id else _("未拍照")
    return answer.text or _("未填")


def normal_range(answer) -> str:
    if answer.kind != ItemKind.READING or (answer.low is None and answer.high is None):
        return ""
    return f"{quantity(answer.low)}–{quantity(answer.high)} {answer.unit}".strip()


def _signature(record: TaskRecord) -> bytes | None:
    if record.signature is None or not record.signature.file:
        return None
    try:
        with record.signature.file.open("rb") as handle:
            return handle.read()
    except OSError:
        logger.warning("signature of task record %s is missing from storage", record.pk)
        return None


def record_pdf(record: TaskRecord) -> bytes:
    pdf = CJKDocument(orientation="P", format="A4", document=_("作业记录"))
    record = TaskRecord.objects.select_related("estate__company", "signature", "contractor").get(
        pk=record.pk
    )
    parts = record_parts(record)
    zone = ZoneInfo(record.estate.time_zone or "Asia/Shanghai")
    number = record_number(record)
    pdf.set_margins(MARGIN, 14, MARGIN)
    pdf.set_auto_page_break(True, margin=16)
    pdf.set_title(f"{_('作业记录')} {number}")
    pdf.set_author(record.estate.company.name)
    pdf.header_text = _("作业记录 %(number)s（续）") % {"number": number}
    pdf.footer_text = _("编号：%(number)s　　打印时间：%(time)s") % {
        "number": number, "time": when(timezone.now(), zone),
    }  # fmt: skip
    pdf.add_page()
    pdf.set_text_color(*INK)
    width = pdf.content_width
    pdf.set_font(FAMILY, "B", 13)
    pdf.cell(width, 7, record.estate.company.name, align=Align.C, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "B", 18)
    pdf.cell(width, 11, _("作业记录"), align=Align.C, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, size=9)
    pdf.cell(width, 5, _("编号：%(number)s") % {"number": number}, align=Align.R,
             new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    pdf.ln(1)
    status = _("逾期完成") if record.late else _("按时完成")
    facts = [
        (_("项目"), record.estate.name, _("计划"), record.schedule_name),
        (_("对象"), record.subject or "—", _("检查表"), record.checklist_name or "—"),
        (_("计划时间"), when(record.scheduled_for, zone), _("到期时间"), when(record.due_at, zone)),
        (
            _("执行人"),
            record.done_by_name,
            _("完成时间"),
            f"{when(record.done_at, zone)}（{status}）",
        ),
    ]
    with form_table(pdf, (22, 68, 22, 68), width=width) as table:
        for a, b, c, d in facts:
            row = table.row()
            row.cell(a, style=LABEL)
            row.cell(b)
            row.cell(c, style=LABEL)
            row.cell(d)
        if record.note:
            row = table.row()
            row.cell(_("备注"), style=LABEL)
            row.cell(record.note, colspan=3)
    pdf.ln(4)
    if parts.answers:
        with form_table(pdf, (10, 70, 50, 50), width=width) as table:
            head = table.row()
            for text in (_("序号"), _("检查内容"), _("结果"), _("正常范围")):
                head.cell(text, style=LABEL, align=Align.C)
            for answer in parts.answers:
                row = table.row()
                row.cell(str(answer.position), align=Align.C)
                row.cell(answer.label)
                text = answer_text(answer)
                if answer.out_of_range:
                    text += _("（超出正常范围）")
                row.cell(text, style=FLAG if answer.flagged else None)
                row.cell(normal_range(answer))
        pdf.ln(2)
    pdf.set_font(FAMILY, size=10)
    pdf.cell(width, 6, _("照片：%(n)d 张（另存于系统）") % {
        "n": len(parts.photos) + sum(1 for a in parts.answers if a.photo_id)
    }, new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    pdf.ln(4)
    signature = _signature(record)
    pdf.cell(30, 8, _("执行人签字："))
    if signature is not None:
        pdf.image(io.BytesIO(signature), h=16, w=48)
    else:
        pdf.cell(60, 8, "__________________", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.cell(30, 8, _("监督人签字："))
    pdf.cell(60, 8, "__________________")
    pdf.cell(20, 8, _("日期："))
    pdf.cell(40, 8, "__________________", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def record_pdf_response(record: TaskRecord) -> HttpResponse:
    return pdf_response(record_pdf(record), f"{_('作业记录')}-{record_number(record)}.pdf")

"""《故障处理报告》 — the printable Fault Handling Report (EQUIP-FAULT-09) of a closed fault: the
fault, its times and clocks, the cause analysis, what was done, the preventive measures with the
schedules that carry them out (EQUIP-FAULT-15), and signature lines. A4, Chinese (fpdf2 with the
CJK font of :mod:`wuye.base.pdf`; without one, :class:`CJKFontMissing`)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.http import HttpResponse
from django.utils.translation import gettext as _
from fpdf.enums import Align

from wuye.base import pdf as pdfkit
from wuye.core.templatetags.wuye import person

from ..models import Fault

FAMILY = pdfkit.FAMILY


def _who(user) -> str:
    return person(user) if user is not None else ""


def fault_report_bytes(fault: Fault) -> bytes:
    """The report of a fault that has one, as PDF bytes."""
    report = fault.report
    zone = ZoneInfo(fault.estate.time_zone or "Asia/Shanghai")
    title = _("故障处理报告")
    pdf = pdfkit.CJKDocument(format="A4", document=title)
    pdf.footer_text = f"{fault.estate.name} · {fault.case.number}"
    pdf.header_text = f"{title} {fault.case.number}"
    pdf.set_margins(15, 12, 15)
    pdf.set_auto_page_break(True, margin=14)
    pdf.set_title(f"{title} {fault.case.number}")
    pdf.set_author(fault.estate.company.name)
    pdf.add_page()
    width = pdf.content_width
    pdf.set_font(FAMILY, "B", 13)
    pdf.cell(width, 7, fault.estate.company.name, align=Align.C, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "B", 18)
    pdf.cell(width, 11, f"《{title}》", align=Align.C, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, size=9)
    pdf.set_text_color(*pdfkit.MUTED)
    pdf.cell(width, 6, _("项目：%(estate)s　　工单号：%(number)s")
             % {"estate": fault.estate.name, "number": fault.case.number},
             align=Align.C, new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    pdf.set_text_color(*pdfkit.INK)
    pdf.ln(3)
    when = lambda value: pdfkit.when(value, zone)  # noqa: E731
    equipment = fault.equipment
    facts = [
        (_("故障设备"), f"{equipment.code} {equipment.name}", _("安装位置"), equipment.location),
        (_("故障等级"), fault.get_severity_display()
         + (_("（电梯困人）") if fault.entrapment else ""), _("发现途径"),
         fault.get_source_display()),
        (_("发现时间"), when(fault.detected_at), _("到场时间"), when(fault.arrived_at)),
        (_("修复时间"), when(fault.repaired_at), _("验收时间"), when(fault.accepted_at)),
        (_("维保单位"), fault.contractor.name if fault.contractor_id else "—", _("上报人"),
         _who(fault.reported_by)),
    ]  # fmt: skip
    with pdfkit.form_table(pdf, (24, 66, 24, 66)) as table:
        for row in facts:
            cells = table.row()
            for text in row:
                cells.cell(str(text or "—"))
        for label, text in ((_("故障现象"), fault.description), (_("原因分析"), report.cause),
                            (_("处理经过"), report.handling)):  # fmt: skip
            cells = table.row()
            cells.cell(label)
            cells.cell(text, colspan=3)
        cells = table.row()
        cells.cell(_("时限"))
        cells.cell(
            "；".join(
                f"{c.name} {c.get_state_display()}（{_('到期')} {when(c.due_at)}）"
                for c in fault.case.clocks.exclude(state="cancelled").order_by("started_at", "id")
            ) or "—",
            colspan=3,
        )  # fmt: skip
    pdf.ln(4)
    pdf.set_font(FAMILY, "B", 11)
    pdf.cell(width, 7, _("预防措施"), new_x="LMARGIN", new_y="NEXT")
    with pdfkit.form_table(pdf, (10, 90, 30, 50)) as table:
        head = table.row()
        for text in ("#", _("措施"), _("执行周期"), _("执行计划")):
            head.cell(text)
        for number, measure in enumerate(report.measures.select_related("schedule"), start=1):
            cells = table.row()
            cells.cell(str(number))
            cells.cell(measure.text)
            cells.cell(_("每 %(n)d 天") % {"n": measure.interval_days})
            schedule = measure.schedule
            cells.cell(
                _("%(name)s，自 %(day)s 起") % {"name": schedule.name, "day": schedule.anchor}
            )
    pdf.ln(8)
    pdf.set_font(FAMILY, size=10)
    pdf.cell(width / 2, 7, _("编写人（工程设备部）：%(name)s") % {"name": _who(report.written_by)})
    pdf.cell(width / 2, 7, _("日期：%(day)s") % {"day": when(report.written_at)},
             new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    pdf.ln(4)
    pdf.cell(width / 2, 7, _("审核："))
    pdf.cell(width / 2, 7, _("日期："), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def fault_report_pdf(fault: Fault) -> HttpResponse:
    return pdfkit.pdf_response(fault_report_bytes(fault), f"{fault.case.number}-故障处理报告.pdf")

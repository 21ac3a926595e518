"""The move-in's printed forms, as PDF (fpdf2 with the CJK font, see :mod:`wuye.base.pdf`):

- 《业主入住申请表》 (MOVEIN-04), filled in once the documents are confirmed correct;
- 《房屋验收记录表》 (MOVEIN-06), the problems found at the house inspection, each with its
  rectification deadline (MOVEIN-07: 7 working days on the engine's calendar).

Both raise :class:`~wuye.base.pdf.CJKFontMissing` without a Chinese font (the view answers 503).
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf.enums import Align
from fpdf.fonts import FontFace

from wuye.base.pdf import FAMILY, INK, MUTED, SHADE, CJKDocument, form_table, when
from wuye.core.shortcuts import estate_tz
from wuye.core.templatetags.wuye import area, person
from wuye.residents.models import MoveIn

MARGIN = 15
WIDTH = 180
LABEL = FontFace(emphasis="", fill_color=SHADE)


def _document(move_in: MoveIn, title: str, form_no: str) -> CJKDocument:
    estate = move_in.batch.estate
    zone = estate_tz(estate)
    pdf = CJKDocument(orientation="P", format="A4", document=title)
    pdf.set_margins(MARGIN, 12, MARGIN)
    pdf.set_auto_page_break(True, margin=14)
    pdf.set_title(f"{title} {move_in.case.number}")
    pdf.set_author(estate.company.name)
    pdf.header_text = _("%(title)s %(number)s（续）") % {"title": title,
                                                       "number": move_in.case.number}  # fmt: skip
    pdf.footer_text = _("打印时间：%(time)s") % {"time": when(timezone.now(), zone)}
    pdf.add_page()
    pdf.set_text_color(*INK)
    pdf.set_font(FAMILY, "B", 13)
    pdf.cell(WIDTH, 7, estate.company.name, align=Align.C, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    pdf.set_font(FAMILY, "B", 20)
    pdf.set_char_spacing(3)
    pdf.cell(WIDTH, 11, title, align=Align.C, new_x="LMARGIN", new_y="NEXT")
    pdf.set_char_spacing(0)
    pdf.ln(2)
    pdf.set_font(FAMILY, size=10)
    pdf.cell(WIDTH / 3, 6, _("项目：%(estate)s") % {"estate": estate.name})
    pdf.cell(WIDTH / 3, 6, _("表单编号：%(no)s") % {"no": form_no}, align=Align.C)
    pdf.cell(WIDTH / 3, 6, _("单号：%(number)s") % {"number": move_in.case.number},
             align=Align.R, new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    pdf.ln(1)
    return pdf


def _pairs(table, *pairs: tuple[str, str]) -> None:
    row = table.row()
    for label, value in pairs:
        row.cell(label, style=LABEL, align=Align.C)
        row.cell(value or "—", colspan=3 if len(pairs) == 1 else 1)


def _signatures(pdf: CJKDocument, labels: tuple[str, ...]) -> None:
    pdf.ln(8)
    pdf.set_font(FAMILY, size=10)
    width = WIDTH / len(labels)
    for label in labels:
        pdf.cell(width, 8, _("%(who)s：____________") % {"who": label})
    pdf.ln(10)
    for _label in labels:
        pdf.cell(width, 8, _("日期：____年__月__日"))
    pdf.ln(8)


def application_pdf(move_in: MoveIn) -> bytes:
    """《业主入住申请表》 (MOVEIN-04) of one owner's move-in."""
    title = _("业主入住申请表")
    pdf = _document(move_in, title, "RZ-04")
    zone = estate_tz(move_in.batch.estate)
    resident, room, batch = move_in.resident, move_in.room, move_in.batch
    with form_table(pdf, (30, 60, 30, 60), width=WIDTH, padding=(1.6, 2)) as table:
        _pairs(table, (_("业主姓名"), resident.name), (_("联系电话"), resident.mobile))
        _pairs(table, (_("身份证号"), move_in.id_number or resident.id_number),
               (_("购房合同编号"), move_in.contract_no))  # fmt: skip
        _pairs(table, (_("房屋"), room.label), (_("建筑面积"), area(room.area)))
        _pairs(table, (_("入住批次"), batch.title),
               (_("办理时间"), when(move_in.created_at, zone)))  # fmt: skip
        _pairs(table, (_("同住人员"), move_in.household))
        _pairs(table, (_("紧急联系人及电话"), move_in.emergency_contact))
    pdf.ln(4)
    pdf.set_font(FAMILY, size=10)
    pdf.multi_cell(
        WIDTH, 6,
        _("本人已携带身份证、购房合同等资料，经物业服务中心核对无误。本人承诺以上信息真实有效，"
          "并将遵守《业主临时管理规约》及《前期物业服务协议》的约定。"),
        new_x="LMARGIN", new_y="NEXT",
    )  # fmt: skip
    _signatures(pdf, (_("业主签字"), _("经办人")))
    pdf.set_font(FAMILY, size=9)
    pdf.set_text_color(*MUTED)
    pdf.multi_cell(WIDTH, 5, _("资料审核需仔细核对，避免信息错误。"),
                   new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    return bytes(pdf.output())


def inspection_pdf(move_in: MoveIn) -> bytes:
    """《房屋验收记录表》 (MOVEIN-06): each problem with its deadline (MOVEIN-07)."""
    title = _("房屋验收记录表")
    pdf = _document(move_in, title, "RZ-06")
    zone = estate_tz(move_in.batch.estate)
    event = move_in.case.events.filter(action="inspect").select_related("actor__staff").first()
    with form_table(pdf, (30, 60, 30, 60), width=WIDTH, padding=(1.6, 2)) as table:
        _pairs(table, (_("房屋"), move_in.room.label), (_("业主"), move_in.resident.name))
        _pairs(table, (_("验收时间"), when(event.at, zone) if event else ""),
               (_("工程人员"), person(event.actor) if event and event.actor else ""))  # fmt: skip
    pdf.ln(3)
    defects = list(move_in.defects.select_related("case").prefetch_related("case__clocks"))
    with form_table(pdf, (12, 38, 70, 34, 26), width=WIDTH, padding=(1.6, 2)) as table:
        header = table.row()
        for text in (_("序号"), _("部位"), _("问题描述"), _("整改期限"), _("状态")):
            header.cell(text, style=LABEL, align=Align.C)
        from wuye.residents.processes import HOUSE_DEFECT

        for index, defect in enumerate(defects, start=1):
            clock = next((c for c in defect.case.clocks.all() if c.key == "rectify"), None)
            row = table.row()
            row.cell(str(index), align=Align.C)
            row.cell(defect.location)
            row.cell(defect.description)
            row.cell(
                timezone.localtime(clock.due_at, zone).strftime("%Y-%m-%d") if clock else "",
                align=Align.C,
            )
            row.cell(str(HOUSE_DEFECT.state_label(defect.case.status)), align=Align.C)
        if not defects:
            row = table.row()
            row.cell(_("验收合格，未发现问题"), colspan=5, align=Align.C)
    pdf.ln(3)
    pdf.set_font(FAMILY, size=9)
    pdf.set_text_color(*MUTED)
    pdf.multi_cell(
        WIDTH, 5,
        _("整改期限一般为 7 个工作日，按国家法定节假日及调休计算；"
          "整改完成后请业主确认。"),
        new_x="LMARGIN", new_y="NEXT",
    )  # fmt: skip
    pdf.set_text_color(*INK)
    _signatures(pdf, (_("业主签字"), _("工程人员签字")))
    return bytes(pdf.output())

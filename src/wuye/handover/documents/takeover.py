"""The printable forms of the takeover acceptance, as PDF (fpdf2 and a CJK font: wuye.base.pdf):

- 《整改通知书》 (TAKEOVER-06/07): to the developer, the defects of one notice, the deadline of
  15 working days and signature lines;
- 《接管验收确认书》 (TAKEOVER-08): the scope, the checks and defects closed, both sides'
  signatories;
- 《资料移交清单》 (TAKEOVER-09/10): the documents received, warranty cards with their period
  and responsible unit.

Each raises :class:`wuye.base.pdf.CJKFontMissing` without a Chinese font (the view answers 503).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf.enums import Align, WrapMode
from fpdf.fonts import FontFace

from wuye.base.pdf import FAMILY, INK, MUTED, SHADE, CJKDocument, form_table, when
from wuye.core.shortcuts import estate_tz
from wuye.handover.models import CheckResult, RectificationNotice, TakeoverPlan

MARGIN = 18
LABEL = FontFace(emphasis="", fill_color=SHADE)
HEAD = FontFace(emphasis="B", fill_color=SHADE)


def chinese_date(day: dt.date) -> str:
    """2026年10月27日."""
    return _("%(y)d年%(m)d月%(d)d日") % {"y": day.year, "m": day.month, "d": day.day}


def _person(user) -> str:
    if user is None:
        return ""
    staff = getattr(user, "staff", None)
    return staff.name if staff is not None else user.get_username()


def _document(title: str, header: str) -> CJKDocument:
    pdf = CJKDocument(orientation="P", format="A4", document=title)
    pdf.set_margins(MARGIN, 14, MARGIN)
    pdf.set_auto_page_break(True, margin=16)
    pdf.set_title(header)
    pdf.header_text = _("%(title)s（续）") % {"title": header}
    return pdf


def _head(pdf: CJKDocument, plan: TakeoverPlan, title: str, number: str) -> None:
    estate = plan.project.estate
    width = pdf.content_width
    pdf.set_text_color(*INK)
    pdf.set_font(FAMILY, "B", 13)
    pdf.cell(width, 7, estate.company.name, align=Align.C, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    pdf.set_font(FAMILY, "B", 20)
    pdf.set_char_spacing(3)
    pdf.cell(width, 11, title, align=Align.C, new_x="LMARGIN", new_y="NEXT")
    pdf.set_char_spacing(0)
    pdf.ln(1)
    pdf.set_font(FAMILY, size=10)
    pdf.set_text_color(*MUTED)
    where = plan.building.name if plan.building_id else _("全项目")
    pdf.cell(width / 2, 6, _("项目：%(estate)s（%(where)s）") % {"estate": estate.name,
             "where": where}, align=Align.L)  # fmt: skip
    pdf.cell(width / 2, 6, _("编号：%(number)s") % {"number": number}, align=Align.R,
             new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    pdf.set_text_color(*INK)
    pdf.ln(3)


def _paragraph(pdf: CJKDocument, text: str, size: int = 11) -> None:
    pdf.set_font(FAMILY, size=size)
    pdf.multi_cell(pdf.content_width, 6.5, "　　" + text, new_x="LMARGIN", new_y="NEXT",
                   wrapmode=WrapMode.CHAR)  # fmt: skip


def _signatures(pdf: CJKDocument, left: tuple[str, str], right: tuple[str, str],
                day: str = "") -> None:  # fmt: skip
    """Two signature blocks side by side: (party, signatory) each."""
    width = pdf.content_width / 2
    if pdf.will_page_break(36):
        pdf.add_page()
    pdf.ln(6)
    pdf.set_font(FAMILY, size=11)
    for lines in (
        (left[0], right[0]),
        (_("签署人：%(name)s") % {"name": left[1] or "＿＿＿＿＿＿"},
         _("签署人：%(name)s") % {"name": right[1] or "＿＿＿＿＿＿"}),
        (_("（盖章）"), _("（盖章）")),
        (_("日期：%(day)s") % {"day": day or _("　　年　　月　　日")},) * 2,
    ):  # fmt: skip
        pdf.cell(width, 8, lines[0], align=Align.L)
        pdf.cell(width, 8, lines[1], align=Align.L, new_x="LMARGIN", new_y="NEXT")


# --- 《整改通知书》 ----------------------------------------


def rectification_notice_pdf(notice: RectificationNotice) -> bytes:
    """《整改通知书》 (TAKEOVER-06): the developer, the defects, the deadline (TAKEOVER-07)."""
    title = _("整改通知书")
    pdf = _document(title, f"{title} {notice.number}")
    notice = RectificationNotice.objects.select_related(
        "plan__project__estate__company", "plan__building", "issued_by__staff"
    ).get(pk=notice.pk)
    plan = notice.plan
    estate = plan.project.estate
    zone = estate_tz(estate)
    defects = list(
        notice.defects.select_related("case", "item__building").order_by("id")
    )  # fmt: skip
    pdf.footer_text = _("编号：%(number)s　　打印时间：%(time)s") % {
        "number": notice.number, "time": when(timezone.now(), zone),
    }  # fmt: skip
    pdf.add_page()
    _head(pdf, plan, title, notice.number)
    issued = timezone.localtime(notice.issued_at, zone)
    due = timezone.localtime(notice.due_at, zone)
    found = min((timezone.localtime(d.created_at, zone).date() for d in defects),
                default=issued.date())  # fmt: skip
    pdf.set_font(FAMILY, "B", 12)
    pdf.cell(pdf.content_width, 8, _("%(developer)s：") % {"developer": notice.addressed_to},
             new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    _paragraph(pdf, _(
        "我司接管验收小组于 %(day)s 对 %(estate)s 进行接管验收现场检查，发现以下 %(n)d 项问题，"
        "现依据《接管验收方案》及验收标准通知贵单位整改："
    ) % {"day": chinese_date(found), "estate": estate.name, "n": len(defects)})  # fmt: skip
    pdf.ln(2)
    with form_table(pdf, (9, 40, 28, 63, 34), width=pdf.content_width) as table:
        row = table.row()
        for text in (_("序号"), _("问题编号"), _("部位"), _("问题描述"), _("检查项目")):
            row.cell(text, style=HEAD, align=Align.C)
        for index, defect in enumerate(defects, start=1):
            row = table.row()
            row.cell(str(index), align=Align.C)
            row.cell(defect.case.number)
            row.cell(defect.location)
            row.cell(defect.description)
            row.cell(defect.item.name)
    pdf.ln(3)
    pdf.set_font(FAMILY, "B", 11)
    pdf.multi_cell(
        pdf.content_width, 6.5,
        _("整改期限：请于 %(day)s 前（15个工作日内）整改完毕并书面回复，我司将组织复查。")
        % {"day": chinese_date(due.date())},
        new_x="LMARGIN", new_y="NEXT", wrapmode=WrapMode.CHAR,
    )  # fmt: skip
    _paragraph(pdf, _(
        "整改期限按国家法定工作日计算（节假日及调休已计入）。逾期未整改的，"
        "我司将报公司管理层协调处理，且相关部位在整改复查合格前不予签署《接管验收确认书》。"
    ))  # fmt: skip
    _signatures(
        pdf,
        (_("发出单位：%(company)s") % {"company": estate.company.name},
         _person(notice.issued_by)),
        (_("签收单位：%(developer)s") % {"developer": notice.addressed_to}, ""),
        "",
    )  # fmt: skip
    pdf.ln(2)
    pdf.set_font(FAMILY, size=10)
    pdf.set_text_color(*MUTED)
    pdf.cell(pdf.content_width, 6, _("发出日期：%(day)s") % {"day": chinese_date(issued.date())},
             new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    pdf.set_text_color(*INK)
    return bytes(pdf.output())


# --- 《接管验收确认书》 ----------------------------------------


def _plan(plan: TakeoverPlan) -> TakeoverPlan:
    return TakeoverPlan.objects.select_related("project__estate__company", "building", "case").get(
        pk=plan.pk
    )


def confirmation_pdf(plan: TakeoverPlan) -> bytes:
    """《接管验收确认书》 (TAKEOVER-08): what was checked, the defects closed, both signatories."""
    title = _("接管验收确认书")
    plan = _plan(plan)
    pdf = _document(title, f"{title} {plan.case.number}")
    estate = plan.project.estate
    zone = estate_tz(estate)
    pdf.footer_text = _("编号：%(number)s　　打印时间：%(time)s") % {
        "number": plan.case.number, "time": when(timezone.now(), zone),
    }  # fmt: skip
    pdf.add_page()
    _head(pdf, plan, title, plan.case.number)
    items = list(plan.items.all())
    defects = list(plan.defects.select_related("case").order_by("id"))
    scopes = ((plan.scope_structure, _("房屋本体")), (plan.scope_equipment, _("设施设备")),
              (plan.scope_public, _("公共区域")))  # fmt: skip
    scope = [label for on, label in scopes if on]
    with form_table(pdf, (34, 136), width=pdf.content_width) as table:
        for label, value in (
            (_("接管项目"), estate.name + (f" {plan.building.name}" if plan.building_id else "")),
            (_("开发企业"), plan.project.developer),
            (_("施工单位"), plan.project.contractor),
            (_("验收范围"), "、".join(scope)),
            (_("验收标准"), plan.standards),
            (_("验收工具"), plan.tools),
            (_("计划验收日期"), chinese_date(plan.planned_on)),
            (_("受邀业主代表"), plan.owner_representatives),
            (_("检查情况"), _("共检查 %(n)d 项，合格 %(ok)d 项，发现问题 %(bad)d 项") % {
                "n": len(items),
                "ok": sum(1 for i in items if i.result == CheckResult.PASSED),
                "bad": len(defects)}),
            (_("整改情况"), _("发现问题 %(n)d 项，已全部整改并复查合格") % {"n": len(defects)}
             if defects else _("未发现需整改的问题")),
        ):  # fmt: skip
            row = table.row()
            row.cell(label, style=LABEL, align=Align.C)
            row.cell(value or "—")
    if defects:
        pdf.ln(3)
        with form_table(pdf, (34, 40, 96), width=pdf.content_width) as table:
            row = table.row()
            for text in (_("问题编号"), _("部位"), _("问题描述（已关闭）")):
                row.cell(text, style=HEAD, align=Align.C)
            for defect in defects:
                row = table.row()
                row.cell(defect.case.number)
                row.cell(defect.location)
                row.cell(defect.description)
    pdf.ln(4)
    _paragraph(pdf, _(
        "经双方共同检查确认，上述接管验收范围内的房屋本体、设施设备及公共区域符合验收标准，"
        "发现的问题均已整改完毕并复查合格，同意接管。本确认书一式两份，双方各执一份。"
    ))  # fmt: skip
    day = ""
    if plan.confirmed_at:
        day = chinese_date(timezone.localtime(plan.confirmed_at, zone).date())
    _signatures(
        pdf,
        (_("物业服务企业：%(company)s") % {"company": estate.company.name},
         plan.property_signatory),
        (_("开发企业：%(developer)s") % {"developer": plan.project.developer},
         plan.developer_signatory),
        day,
    )  # fmt: skip
    return bytes(pdf.output())


# --- 《资料移交清单》 ----------------------------------------


def documents_pdf(plan: TakeoverPlan) -> bytes:
    """《资料移交清单》 (TAKEOVER-09): every document received, warranty cards with their equipment,
    warranty period and responsible unit (TAKEOVER-10)."""
    title = _("资料移交清单")
    plan = _plan(plan)
    pdf = _document(title, f"{title} {plan.case.number}")
    estate = plan.project.estate
    zone = estate_tz(estate)
    pdf.footer_text = _("编号：%(number)s　　打印时间：%(time)s") % {
        "number": plan.case.number, "time": when(timezone.now(), zone),
    }  # fmt: skip
    pdf.add_page()
    _head(pdf, plan, title, plan.case.number)
    documents = list(plan.documents.select_related("equipment", "received_by__staff"))
    with form_table(pdf, (10, 26, 50, 12, 72), width=pdf.content_width) as table:
        row = table.row()
        for text in (_("序号"), _("类别"), _("资料名称"), _("份数"), _("说明")):
            row.cell(text, style=HEAD, align=Align.C)
        for index, doc in enumerate(documents, start=1):
            detail = doc.note
            if doc.equipment_id:
                text = _("设备：%(equipment)s；保修期：%(start)s 至 %(end)s；责任单位：%(unit)s")
                detail = text % {
                    "equipment": str(doc.equipment),
                    "start": doc.warranty_from.isoformat() if doc.warranty_from else "—",
                    "end": doc.warranty_until.isoformat() if doc.warranty_until else "—",
                    "unit": doc.warranty_unit,
                } + (f"；{doc.note}" if doc.note else "")  # fmt: skip
            row = table.row()
            row.cell(str(index), align=Align.C)
            row.cell(doc.get_category_display())
            row.cell(doc.name)
            row.cell(str(doc.copies), align=Align.C)
            row.cell(detail)
        if not documents:
            table.row().cell(_("（暂无）"), colspan=5, align=Align.C)
    _signatures(
        pdf,
        (_("移交单位：%(developer)s") % {"developer": plan.project.developer}, ""),
        (_("接收单位：%(company)s") % {"company": estate.company.name},
         _person(documents[-1].received_by) if documents else ""),
        "",
    )  # fmt: skip
    return bytes(pdf.output())

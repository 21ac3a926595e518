"""Printable documents of the pre-intervention, as PDF (fpdf2 through :mod:`wuye.base.pdf`):

- 《前期介入报告》 (INTAKE-08), made at the summary step for the developer and the executives:
  the project, the agreement, the team, the suggestions with their outcomes, the inspections and
  the concealed-works records, the meetings, what is still open;
- the written suggestion letter (建议函, INTAKE-13) to the developer, one per suggestion.

Both raise :class:`wuye.base.pdf.CJKFontMissing` without a CJK font (the view answers 503).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf.enums import Align, WrapMode
from fpdf.fonts import FontFace

from wuye.base.pdf import FAMILY, INK, MUTED, SHADE, CJKDocument, form_table, when
from wuye.handover.models import DesignSuggestion, HandoverProject, SuggestionStatus, TeamRole
from wuye.handover.services import intervention as svc

MARGIN = 18
LABEL = FontFace(emphasis="", fill_color=SHADE)


def chinese_date(day: dt.date | None) -> str:
    if day is None:
        return ""
    return _("%(y)d年%(m)d月%(d)d日") % {"y": day.year, "m": day.month, "d": day.day}


def _document(title: str, project: HandoverProject) -> CJKDocument:
    pdf = CJKDocument(orientation="P", format="A4", document=title)
    pdf.set_margins(MARGIN, 14, MARGIN)
    pdf.set_auto_page_break(True, margin=16)
    pdf.set_title(title)
    pdf.set_author(project.estate.company.name)
    return pdf


def _heading(pdf: CJKDocument, project: HandoverProject, title: str, number: str) -> None:
    width = pdf.content_width
    pdf.set_text_color(*INK)
    pdf.set_font(FAMILY, "B", 13)
    pdf.cell(width, 7, project.estate.company.name, align=Align.C, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    pdf.set_font(FAMILY, "B", 20)
    pdf.cell(width, 11, title, align=Align.C, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    pdf.set_font(FAMILY, size=10)
    pdf.set_text_color(*MUTED)
    pdf.cell(width / 2, 6, _("项目：%(estate)s") % {"estate": project.estate.name})
    pdf.cell(width / 2, 6, _("编号：%(number)s") % {"number": number}, align=Align.R,
             new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    pdf.set_text_color(*INK)
    pdf.ln(3)


def _section(pdf: CJKDocument, text: str) -> None:
    if pdf.will_page_break(20):
        pdf.add_page()
    pdf.ln(2)
    pdf.set_font(FAMILY, "B", 12)
    pdf.cell(pdf.content_width, 8, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, size=10)


def _paragraph(pdf: CJKDocument, text: str, size: float = 10.5) -> None:
    pdf.set_font(FAMILY, size=size)
    pdf.multi_cell(pdf.content_width, 6, text, new_x="LMARGIN", new_y="NEXT",
                   wrapmode=WrapMode.CHAR)  # fmt: skip


def _kv_table(pdf: CJKDocument, rows: list[tuple[str, str]]) -> None:
    with form_table(pdf, (30, pdf.content_width - 30), width=pdf.content_width) as table:
        for label, value in rows:
            row = table.row()
            row.cell(label, style=LABEL)
            row.cell(value or "—")


def _grid(pdf: CJKDocument, widths: tuple, headers: tuple, rows: list[tuple], empty: str) -> None:
    with form_table(pdf, widths, width=pdf.content_width) as table:
        head = table.row()
        for text in headers:
            head.cell(text, style=LABEL, align=Align.C)
        if not rows:
            table.row().cell(empty, colspan=len(headers), align=Align.C)
        for values in rows:
            row = table.row()
            for value in values:
                row.cell(str(value) if value not in (None, "") else "—")


# --- 《前期介入报告》 ---------------------------------------------------------------------


def report_number(project: HandoverProject) -> str:
    case = project.intervention_case
    return case.number if case is not None else f"JR-{project.pk}"


def intervention_report_pdf(project: HandoverProject) -> bytes:
    """《前期介入报告》 (INTAKE-08) of ``project`` as PDF bytes."""
    project = HandoverProject.objects.select_related("estate__company", "intervention_case").get(
        pk=project.pk
    )
    zone = svc.estate_zone(project)
    title = _("前期介入报告")
    pdf = _document(title, project)
    number = report_number(project)
    pdf.header_text = _("%(title)s %(number)s（续）") % {"title": title, "number": number}
    pdf.footer_text = _("打印时间：%(time)s") % {"time": when(timezone.now(), zone)}
    pdf.add_page()
    _heading(pdf, project, title, number)

    _section(pdf, _("一、项目概况"))
    steps = svc.step_timeline(project)
    status = next((s["label"] for s in steps if s["state"] == "current"), "")
    if project.intervention_case and project.intervention_case.status == "closed":
        status = _("已完成")
    _kv_table(pdf, [
        (_("项目名称"), project.estate.name),
        (_("开发企业"), project.developer),
        (_("设计单位"), project.design_unit),
        (_("施工单位"), project.contractor),
        (_("总建筑面积"),
         f"{project.total_floor_area:,.2f} m²" if project.total_floor_area else ""),
        (_("当前阶段"), str(status)),
        (_("各阶段开始日期"), "；".join(
            f"{s['label']} {s['on']:%Y-%m-%d}" for s in steps if s["on"] is not None
        )),
    ])  # fmt: skip

    _section(pdf, _("二、前期介入协议"))
    agreement = getattr(project, "agreement", None)
    if agreement is None:
        _paragraph(pdf, _("尚未登记《前期介入协议》。"))
    else:
        _kv_table(pdf, [
            (_("签订日期"), chinese_date(agreement.signed_on)),
            (_("介入范围"), agreement.scope),
            (_("双方职责"), agreement.duties),
            (_("协议扫描件"), _("已存档") if agreement.attachment_id else _("无")),
        ])  # fmt: skip

    _section(pdf, _("三、前期介入小组"))
    members = svc.team_members(project)
    _grid(
        pdf, (40, 40, pdf.content_width - 80), (_("分工"), _("姓名"), _("部门")),
        [(TeamRole(m.role).label, m.staff.name, m.staff.department.get_kind_display())
         for m in members],
        _("尚未组建前期介入小组"),
    )  # fmt: skip

    suggestions = list(project.suggestions.order_by("submitted_at", "id"))
    adopted = sum(1 for s in suggestions if s.status == SuggestionStatus.ADOPTED)
    rejected = sum(1 for s in suggestions if s.status == SuggestionStatus.REJECTED)
    _section(pdf, _("四、规划设计建议及采纳情况"))
    _paragraph(pdf, _(
        "共书面提交建议 %(n)d 条：已采纳 %(adopted)d 条，未采纳 %(rejected)d 条，"
        "待答复 %(open)d 条。"
    ) % {"n": len(suggestions), "adopted": adopted, "rejected": rejected,
         "open": len(suggestions) - adopted - rejected})  # fmt: skip
    pdf.ln(1)
    _grid(
        pdf, (30, 18, 42, 24, 20, pdf.content_width - 134),
        (_("函件编号"), _("类别"), _("标题"), _("提交日期"), _("结果"), _("开发企业答复")),
        [(s.number, s.get_topic_display(), s.title,
          f"{timezone.localtime(s.submitted_at, zone):%Y-%m-%d}", s.get_status_display(),
          s.developer_answer) for s in suggestions],
        _("无"),
    )  # fmt: skip

    inspections = list(project.inspections.order_by("inspected_on", "id"))
    concealed = [i for i in inspections if i.concealed_works]
    photos = svc.photos_by_event(concealed)
    _section(pdf, _("五、施工现场巡查"))
    _paragraph(pdf, _(
        "巡查周期 %(days)d 天，共巡查 %(n)d 次，其中涉及隐蔽工程 %(c)d 次、提出整改意见 %(r)d 条。"
    ) % {"days": project.inspection_interval_days, "n": len(inspections),
         "c": len(concealed), "r": sum(1 for i in inspections if i.rectification)})  # fmt: skip
    pdf.ln(1)
    _grid(
        pdf, (24, 34, 58, pdf.content_width - 116),
        (_("巡查日期"), _("巡查部位"), _("巡查情况"), _("整改意见")),
        [(f"{i.inspected_on:%Y-%m-%d}", i.location, i.findings, i.rectification)
         for i in inspections],
        _("无"),
    )  # fmt: skip
    _section(pdf, _("六、隐蔽工程影像记录"))
    _grid(
        pdf, (24, 50, pdf.content_width - 94, 20),
        (_("巡查日期"), _("部位"), _("施工情况"), _("照片")),
        [(f"{i.inspected_on:%Y-%m-%d}", i.location, i.findings,
          _("%(n)d 张") % {"n": len(photos.get(i.event_id, []))}) for i in concealed],
        _("无"),
    )  # fmt: skip
    if photos:
        pdf.ln(1)
        _paragraph(pdf, _("照片已存档于系统，供日后维修查阅。"), size=9)

    meetings = list(project.meetings.order_by("held_on"))
    weeks = svc.meeting_weeks(project)
    _section(pdf, _("七、每周例会"))
    _paragraph(pdf, _("共召开例会 %(n)d 次；未开例会的周数：%(gaps)d。") % {
        "n": len(meetings), "gaps": len(weeks.gaps),
    })  # fmt: skip
    if meetings:
        pdf.ln(1)
        _grid(
            pdf, (24, 70, pdf.content_width - 94), (_("会议日期"), _("会议决定"), _("待办事项")),
            [(f"{m.held_on:%Y-%m-%d}", m.decisions, m.open_points) for m in meetings], _("无"),
        )  # fmt: skip

    _section(pdf, _("八、遗留问题"))
    points = svc.open_points(project)
    if not points:
        _paragraph(pdf, _("无遗留问题。"))
    for index, point in enumerate(points, start=1):
        prefix = _("待答复建议") if point["kind"] == "suggestion" else _("例会待办")
        _paragraph(pdf, f"{index}. {prefix}：{point['text']}")

    pdf.ln(8)
    pdf.set_font(FAMILY, size=11)
    width = pdf.content_width
    for line in (
        _("报送：%(developer)s、企业高层") % {"developer": project.developer},
        _("%(estate)s 前期介入小组") % {"estate": project.estate.name},
        chinese_date(svc.local_today(project)),
    ):
        pdf.cell(width, 7, line, align=Align.R, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


# --- 建议函 (INTAKE-13) ---------------------------------------------------------------------


def suggestion_letter_pdf(suggestion: DesignSuggestion) -> bytes:
    """The written suggestion to the developer, numbered, to print, sign and send."""
    suggestion = DesignSuggestion.objects.select_related(
        "project__estate__company", "submitted_by__staff"
    ).get(pk=suggestion.pk)
    project = suggestion.project
    zone = svc.estate_zone(project)
    title = _("前期介入建议函")
    pdf = _document(title, project)
    pdf.header_text = _("%(title)s %(number)s（续）") % {"title": title,
                                                        "number": suggestion.number}  # fmt: skip
    pdf.footer_text = _("打印时间：%(time)s") % {"time": when(timezone.now(), zone)}
    pdf.add_page()
    _heading(pdf, project, title, suggestion.number)
    width = pdf.content_width
    pdf.set_font(FAMILY, "B", 12)
    pdf.cell(width, 8, _("%(developer)s：") % {"developer": project.developer},
             new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    _paragraph(pdf, "　　" + _(
        "根据双方签订的《前期介入协议》，我司前期介入小组就 %(estate)s 项目提出以下书面建议，"
        "请贵司研究并书面答复是否采纳。"
    ) % {"estate": project.estate.name}, size=11)  # fmt: skip
    pdf.ln(2)
    _kv_table(pdf, [
        (_("函件编号"), suggestion.number),
        (_("建议类别"), str(suggestion.get_topic_display())),
        (_("标题"), suggestion.title),
        (_("建议内容"), suggestion.content),
        (_("提交日期"), chinese_date(timezone.localtime(suggestion.submitted_at, zone).date())),
    ])  # fmt: skip
    pdf.ln(4)
    _paragraph(pdf, _("开发企业答复（是否采纳及理由）："), size=11)
    if suggestion.developer_answer:
        _paragraph(pdf, f"{suggestion.get_status_display()}：{suggestion.developer_answer}")
    else:
        pdf.ln(24)
    pdf.ln(8)
    pdf.set_font(FAMILY, size=11)
    for line in (
        _("%(estate)s 前期介入小组") % {"estate": project.estate.name},
        project.estate.company.name,
        chinese_date(timezone.localtime(suggestion.submitted_at, zone).date()),
    ):
        pdf.cell(width, 7, line, align=Align.R, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(10)
    pdf.set_font(FAMILY, size=10)
    pdf.set_text_color(*MUTED)
    pdf.cell(width, 7, _("开发企业签收：＿＿＿＿＿＿＿＿　　签收日期：　　　年　　月　　日"),
             new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    pdf.set_text_color(*INK)
    return bytes(pdf.output())

"""《突发事件处理报告》 of one incident as PDF; for an elevator entrapment the
《电梯困人应急处理报告》 (EMERG-LIFT-09) with the lift's times from its equipment fault (alarm, the
guard's arrival, the contractor called and arrived, the people freed, the lift accepted).

Sections: the basics, the level and its changes with reasons, the pages and acknowledgements,
the steps with who and when, the tasks, the outside contacts, the releases, the supplies drawn,
the follow-ups and the written report. A drill says 演练 in its title, its header and every page's
footer.

Font and helpers: :mod:`wuye.base.pdf` (fpdf2 with a CJK font found on the machine)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf.enums import Align
from fpdf.fonts import FontFace

from wuye.base.pdf import FAMILY, INK, MUTED, SHADE, CJKDocument, form_table, when
from wuye.core.choices import DepartmentKind

from ..choices import IncidentKind, IncidentSource, IncidentStatus, Level, Party, TaskStatus
from ..models import Incident
from ..selectors.incidents import incident_live

__all__ = ["incident_report_pdf", "report_title"]

MARGIN = 16
HEAD = FontFace(emphasis="B", fill_color=SHADE)
LABEL = FontFace(emphasis="", fill_color=SHADE)


def report_title(incident: Incident) -> str:
    """EMERG-LIFT-09: an entrapment's report is the 《电梯困人应急处理报告》."""
    if incident.kind == IncidentKind.ENTRAPMENT:
        title = _("电梯困人应急处理报告")
    else:
        title = _("突发事件处理报告")
    return _("%(title)s（演练）") % {"title": title} if incident.exercise else title


def _name(user) -> str:
    if user is None:
        return ""
    staff = getattr(user, "staff", None)
    return getattr(staff, "name", "") or user.get_username()


def _section(pdf: CJKDocument, title: str) -> None:
    pdf.ln(3)
    pdf.set_font(FAMILY, "B", 12)
    pdf.set_text_color(*INK)
    pdf.cell(pdf.content_width, 7, title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def _empty(pdf: CJKDocument, text: str) -> None:
    pdf.set_font(FAMILY, size=10)
    pdf.set_text_color(*MUTED)
    pdf.cell(pdf.content_width, 6, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*INK)


def _table(pdf: CJKDocument, widths, header, rows, empty: str) -> None:
    if not rows:
        _empty(pdf, empty)
        return
    with form_table(pdf, widths) as table:
        row = table.row()
        for text in header:
            row.cell(str(text), style=HEAD)
        for values in rows:
            row = table.row()
            for value in values:
                row.cell(str(value if value is not None else ""))


def _pairs(pdf: CJKDocument, pairs: list[tuple[str, str]]) -> None:
    with form_table(pdf, (22, 28, 22, 28)) as table:
        for i in range(0, len(pairs), 2):
            row = table.row()
            for label, value in pairs[i : i + 2]:
                row.cell(str(label), style=LABEL)
                row.cell(str(value or ""))
            if len(pairs[i : i + 2]) == 1:
                row.cell("", style=LABEL)
                row.cell("")


def incident_report_pdf(incident: Incident) -> bytes:
    """The report as PDF bytes. Raises :class:`wuye.base.pdf.CJKFontMissing` without a font."""
    title = report_title(incident)
    pdf = CJKDocument(orientation="P", format="A4", document=title)
    zone = ZoneInfo(incident.estate.time_zone)
    live = incident_live(incident)
    case = incident.case
    pdf.set_margins(MARGIN, 14, MARGIN)
    pdf.set_auto_page_break(True, margin=16)
    pdf.set_title(title)
    pdf.set_author(incident.estate.company.name)
    drill = _("【演练】") if incident.exercise else ""
    pdf.header_text = f"{drill}{title} {case.number}"
    pdf.footer_text = _("%(drill)s编号：%(number)s　　打印时间：%(time)s") % {
        "drill": drill, "number": case.number, "time": when(timezone.now(), zone)}  # fmt: skip
    pdf.add_page()
    width = pdf.content_width
    pdf.set_font(FAMILY, "B", 13)
    pdf.cell(width, 7, incident.estate.company.name, align=Align.C, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "B", 20)
    pdf.cell(width, 12, title, align=Align.C, new_x="LMARGIN", new_y="NEXT")
    if incident.exercise:
        pdf.set_font(FAMILY, "B", 12)
        pdf.set_text_color(200, 30, 30)
        pdf.cell(width, 7, _("本次为应急演练，非真实事件"), align=Align.C,
                 new_x="LMARGIN", new_y="NEXT")  # fmt: skip
        pdf.set_text_color(*INK)
    pdf.ln(2)

    _section(pdf, _("一、基本情况"))
    scope = _("整个小区") if incident.whole_estate else "、".join(b.name for b in live["buildings"])
    _pairs(pdf, [
        (_("工单号"), case.number), (_("项目"), incident.estate.name),
        (_("事件类型"), IncidentKind(incident.kind).label),
        (_("来源"), IncidentSource(incident.source).label),
        (_("响应级别"), Level(incident.level).label),
        (_("状态"), IncidentStatus(case.status).label),
        (_("地点"), incident.place), (_("涉及范围"), scope or _("无")),
        (_("涉及户数"), str(incident.households)), (_("涉及人数"), str(incident.people)),
        (_("接报时间"), when(incident.reported_at, zone)),
        (_("处置结束时间"), when(incident.ended_at, zone)),
        (_("预案"), f"{incident.plan.name} v{incident.plan_version}" if incident.plan
         else _("手册预案")),
        (_("演练"), _("是") if incident.exercise else _("否")),
    ])  # fmt: skip
    if incident.description:
        pdf.ln(1)
        pdf.set_font(FAMILY, size=10)
        pdf.multi_cell(width, 5, _("情况描述：%(text)s") % {"text": incident.description},
                       new_x="LMARGIN", new_y="NEXT")  # fmt: skip

    fault = incident.fault
    if fault is not None:
        _section(pdf, _("电梯困人处置时间"))  # EMERG-LIFT-09
        _pairs(pdf, [
            (_("报警时间"), when(fault.detected_at, zone)),
            (_("秩序员到场"), when(incident.guard_arrived_at, zone)),
            (_("联系维保"), when(fault.contractor_called_at, zone)),
            (_("维保到场"), when(fault.contractor_arrived_at, zone)),
            (_("人员解救"), when(fault.rescued_at, zone)),
            (_("检查验收"), when(fault.accepted_at, zone)),
        ])  # fmt: skip

    _section(pdf, _("二、响应级别及调整"))
    _table(pdf, (30, 25, 25, 20, 60), [_("时间"), _("原级别"), _("新级别"), _("调整人"),
                                        _("原因")],
           [(when(c.at, zone), Level(c.from_level).label if c.from_level else "—",
             Level(c.to_level).label, _name(c.by), c.reason) for c in live["level_changes"]],
           _("无"))  # fmt: skip

    _section(pdf, _("三、通知与确认"))
    _table(pdf, (22, 30, 30, 30, 30), [_("人员"), _("小组"), _("通知时间"), _("须确认"),
                                        _("确认时间")],
           [(_name(p.user), p.get_group_display(), when(p.paged_at, zone),
             _("是") if p.must_acknowledge else _("否"),
             when(p.acknowledged_at, zone) or (_("未确认") if p.must_acknowledge else ""))
            for p in live["pages"]], _("无通知记录"))  # fmt: skip

    _section(pdf, _("四、处置步骤"))
    _table(pdf, (8, 24, 24, 30, 20, 54), [_("序"), _("步骤"), _("责任部门"), _("完成时间"),
                                           _("完成人"), _("情况记录")],
           [(s.order, s.title, DepartmentKind(s.department).label if s.department else "",
             when(s.done_at, zone) or _("未完成"), _name(s.done_by),
             "；".join([s.note, *(c["item"] for c in s.checks or [])]).strip("；"))
            for s in live["steps"]], _("无"))  # fmt: skip

    _section(pdf, _("五、任务"))
    _table(pdf, (50, 30, 25, 30, 45), [_("任务"), _("执行人"), _("状态"), _("完成时间"),
                                        _("完成情况")],
           [(t.title, t.assignee.name if t.assignee else "", TaskStatus(t.status).label,
             when(t.done_at, zone), t.note) for t in live["tasks"]], _("无"))  # fmt: skip

    _section(pdf, _("六、外部联络"))
    _table(pdf, (30, 40, 30, 20, 60), [_("时间"), _("对象"), _("单位/对接人"), _("联系人"),
                                        _("内容")],
           [(when(c.at, zone), Party(c.party).label,
             " ".join(x for x in (c.organisation, c.person, c.phone) if x), _name(c.by),
             c.note) for c in live["contacts"]], _("无"))  # fmt: skip

    _section(pdf, _("七、信息发布"))
    _table(pdf, (30, 40, 20, 20, 70), [_("时间"), _("标题"), _("户数"), _("发布人"),
                                        _("内容")],
           [(when(r.at, zone), r.title, r.households, _name(r.by), r.body)
            for r in live["releases"]], _("无"))  # fmt: skip

    if live["draws"]:
        _section(pdf, _("应急物资领用"))
        _table(pdf, (30, 50, 20, 30, 50), [_("时间"), _("物资"), _("数量"), _("经办人"),
                                            _("备注")],
               [(when(m.at, zone), m.item.name, f"{-m.delta}{m.item.unit}", _name(m.by),
                 m.note) for m in live["draws"]], "")  # fmt: skip

    _section(pdf, _("八、回访"))
    _table(pdf, (30, 35, 25, 20, 70), [_("时间"), _("回访对象"), _("满意度"), _("回访人"),
                                        _("回访记录")],
           [(when(f.contacted_at, zone), f.person or str(f.room or ""),
             f.satisfaction or "", _name(f.by), f.note) for f in live["followups"]],
           _("无"))  # fmt: skip

    _section(pdf, _("九、事件报告"))
    report = live["report"]
    if report is None:
        _empty(pdf, _("尚未形成事件报告"))
    else:
        for label, text in (
            (_("事件经过"), report.summary),
            (_("原因分析"), report.cause),
            (_("处置情况"), report.handling),
            (_("改进措施"), report.lessons),
        ):
            if not text:
                continue
            pdf.set_font(FAMILY, "B", 10)
            pdf.cell(width, 6, label, new_x="LMARGIN", new_y="NEXT")
            pdf.set_font(FAMILY, size=10)
            pdf.multi_cell(width, 5, text, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FAMILY, size=10)
        pdf.set_text_color(*MUTED)
        pdf.cell(width, 6, _("编写人：%(name)s　　编写时间：%(time)s") % {
            "name": _name(report.written_by), "time": when(report.written_at, zone)},
            new_x="LMARGIN", new_y="NEXT")  # fmt: skip
        pdf.set_text_color(*INK)
    pdf.ln(8)
    pdf.set_font(FAMILY, size=10)
    pdf.cell(width / 2, 8, _("编写人签字："))
    pdf.cell(width / 2, 8, _("审核人签字："), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())

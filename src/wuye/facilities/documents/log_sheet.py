"""The printed 《设施设备运行记录表》 of a day (EQUIP-OPS-05): per piece of equipment logged
that day or logged hourly, 24 rows of the hours with its parameters, who recorded them, and the
marks of amended entries and anomalies; signature lines for the operators and the engineering
head."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils.translation import gettext as _

from wuye.base.pdf import FAMILY, MUTED, CJKDocument, form_table

from ..choices import EquipmentCategory, ParameterKind, RunState
from ..models import Equipment
from ..selectors.logs import day_grid, parameters_for


def _value(p, entry) -> str:
    raw = entry.values.get(p.code, "") if entry else ""
    if p.kind == ParameterKind.STATE and raw:
        return str(RunState(raw).label)
    return str(raw)


def log_sheet_pdf(
    equipment: Iterable[Equipment], *, day: dt.date, now: dt.datetime, estate_name: str
) -> bytes:
    pdf = CJKDocument(orientation="L", format="A4", document=_("设施设备运行记录表"))
    title = _("设施设备运行记录表")
    pdf.footer_text = f"{estate_name} {title} {day.isoformat()}"
    pdf.header_text = pdf.footer_text
    pdf.set_margins(10, 10, 10)
    any_page = False
    for item in equipment:
        any_page = True
        pdf.add_page()
        pdf.set_font(FAMILY, "B", 15)
        pdf.cell(0, 9, f"《{title}》", align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FAMILY, "", 10)
        pdf.cell(
            0,
            6,
            _("项目：%(estate)s　设备：%(code)s %(name)s（%(category)s）　日期：%(day)s")
            % {
                "estate": estate_name,
                "code": item.code,
                "name": item.name,
                "category": EquipmentCategory(item.category).label,
                "day": day.isoformat(),
            },
            new_x="LMARGIN",
            new_y="NEXT",
        )
        params = parameters_for(item.estate, item.category)
        head = [_("时段")] + [f"{p.name}{f'({p.unit})' if p.unit else ''}" for p in params]
        head += [_("值班人员"), _("备注")]
        widths = [14] + [24] * len(params) + [22, 40]
        pdf.set_font(FAMILY, "", 8)
        with form_table(pdf, widths, width=sum(widths), padding=(0.3, 1)) as table:
            pdf.set_font(FAMILY, size=8)  # 25 rows and the signatures on one page
            row = table.row()
            for text in head:
                row.cell(str(text))
            for cell in day_grid(item, day, now):
                entry = cell.entry
                row = table.row()
                row.cell(f"{cell.hour:%H}:00")
                for p in params:
                    row.cell(_value(p, entry))
                who = ""
                if entry is not None:
                    staff = getattr(entry.recorded_by, "staff", None)
                    who = staff.name if staff else entry.recorded_by.username
                marks = []
                if cell.state == "missing":
                    marks.append(_("缺记"))
                if entry is not None and entry.is_anomaly:
                    marks.append(_("异常"))
                if cell.amendments:
                    marks.append(_("已更正 %(n)d 次") % {"n": cell.amendments})
                if entry is not None and entry.note:
                    marks.append(entry.note)
                row.cell(who)
                row.cell("；".join(str(m) for m in marks))
        pdf.ln(4)
        pdf.set_text_color(*MUTED)
        pdf.cell(
            0, 6, _("值班人员签字：________________　　工程设备部负责人签字：________________")
        )
        pdf.set_text_color(0, 0, 0)
    if not any_page:
        pdf.add_page()
        pdf.set_font(FAMILY, "", 11)
        pdf.cell(0, 10, _("当日没有需要记录的设备"))
    return bytes(pdf.output())

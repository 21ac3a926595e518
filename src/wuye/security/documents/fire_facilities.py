"""The fire register as an Excel file (exactly the filtered list) and its QR label sheet (A4,
3 × 7 labels; each opens the guard's check screen of the facility)."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable

import segno
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.base.pdf import FAMILY, MUTED, CJKDocument
from wuye.base.xlsx import dated_filename, xlsx_response

from ..choices import ExtinguisherAgent, FireFacilityKind
from ..models import FireFacility
from ..selectors.fire_facilities import facility_state, state_label

COLUMNS, ROWS = 3, 7
LABEL_W, LABEL_H = 63.0, 38.0
QR_SIZE = 30.0


def fire_facilities_xlsx(facilities: Iterable[FireFacility], estate_name: str = "") -> HttpResponse:
    today = timezone.localdate()
    headers = [_("设备编号"), _("名称"), _("设施类型"), _("楼栋"), _("安装位置"),
               _("灭火剂类型"), _("规格"), _("额定压力(MPa)"), _("最近压力读数(MPa)"),
               _("有效期至"), _("状态")]  # fmt: skip
    rows = (
        [
            f.equipment.code,
            f.equipment.name,
            str(FireFacilityKind(f.kind).label),
            f.equipment.building.name if f.equipment.building_id else "",
            f.equipment.location,
            str(ExtinguisherAgent(f.agent).label) if f.agent else "",
            f.capacity,
            f.rated_pressure,
            f.last_pressure,
            f.expires_on,
            state_label(facility_state(f, today)),
        ]
        for f in facilities
    )
    return xlsx_response(
        filename=dated_filename(estate_name, _("消防设施台账")),
        title=_("消防设施台账"),
        headers=headers,
        rows=rows,
        text_columns=(0,),
        widths=(14, 22, 16, 8, 20, 12, 8, 12, 14, 12, 12),
    )


def _qr_png(url: str) -> io.BytesIO:
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="png", scale=8, border=1)
    out.seek(0)
    return out


def fire_labels_pdf(
    facilities: Iterable[FireFacility], *, url_of: Callable[[FireFacility], str], estate_name: str
) -> bytes:
    """``url_of(facility)``: the absolute address its label opens."""
    pdf = CJKDocument(orientation="P", format="A4", document=_("消防设施二维码标签"))
    pdf.footer_text = _("%(estate)s 消防设施二维码标签") % {"estate": estate_name}
    pdf.set_auto_page_break(False)
    pdf.set_margins(10, 10, 10)
    pdf.add_page()
    n = 0
    for item in facilities:
        if n and n % (COLUMNS * ROWS) == 0:
            pdf.add_page()
        slot = n % (COLUMNS * ROWS)
        x = 10 + (slot % COLUMNS) * LABEL_W
        y = 10 + (slot // COLUMNS) * LABEL_H
        pdf.set_draw_color(*MUTED)
        pdf.rect(x + 1, y + 1, LABEL_W - 2, LABEL_H - 2)
        pdf.image(_qr_png(url_of(item)), x=x + 3, y=y + 4, w=QR_SIZE, h=QR_SIZE)
        text_x, text_w = x + QR_SIZE + 4, LABEL_W - QR_SIZE - 7
        equipment = item.equipment
        pdf.set_xy(text_x, y + 4)
        pdf.set_font(FAMILY, "B", 10)
        pdf.multi_cell(text_w, 5, equipment.code, new_x="LEFT", new_y="NEXT")
        pdf.set_font(FAMILY, "", 9)
        pdf.multi_cell(text_w, 4.5, equipment.name[:24], new_x="LEFT", new_y="NEXT")
        place = " ".join(
            p for p in (equipment.building.name if equipment.building_id else "",
                        equipment.location) if p
        )  # fmt: skip
        if place:
            pdf.multi_cell(text_w, 4.5, place[:30], new_x="LEFT", new_y="NEXT")
        pdf.set_text_color(*MUTED)
        pdf.set_font(FAMILY, "", 7)
        pdf.set_xy(text_x, y + LABEL_H - 10)
        pdf.multi_cell(text_w, 3.5, _("扫码填写消防设施检查记录"))
        pdf.set_text_color(0, 0, 0)
        n += 1
    if n == 0:
        pdf.set_font(FAMILY, "", 11)
        pdf.cell(0, 10, _("没有符合条件的消防设施"))
    return bytes(pdf.output())

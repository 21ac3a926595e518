"""The QR label sheet of the equipment register: A4, 3 × 7 labels, each with the QR code of the
equipment's page (staff scan it to open the page and log its readings), its code, name and place."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable

import segno
from django.utils.translation import gettext as _

from wuye.base.pdf import FAMILY, MUTED, CJKDocument

from ..models import Equipment

COLUMNS, ROWS = 3, 7
LABEL_W, LABEL_H = 63.0, 38.0
QR_SIZE = 30.0


def _qr_png(url: str) -> io.BytesIO:
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="png", scale=8, border=1)
    out.seek(0)
    return out


def equipment_labels_pdf(
    equipment: Iterable[Equipment], *, url_of: Callable[[Equipment], str], estate_name: str
) -> bytes:
    """``url_of(equipment)``: the absolute address its label opens."""
    pdf = CJKDocument(orientation="P", format="A4", document=_("设备二维码标签"))
    pdf.footer_text = _("%(estate)s 设备二维码标签") % {"estate": estate_name}
    pdf.set_auto_page_break(False)
    pdf.set_margins(10, 10, 10)
    pdf.add_page()
    n = 0
    for item in equipment:
        if n and n % (COLUMNS * ROWS) == 0:
            pdf.add_page()
        slot = n % (COLUMNS * ROWS)
        x = 10 + (slot % COLUMNS) * LABEL_W
        y = 10 + (slot // COLUMNS) * LABEL_H
        pdf.set_draw_color(*MUTED)
        pdf.rect(x + 1, y + 1, LABEL_W - 2, LABEL_H - 2)
        pdf.image(_qr_png(url_of(item)), x=x + 3, y=y + 4, w=QR_SIZE, h=QR_SIZE)
        text_x, text_w = x + QR_SIZE + 4, LABEL_W - QR_SIZE - 7
        pdf.set_xy(text_x, y + 4)
        pdf.set_font(FAMILY, "B", 10)
        pdf.multi_cell(text_w, 5, item.code, new_x="LEFT", new_y="NEXT")
        pdf.set_font(FAMILY, "", 9)
        pdf.multi_cell(text_w, 4.5, item.name[:24], new_x="LEFT", new_y="NEXT")
        place = " ".join(
            p for p in (item.building.name if item.building_id else "", item.location) if p
        )
        if place:
            pdf.multi_cell(text_w, 4.5, place[:30], new_x="LEFT", new_y="NEXT")
        pdf.set_text_color(*MUTED)
        pdf.set_font(FAMILY, "", 7)
        pdf.set_xy(text_x, y + LABEL_H - 10)
        pdf.multi_cell(text_w, 3.5, _("扫码查看设备、填写运行记录"))
        pdf.set_text_color(0, 0, 0)
        n += 1
    if n == 0:
        pdf.set_font(FAMILY, "", 11)
        pdf.cell(0, 10, _("没有符合条件的设备"))
    return bytes(pdf.output())

"""The QR label sheet of the cleaning zones (清洁区域二维码标签, CLEAN-01/04): A4, 3 × 7 labels,
each with the QR code of the zone's phone page (the cleaner scans it to see and do the zone's
tasks of the day), the estate, the zone's name and kind, its responsible cleaners and the code in
text (to type when the camera fails)."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable

import segno
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.base.pdf import (
    FAMILY,
    MUTED,
    CJKDocument,
    CJKFontMissing,
    font_missing_response,
    pdf_response,
)

from ..models import CleaningZone

__all__ = ["zone_labels_pdf", "zone_labels_response"]

COLUMNS, ROWS = 3, 7
LABEL_W, LABEL_H = 63.0, 38.0
QR_SIZE = 28.0


def _qr_png(url: str) -> io.BytesIO:
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="png", scale=8, border=1)
    out.seek(0)
    return out


def _cleaners(zone: CleaningZone) -> str:
    names = [c.name for c in zone.cleaners.all()]
    return "、".join(names) if names else _("未指定")


def zone_labels_pdf(
    zones: Iterable[CleaningZone], *, url_of: Callable[[CleaningZone], str], estate_name: str
) -> bytes:
    """``url_of(zone)``: the absolute address its label opens."""
    pdf = CJKDocument(orientation="P", format="A4", document=_("清洁区域二维码标签"))
    pdf.footer_text = _("%(estate)s 清洁区域二维码标签") % {"estate": estate_name}
    pdf.set_auto_page_break(False)
    pdf.set_margins(10, 10, 10)
    pdf.add_page()
    n = 0
    for zone in zones:
        if n and n % (COLUMNS * ROWS) == 0:
            pdf.add_page()
        slot = n % (COLUMNS * ROWS)
        x = 10 + (slot % COLUMNS) * LABEL_W
        y = 10 + (slot // COLUMNS) * LABEL_H
        pdf.set_draw_color(*MUTED)
        pdf.rect(x + 1, y + 1, LABEL_W - 2, LABEL_H - 2)
        pdf.image(_qr_png(url_of(zone)), x=x + 3, y=y + 3, w=QR_SIZE, h=QR_SIZE)
        pdf.set_text_color(*MUTED)
        pdf.set_font(FAMILY, "", 7)
        pdf.set_xy(x + 3, y + 3 + QR_SIZE)
        pdf.cell(QR_SIZE, 3.5, zone.code, align="C")
        pdf.set_text_color(0, 0, 0)
        text_x, text_w = x + QR_SIZE + 4, LABEL_W - QR_SIZE - 7
        pdf.set_xy(text_x, y + 3)
        pdf.set_font(FAMILY, "", 7)
        pdf.multi_cell(text_w, 3.5, zone.estate.name[:20], new_x="LEFT", new_y="NEXT")
        pdf.set_font(FAMILY, "B", 10)
        pdf.multi_cell(text_w, 4.5, zone.name[:24], new_x="LEFT", new_y="NEXT")
        pdf.set_font(FAMILY, "", 8)
        pdf.multi_cell(text_w, 4, zone.get_kind_display(), new_x="LEFT", new_y="NEXT")
        pdf.multi_cell(
            text_w, 4, _("责任人：%(names)s") % {"names": _cleaners(zone)[:30]},
            new_x="LEFT", new_y="NEXT",
        )  # fmt: skip
        pdf.set_text_color(*MUTED)
        pdf.set_font(FAMILY, "", 6.5)
        pdf.set_xy(text_x, y + LABEL_H - 8)
        pdf.multi_cell(text_w, 3, _("扫码查看本区域今日清洁任务"))
        pdf.set_text_color(0, 0, 0)
        n += 1
    if n == 0:
        pdf.set_font(FAMILY, "", 11)
        pdf.cell(0, 10, _("没有符合条件的清洁区域"))
    return bytes(pdf.output())


def zone_labels_response(request, zones: list[CleaningZone], estate_name: str):
    """The PDF as a download: the page and the API give the same sheet."""

    def url_of(zone: CleaningZone) -> str:
        return request.build_absolute_uri(reverse("environment:zone_scan", args=[zone.code]))

    try:
        content = zone_labels_pdf(zones, url_of=url_of, estate_name=estate_name)
    except CJKFontMissing as error:
        return font_missing_response(error, _("无法生成清洁区域二维码标签"))
    return pdf_response(content, f"zone-labels-{timezone.localdate():%Y%m%d}.pdf")

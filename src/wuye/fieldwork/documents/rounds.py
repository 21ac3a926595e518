"""QR labels of a route's checkpoints (巡检点标签), A4: two columns of four labels a page with
dashed cut lines, each with the QR of the checkpoint's scan address, its name, the route, the
estate and the short code a guard types when the phone cannot read the label."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence

import segno
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from fpdf.enums import Align, WrapMode

from wuye.base.pdf import (
    FAMILY,
    INK,
    MUTED,
    CJKDocument,
    CJKFontMissing,
    font_missing_response,
    pdf_response,
)
from wuye.base.xlsx import dated_filename, xlsx_response

from ..models import Checkpoint, Route

COLUMNS, ROWS = 2, 4
MARGIN = 10.0  # mm around the grid
QR_MM = 44.0


def _qr_png(url: str) -> io.BytesIO:
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=10, border=2)
    buffer.seek(0)
    return buffer


def spaced_code(code: str) -> str:
    """ABCD-EFGH: easier to read aloud and type."""
    return f"{code[:4]}-{code[4:]}" if len(code) == 8 else code


def labels_pdf(
    route: Route, checkpoints: Sequence[Checkpoint], url_for: Callable[[Checkpoint], str]
) -> bytes:
    """The labels of ``checkpoints`` (of ``route``), in their order. Raises CJKFontMissing."""
    pdf = CJKDocument(document=_("巡检点标签"), orientation="P", format="A4")
    pdf.footer_pages = False
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_title(_("巡检点标签：%(route)s") % {"route": route.name})
    width = (pdf.w - 2 * MARGIN) / COLUMNS
    height = (pdf.h - 2 * MARGIN) / ROWS
    per_page = COLUMNS * ROWS
    for index, checkpoint in enumerate(checkpoints):
        slot = index % per_page
        if slot == 0:
            pdf.add_page()
            _cut_lines(pdf, width, height)
        x = MARGIN + (slot % COLUMNS) * width
        y = MARGIN + (slot // COLUMNS) * height
        _label(pdf, checkpoint, route, url_for(checkpoint), x, y, width, height)
    if not checkpoints:
        pdf.add_page()
        pdf.set_font(FAMILY, size=12)
        pdf.cell(0, 10, _("这条路线还没有启用的巡检点"))
    return bytes(pdf.output())


def _cut_lines(pdf: CJKDocument, width: float, height: float) -> None:
    pdf.set_draw_color(*MUTED)
    pdf.set_line_width(0.2)
    pdf.set_dash_pattern(dash=2, gap=2)
    for col in range(COLUMNS + 1):
        x = MARGIN + col * width
        pdf.line(x, MARGIN, x, MARGIN + ROWS * height)
    for row in range(ROWS + 1):
        y = MARGIN + row * height
        pdf.line(MARGIN, y, MARGIN + COLUMNS * width, y)
    pdf.set_dash_pattern()


def _label(
    pdf: CJKDocument,
    checkpoint: Checkpoint,
    route: Route,
    url: str,
    x: float,
    y: float,
    width: float,
    height: float,
) -> None:
    pad = 4.0
    qr_y = y + (height - QR_MM) / 2
    pdf.image(_qr_png(url), x=x + pad, y=qr_y, w=QR_MM, h=QR_MM)
    text_x = x + pad + QR_MM + 3
    text_w = width - (text_x - x) - pad
    pdf.set_text_color(*INK)
    pdf.set_xy(text_x, y + 8)
    pdf.set_font(FAMILY, "B", 13)
    pdf.multi_cell(
        text_w,
        6.5,
        checkpoint.name,
        align=Align.L,
        wrapmode=WrapMode.CHAR,
        new_x="LEFT",
        new_y="NEXT",
    )
    pdf.set_font(FAMILY, size=9)
    if checkpoint.location:
        pdf.multi_cell(
            text_w,
            4.8,
            checkpoint.location,
            align=Align.L,
            wrapmode=WrapMode.CHAR,
            new_x="LEFT",
            new_y="NEXT",
        )
    pdf.ln(1.5)
    pdf.set_x(text_x)
    pdf.multi_cell(
        text_w,
        4.8,
        _("路线：%(route)s") % {"route": route.name},
        align=Align.L,
        wrapmode=WrapMode.CHAR,
        new_x="LEFT",
        new_y="NEXT",
    )
    pdf.multi_cell(
        text_w,
        4.8,
        route.estate.name,
        align=Align.L,
        wrapmode=WrapMode.CHAR,
        new_x="LEFT",
        new_y="NEXT",
    )
    pdf.set_xy(text_x, y + height - 19)
    pdf.set_text_color(*MUTED)
    pdf.set_font(FAMILY, size=8)
    pdf.cell(text_w, 4.5, _("无法扫码时输入编码"), new_x="LEFT", new_y="NEXT")
    pdf.set_text_color(*INK)
    pdf.set_font(FAMILY, "B", 12)
    pdf.cell(text_w, 6, spaced_code(checkpoint.code), new_x="LEFT", new_y="NEXT")
    pdf.set_font(FAMILY, size=7)
    pdf.set_text_color(*MUTED)
    pdf.cell(text_w, 4, _("第 %(n)s 点 · 请勿遮挡或撕毁") % {"n": checkpoint.position})
    pdf.set_text_color(*INK)


def scan_url(request: HttpRequest, checkpoint: Checkpoint) -> str:
    """The address a label's QR encodes: this system's scan page of the checkpoint's token."""
    return request.build_absolute_uri(reverse("fieldwork:round_scan", args=[checkpoint.token]))


def labels_response(
    request: HttpRequest, route: Route, checkpoints: Sequence[Checkpoint]
) -> HttpResponse:
    try:
        content = labels_pdf(route, checkpoints, lambda c: scan_url(request, c))
    except CJKFontMissing as exc:
        return font_missing_response(exc, _("无法生成巡检点标签"))
    return pdf_response(content, f"{route.name}-{_('巡检点标签')}.pdf")


def report_xlsx(estate, rows, date_from, date_to) -> HttpResponse:
    """The rounds report (``selectors.rounds.round_report``) as a spreadsheet."""
    return xlsx_response(
        filename=dated_filename(estate.name, _("巡查统计")),
        title=_("巡查统计"),
        headers=[
            _("路线"),
            _("巡查次数"),
            _("已完成"),
            _("有漏检"),
            _("进行中"),
            _("漏检点数"),
            _("异常打卡数"),
            _("开始日期"),
            _("结束日期"),
        ],
        rows=[
            [
                r.route.name,
                r.rounds,
                r.done,
                r.missed,
                r.running,
                r.checkpoints_missed,
                r.flagged_scans,
                date_from,
                date_to,
            ]
            for r in rows
        ],
        widths=[24, 10, 10, 10, 10, 10, 12, 12, 12],
    )

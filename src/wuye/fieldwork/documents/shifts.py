"""《交接班记录表》 — the printable Shift Handover Record (EQUIP-OPS-10, GUARD-04) of one handover,
as a PDF on A4 with both signatures. Without a CJK font :func:`handover_pdf` raises
:class:`~wuye.base.pdf.CJKFontMissing` and the page answers 503 saying so."""

from __future__ import annotations

import io
import logging

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf.enums import Align
from fpdf.fonts import FontFace

from wuye.base import pdf as pdfkit
from wuye.base.pdf import FAMILY, CJKDocument, form_table, when

from ..models import Handover, HandoverKind
from ..selectors.shifts import handover_signatures
from ..services.shifts import estate_zone

logger = logging.getLogger(__name__)

LABEL = FontFace(emphasis="BOLD", fill_color=pdfkit.SHADE)
GRID = (28, 62, 28, 62)


def _person(user) -> str:
    if user is None:
        return ""
    staff = getattr(user, "staff", None)
    return staff.name if staff is not None else user.get_username()


def _image(attachment) -> bytes | None:
    if attachment is None or not attachment.file:
        return None
    try:
        with attachment.file.open("rb") as handle:
            return handle.read()
    except OSError:
        logger.warning("signature %s is missing from storage", attachment.pk)
        return None


def _shift_text(shift, zone) -> str:
    if shift is None:
        return ""
    people = "、".join(m.staff.name for m in shift.members.select_related("staff"))
    name = f"{shift.name} " if shift.name else ""
    return f"{name}{when(shift.starts_at, zone)} – {when(shift.ends_at, zone)}  {people}"


def handover_pdf(handover: Handover) -> bytes:
    """The record as a PDF: heading, the shifts, status, anomalies, articles, the unfinished
    items, then both signatures (boxes to sign on paper while one is missing)."""
    zone = estate_zone(handover.post.estate)
    pdf = CJKDocument(format="A4", document=_("交接班记录表"))
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=16)
    pdf.footer_text = _("打印时间：%(at)s") % {"at": when(timezone.now(), zone)}
    pdf.header_text = _("交接班记录表")
    pdf.add_page()
    pdf.set_font(FAMILY, "B", size=16)
    pdf.cell(
        pdf.epw, 9, str(handover.post.estate.company), align=Align.C, new_x="LMARGIN", new_y="NEXT"
    )
    pdf.cell(pdf.epw, 10, _("交接班记录表"), align=Align.C, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, size=9)
    pdf.cell(
        pdf.epw,
        6,
        _("项目：%(estate)s　　岗位：%(post)s　　编号：JJB-%(pk)06d")
        % {
            "estate": handover.post.estate.name,
            "post": handover.post.name,
            "pk": handover.pk,
        },
        align=Align.L,
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(2)
    incoming = handover.incoming_shift
    receiver = _("部门负责人（撤岗）") if handover.kind == HandoverKind.CLOSING else ""
    with form_table(pdf, GRID) as table:
        row = table.row()
        row.cell(_("交班班次"), style=LABEL)
        row.cell(_shift_text(handover.outgoing_shift, zone), colspan=3)
        row = table.row()
        row.cell(_("接班班次"), style=LABEL)
        row.cell(_shift_text(incoming, zone) or receiver, colspan=3)
        row = table.row()
        row.cell(_("交接时间"), style=LABEL)
        row.cell(when(handover.incoming_signed_at or handover.outgoing_signed_at, zone))
        row.cell(_("状态"), style=LABEL)
        row.cell(handover.get_status_display())
        for label, text in (
            (_("运行状态"), handover.operating_status),
            (_("异常情况"), handover.anomalies or _("无")),
            (_("交接物品"), handover.articles or _("无")),
        ):
            row = table.row(min_height=16)
            row.cell(label, style=LABEL)
            row.cell(text, colspan=3)
        items = list(handover.items.all())
        lines = [
            f"{n}. {item.text}" + (_("（已完成）") if item.done else "")
            for n, item in enumerate(items, 1)
        ]
        row = table.row(min_height=16)
        row.cell(_("未完成事项"), style=LABEL)
        row.cell("\n".join(lines) or _("无"), colspan=3)
        if handover.refusal_reason:
            row = table.row()
            row.cell(_("拒收原因"), style=LABEL)
            row.cell(handover.refusal_reason, colspan=3)
    pdf.ln(4)
    signatures = handover_signatures(handover)
    with form_table(pdf, GRID) as table:
        row = table.row(min_height=24)
        for label, key in ((_("交班人签字"), "outgoing"), (_("接班人签字"), "incoming")):
            row.cell(label, style=LABEL, align=Align.C)
            image = _image(signatures[key])
            if image is not None:
                row.cell(img=io.BytesIO(image), img_fill_width=False, align=Align.C)
            else:
                row.cell("")
        row = table.row()
        row.cell(_("签字人 / 时间"), style=LABEL, align=Align.C)
        row.cell(f"{_person(handover.outgoing_by)} {when(handover.outgoing_signed_at, zone)}")
        row.cell(_("签字人 / 时间"), style=LABEL, align=Align.C)
        row.cell(f"{_person(handover.incoming_by)} {when(handover.incoming_signed_at, zone)}")
    return bytes(pdf.output())


def handover_pdf_response(handover: Handover) -> HttpResponse:
    """Shown inline, never cached (it names people)."""
    filename = _("交接班记录表-%(post)s-%(pk)s.pdf") % {
        "post": handover.post.name,
        "pk": handover.pk,
    }
    return pdfkit.pdf_response(handover_pdf(handover), filename)

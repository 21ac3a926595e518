"""《维修验收单》 — the printable Repair Acceptance Slip (REPAIR-10) of a repair order, as a PDF.

Library (fpdf2) and the run-time lookup of a CJK font: see :mod:`wuye.base.pdf`, which also holds
the formatting helpers (money, quantities, the amount in capital numerals). Their names stay
importable from here. Without a CJK font :func:`acceptance_pdf` raises :class:`CJKFontMissing`
and the view answers 503 with a message that says so, rather than a form of empty boxes.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import uuid
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import Align
from fpdf.fonts import FontFace

from wuye.base import pdf as pdfkit
from wuye.base.pdf import (
    FONT_CANDIDATES,
    form_table,
    money,
    quantity,
    rmb_upper,
)
from wuye.base.pdf import face_number as _face_number  # noqa: F401
from wuye.repairs.choices import Acceptance, Category, Urgency
from wuye.repairs.models import RepairOrder

logger = logging.getLogger(__name__)

FAMILY = pdfkit.FAMILY
WIDTH = 180  # mm between the margins of A4 portrait
MARGIN = 15
GRID = (26, 64, 26, 64)  # label | value | label | value
SHADE = pdfkit.SHADE
INK = pdfkit.INK
MUTED = pdfkit.MUTED


def cjk_font() -> tuple[str, str | None]:
    """The (regular, bold) font files for the slip; raises :class:`CJKFontMissing`. Reads this
    module's :data:`FONT_CANDIDATES` (the same tuple as :mod:`wuye.base.pdf`'s)."""
    return pdfkit.cjk_font(FONT_CANDIDATES, document=_("验收单"))


def _zone(order: RepairOrder) -> dt.tzinfo:
    try:
        return ZoneInfo(order.estate.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        return timezone.get_current_timezone()


def _when(value: dt.datetime | None, zone: dt.tzinfo) -> str:
    """2026-11-26 14:05 in the estate's time zone."""
    if value is None:
        return ""
    return timezone.localtime(value, zone).strftime("%Y-%m-%d %H:%M")


def _person(user) -> str:
    if user is None:
        return ""
    for attribute in ("staff", "resident"):
        record = getattr(user, attribute, None)
        if record is not None:
            return record.name
    return user.get_full_name() or user.get_username()


def _stars(score: int | None) -> str:
    if score is None:
        return ""
    return _("%(stars)s  %(score)s 分") % {"stars": "★" * score + "☆" * (5 - score), "score": score}


# --- the signature -------------------------------------------------------------------------------


def signature_image(order: RepairOrder) -> bytes | None:
    """The owner's signature taken on the technician's phone (the ``sign_off`` step): the latest
    signature the sign-off events name, else the latest signature bound to any event of the case.

    Without ``wuye.workflow.models.Attachment`` (an older checkout), or when the file is gone from
    storage, the slip shows an empty box to sign on paper."""
    try:
        from wuye.workflow.models import Attachment
    except ImportError:
        return None
    ids = []
    for event in order.case.events.filter(action="sign_off"):
        for item in (event.data or {}).get("attachments", []):
            if isinstance(item, dict) and item.get("kind") == "signature":
                try:
                    ids.append(uuid.UUID(str(item.get("id"))))
                except ValueError:
                    continue
    # Bound to an event only: an upload whose action failed was never signed for anything.
    signatures = Attachment.objects.filter(
        case=order.case, kind="signature", event__isnull=False
    ).order_by("uploaded_at", "id")
    attachment = (ids and signatures.filter(pk__in=ids).last()) or signatures.last()
    if attachment is None or not attachment.file:
        return None
    try:
        with attachment.file.open("rb") as handle:
            return handle.read()
    except OSError:
        logger.warning("signature %s of %s is missing from storage", attachment.pk, order.pk)
        return None


# --- the document --------------------------------------------------------------------------------


class Slip(FPDF):
    """A4 portrait; the printed-at line and page numbers in the footer, the slip's number at the
    top of a continuation page."""

    header_text = ""
    footer_text = ""

    def header(self) -> None:
        if self.page_no() > 1:
            self.set_font(FAMILY, size=8)
            self.set_text_color(*MUTED)
            self.cell(WIDTH, 5, self.header_text, align=Align.R, new_x="LMARGIN", new_y="NEXT")
            self.ln(2)
            self.set_text_color(*INK)

    def footer(self) -> None:
        self.set_y(-11)
        self.set_font(FAMILY, size=8)
        self.set_text_color(*MUTED)
        self.cell(WIDTH / 2, 5, self.footer_text, align=Align.L)
        self.cell(
            WIDTH / 2, 5, _("第 %(page)s 页 / 共 %(pages)s 页") % {"page": self.page_no(),
                                                                 "pages": "{nb}"},
            align=Align.R,
        )  # fmt: skip
        self.set_text_color(*INK)


def _load(order_pk: int) -> RepairOrder:
    return (
        RepairOrder.objects.select_related(
            "estate__company", "case", "room__unit__building", "public_area", "completed_by",
            "accepted_by", "revisited_by", "case__assignee",
        )
        .prefetch_related("charges", "materials")
        .get(pk=order_pk)
    )  # fmt: skip


def acceptance_pdf(order: RepairOrder) -> bytes:
    """The slip of ``order`` as PDF bytes; raises :class:`CJKFontMissing` without a CJK font."""
    regular, bold = cjk_font()
    order = _load(order.pk)
    zone = _zone(order)
    pdf = Slip(orientation="P", unit="mm", format="A4")
    pdf.set_margins(MARGIN, 12, MARGIN)
    pdf.set_auto_page_break(True, margin=14)
    pdfkit.add_cjk_fonts(pdf, regular, bold)
    number = order.case.number
    title = _("维修验收单")
    pdf.set_title(f"{title} {number}")
    pdf.set_author(order.estate.company.name)
    pdf.set_creator(str(settings.WUYE.get("SITE_NAME", "")))
    pdf.set_lang("zh-CN")
    pdf.header_text = _("%(title)s %(number)s（续）") % {"title": title, "number": number}
    pdf.footer_text = _("打印时间：%(time)s") % {"time": _when(timezone.now(), zone)}
    if order.estate.phone:
        pdf.footer_text += _("　　服务电话：%(phone)s") % {"phone": order.estate.phone}
    pdf.add_page()
    pdf.set_text_color(*INK)
    _header(pdf, order, title)
    _request(pdf, order, zone)
    _work(pdf, order, zone)
    _materials(pdf, order)
    _charges(pdf, order)
    _acceptance(pdf, order, zone)
    if order.satisfaction is not None:
        _revisit(pdf, order, zone)
    return bytes(pdf.output())


def _header(pdf: FPDF, order: RepairOrder, title: str) -> None:
    pdf.set_font(FAMILY, "B", 13)
    pdf.cell(WIDTH, 7, order.estate.company.name, align=Align.C, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    pdf.set_font(FAMILY, "B", 20)
    pdf.set_char_spacing(4)
    pdf.cell(WIDTH, 11, title, align=Align.C, new_x="LMARGIN", new_y="NEXT")
    pdf.set_char_spacing(0)
    pdf.ln(2)
    pdf.set_font(FAMILY, size=10)
    pdf.cell(WIDTH / 2, 6, _("项目：%(estate)s") % {"estate": order.estate.name}, align=Align.L)
    pdf.cell(WIDTH / 2, 6, _("单号：%(number)s") % {"number": order.case.number}, align=Align.R,
             new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    pdf.ln(1)


def _table(pdf: FPDF, col_widths=GRID, keep: float = 24, **kwargs):
    """A section of the form; it starts on a new page rather than leave its heading alone at the
    bottom of one (``keep``: the height of the heading and the first rows)."""
    if pdf.will_page_break(keep):
        pdf.add_page()
    return form_table(pdf, col_widths, width=WIDTH, **kwargs)


LABEL = FontFace(emphasis="", fill_color=SHADE)
SECTION = FontFace(emphasis="B", fill_color=(214, 220, 228))
STRONG = FontFace(emphasis="B")


def _section(table, text: str, columns: int = 4) -> None:
    table.row().cell(text, colspan=columns, style=SECTION, align=Align.L)


def _pair_row(table, *pairs: tuple[str, str], min_height: float | None = None) -> None:
    """label | value [| label | value]; a single pair spans the row."""
    row = table.row(min_height=min_height)
    for label, value in pairs:
        row.cell(label, style=LABEL, align=Align.C)
        row.cell(value, colspan=3 if len(pairs) == 1 else 1)


def _request(pdf: FPDF, order: RepairOrder, zone) -> None:
    with _table(pdf) as table:
        _section(table, _("一、报修信息"))
        _pair_row(table, (_("报修单号"), order.case.number),
                  (_("报修时间"), _when(order.reported_at, zone)))  # fmt: skip
        _pair_row(table, (_("报修地点"), order.place_label))
        _pair_row(table, (_("联系人"), order.contact_name), (_("联系电话"), order.contact_phone))
        _pair_row(table, (_("紧急程度"), _label(Urgency, order.urgency)),
                  (_("类别"), _label(Category, order.category)))  # fmt: skip
        _pair_row(table, (_("报修内容"), order.description), min_height=12)


def _work(pdf: FPDF, order: RepairOrder, zone) -> None:
    technician = order.completed_by or order.case.assignee
    with _table(pdf) as table:
        _section(table, _("二、维修情况"))
        _pair_row(table, (_("派单时间"), _when(order.dispatched_at, zone)),
                  (_("到场时间"), _when(order.arrived_at, zone)))  # fmt: skip
        _pair_row(table, (_("完成时间"), _when(order.completed_at, zone)),
                  (_("维修人员"), _person(technician)))  # fmt: skip
        _pair_row(table, (_("故障诊断"), order.diagnosis), min_height=12)


def _materials(pdf: FPDF, order: RepairOrder) -> None:
    materials = list(order.materials.all())
    widths = (14, 106, 30, 30)
    with _table(pdf, col_widths=widths) as table:
        _section(table, _("三、维修用料"), columns=4)
        header = table.row()
        for text in (_("序号"), _("材料名称"), _("数量"), _("单位")):
            header.cell(text, style=LABEL, align=Align.C)
        if not materials:
            table.row().cell(_("无"), colspan=4, align=Align.C)
        for index, material in enumerate(materials, start=1):
            row = table.row()
            row.cell(str(index), align=Align.C)
            row.cell(material.name)
            row.cell(quantity(material.quantity), align=Align.R)
            row.cell(material.unit, align=Align.C)


def _charges(pdf: FPDF, order: RepairOrder) -> None:
    """REPAIR-11: the chargeable lines, priced from the estate's published price list."""
    charges = list(order.charges.all())
    widths = (14, 66, 20, 28, 22, 30)
    with _table(pdf, col_widths=widths) as table:
        _section(table, _("四、收费明细"), columns=6)
        header = table.row()
        for text in (_("序号"), _("收费项目"), _("单位"), _("单价"), _("数量"), _("金额")):
            header.cell(text, style=LABEL, align=Align.C)
        if not charges:
            table.row().cell(_("无收费项目"), colspan=6, align=Align.C)
        for index, charge in enumerate(charges, start=1):
            row = table.row()
            row.cell(str(index), align=Align.C)
            row.cell(charge.name)
            row.cell(charge.unit, align=Align.C)
            row.cell(money(charge.unit_price), align=Align.R)
            row.cell(quantity(charge.quantity), align=Align.R)
            row.cell(money(charge.amount), align=Align.R)
        row = table.row()
        row.cell(_("合计"), style=LABEL, align=Align.C)
        row.cell(_("（大写）%(words)s") % {"words": rmb_upper(order.charge_total)}, colspan=4)
        row.cell(money(order.charge_total), style=STRONG, align=Align.R)


def _acceptance(pdf: FPDF, order: RepairOrder, zone) -> None:
    """REPAIR-10: the owner inspects the work and signs. Filled in when it was done in the system
    (the portal, or a signature on the technician's phone); blank to fill in on paper otherwise."""
    accepted = order.acceptance in (Acceptance.PORTAL, Acceptance.SIGNATURE)
    if accepted:
        result = _("■ 合格　　□ 不合格")
        how = _label(Acceptance, order.acceptance)
    elif order.acceptance:
        result = _label(Acceptance, order.acceptance)
        how = ""
    else:
        result = _("□ 合格　　□ 不合格")
        how = ""
    signature = signature_image(order)
    with _table(pdf, keep=60) as table:
        _section(table, _("五、验收确认"))
        _pair_row(table, (_("验收结果"), result))
        _pair_row(table, (_("验收时间"), _when(order.accepted_at, zone)), (_("验收方式"), how))
        if accepted:
            statement = _("维修项目已完成，经业主检查验收；收费金额 %(amount)s 已确认。") % {
                "amount": money(order.charge_total)
            }
        else:
            statement = _("以上维修项目已完成，经本人检查，维修质量及收费金额确认无误。")
        _pair_row(table, (_("业主意见"), statement))
        row = table.row(min_height=26)
        row.cell(_("业主签字"), style=LABEL, align=Align.C)
        if signature is not None:
            row.cell(img=io.BytesIO(signature), img_fill_width=False, align=Align.C)
        else:
            row.cell("")
        row.cell(_("签字日期"), style=LABEL, align=Align.C)
        signed_on = timezone.localtime(order.accepted_at, zone) if accepted else None
        row.cell(signed_on.strftime("%Y-%m-%d") if signed_on else _("　　年　　月　　日"),
                 align=Align.C)  # fmt: skip


def _revisit(pdf: FPDF, order: RepairOrder, zone) -> None:
    """REPAIR-12: the revisit, or the resident's own rating."""
    with _table(pdf) as table:
        _section(table, _("六、回访记录"))
        _pair_row(table, (_("满意度"), _stars(order.satisfaction)),
                  (_("维修质量"), _stars(order.quality_score)))  # fmt: skip
        revisit = " ".join(
            part for part in (order.get_revisit_source_display(), _person(order.revisited_by),
                              _when(order.revisited_at, zone)) if part
        )  # fmt: skip
        _pair_row(table, (_("服务态度"), _stars(order.attitude_score)), (_("回访"), revisit))
        if order.revisit_comment:
            _pair_row(table, (_("回访意见"), order.revisit_comment))


def _label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def acceptance_pdf_response(order: RepairOrder) -> HttpResponse:
    """The slip as the browser shows it (inline, never cached: names and phone numbers); raises
    :class:`CJKFontMissing` like :func:`acceptance_pdf`."""
    filename = _("维修验收单-%(number)s.pdf") % {"number": order.case.number}
    return pdfkit.pdf_response(acceptance_pdf(order), filename)

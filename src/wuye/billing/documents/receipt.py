"""《收款收据》 — the printable receipt of one payment (FEE-07), as a PDF.

Fpdf2 with the CJK font looked up at run time: see :mod:`wuye.base.pdf`. Without a Chinese font
:func:`receipt_pdf` raises :class:`~wuye.base.pdf.CJKFontMissing` and the view answers 503.

What it shows: the company and the estate, the receipt number (``pages.receipt_number``: the
stored 收据号, or the fallback of a payment recorded before they were stored), the room and its
owners, when the money arrived (estate time), the channel and the transaction reference, each
bill this payment settled (item, period, amount), what was left over as credit (预存), the total
in figures and in capital numerals, and who took the money.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf.enums import Align
from fpdf.fonts import FontFace

from wuye.base.pdf import FAMILY, INK, MUTED, SHADE, CJKDocument, form_table, money, rmb_upper, when
from wuye.billing.models import ZERO, Allocation, Payment
from wuye.billing.selectors.fees import receipt_number, tz_of
from wuye.core.choices import Relation
from wuye.core.models import Occupancy
from wuye.core.templatetags.wuye import person

MARGIN = 15
WIDTH = 180  # mm between the margins of A4 portrait
LABEL = FontFace(emphasis="", fill_color=SHADE)
STRONG = FontFace(emphasis="B")


def _load(pk: int) -> Payment:
    return (
        Payment.objects.select_related(
            "estate__company", "room__building", "room__unit", "received_by"
        )
        .prefetch_related(
            Prefetch(
                "allocations",
                Allocation.objects.select_related("bill__item").order_by("bill__period_start",
                                                                          "bill_id", "id"),
            )
        )
        .get(pk=pk)
    )  # fmt: skip


def payer_name(payment: Payment) -> str:
    """The room's owners on the day the money arrived (else today's), joined by 、."""
    day = timezone.localtime(payment.received_at, tz_of(payment.estate)).date()
    owners = Occupancy.objects.filter(room_id=payment.room_id, relation=Relation.OWNER)
    names = list(
        owners.filter(Occupancy.current_q(on=day)).order_by("start_date", "id")
        .values_list("resident__name", flat=True)
    ) or list(
        owners.filter(Occupancy.current_q()).order_by("start_date", "id")
        .values_list("resident__name", flat=True)
    )  # fmt: skip
    return "、".join(dict.fromkeys(names))


def _period(bill) -> str:
    start, end = bill.period_start, bill.period_end
    if (start.year, start.month) == (end.year, end.month):
        return f"{start:%Y-%m}"
    return f"{start:%Y-%m}～{end:%Y-%m}"


def receipt_lines(payment: Payment) -> tuple[list[tuple[str, str, Decimal]], Decimal]:
    """(item, period, amount) of each bill the payment settled, and what was left as credit."""
    lines = [(a.bill.item.name, _period(a.bill), a.amount) for a in payment.allocations.all()]
    settled = sum((amount for _item, _p, amount in lines), ZERO)
    return lines, max(payment.amount - settled, ZERO)


def receipt_pdf(payment: Payment) -> bytes:
    """The receipt of ``payment`` as PDF bytes; raises CJKFontMissing without a CJK font."""
    pdf = CJKDocument(orientation="P", format="A4", document=_("收据"))
    payment = _load(payment.pk)
    estate = payment.estate
    zone = tz_of(estate)
    number = receipt_number(payment)
    title = _("收款收据")
    pdf.set_margins(MARGIN, 12, MARGIN)
    pdf.set_auto_page_break(True, margin=14)
    pdf.set_title(f"{title} {number}")
    pdf.set_author(estate.company.name)
    pdf.header_text = _("%(title)s %(number)s（续）") % {"title": title, "number": number}
    pdf.footer_text = _("打印时间：%(time)s") % {"time": when(timezone.now(), zone)}
    if estate.phone:
        pdf.footer_text += _("　　服务电话：%(phone)s") % {"phone": estate.phone}
    pdf.add_page()
    pdf.set_text_color(*INK)

    pdf.set_font(FAMILY, "B", 13)
    pdf.cell(WIDTH, 7, estate.company.name, align=Align.C, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    pdf.set_font(FAMILY, "B", 20)
    pdf.set_char_spacing(4)
    pdf.cell(WIDTH, 11, title, align=Align.C, new_x="LMARGIN", new_y="NEXT")
    pdf.set_char_spacing(0)
    pdf.ln(2)
    pdf.set_font(FAMILY, size=10)
    pdf.cell(WIDTH / 2, 6, _("项目：%(estate)s") % {"estate": estate.name}, align=Align.L)
    pdf.cell(WIDTH / 2, 6, _("收据号：%(number)s") % {"number": number}, align=Align.R,
             new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    pdf.ln(1)

    lines, credit = receipt_lines(payment)
    cashier = person(payment.received_by) if payment.received_by_id else _("在线支付")
    with _table(pdf, (26, 64, 26, 64)) as table:
        _pairs(table, (_("房屋"), payment.room.label), (_("交款人"), payer_name(payment)))
        _pairs(table, (_("收款时间"), when(payment.received_at, zone)),
               (_("缴费渠道"), payment.get_channel_display()))  # fmt: skip
        _pairs(table, (_("交易流水号"), payment.reference or "—"), (_("收款人"), cashier))
        if payment.note:
            _pairs(table, (_("备注"), payment.note))
    pdf.ln(3)
    with _table(pdf, (14, 86, 40, 40)) as table:
        header = table.row()
        for text in (_("序号"), _("收费项目"), _("账期"), _("金额")):
            header.cell(text, style=LABEL, align=Align.C)
        index = 0
        for index, (item, period, amount) in enumerate(lines, start=1):
            row = table.row()
            row.cell(str(index), align=Align.C)
            row.cell(item)
            row.cell(period, align=Align.C)
            row.cell(money(amount), align=Align.R)
        if credit:
            row = table.row()
            row.cell(str(index + 1), align=Align.C)
            row.cell(_("预存（未核销金额，抵扣以后的账单）"), colspan=2)
            row.cell(money(credit), align=Align.R)
        row = table.row()
        row.cell(_("合计"), style=LABEL, align=Align.C)
        row.cell(_("（大写）%(words)s") % {"words": rmb_upper(payment.amount)}, colspan=2)
        row.cell(money(payment.amount), style=STRONG, align=Align.R)
    pdf.ln(4)
    pdf.set_font(FAMILY, size=9)
    pdf.set_text_color(*MUTED)
    pdf.multi_cell(
        WIDTH, 5,
        _("本收据为缴费凭证，请妥善保管。如需发票，请在“我的账单”中申请或联系物业服务中心。"),
        new_x="LMARGIN", new_y="NEXT",
    )  # fmt: skip
    pdf.set_text_color(*INK)
    pdf.ln(6)
    pdf.set_font(FAMILY, size=10)
    pdf.cell(WIDTH, 6, _("收款单位（盖章）：%(company)s") % {"company": estate.company.name},
             new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    return bytes(pdf.output())


def _table(pdf, col_widths):
    return form_table(pdf, col_widths, width=WIDTH, padding=(1.6, 2))


def _pairs(table, *pairs: tuple[str, str]) -> None:
    """label | value [| label | value]; a single pair spans the row."""
    row = table.row()
    for label, value in pairs:
        row.cell(label, style=LABEL, align=Align.C)
        row.cell(value, colspan=3 if len(pairs) == 1 else 1)

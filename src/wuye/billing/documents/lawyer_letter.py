"""《律师函》 — the Lawyer's Letter (FEE-11) of a lawyer's-letter ``Dunning``, as PDF.

The wording is a template (``billing/pdf/lawyer_letter.txt``: paragraphs separated by blank
lines, the bills table where ``[[BILLS]]`` stands) filled with the estate's law firm (收费设置:
firm, address, lawyer, phone — edited by finance), the owners, the room and the overdue bills
still owed on the day it is printed. Amounts are written as on the pages (``¥1,154.16``).
Font and helpers: :mod:`wuye.base.pdf`.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf.enums import Align, WrapMode

from wuye.base.pdf import FAMILY, INK, MUTED, CJKDocument, when
from wuye.billing.documents.dunning import MARGIN, _bills, _load, chinese_date
from wuye.billing.models import BillingSettings, Dunning, DunningKind, DunningStatus
from wuye.billing.selectors.fees import tz_of
from wuye.workflow.calendar import due_calendar_days

PAY_WITHIN_DAYS = 7  # the letter asks for payment within 7 calendar days of its date
BILLS_MARK = "[[BILLS]]"


def letter_number(dunning: Dunning) -> str:
    """LS20261215-000042: the day it was listed (estate time) and the case's id."""
    day = timezone.localtime(dunning.created_at, tz_of(dunning.estate)).date()
    return f"LS{day:%Y%m%d}-{dunning.pk:06d}"


def check_printable(dunning: Dunning, firm: BillingSettings) -> None:
    """A letter is printed only for an approved (or sent) case, with the law firm's details."""
    if dunning.kind != DunningKind.LAWYER_LETTER:
        raise ValidationError({"dunning": [_("这不是律师函")]})
    if dunning.status not in (DunningStatus.APPROVED, DunningStatus.SENT):
        raise ValidationError({"dunning": [_("律师函须先经审批同意，才能生成")]})
    if not firm.law_firm_complete:
        raise ValidationError({"law_firm": [
            _("请先在“收费设置”中填写律师事务所名称、地址、承办律师和电话")
        ]})  # fmt: skip


def lawyer_letter_pdf(dunning: Dunning) -> bytes:
    """The letter as one PDF. Raises ValidationError when it may not be printed yet and
    :class:`wuye.base.pdf.CJKFontMissing` without a CJK font."""
    dunning = Dunning.objects.select_related("estate__company", "room__building",
                                             "room__unit").get(pk=dunning.pk)  # fmt: skip
    estate, room = dunning.estate, dunning.room
    firm = BillingSettings.for_estate(estate)
    check_printable(dunning, firm)
    zone = tz_of(estate)
    now = timezone.now()
    today = timezone.localtime(now, zone).date()
    bills_by_pk, owners = _load([dunning])
    bills = [bills_by_pk[pk] for pk in dunning.bills if pk in bills_by_pk]
    owed = [b for b in bills if b.outstanding > 0]
    total = sum((b.outstanding for b in owed), 0)
    names = "、".join(owners.get(room.pk, []))
    text = render_to_string("billing/pdf/lawyer_letter.txt", {
        "salutation": (_("%(names)s业主") % {"names": names}) if names else _("业主"),
        "firm": firm, "company": estate.company.name, "estate": estate.name, "room": room.label,
        "since": chinese_date(dunning.oldest_due), "days": (today - dunning.oldest_due).days,
        "pay_by": chinese_date(due_calendar_days(now, PAY_WITHIN_DAYS, zone).date()),
    })  # fmt: skip
    number = letter_number(dunning)
    pdf = CJKDocument(orientation="P", format="A4", document=_("律师函"))
    pdf.set_margins(MARGIN, 14, MARGIN)
    pdf.set_auto_page_break(True, margin=16)
    pdf.set_title(_("律师函"))
    pdf.set_author(firm.law_firm)
    pdf.footer_pages = True
    pdf.header_text = ""
    pdf.add_page()
    pdf.header_text = _("律师函 %(number)s（续）") % {"number": number}
    pdf.footer_text = _("编号：%(number)s　　打印时间：%(time)s") % {
        "number": number, "time": when(now, zone)}  # fmt: skip
    width = pdf.content_width
    pdf.set_text_color(*INK)
    pdf.set_font(FAMILY, "B", 13)
    pdf.cell(width, 7, firm.law_firm, align=Align.C, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "B", 22)
    pdf.cell(width, 12, _("律师函"), align=Align.C, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, size=10)
    pdf.set_text_color(*MUTED)
    pdf.cell(width, 6, _("编号：%(number)s") % {"number": number}, align=Align.R,
             new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    pdf.set_text_color(*INK)
    pdf.ln(3)
    first = True
    for block in (part.strip() for part in text.split("\n\n")):
        if not block:
            continue
        if block == BILLS_MARK:
            _bills(pdf, owed, total, today)
            pdf.ln(3)
            continue
        pdf.set_font(FAMILY, "B" if first else "", 12 if first else 11)
        for line in block.splitlines():
            indent = "" if first or "：" in line[:8] else "　　"
            pdf.multi_cell(width, 6.5, indent + line.strip(), new_x="LMARGIN", new_y="NEXT",
                           wrapmode=WrapMode.CHAR)  # fmt: skip
        pdf.ln(1.5)
        first = False
    pdf.ln(6)
    pdf.set_font(FAMILY, size=11)
    for line in (firm.law_firm, _("律师：%(lawyer)s") % {"lawyer": firm.lawyer},
                 chinese_date(today)):  # fmt: skip
        pdf.cell(width, 7, line, align=Align.R, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())

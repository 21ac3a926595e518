"""《催缴通知书》 — the printable Payment Reminder Notice (FEE-10) of a reminder ``Dunning``,
as PDF: one notice (or a month's notices of an estate, one after another) to deliver to the owners.

Addressed to the room's owners, it lists the notice's overdue bills with what is still owed on
them on the day it is printed (a bill paid since is left out, so nobody is asked for money they
have paid: FEE-13), the total in capital numerals, the payment channels (FEE-12: WeChat Pay,
Alipay, bank transfer, the service centre's counter) and a courteous text (FEE-13).

Font and helpers: :mod:`wuye.base.pdf` (fpdf2 with a CJK font found on the machine).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf.enums import Align, WrapMode
from fpdf.fonts import FontFace

from wuye.base.pdf import FAMILY, INK, MUTED, SHADE, CJKDocument, form_table, rmb_upper, when
from wuye.billing.models import ZERO, Bill, BillStatus, Dunning
from wuye.billing.selectors.fees import tz_of
from wuye.core.choices import Relation
from wuye.core.models import Occupancy
from wuye.core.templatetags.wuye import money

MARGIN = 18
LABEL = FontFace(emphasis="", fill_color=SHADE)
STRONG = FontFace(emphasis="B")


def yuan(value: Decimal) -> str:
    """¥1,234.50: the pages' own format (the ``money`` filter), thousands separators kept."""
    return money(value)


def notice_number(dunning: Dunning) -> str:
    """CJ20261130-000042: the notice's day in estate time and its id."""
    day = timezone.localtime(dunning.created_at, tz_of(dunning.estate)).date()
    return f"CJ{day:%Y%m%d}-{dunning.pk:06d}"


def chinese_date(day: dt.date) -> str:
    """2027年1月5日."""
    return _("%(y)d年%(m)d月%(d)d日") % {"y": day.year, "m": day.month, "d": day.day}


def _period(bill: Bill) -> str:
    start, end = f"{bill.period_start:%Y-%m}", f"{bill.period_end:%Y-%m}"
    return start if start == end else f"{start}～{end}"


def _load(dunnings: list[Dunning]) -> tuple[dict[int, Bill], dict[int, list[str]]]:
    """The notices' bills and each room's current owners, in two queries."""
    bills = {
        b.pk: b
        for b in Bill.objects.filter(pk__in=[pk for d in dunnings for pk in d.bills])
        .exclude(status__in=(BillStatus.VOID, BillStatus.RETURNED))
        .select_related("item")
    }
    owners: dict[int, list[str]] = {}
    occupancies = Occupancy.objects.filter(
        Occupancy.current_q(), room_id__in={d.room_id for d in dunnings}, relation=Relation.OWNER
    ).select_related("resident").order_by("start_date", "pk")  # fmt: skip
    for occupancy in occupancies:
        owners.setdefault(occupancy.room_id, []).append(occupancy.resident.name)
    return bills, owners


def reminder_notices_pdf(dunnings: list[Dunning], *, skip_settled: bool = False) -> bytes | None:
    """The notices as one PDF (each starts on a new page). ``skip_settled``: leave out a notice
    whose bills are all paid (the batch print); None when nothing is left to print.
    Raises :class:`wuye.base.pdf.CJKFontMissing` without a CJK font."""
    pdf = CJKDocument(orientation="P", format="A4", document=_("催缴通知书"))
    if not dunnings:
        return None
    dunnings = list(
        Dunning.objects.filter(pk__in=[d.pk for d in dunnings])
        .select_related("estate__company", "room__building", "room__unit")
    )  # fmt: skip
    order = {pk: i for i, pk in enumerate(d.pk for d in dunnings)}
    dunnings.sort(key=lambda d: order[d.pk])
    bills, owners = _load(dunnings)
    estate = dunnings[0].estate
    zone = tz_of(estate)
    pdf.set_margins(MARGIN, 14, MARGIN)
    pdf.set_auto_page_break(True, margin=16)
    pdf.set_title(_("催缴通知书"))
    pdf.set_author(estate.company.name)
    pdf.footer_pages = len(dunnings) == 1
    printed_at = timezone.now()
    count = 0
    for dunning in dunnings:
        rows = [bills[pk] for pk in dunning.bills if pk in bills]
        owed = [b for b in rows if b.outstanding > 0]
        if skip_settled and not owed:
            continue
        count += 1
        # header() runs inside add_page(): a notice's first page has none, its continuation
        # pages (a long list of bills) name it. The footer runs when the page ends.
        pdf.header_text = ""
        pdf.add_page()
        number = notice_number(dunning)
        pdf.header_text = _("催缴通知书 %(number)s（续）") % {"number": number}
        pdf.footer_text = _("编号：%(number)s　　打印时间：%(time)s") % {
            "number": number, "time": when(printed_at, zone),
        }  # fmt: skip
        _notice(pdf, dunning, owed, owners.get(dunning.room_id, []), printed_at)
    if not count:
        return None
    return bytes(pdf.output())


def _notice(pdf: CJKDocument, dunning: Dunning, bills: list[Bill], owners: list[str],
            printed_at: dt.datetime) -> None:  # fmt: skip
    estate, room = dunning.estate, dunning.room
    zone = tz_of(estate)
    width = pdf.content_width
    today = timezone.localtime(printed_at, zone).date()
    notice_day = timezone.localtime(dunning.created_at, zone).date()
    total = sum((b.outstanding for b in bills), ZERO)
    pdf.set_text_color(*INK)
    pdf.set_font(FAMILY, "B", 13)
    pdf.cell(width, 7, estate.company.name, align=Align.C, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    pdf.set_font(FAMILY, "B", 22)
    pdf.cell(width, 12, _("催缴通知书"), align=Align.C, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    pdf.set_font(FAMILY, size=10)
    pdf.set_text_color(*MUTED)
    pdf.cell(width / 2, 6, _("项目：%(estate)s") % {"estate": estate.name}, align=Align.L)
    pdf.cell(width / 2, 6, _("编号：%(number)s") % {"number": notice_number(dunning)},
             align=Align.R, new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    pdf.set_text_color(*INK)
    pdf.ln(4)

    names = "、".join(owners)
    pdf.set_font(FAMILY, "B", 12)
    salutation = (_("尊敬的%(names)s业主：") % {"names": names}) if names else _("尊敬的业主：")
    pdf.cell(width, 8, salutation, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, size=11)
    _paragraph(pdf, _(
        "您好！感谢您一直以来对我们物业服务工作的理解与支持。经核对，截至 %(day)s，"
        "您名下的 %(estate)s %(room)s 尚有以下费用已过缴费截止日、仍未缴纳："
    ) % {"day": chinese_date(today), "estate": estate.name, "room": room.label})  # fmt: skip
    pdf.ln(2)
    _bills(pdf, bills, total, today)
    pdf.ln(3)
    pdf.set_font(FAMILY, size=11)
    _paragraph(pdf, _(
        "为不影响您的正常生活和小区的物业服务，烦请您在收到本通知后尽快缴纳。"
        "您可以选择以下任一方式缴费："
    ))  # fmt: skip
    counter = _("到物业服务中心前台缴纳（现金或POS刷卡）")
    if estate.phone:
        counter += _("，服务电话 %(phone)s") % {"phone": estate.phone}
    channels = [
        _("微信支付：在业主APP“我的账单”中选择微信支付，或到物业服务中心扫码缴纳；"),
        _("支付宝：在业主APP“我的账单”中选择支付宝缴纳；"),
        _("银行转账：转账时请在附言中注明房号“%(room)s”，收款账户请向物业服务中心索取；")
        % {"room": room.label},
        _("柜台缴费：%(counter)s。") % {"counter": counter},
    ]
    pdf.set_x(MARGIN + 4)
    for index, text in enumerate(channels, start=1):
        pdf.set_x(MARGIN + 4)
        pdf.multi_cell(width - 4, 6.5, f"{index}. {text}", new_x="LMARGIN", new_y="NEXT",
                       wrapmode=WrapMode.CHAR)  # fmt: skip
    pdf.ln(1)
    contact = (
        _("欢迎致电 %(phone)s 或到物业服务中心咨询") % {"phone": estate.phone}
        if estate.phone
        else _("欢迎到物业服务中心咨询")
    )
    _paragraph(pdf, _(
        "如您已经缴纳，请忽略本通知，并再次感谢您的支持；如对账单有任何疑问，%(contact)s，"
        "我们将耐心为您核对说明。"
    ) % {"contact": contact})  # fmt: skip
    _paragraph(pdf, _("顺祝生活愉快，阖家安康！"))
    pdf.ln(8)
    for line in (
        _("%(estate)s 物业服务中心") % {"estate": estate.name},
        estate.company.name,
        chinese_date(notice_day),
    ):
        pdf.cell(width, 7, line, align=Align.R, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(10)
    pdf.set_font(FAMILY, size=10)
    pdf.set_text_color(*MUTED)
    pdf.cell(width, 7, _("业主签收：＿＿＿＿＿＿＿＿　　签收日期：　　　年　　月　　日"),
             new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    pdf.set_text_color(*INK)


def _paragraph(pdf: CJKDocument, text: str) -> None:
    pdf.multi_cell(pdf.content_width, 6.5, "　　" + text, new_x="LMARGIN", new_y="NEXT",
                   wrapmode=WrapMode.CHAR)  # fmt: skip


def _bills(pdf: CJKDocument, bills: list[Bill], total: Decimal, today: dt.date) -> None:
    widths = (12, 46, 30, 30, 20, 36)
    if pdf.will_page_break(24):
        pdf.add_page()
    pdf.set_font(FAMILY, size=10)
    with form_table(pdf, widths, width=pdf.content_width) as table:
        header = table.row()
        for text in (_("序号"), _("收费项目"), _("账期"), _("缴费截止日"), _("逾期天数"),
                     _("欠缴金额")):  # fmt: skip
            header.cell(text, style=LABEL, align=Align.C)
        if not bills:
            table.row().cell(_("经核对，以上费用已全部缴清，感谢您的支持！"), colspan=6,
                             align=Align.C)  # fmt: skip
        for index, bill in enumerate(bills, start=1):
            row = table.row()
            row.cell(str(index), align=Align.C)
            row.cell(bill.item.name)
            row.cell(_period(bill), align=Align.C)
            row.cell(f"{bill.due_date:%Y-%m-%d}", align=Align.C)
            row.cell(str((today - bill.due_date).days), align=Align.C)
            row.cell(yuan(bill.outstanding), align=Align.R)
        row = table.row()
        row.cell(_("合计"), style=LABEL, align=Align.C)
        row.cell(_("人民币（大写）%(words)s") % {"words": rmb_upper(total)}, colspan=4)
        row.cell(yuan(total), style=STRONG, align=Align.R)

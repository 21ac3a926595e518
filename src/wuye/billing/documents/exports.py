"""The fees spreadsheets the pages and the API both offer (.xlsx that opens in Excel)."""

from __future__ import annotations

import datetime as dt

from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from wuye.base.pages import excel_time
from wuye.base.xlsx import dated_filename, xlsx_response
from wuye.billing import services
from wuye.billing.models import (
    ZERO,
    Bill,
    Invoice,
    SharedCostDisclosure,
)
from wuye.billing.selectors.collections import (
    BUCKET_LABELS,
    BUCKETS,
    EXPORT_LIMIT,
    decorate_debtors,
)
from wuye.billing.selectors.fees import (
    CHANNELS,
    OPEN,
    exact_sum,
    fee_room_owners,
    receipt_number,
    tz_of,
)
from wuye.billing.selectors.meters import share_rows
from wuye.core.models import Estate, Room
from wuye.core.scoping import Actor
from wuye.core.validators import mask_mobile


def arrears_xlsx(estate: Estate, rooms: QuerySet[Room], actor: Actor, today: dt.date):
    """The debtors of ``debtor_rooms`` as .xlsx (the page's export and the API's): the full phone
    number only for those who may see it."""
    tz = tz_of(estate)
    rooms = decorate_debtors(list(rooms[:EXPORT_LIMIT]), today)
    by_bucket = services.arrears_aging(estate=estate)["rooms"]
    full_phone = actor.can_see_pii()
    rows = []
    for room in rooms:
        amounts = by_bucket.get(room.pk, {})
        contact = room.last_contact
        rows.append([
            room.label, room.owner_names,
            room.owner_mobile if full_phone else mask_mobile(room.owner_mobile),
            room.owed, *(amounts.get(key, ZERO) for key in BUCKET_LABELS),
            room.oldest, room.days, str(room.bucket_label),
            excel_time(contact.at, tz) if contact else None,
            contact.get_method_display() if contact else "",
            contact.result if contact else "",
            contact.promised_on if contact else None,
            room.state.text,
        ])  # fmt: skip
    headers = [_("房屋"), _("业主"), _("联系电话"), _("欠费合计（元）"),
               *(_("%(bucket)s（元）") % {"bucket": label} for _k, label, _l, _h in BUCKETS),
               _("最早逾期账单截止日"), _("逾期天数"), _("账龄"), _("最近催收时间"),
               _("催收方式"), _("催收结果"), _("承诺缴费日期"), _("催缴状态")]  # fmt: skip
    return xlsx_response(
        filename=dated_filename(estate.name, _("欠费账龄")),
        title=_("欠费账龄"),
        headers=headers,
        rows=rows,
        text_columns=(0, 2),
        widths=(18, 14, 14, 14, 12, 12, 12, 12, 14, 10, 10, 17, 10, 30, 14, 18),
    )


def closings_xlsx(estate: Estate, rows) -> HttpResponse:
    """日结记录 as .xlsx (the page's export and the API's): ``rows`` from ``closing_rows``."""
    headers = [_("日期"), _("收银员"), _("笔数"), *[c.label for c in CHANNELS], _("合计"),
               _("应交现金"), _("实点现金"), _("长短款"), _("说明"), _("日结时间")]  # fmt: skip
    zone = tz_of(estate)
    data = [
        [r.day, r.cashier.get_full_name() or r.cashier.username, r.count,
         *r.channel_amounts, r.amount, r.cash_expected, r.cash_counted, r.difference,
         r.note, timezone.localtime(r.closed_at, zone).replace(tzinfo=None)]
        for r in rows
    ]  # fmt: skip
    return xlsx_response(
        filename=dated_filename(estate.name, _("收银日结")), title=_("收银日结"),
        headers=headers, rows=data, widths=[12, 14, 8, *[12] * len(CHANNELS), 12, 12, 12,
                                            10, 24, 18],
    )  # fmt: skip


def rooms_xlsx(estate: Estate, rooms):
    """Exactly the filtered list as .xlsx (UX.md): room, owners, area, arrears, credit and how
    many bills are still open."""
    from wuye.base.xlsx import dated_filename, xlsx_response

    open_bills = (
        Bill.objects.filter(room=OuterRef("pk"), status__in=OPEN)
        .order_by()
        .values("room")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rooms = rooms.annotate(
        open_bills=Coalesce(Subquery(open_bills, output_field=IntegerField()), Value(0))
    ).prefetch_related(fee_room_owners())
    separator = pgettext("list separator in a cell", "；")
    headers = [_("房屋"), _("业主"), _("建筑面积(m²)"), _("欠费（元）"), _("待缴（元）"),
               _("预存（元）"), _("未缴账单（张）")]  # fmt: skip
    rows = []
    for room in rooms.iterator(chunk_size=2000):
        balance = exact_sum(room.balance)
        rows.append([
            room.label,
            separator.join(o.resident.name for o in room.owners),
            room.area,
            exact_sum(room.overdue),
            exact_sum(room.upcoming),
            -balance if balance < 0 else ZERO,
            room.open_bills,
        ])  # fmt: skip
    return xlsx_response(
        filename=dated_filename(estate.name, _("收费台账")),
        title=_("收费台账"),
        headers=headers,
        rows=rows,
        text_columns=(0,),
        widths=(18, 24, 14, 14, 14, 14, 14),
    )


def invoices_xlsx(estate: Estate, invoices_: QuerySet[Invoice]) -> HttpResponse:
    """The invoices as a spreadsheet (the page's and the API's export)."""
    tz = tz_of(estate)
    rows = [
        [
            excel_time(i.requested_at, tz), i.payment.room.label, receipt_number(i.payment),
            i.amount, i.title, i.tax_id, i.email, i.get_status_display(), i.number,
            excel_time(i.issued_at, tz),
        ]
        for i in invoices_
    ]  # fmt: skip
    headers = [
        _("申请时间"), _("房屋"), _("收据号"), _("金额（元）"), _("发票抬头"),
        _("纳税人识别号"), _("接收邮箱"), _("状态"), _("发票号码"), _("开票时间"),
    ]  # fmt: skip
    return xlsx_response(
        filename=dated_filename(estate.name, _("发票")),
        title=_("发票"),
        headers=headers,
        rows=rows,
        text_columns=(2, 5, 8),
        widths=(18, 20, 20, 12, 30, 22, 26, 10, 22, 18),
    )


def shares_xlsx(disclosure: SharedCostDisclosure):
    """The shares as a spreadsheet (the page's and the API's download)."""
    rows = [(room.label, room.area, amount) for room, amount in share_rows(disclosure)]
    return xlsx_response(
        filename=dated_filename(disclosure.estate.name, f"公摊分摊{disclosure.month:%Y-%m}"),
        title=f"公摊分摊{disclosure.month:%Y-%m}",
        headers=[_("房屋"), _("建筑面积（㎡）"), _("分摊金额（元）")],
        rows=rows,
        widths=(22, 14, 14),
    )

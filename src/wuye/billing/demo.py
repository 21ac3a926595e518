"""Demo fees: each estate's charge items and rates, the last three months billed, most of the
earlier months paid, the demo owner with this month's bills to pay online."""

from __future__ import annotations

import calendar
import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from . import services
from .models import Bill, BillStatus, ChargeBasis, ChargeItem, ChargeKind

ITEMS = [
    ("物业服务费", ChargeKind.PROPERTY_FEE, ChargeBasis.PER_M2_MONTH, "2.80"),
    ("电梯费", ChargeKind.ELEVATOR, ChargeBasis.PER_ROOM_MONTH, "25.00"),
    ("车位管理费", ChargeKind.PARKING, ChargeBasis.PER_SPACE_MONTH, "150.00"),
]


def _month(day: dt.date, back: int) -> tuple[dt.date, dt.date]:
    year, month = day.year, day.month - back
    while month < 1:
        year, month = year - 1, month + 12
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def load_fees_demo(estates) -> int:
    """Returns the number of bills made."""
    finance = get_user_model().objects.get(username="finance")
    today = timezone.localdate()
    for estate in estates:
        for name, kind, basis, price in ITEMS:
            item = ChargeItem.objects.create(estate=estate, name=name, kind=kind, basis=basis)
            services.rate_set(item=item, amount=price, effective_from=dt.date(today.year - 1, 1, 1),
                              by=finance)  # fmt: skip
        for back in (2, 1, 0):
            start, end = _month(today, back)
            services.billing_run(estate=estate, period_start=start, period_end=end,
                                 due_date=end, by=finance)  # fmt: skip
    # The two earlier months are mostly paid, by every channel; a few rooms are in arrears.
    channels = ["wechat", "alipay", "bank", "cash", "pos"]
    earlier = _month(today, 1)[0]
    rooms = (
        Bill.objects.filter(period_start__lt=earlier, status=BillStatus.UNPAID)
        .values_list("room_id", flat=True).distinct().order_by("room_id")
    )  # fmt: skip
    from wuye.core.models import Room

    owner = get_user_model().objects.get(username="owner")
    owner_room = owner.resident.occupancies.first().room_id
    for n, room_id in enumerate(list(rooms)[:240]):
        if n % 12 == 11:
            continue  # in arrears
        room = Room.objects.select_related("estate").get(pk=room_id)
        due = sum((b.amount for b in Bill.objects.filter(room=room, period_start__lt=earlier)),
                  services.ZERO)  # fmt: skip
        services.payment_record(room=room, amount=due, channel=channels[n % 5], by=finance)
    if owner_room:
        room = Room.objects.select_related("estate").get(pk=owner_room)
        due = sum((b.amount - b.paid_amount for b in Bill.objects.filter(
            room=room, period_start__lt=_month(today, 0)[0])), services.ZERO)  # fmt: skip
        if due > 0:
            services.payment_record(room=room, amount=due, channel="wechat", by=finance)
    return Bill.objects.count()

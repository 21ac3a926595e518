"""Demo fees: each estate's charge items and rates, the last three months billed, most of the
earlier months paid, the demo owner with this month's bills to pay online; each estate's common
meters read for the last three months and last month's shared costs published (FEE-08)."""

from __future__ import annotations

import calendar
import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from wuye.billing import services
from wuye.billing.models import ZERO
from wuye.billing.selectors import meters as meter_reads
from wuye.billing.services import parking

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
        # Raised at the counter (临时收费): the decoration deposit and a one-off item.
        for name, kind, price in (("装修押金", ChargeKind.DEPOSIT, "2000.00"),
                                  ("门禁卡工本费", ChargeKind.ONE_OFF, "20.00")):  # fmt: skip
            item = ChargeItem.objects.create(estate=estate, name=name, kind=kind,
                                             basis=ChargeBasis.FIXED)  # fmt: skip
            services.rate_set(item=item, amount=price, effective_from=dt.date(today.year - 1, 1, 1),
                              by=finance)  # fmt: skip
        parking.parking_rule_set(
            estate=estate,
            free_minutes=15,
            per_hour="2.00",
            daily_cap="20.00",
            effective_from=dt.date(today.year - 1, 1, 1),
            by=finance,
        )
        for back in (2, 1, 0):
            start, end = _month(today, back)
            # The demo bills past months at once: their due dates are near or gone (FEE-05).
            services.billing_run(estate=estate, period_start=start, period_end=end,
                                 due_date=end, by=finance,
                                 short_notice_reason="演示数据：补出历史账期")  # fmt: skip
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
                  ZERO)  # fmt: skip
        services.payment_record(room=room, amount=due, channel=channels[n % 5], by=finance)
    if owner_room:
        room = Room.objects.select_related("estate").get(pk=owner_room)
        due = sum((b.amount - b.paid_amount for b in Bill.objects.filter(
            room=room, period_start__lt=_month(today, 0)[0])), ZERO)  # fmt: skip
        if due > 0:
            services.payment_record(room=room, amount=due, channel="wechat", by=finance)
    for estate in estates:
        load_meters_demo(estate)
    return Bill.objects.count()


def load_meters_demo(estate) -> None:
    """Common meters (one per building, three for the whole estate), read for the last three
    months (the first is the baseline; one jump confirmed with a note), and last month's
    disclosure published by an executive with an extra shared cost."""
    import random

    from wuye.billing.services import meters

    users = get_user_model().objects
    finance, reader, manager = (users.get(username=u) for u in ("finance", "eng_head", "exec"))
    rng = random.Random(f"meters-{estate.code}")
    specs = [
        (f"E-{b.name.rstrip('栋')}", f"{b.name}公共照明及电梯用电", "electricity", "1", "0.62", b,
         (700, 1100))
        for b in estate.buildings.order_by("sort", "name")
    ]  # fmt: skip
    specs += [
        ("E-GAR", "地下车库照明", "electricity", "20", "0.62", None, (1200, 1800)),
        ("E-PUMP", "二次供水泵房", "electricity", "1", "0.62", None, (1800, 2600)),
        ("W-GRN", "景观绿化用水", "water", "1", "3.70", None, (60, 140)),
    ]
    this_month = meters.current_month(estate)
    months = [meter_reads.month_shift(this_month, n) for n in (-2, -1, 0)]
    for code, name, kind, multiplier, price, building, (low, high) in specs:
        meter = meters.meter_save(estate=estate, by=finance, code=code, name=name, kind=kind,
                                  multiplier=multiplier, unit_price=price,
                                  building=building)  # fmt: skip
        value = rng.randrange(10000, 90000)
        for n, month in enumerate(months):
            jump = code == "W-GRN" and n == 2  # a dry month: the gardeners watered a lot
            usage = rng.randrange(low, high) * (3 if jump else 1)
            value += 0 if n == 0 else round(usage / float(multiplier))
            meters.meter_reading_record(
                meter=meter, period=month, reading=value, by=reader, confirm=jump,
                note="天气干旱，绿化补水，已核实" if jump else "",
            )  # fmt: skip
    disclosure = meters.disclosure_prepare(estate=estate, month=months[1], by=finance)
    meters.disclosure_line_add(disclosure=disclosure, by=finance, kind="other",
                               name="公共设施维修材料", amount="860.00")  # fmt: skip
    meters.disclosure_publish(disclosure=disclosure, by=manager,
                              due_date=meter_reads.month_end(this_month))  # fmt: skip

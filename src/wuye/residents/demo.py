"""Demo move-in: the first batch of 阳光花园 9栋 (its takeover confirmed by the handover demo),
starting 8 days from now so the notices go out on time (MOVEIN-03); every owner notified, and one
owner taken through the desk today up to the house inspection, the fees raised and paid through
billing and one house defect left open on its 7-working-day clock (MOVEIN-07). All through the
services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.utils import timezone

from wuye.billing.services import payment_record

from . import services

BUILDING = "9栋"


def load_move_in_demo(estates) -> int:
    """The 9栋 batch and its notices; one owner at the house inspection. Returns the number of
    owners notified."""
    users = {u.username: u for u in get_user_model().objects.filter(
        username__in=("agent", "tech", "finance"))}  # fmt: skip
    agent, tech, finance = users["agent"], users["tech"], users["finance"]
    estate = estates[0]
    building = estate.buildings.get(name=BUILDING)
    tz = ZoneInfo(estate.time_zone or "Asia/Shanghai")
    first_day = timezone.localtime(timezone.now(), tz).date() + dt.timedelta(days=8)
    batch = services.batch_create(
        building=building, title=f"{BUILDING}第一批入住",
        starts_at=dt.datetime.combine(first_day, dt.time(9, 0), tzinfo=tz),
        ends_at=dt.datetime.combine(first_day + dt.timedelta(days=2), dt.time(17, 0), tzinfo=tz),
        place="会所一楼入住大厅", documents="身份证原件及复印件、购房合同、收楼通知书",
        fees="半年物业服务费、装修押金 2,000 元", by=agent,
    )  # fmt: skip
    result = services.batch_notify(batch=batch, by=agent)
    # An owner who came early: the desk steps up to the house inspection, today.
    move_in = batch.move_ins.select_related("room", "resident").order_by("room__number").first()

    def act(action, user, **kwargs):
        return services.move_in_act(move_in=move_in, action=action, by=user, **kwargs)

    act("arrive", agent)
    act("check_documents", agent, data={
        "id_number": move_in.resident.id_number, "contract_no": "YG2-9-101-2026",
        "household": "李红（配偶）、王小明（儿子）", "emergency_contact": "李红 13905711001",
    })  # fmt: skip
    move_in = services.move_in_fees_raise(move_in=move_in, by=agent)
    due = sum((b.amount - b.paid_amount for b in services.move_in_bills(move_in)), Decimal("0"))
    payment_record(room=move_in.room, amount=due, channel="wechat", by=finance,
                   bills=move_in.bills, exact=True)  # fmt: skip
    # MOVEIN-05: finance issues the invoice of the move-in fees at the desk.
    services.move_in_invoice_issue(move_in=move_in, numbers=["04403260001"], by=finance)
    act("pay_fees", agent)
    defect = {"location": "主卧", "description": "飘窗下墙面空鼓约20厘米"}
    act("inspect", tech, note="水电通水通电正常，门窗开关灵活", data={"defects": [defect]})
    return result.notified

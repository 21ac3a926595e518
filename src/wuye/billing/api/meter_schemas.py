"""What the endpoints take (``*In``) and answer (``*Out``)."""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema
from pydantic import StringConstraints

from wuye.base.api import (
    Day,
    Id,
    Note,
    Text,
)
from wuye.billing.selectors import meters as meter_reads

Month = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}$")]


class MeterOut(Schema):
    id: int
    estate: int = Field(..., alias="estate_id")
    code: str = Field(..., examples=["E-1-01"])
    name: str = Field(..., examples=["1栋公共照明电表"])
    kind: str = Field(..., examples=["electricity"], description="water / electricity")
    building: int | None = Field(None, alias="building_id")
    room: int | None = Field(None, alias="room_id", description="户表的房屋；公共表为空")
    scope: str = Field(..., examples=["1栋"], description="分摊范围：房屋、楼栋或全项目")
    multiplier: Decimal
    unit_price: Decimal
    is_active: bool

    @staticmethod
    def resolve_scope(obj) -> str:
        return str(meter_reads.meter_scope_label(obj))


class ReadingOut(Schema):
    id: int
    meter: int = Field(..., alias="meter_id")
    period: dt.date = Field(..., description="月份（当月1日）")
    reading: Decimal
    previous: Decimal | None
    usage: Decimal
    implausible: bool = Field(..., description="异常读数（已确认）")
    note: str
    source: str
    read_at: dt.datetime
    by: int | None = Field(None, alias="by_id")
    confirmed_by: int | None = Field(None, alias="confirmed_by_id")


class MeterDetailOut(MeterOut):
    readings: list[ReadingOut] = Field(..., description="最近12期读数，最新在前")

    @staticmethod
    def resolve_readings(obj) -> list:
        return list(obj.readings.order_by("-period")[:12])


class MeterIn(Schema):
    code: Text = Field(..., max_length=30, examples=["E-1-01"])
    name: Text = Field(..., max_length=60, examples=["1栋公共照明电表"])
    kind: Text = Field(
        ..., max_length=12, examples=["electricity"], description="water / electricity"
    )
    building: Id | None = Field(
        None, examples=[1], description="楼栋表：由该楼栋的房屋分摊；不填为全项目"
    )
    room: Id | None = Field(None, examples=[None], description="户表的房屋；公共表不填")
    multiplier: Decimal = Field(Decimal("1"), gt=0, max_digits=10, decimal_places=2, examples=["1"])
    unit_price: Decimal = Field(
        ...,
        ge=0,
        max_digits=12,
        decimal_places=4,
        examples=["0.85"],
        description="单价（元/吨或元/度）",
    )
    is_active: bool = Field(True, examples=[True])


class MeterPatch(Schema):
    """The fields to change; the others keep their values. ``building`` / ``room`` null clears
    them."""

    code: Text | None = Field(None, max_length=30, examples=["E-1-01"])
    name: Text | None = Field(None, max_length=60, examples=["1栋公共照明电表"])
    kind: Text | None = Field(None, max_length=12, examples=["water"])
    building: Id | None = Field(None, examples=[1])
    room: Id | None = Field(None, examples=[None])
    multiplier: Decimal | None = Field(None, gt=0, max_digits=10, decimal_places=2, examples=["1"])
    unit_price: Decimal | None = Field(
        None, ge=0, max_digits=12, decimal_places=4, examples=["0.90"]
    )
    is_active: bool | None = Field(None, examples=[False])


class ReadingRowOut(Schema):
    month: dt.date
    meter: MeterOut
    current: ReadingOut | None = Field(None, description="本月已录入的读数")
    before: ReadingOut | None = Field(None, description="上一期读数")
    needs_start: bool = Field(..., description="新表：首次抄表须填写起始读数（start）")


class ReadingIn(Schema):
    month: Month = Field(..., examples=["2026-11"], description="抄表月份 YYYY-MM")
    reading: Decimal = Field(..., ge=0, max_digits=14, decimal_places=2, examples=["1234.50"])
    start: Decimal | None = Field(
        None,
        ge=0,
        max_digits=14,
        decimal_places=2,
        examples=[None],
        description="新表首次抄表时的起始读数",
    )
    confirm: bool = Field(
        False, examples=[False], description="确认异常读数（低于上期或用量突增）；须同时填写 note"
    )
    note: Text = Field("", max_length=200, examples=["换表，已核实"])


class ReadingImportOut(Schema):
    recorded: int = Field(..., examples=[42])
    confirmed: int = Field(..., description="其中确认的异常读数")
    skipped: int = Field(..., description="空白跳过")


class DisclosureLineOut(Schema):
    id: int
    kind: str = Field(
        ..., examples=["elevator"], description="water / electricity / elevator / other"
    )
    name: str = Field(..., examples=["电梯费"])
    meter: int | None = Field(None, alias="meter_id", description="来自抄表的行；否则为手工添加")
    building: int | None = Field(None, alias="building_id", description="分摊范围；空为全项目")
    usage: Decimal | None
    unit_price: Decimal | None
    amount: Decimal


class DisclosureOut(Schema):
    id: int
    estate: int = Field(..., alias="estate_id")
    month: dt.date = Field(..., description="月份（当月1日）")
    method: str = Field(..., examples=["area"], description="area（按建筑面积）/ household（按户）")
    status: str = Field(..., examples=["draft"], description="draft / published")
    total: Decimal
    rooms_count: int
    area_total: Decimal
    note: str
    created_at: dt.datetime
    published_at: dt.datetime | None
    published_by: int | None = Field(None, alias="published_by_id")


class DisclosureDetailOut(DisclosureOut):
    lines: list[DisclosureLineOut] = Field(..., alias="line_list")
    missing_readings: list[str] = Field(..., description="本月还没有抄表的公共表（表号）")
    stale: bool = Field(..., description="读数已更正：公示前须重新计算")
    unshared_lines: list[int] = Field(..., description="没有可分摊房屋的费用行")
    shares_count: int
    shares_total: Decimal
    suggested_due_date: dt.date = Field(..., description="建议的缴费截止日（下月最后一天）")


class DisclosurePrepareIn(Schema):
    month: Month = Field(..., examples=["2026-11"], description="月份 YYYY-MM（不能是将来的月份）")
    method: Text = Field(
        "area",
        max_length=10,
        examples=["area"],
        description="area（按建筑面积分摊）/ household（按户均摊）",
    )


class DisclosureDraftIn(Schema):
    method: Text = Field(
        ...,
        max_length=10,
        examples=["household"],
        description="area（按建筑面积分摊）/ household（按户均摊）",
    )
    note: Note = Field("", examples=["电梯年检费用按户均摊"], description="说明（公示时一并发布）")


class DisclosureLineIn(Schema):
    kind: Text = Field(
        "elevator",
        max_length=12,
        examples=["elevator"],
        description="water / electricity / elevator / other",
    )
    name: Text = Field(..., max_length=60, examples=["电梯费"])
    amount: Decimal = Field(..., gt=0, max_digits=12, decimal_places=2, examples=["1200.00"])
    building: Id | None = Field(None, examples=[None], description="分摊范围的楼栋；不填为全项目")


class DisclosurePublishIn(Schema):
    due_date: Day = Field(..., examples=["2026-12-31"], description="缴费截止日")
    notify_residents: bool = Field(False, examples=[True], description="同时给住户发站内消息")


class DisclosureShareOut(Schema):
    room: int
    room_label: str = Field(..., examples=["1栋2单元301室"])
    area: Decimal | None
    amount: Decimal


class MyDisclosureShareOut(Schema):
    bill: int
    room: int
    room_label: str
    amount: Decimal
    status: str
    due_date: dt.date


class MyDisclosureOut(Schema):
    id: int
    estate: int
    estate_name: str
    month: dt.date
    method: str
    total: Decimal
    rooms_count: int
    area_total: Decimal
    note: str
    published_at: dt.datetime | None
    mine: list[MyDisclosureShareOut] = Field(..., description="本户（各房屋）的分摊账单")
    my_total: Decimal


class MyDisclosureDetailOut(MyDisclosureOut):
    lines: list[DisclosureLineOut] = Field(..., description="公摊费用明细")


class MeteredRowOut(Schema):
    room: int
    room_label: str
    kind: str = Field(..., examples=["water"])
    usage: Decimal
    amount: Decimal


class MeteredPlanOut(Schema):
    month: dt.date
    rows: list[MeteredRowOut]
    total: Decimal
    already: int = Field(..., description="本月已出账单的房屋×项目数")
    missing: list[str] = Field(..., description="本月还没有抄表的分户表（表号）：出账会被拒绝")


class MeteredIn(Schema):
    month: Month = Field(..., examples=["2026-11"], description="账单月份 YYYY-MM")
    due_date: Day = Field(..., examples=["2026-12-31"], description="缴费截止日")


class MeteredOut(Schema):
    bills_created: int = Field(..., examples=[120])

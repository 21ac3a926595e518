"""What the endpoints take (``*In``) and answer (``*Out``)."""

import datetime as dt
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.utils import timezone
from ninja import Field, Schema

from wuye.base.api import (
    Id,
    Note,
    Text,
    When,
)
from wuye.core.choices import DepartmentKind
from wuye.core.validators import mask_id_number, mask_mobile

from .. import selectors
from ..choices import BatchStatus
from ..processes import HOUSE_DEFECT, MOVE_IN, MOVE_IN_NEED


class MoveInClockOut(Schema):
    """One clock of a case, as the pages colour it."""

    key: str = Field(..., examples=["rectify"])
    rule: str = Field(..., examples=["MOVEIN-07"])
    name: str = Field(..., examples=["整改期限"])
    state: str = Field(..., examples=["running"])
    started_at: dt.datetime
    due_at: dt.datetime
    stopped_at: dt.datetime | None
    view_state: str = Field(..., description="ok / warn / breach / paused", examples=["warn"])
    countdown: str = Field(..., examples=["还剩 2 天 3 小时"])


def _clocks(clocks) -> list:
    return selectors.clock_view(clocks, timezone.now())


class MoveInCaseRef(Schema):
    case: int = Field(..., examples=[41])
    number: str = Field(..., examples=["XQ-20260930-0001"])
    status: str = Field(..., examples=["open"])
    status_label: str = Field(..., examples=["待处理"])


class MoveInBatchIn(Schema):
    """A batch of one building (入住批次): when, where, what to bring and what to pay. A time
    without an offset is the estate's local time."""

    building: Id = Field(..., examples=[3])
    title: Text = Field(..., max_length=60, examples=["1栋第一批入住"])
    starts_at: When = Field(..., examples=["2026-09-30T09:00:00+08:00"])
    ends_at: When = Field(..., examples=["2026-09-30T17:00:00+08:00"])
    place: Text = Field(..., max_length=100, examples=["会所一楼入住大厅"])
    documents: Text = Field(
        ..., max_length=2000, examples=["身份证原件及复印件、购房合同、委托书（代办时）"]
    )
    fees: Text = Field(..., max_length=2000, examples=["半年物业服务费、装修押金"])


class MoveInBatchOut(Schema):
    id: int
    estate: int = Field(..., alias="estate_id")
    building: int = Field(..., alias="building_id")
    building_name: str = Field(..., alias="building.name", examples=["1栋"])
    title: str = Field(..., examples=["1栋第一批入住"])
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str
    documents: str
    fees: str
    status: str = Field(..., examples=["notified"])
    status_label: str = Field(..., examples=["已通知"])
    notified_at: dt.datetime | None
    created_at: dt.datetime
    notified: int = Field(..., description="已通知的业主")
    arrived: int = Field(..., description="已到场的业主")
    completed: int = Field(..., description="已完成入住的业主")
    revisited: int = Field(..., description="已回访的业主")

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(BatchStatus(obj.status).label)


class MoveInOwnerOut(Schema):
    """An owner of the batch's building: told or not, and their move-in."""

    room: int = Field(..., alias="room_id")
    room_label: str = Field(..., alias="room.label", examples=["1栋2单元301室"])
    resident: int = Field(..., alias="resident_id")
    name: str = Field(..., alias="resident.name", examples=["王业主"])
    mobile: str = Field(..., examples=["138****1234"])
    notified_at: dt.datetime | None
    channels: list[str] = Field(..., examples=[["letter", "inbox", "sms"]])
    channel_labels: str = Field(..., examples=["书面、站内消息、短信"])
    move_in: int | None
    status: str = Field(..., examples=["notified"])
    status_label: str = Field(..., examples=["已通知"])

    @staticmethod
    def resolve_mobile(obj) -> str:
        return mask_mobile(obj.resident.mobile)

    @staticmethod
    def resolve_notified_at(obj):
        return obj.notice.sent_at if obj.notice else None

    @staticmethod
    def resolve_channels(obj) -> list[str]:
        return [c for c in obj.notice.channels.split(",") if c] if obj.notice else []

    @staticmethod
    def resolve_move_in(obj) -> int | None:
        return obj.move_in.pk if obj.move_in else None

    @staticmethod
    def resolve_status(obj) -> str:
        return obj.move_in.case.status if obj.move_in else ""

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.status_label)


class MoveInBatchDetailOut(MoveInBatchOut):
    notice_deadline: dt.date = Field(..., description="入住通知最晚发出日期（MOVEIN-03）")
    notice_late: bool = Field(..., description="已来不及提前 7 天发出通知")
    takeover_confirmed: bool = Field(..., description="楼栋已通过接管验收（TAKEOVER-15）")
    unnotified: int = Field(..., description="尚未通知的业主")
    vehicle_guidance: MoveInCaseRef | None = Field(
        None, description="秩序部的车辆引导任务（MOVEIN-01）"
    )
    owners: list[MoveInOwnerOut]


class MoveInNotifyOut(Schema):
    notified: int = Field(..., description="本次通知的业主", examples=[12])
    by_app: int = Field(..., description="有登录账号、已发站内消息和短信的业主", examples=[9])
    letter_only: int = Field(..., description="只能书面通知的业主", examples=[3])


class MoveInLetterOut(Schema):
    room: int = Field(..., alias="room_id")
    room_label: str = Field(..., alias="room.label", examples=["1栋2单元301室"])
    resident: int = Field(..., alias="resident_id")
    name: str = Field(..., alias="resident.name", examples=["王业主"])


class MoveInLettersOut(Schema):
    """书面通知: the same text for every owner, one letter each."""

    batch: int
    title: str = Field(..., examples=["入住通知：1栋第一批入住"])
    body: str
    date: dt.date = Field(..., description="落款日期")
    letters: list[MoveInLetterOut]


class MoveInOut(Schema):
    id: int
    case: int = Field(..., alias="case_id")
    number: str = Field(..., alias="case.number", examples=["RZ-20260930-0001"])
    status: str = Field(..., alias="case.status", examples=["arrived"])
    status_label: str = Field(..., examples=["已到场"])
    estate: int = Field(..., alias="batch.estate_id")
    batch: int = Field(..., alias="batch_id")
    batch_title: str = Field(..., alias="batch.title", examples=["1栋第一批入住"])
    room: int = Field(..., alias="room_id")
    room_label: str = Field(..., alias="room.label", examples=["1栋2单元301室"])
    resident: int = Field(..., alias="resident_id")
    resident_name: str = Field(..., alias="resident.name", examples=["王业主"])
    resident_mobile: str = Field(..., examples=["138****1234"])
    created_at: dt.datetime

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(MOVE_IN.state_label(obj.case.status))

    @staticmethod
    def resolve_resident_mobile(obj) -> str:
        return mask_mobile(obj.resident.mobile)


class MoveInActionOut(Schema):
    name: str = Field(..., examples=["check_documents"])
    label: str = Field(..., examples=["资料审核"])


class MoveInEventOut(Schema):
    at: dt.datetime
    action: str
    actor: str | None
    role: str
    from_status: str
    to_status: str
    note: str
    data: dict[str, Any]


class MoveInBillOut(Schema):
    id: int
    item: str = Field(..., alias="item.name", examples=["物业服务费"])
    description: str
    amount: Decimal
    paid_amount: Decimal
    status: str = Field(..., examples=["paid"])
    due_date: dt.date


class MoveInFeeLineOut(Schema):
    kind: str = Field(..., examples=["property_fee"], description="property_fee / deposit")
    item_name: str = Field(..., examples=["物业服务费"])
    description: str
    amount: Decimal


class MoveInInvoiceOut(Schema):
    id: int
    number: str = Field(..., examples=["FP00000001"])
    title: str
    amount: Decimal
    issued_at: dt.datetime | None


class MoveInPaymentOut(Schema):
    id: int
    amount: Decimal
    channel: str
    receipt_no: str
    received_at: dt.datetime
    invoice: MoveInInvoiceOut | None = Field(
        None, alias="issued_invoice", description="财务已开具的发票；未开具时为空"
    )


class HouseDefectOut(Schema):
    """A problem of the house inspection (房屋验收问题), run as its own case."""

    id: int
    case: int = Field(..., alias="case_id")
    number: str = Field(..., alias="case.number", examples=["FW-20261002-0001"])
    status: str = Field(..., alias="case.status", examples=["open"])
    status_label: str = Field(..., examples=["整改中"])
    move_in: int = Field(..., alias="move_in_id")
    room_label: str = Field(..., alias="move_in.room.label", examples=["1栋2单元301室"])
    resident_name: str = Field(..., alias="move_in.resident.name", examples=["王业主"])
    location: str = Field(..., examples=["主卧"])
    description: str = Field(..., examples=["墙面空鼓"])
    created_at: dt.datetime
    clocks: list[MoveInClockOut]

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(HOUSE_DEFECT.state_label(obj.case.status))

    @staticmethod
    def resolve_clocks(obj) -> list:
        return _clocks(obj.case.clocks.all())


class MoveInDetailOut(MoveInOut):
    clocks: list[MoveInClockOut] = Field(..., alias="clock_rows")
    actions: list[MoveInActionOut] = Field(..., description="调用者现在可以执行的步骤")
    next_step: str = Field(..., description="按 MOVEIN-02 顺序的下一步", examples=["pay_fees"])
    id_number: str = Field(..., description="资料审核登记的身份证号（脱敏）")
    contract_no: str
    household: str
    emergency_contact: str
    bills: list[MoveInBillOut] = Field(..., alias="bill_rows")
    fees_paid: bool
    fee_preview: list[MoveInFeeLineOut] = Field(..., description="尚未生成账单时，将收取的入住费用")
    fee_error: str = Field(..., description="无法计算入住费用的原因（未设置收费标准）")
    payments: list[MoveInPaymentOut]
    invoice_pending: int = Field(..., description="尚未开具发票的收款笔数")
    can_invoice: bool = Field(..., description="调用者可以开具发票（财务、部门负责人、企业高层）")
    key_count: int
    access_cards: str
    service_agreement: UUID | None = Field(None, alias="service_agreement_id")
    covenant: UUID | None = Field(None, alias="covenant_id")
    revisit_method: str
    satisfaction: int | None
    needs: str
    defects: list[HouseDefectOut] = Field(..., alias="defect_rows")
    events: list[MoveInEventOut]

    @staticmethod
    def resolve_id_number(obj) -> str:
        return mask_id_number(obj.id_number)


class MoveInInvoiceIn(Schema):
    numbers: list[Text] = Field(
        ..., max_length=50, examples=[["FP00000001"]],
        description="发票号码，每笔待开票的收款一张，按收款顺序",
    )  # fmt: skip
    title: Text = Field(
        "", max_length=100, examples=["王业主"], description="发票抬头；不填则为业主姓名"
    )


class HouseDefectLineIn(Schema):
    location: Text = Field("", max_length=60, examples=["主卧"])
    description: Text = Field("", max_length=200, examples=["墙面空鼓"])


class MoveInNeedLineIn(Schema):
    need: Text = Field("", max_length=200, examples=["需要家政保洁服务"])
    department: Text = Field(
        "", max_length=20, examples=["environment"],
        description="customer_service / engineering / order / environment / finance",
    )  # fmt: skip


class MoveInStepIn(Schema):
    """The inputs of one step; each step reads only its own (the page's form fields):

    - ``check_documents`` (MOVEIN-04/13): ``id_number``, ``contract_no``, ``household``,
      ``emergency_contact``;
    - ``inspect`` (MOVEIN-06): ``defects`` (none: the house passed) and photo ``attachments``;
    - ``hand_keys`` (MOVEIN-08): ``key_count``, ``access_cards``, ``usage_explained``;
    - ``complete`` (MOVEIN-09): ``service_agreement`` and ``covenant``, the ids of the owner's
      signatures (``POST /attachments/signature``) or signed scans (``POST /attachments``);
    - ``revisit`` (MOVEIN-10/11): ``method``, ``satisfaction``, ``needs``;
    - ``cancel`` and ``comment``: a ``note``; ``arrive`` and ``pay_fees``: nothing.
    """

    note: Note = Field("", examples=["业主本人办理"])
    id_number: Text = Field("", max_length=30, examples=["110101199003071234"])
    contract_no: Text = Field("", max_length=100, examples=["GF-2026-0301"])
    household: Text = Field("", max_length=1000, examples=["李四（配偶）"])
    emergency_contact: Text = Field("", max_length=200, examples=["李四 13900001111"])
    defects: list[HouseDefectLineIn] = Field(default_factory=list, max_length=50)
    key_count: int | None = Field(None, ge=0, le=1000, examples=[3])
    access_cards: Text = Field("", max_length=1000, examples=["A0301-1, A0301-2"])
    usage_explained: bool = Field(False, examples=[True])
    service_agreement: UUID | None = Field(None, description="《前期物业服务协议》签署的附件 id")
    covenant: UUID | None = Field(None, description="《业主临时管理规约》签署的附件 id")
    method: Text = Field("", max_length=10, examples=["phone"], description="phone / visit")
    satisfaction: int | None = Field(None, ge=0, le=100, examples=[5], description="1～5 分")
    needs: list[MoveInNeedLineIn] = Field(default_factory=list, max_length=20)
    attachments: list[UUID] = Field(
        default_factory=list, max_length=20, description="房屋验收的照片（POST /attachments）"
    )


class MoveInNeedOut(Schema):
    """A need learned at the follow-up visit, routed to a department (MOVEIN-11)."""

    id: int
    case: int = Field(..., alias="case_id")
    number: str = Field(..., alias="case.number", examples=["XQ-20261003-0001"])
    status: str = Field(..., alias="case.status", examples=["open"])
    status_label: str = Field(..., examples=["待处理"])
    department: str = Field(..., examples=["environment"])
    department_label: str = Field(..., examples=["环境管理部"])
    need: str = Field(..., examples=["需要家政保洁服务"])
    move_in: int = Field(..., alias="move_in_id")
    room_label: str = Field(..., alias="move_in.room.label", examples=["1栋2单元301室"])
    resident_name: str = Field(..., alias="move_in.resident.name", examples=["王业主"])
    created_at: dt.datetime

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(MOVE_IN_NEED.state_label(obj.case.status))

    @staticmethod
    def resolve_department_label(obj) -> str:
        return str(DepartmentKind(obj.department).label)


class MoveInDashboardBatchOut(MoveInBatchOut):
    owners: int = Field(..., description="楼栋业主数")


class MoveInRevisitDueOut(MoveInOut):
    clocks: list[MoveInClockOut] = Field(..., description="入住回访时限（MOVEIN-10）")


class MoveInTotalsOut(Schema):
    notified: int = Field(..., examples=[24])
    arrived: int = Field(..., examples=[18])
    completed: int = Field(..., examples=[15])
    defects: int = Field(..., description="未关闭的验收问题", examples=[4])
    overdue: int = Field(..., description="已超过整改期限的验收问题", examples=[1])
    revisits: int = Field(..., description="待回访的入住", examples=[3])


class MoveInDashboardOut(Schema):
    totals: MoveInTotalsOut
    batches: list[MoveInDashboardBatchOut]
    defects: list[HouseDefectOut]
    revisits_due: list[MoveInRevisitDueOut]

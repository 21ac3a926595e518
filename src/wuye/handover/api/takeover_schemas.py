"""What the endpoints take (``*In``) and answer (``*Out``)."""

import datetime as dt
from decimal import Decimal
from uuid import UUID

from django.utils.translation import gettext as _
from ninja import Field, Schema

from wuye.base.api import (
    Day,
    Id,
    Note,
    Text,
)
from wuye.core.validators import TEXT_MAX
from wuye.handover.models import (
    CheckResult,
    TakeoverPlan,
    Team,
    TeamMember,
)
from wuye.handover.processes import TAKEOVER, TAKEOVER_DEFECT
from wuye.handover.services import takeover as services
from wuye.workflow.api.cases import ActionOut, AttachmentOut, ClockOut
from wuye.workflow.services import allowed_actions


class TakeoverProjectOut(Schema):
    id: int
    estate: int = Field(..., alias="estate_id")
    developer: str = Field(..., examples=["阳光置业有限公司"])
    design_unit: str
    contractor: str
    total_floor_area: Decimal | None = Field(None, examples=["56000.50"])
    created_at: dt.datetime


class TakeoverGateOut(Schema):
    """TAKEOVER-15: move-in may start in a building once its takeover is confirmed."""

    building: int
    name: str = Field(..., examples=["1栋"])
    move_in_allowed: bool


class TakeoverOverviewOut(Schema):
    estate: int
    project: TakeoverProjectOut | None
    gate: list[TakeoverGateOut]
    can_lead: bool = Field(..., description="The caller may register the project and plans")


class TakeoverTeamMemberOut(Schema):
    staff: int = Field(..., alias="staff_id")
    name: str
    role: str = Field(..., examples=["engineering"])
    role_label: str

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.staff.name

    @staticmethod
    def resolve_role_label(obj) -> str:
        return str(obj.get_role_display())


class TakeoverPlanOut(Schema):
    id: int
    case: int = Field(..., alias="case_id", description="The plan's case: GET /cases/{case}")
    number: str = Field(..., examples=["JG-20260921-0001"])
    status: str = Field(..., examples=["preparing"])
    status_label: str
    estate: int
    project: int = Field(..., alias="project_id")
    building: int | None = Field(None, alias="building_id", description="null: the whole estate")
    building_name: str
    scope_structure: bool
    scope_equipment: bool
    scope_public: bool
    standards: str
    tools: str
    planned_on: dt.date
    owner_representatives: str
    created_at: dt.datetime
    confirmed_at: dt.datetime | None
    property_signatory: str
    developer_signatory: str
    items: int = Field(..., description="Lines of the checklist")
    defects: int
    open_defects: int

    @staticmethod
    def resolve_number(obj) -> str:
        return obj.case.number

    @staticmethod
    def resolve_status(obj) -> str:
        return obj.case.status

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(TAKEOVER.state(obj.case.status).label)

    @staticmethod
    def resolve_estate(obj) -> int:
        return obj.project.estate_id

    @staticmethod
    def resolve_building_name(obj) -> str:
        return obj.building.name if obj.building_id else _("全项目")

    @staticmethod
    def resolve_items(obj) -> int:
        n = getattr(obj, "n_items", None)
        return obj.items.count() if n is None else n

    @staticmethod
    def resolve_defects(obj) -> int:
        n = getattr(obj, "n_defects", None)
        return obj.defects.count() if n is None else n

    @staticmethod
    def resolve_open_defects(obj) -> int:
        n = getattr(obj, "n_open", None)
        return services.open_defects(obj).count() if n is None else n


class TakeoverItemOut(Schema):
    id: int
    plan: int = Field(..., alias="plan_id")
    building: int | None = Field(None, alias="building_id")
    building_name: str
    system: str = Field(..., examples=["wall"])
    system_label: str
    name: str = Field(..., examples=["墙面"])
    standard: str = Field(..., examples=["墙面平整，无空鼓、裂缝、渗水"])
    sort: int
    result: str = Field(..., examples=["pending"], description="pending, passed or failed")
    result_label: str
    elevator_runs_ok: int
    note: str
    checked_at: dt.datetime | None
    checked_by: str | None
    defects: list[int] = Field(..., description="The defects this line became (failed)")

    @staticmethod
    def resolve_building_name(obj) -> str:
        return obj.building.name if obj.building_id else ""

    @staticmethod
    def resolve_system_label(obj) -> str:
        return str(obj.get_system_display())

    @staticmethod
    def resolve_result_label(obj) -> str:
        return str(obj.get_result_display())

    @staticmethod
    def resolve_checked_by(obj) -> str | None:
        user = obj.checked_by
        if user is None:
            return None
        staff = getattr(user, "staff", None)
        return staff.name if staff is not None else user.get_username()

    @staticmethod
    def resolve_defects(obj) -> list[int]:
        return [d.pk for d in obj.defects.all()]


class TakeoverDefectOut(Schema):
    id: int
    plan: int = Field(..., alias="plan_id")
    item: int = Field(..., alias="item_id")
    case: int = Field(..., alias="case_id", description="The defect's case: GET /cases/{case}")
    number: str = Field(..., examples=["ZG-20260921-0001"])
    status: str = Field(..., examples=["found"])
    status_label: str
    description: str = Field(..., examples=["3层走廊墙面裂缝约50厘米"])
    location: str
    notice: int | None = Field(None, alias="notice_id")
    notice_number: str
    created_at: dt.datetime
    clocks: list[ClockOut] = Field(..., description="The 15-working-day clock (TAKEOVER-07)")

    @staticmethod
    def resolve_number(obj) -> str:
        return obj.case.number

    @staticmethod
    def resolve_status(obj) -> str:
        return obj.case.status

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(TAKEOVER_DEFECT.state(obj.case.status).label)

    @staticmethod
    def resolve_notice_number(obj) -> str:
        return obj.notice.number if obj.notice_id else ""

    @staticmethod
    def resolve_clocks(obj) -> list:
        return list(obj.case.clocks.all())


class TakeoverDefectDetailOut(TakeoverDefectOut):
    item_name: str
    photos: list[AttachmentOut] = Field(..., description="The photos of the failed check")
    actions: list[ActionOut] = Field(..., description="The steps the caller may take now")

    @staticmethod
    def resolve_item_name(obj) -> str:
        return obj.item.name

    @staticmethod
    def resolve_photos(obj) -> list:
        return list(obj.item.event.attachments.all()) if obj.item.event_id else []

    @staticmethod
    def resolve_actions(obj, context) -> list[dict[str, str]]:
        allowed = allowed_actions(case=obj.case, user=context["request"].auth)
        return [{"name": a.name, "label": str(a.label)} for a in allowed
                if a.name in DEFECT_ACTIONS]  # fmt: skip


class RectificationNoticeOut(Schema):
    id: int
    plan: int = Field(..., alias="plan_id")
    number: str = Field(..., examples=["ZGTZ-1-20260930-0001"])
    issued_at: dt.datetime
    due_at: dt.datetime = Field(..., description="15 working days after the notice (TAKEOVER-07)")
    addressed_to: str
    defects: list[int]

    @staticmethod
    def resolve_defects(obj) -> list[int]:
        return [d.pk for d in obj.defects.all()]


class HandoverDocumentOut(Schema):
    id: int
    plan: int = Field(..., alias="plan_id")
    category: str = Field(..., examples=["warranty"])
    category_label: str
    name: str
    copies: int
    equipment: int | None = Field(None, alias="equipment_id")
    equipment_name: str
    warranty_from: dt.date | None
    warranty_until: dt.date | None
    warranty_unit: str
    received_at: dt.datetime
    note: str

    @staticmethod
    def resolve_category_label(obj) -> str:
        return str(obj.get_category_display())

    @staticmethod
    def resolve_equipment_name(obj) -> str:
        return obj.equipment.name if obj.equipment_id else ""


class TakeoverPlanDetailOut(TakeoverPlanOut):
    team: list[TakeoverTeamMemberOut]
    pending: int = Field(..., description="Lines of the checklist not checked yet")
    notices: list[RectificationNoticeOut]
    documents: list[HandoverDocumentOut]
    actions: list[ActionOut] = Field(..., description="The plan's steps the caller may take now")
    can_confirm: bool
    blockers: list[str] = Field(..., description="Why the confirmation cannot be signed yet")
    gate: list[TakeoverGateOut]

    @staticmethod
    def resolve_team(obj) -> list:
        return list(TeamMember.objects.filter(project=obj.project, team=Team.TAKEOVER)
                    .select_related("staff").order_by("role", "staff__name"))  # fmt: skip

    @staticmethod
    def resolve_pending(obj) -> int:
        return obj.items.filter(result=CheckResult.PENDING).count()

    @staticmethod
    def resolve_notices(obj) -> list:
        return list(obj.notices.prefetch_related("defects"))

    @staticmethod
    def resolve_documents(obj) -> list:
        return list(obj.documents.select_related("equipment"))

    @staticmethod
    def resolve_actions(obj, context) -> list[dict[str, str]]:
        allowed = allowed_actions(case=obj.case, user=context["request"].auth)
        return [{"name": a.name, "label": str(a.label)} for a in allowed
                if a.name in PLAN_ACTIONS]  # fmt: skip

    @staticmethod
    def resolve_can_confirm(obj, context) -> bool:
        return _may_confirm(obj, context["request"].auth)

    @staticmethod
    def resolve_blockers(obj, context) -> list[str]:
        if not _may_confirm(obj, context["request"].auth):
            return []
        return [str(b) for b in services.confirmation_blockers(obj)]

    @staticmethod
    def resolve_gate(obj) -> list[dict]:
        gate = services.move_in_allowed(obj.project.estate)
        if obj.building_id:
            gate = [(b, ok) for b, ok in gate if b.pk == obj.building_id]
        return _gate(gate)


def _may_confirm(plan: TakeoverPlan, user) -> bool:
    return any(a.name == "confirm" for a in allowed_actions(case=plan.case, user=user))


def _gate(gate) -> list[dict]:
    return [{"building": b.pk, "name": b.name, "move_in_allowed": ok} for b, ok in gate]


class TakeoverProjectIn(Schema):
    """接管项目: the estate being handed over by its developer (one per estate)."""

    developer: Text = Field(..., max_length=100, examples=["阳光置业有限公司"])
    design_unit: Text = Field("", max_length=100, examples=["华东建筑设计院"])
    contractor: Text = Field("", max_length=100, examples=["华建集团"])
    total_floor_area: Decimal | None = Field(
        None, max_digits=12, decimal_places=2, description="总建筑面积（㎡）", examples=["56000.50"]
    )


class TakeoverPlanIn(Schema):
    """《接管验收方案》 (TAKEOVER-04): scope, standards, tools, date, the team (TAKEOVER-02: staff
    of customer service, engineering and order) and the owners' representatives (TAKEOVER-14)."""

    building: Id | None = Field(None, description="A building of the estate; null: all of it")
    scope_structure: bool = Field(True, description="房屋本体")
    scope_equipment: bool = Field(True, description="设施设备")
    scope_public: bool = Field(True, description="公共区域")
    standards: Text = Field(
        ..., max_length=TEXT_MAX, examples=["《建筑工程质量验收统一标准》及相关专业验收规范"]
    )
    tools: Text = Field(..., max_length=TEXT_MAX, examples=["验房仪、卷尺、靠尺、空鼓锤"])
    planned_on: Day = Field(..., examples=["2026-09-25"])
    owner_representatives: Text = Field(
        ..., max_length=TEXT_MAX, examples=["业主代表 张三 13800000001"]
    )
    team: list[Id] = Field(..., max_length=50, description="Staff ids", examples=[[3, 4, 7]])


class TakeoverItemIn(Schema):
    system: Text = Field(..., max_length=20, examples=["wall"],
                         description="structure, wall, floor, water, power, elevator, fire "
                         "or public")  # fmt: skip
    building: Id | None = Field(None, description="A building of the estate")
    name: Text = Field(..., max_length=100, examples=["外立面"])
    standard: Text = Field("", max_length=200, examples=["无脱落、无渗水"],
                           description="An elevator's defaults to three empty runs")  # fmt: skip


class TakeoverCheckIn(Schema):
    """One line of the on-site checklist. A failed line needs a description and a photo (ids
    from POST /attachments); an elevator passes only after 3 empty runs (TAKEOVER-12)."""

    result: Text = Field(..., max_length=10, examples=["passed"], description="passed or failed")
    elevator_runs_ok: int = Field(0, ge=0, le=3, examples=[3],
                                  description="Empty runs without anomaly (elevators)")  # fmt: skip
    note: Text = Field("", max_length=200, examples=["通水试验正常"])
    description: Note = Field("", examples=["3层走廊墙面裂缝约50厘米"])
    location: Text = Field("", max_length=100, examples=["1栋3层走廊"])
    attachments: list[UUID] = Field(default_factory=list, max_length=9,
                                    description="Photo ids from POST /attachments")  # fmt: skip


class TakeoverConfirmIn(Schema):
    """《接管验收确认书》 (TAKEOVER-08), signed by both sides."""

    property_signatory: Text = Field(..., max_length=50, examples=["王工"])
    developer_signatory: Text = Field(..., max_length=50, examples=["赵经理"])
    scan: UUID | None = Field(None, description="The signed paper's scan: an id from "
                              "POST /attachments")  # fmt: skip
    note: Note = ""


class TakeoverNewEquipmentIn(Schema):
    code: Text = Field(..., max_length=40, examples=["SB-01"])
    name: Text = Field(..., max_length=80, examples=["生活水泵"])
    category: Text = Field("", max_length=20, examples=["water"])
    location: Text = Field("", max_length=100, examples=["地下室水泵房"])


class HandoverDocumentIn(Schema):
    """A line of the 《资料移交清单》 (TAKEOVER-09). A warranty card names the equipment (an
    existing one, or ``new_equipment`` to register), the period and the unit (TAKEOVER-10)."""

    category: Text = Field(..., max_length=20, examples=["warranty"],
                           description="property_rights, manual, drawing, warranty "
                           "or other")  # fmt: skip
    name: Text = Field(..., max_length=100, examples=["水泵保修卡"])
    copies: int = Field(1, ge=1, le=999, examples=[1])
    note: Text = Field("", max_length=200)
    equipment: Id | None = Field(None, description="An equipment of the estate")
    new_equipment: TakeoverNewEquipmentIn | None = None
    warranty_from: Day | None = Field(None, examples=["2026-10-01"])
    warranty_until: Day | None = Field(None, examples=["2028-12-31"])
    warranty_unit: Text = Field("", max_length=100, examples=["格兰富水泵（上海）有限公司"])
    warranty_contact: Text = Field("", max_length=60, examples=["021-12345678"])


class TakeoverStepIn(Schema):
    note: Note = Field("", examples=["开发企业已修补裂缝"])


class TakeoverDefectStepIn(TakeoverStepIn):
    attachments: list[UUID] = Field(default_factory=list, max_length=9,
                                    description="Photo ids from POST /attachments")  # fmt: skip


# The steps the plan and defect pages offer as buttons (the others have their own endpoints:
# the checks, the notice, the confirmation).
PLAN_ACTIONS = ("start_inspection", "start_rectification", "hand_over_documents", "comment")


DEFECT_ACTIONS = ("report_fixed", "reinspect_pass", "reinspect_fail", "comment")

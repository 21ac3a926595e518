"""Takeover acceptance API (接管验收, TAKEOVER-*): what the takeover pages do, through the same
services and getters. The project and the gate to move-in per building (TAKEOVER-15), the plans
and their checklist, the on-site checks (TAKEOVER-05/12), the 《整改通知书》 (TAKEOVER-06/07), the
confirmation (TAKEOVER-08), the documents (TAKEOVER-09/10), the defects and their steps, and the
PDFs and the spreadsheet the pages offer.

Like the pages, only the takeover team's roles (customer service, engineering, order and their
heads, the executives) may call these endpoints (else 403); a plan, item, notice or defect of an
estate the caller does not work in is a 404. The timeline of a plan or a defect is its case:
``GET /cases/{case}``.
"""

import datetime as dt
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from wuye.base.api import (
    PDF,
    READ_ERRORS,
    WRITE_ERRORS,
    XLSX,
    ApiError,
    Day,
    ErrorOut,
    Id,
    IdParam,
    Note,
    Term,
    Text,
    file_download,
    paginated,
)
from wuye.base.pdf import CJKFontMissing, pdf_response
from wuye.core.exceptions import Conflict
from wuye.core.models import Building, Estate, Staff
from wuye.core.scoping import Actor, actor_for, get_or_404, visible_estates
from wuye.core.validators import TEXT_MAX
from wuye.facilities.models import Equipment
from wuye.handover.choices import DefectStatus, TakeoverStatus
from wuye.handover.documents import takeover as pdf
from wuye.handover.documents.takeover_exports import defects_xlsx_response
from wuye.handover.models import (
    CheckItem,
    CheckResult,
    HandoverDocument,
    HandoverProject,
    RectificationNotice,
    TakeoverDefect,
    TakeoverPlan,
    Team,
    TeamMember,
)
from wuye.handover.processes import LEADS, TAKEOVER, TAKEOVER_DEFECT, TEAM
from wuye.handover.services import takeover as services
from wuye.workflow.api.cases import ActionOut, AttachmentOut, ClockOut
from wuye.workflow.services import allowed_actions

router = Router(tags=["takeover"])

# The steps the plan and defect pages offer as buttons (the others have their own endpoints:
# the checks, the notice, the confirmation).
PLAN_ACTIONS = ("start_inspection", "start_rectification", "hand_over_documents", "comment")
DEFECT_ACTIONS = ("report_fixed", "reinspect_pass", "reinspect_fail", "comment")
FILE_ERRORS: dict[int, Any] = {**READ_ERRORS, 403: ErrorOut, 503: ErrorOut}


def _team(request: HttpRequest) -> Actor:
    """The takeover pages' gate: the takeover team's roles and the management (403 otherwise)."""
    actor = actor_for(request.auth)
    if not (actor.is_superuser or (actor.staff is not None and actor.role in TEAM)):
        raise PermissionDenied(_("接管验收仅供接管验收小组及管理层使用"))
    return actor


def _is_lead(actor: Actor) -> bool:
    return actor.is_superuser or actor.role in LEADS


# --- Output -------------------------------------------------------------------------------------


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


# --- Input --------------------------------------------------------------------------------------


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


# --- Helpers ------------------------------------------------------------------------------------


def _estate(actor: Actor, estate_id: int) -> Estate:
    return get_or_404(visible_estates(actor), estate_id)


def _plan(request: HttpRequest, plan_id: int) -> TakeoverPlan:
    return services.takeover_plan_get_for_user(request.auth, plan_id)


def _plan_out(plan_id: int) -> TakeoverPlan:
    return TakeoverPlan.objects.select_related("project__estate", "building", "case").get(
        pk=plan_id
    )


def _item_out(item_id: int) -> CheckItem:
    return (
        CheckItem.objects.select_related("building", "checked_by__staff")
        .prefetch_related("defects")
        .get(pk=item_id)
    )


def _defect_out(defect_id: int) -> TakeoverDefect:
    return (
        TakeoverDefect.objects.select_related("case", "notice", "item__event")
        .prefetch_related("case__clocks")
        .get(pk=defect_id)
    )


def _building(estate: Estate, building_id: int | None) -> Building | None:
    if building_id is None:
        return None
    building = Building.objects.filter(estate=estate, pk=building_id).first()
    if building is None:
        raise ValidationError({"building": [_("该楼栋不属于本项目")]})
    return building


def _pdf(make, obj, filename: str) -> HttpResponse:
    try:
        return pdf_response(make(obj), filename)
    except CJKFontMissing as exc:
        raise ApiError(503, "font_missing", str(exc)) from None


# --- The estate: project and gate (TAKEOVER-15) --------------------------------------------------


@router.get("/handover/estates/{int:estate_id}/takeover",
            response={200: TakeoverOverviewOut, **READ_ERRORS, 403: ErrorOut})  # fmt: skip
def takeover_overview(request: HttpRequest, estate_id: IdParam):
    """The estate's takeover project (接管项目, null before it is registered) and, per building,
    whether its takeover is confirmed so that move-in may start (TAKEOVER-15) — the head of the
    takeover list page."""
    actor = _team(request)
    estate = _estate(actor, estate_id)
    return {
        "estate": estate.pk,
        "project": HandoverProject.objects.filter(estate=estate).first(),
        "gate": _gate(services.move_in_allowed(estate)),
        "can_lead": _is_lead(actor),
    }


@router.post("/handover/estates/{int:estate_id}/takeover-project",
             response={201: TakeoverProjectOut, **WRITE_ERRORS})  # fmt: skip
def takeover_project_create(request: HttpRequest, estate_id: IdParam, payload: TakeoverProjectIn):
    """Register the estate's takeover project (接管项目): the developer, the design and
    construction units and the total floor area. Department heads and executives; one per estate
    (a second is a 409 ``exists``)."""
    actor = _team(request)
    estate = _estate(actor, estate_id)
    project = services.project_create(estate=estate, by=request.auth, **payload.model_dump())
    return Status(201, project)


# --- Plans ---------------------------------------------------------------------------------------


@router.get("/handover/takeover-plans",
            response={200: list[TakeoverPlanOut], **READ_ERRORS, 403: ErrorOut})  # fmt: skip
@paginated
def takeover_plan_list(request: HttpRequest, estate: IdParam | None = None, status: Term = ""):
    """The takeover plans of the caller's estates, newest first, with their checklist and defect
    counts; ``status``: preparing, inspecting, rectifying, confirmed or documented."""
    actor = _team(request)
    plans = services.takeover_plan_list(actor=actor)
    if estate is not None:
        plans = plans.filter(project__estate_id=estate)
    if status in TakeoverStatus.values:
        plans = plans.filter(case__status=status)
    return plans.annotate(
        n_items=Count("items", distinct=True),
        n_defects=Count("defects", distinct=True),
        n_open=Count(
            "defects", filter=~Q(defects__case__status=DefectStatus.CLOSED), distinct=True
        ),
    ).order_by("-created_at", "-id")


@router.post("/handover/estates/{int:estate_id}/takeover-plans",
             response={201: TakeoverPlanDetailOut, **WRITE_ERRORS})  # fmt: skip
def takeover_plan_create(request: HttpRequest, estate_id: IdParam, payload: TakeoverPlanIn):
    """Draw up a 《接管验收方案》 (TAKEOVER-04) for the estate or one building: opens the plan's
    case and writes the default checklist of its scope (TAKEOVER-05). Department heads and
    executives; the estate's project must be registered first (409 ``no_project``), the team must
    have customer service, engineering and order staff (400 ``team``)."""
    actor = _team(request)
    estate = _estate(actor, estate_id)
    if not _is_lead(actor):
        raise PermissionDenied(_("只有部门负责人或公司管理层可以制定接管验收方案"))
    project = HandoverProject.objects.filter(estate=estate).first()
    if project is None:
        raise Conflict(_("请先登记接管项目（开发企业等信息）"), code="no_project")
    data = payload.model_dump()
    data["building"] = _building(estate, data["building"])
    staff = {s.pk: s for s in Staff.objects.filter(estates=estate, pk__in=data["team"])}
    unknown = [pk for pk in data["team"] if pk not in staff]
    if unknown:
        raise ValidationError(
            {"team": [_("员工 %(id)s 不在本项目") % {"id": pk} for pk in unknown]}
        )
    data["team"] = [staff[pk] for pk in dict.fromkeys(data["team"])]
    plan = services.takeover_plan_create(project=project, by=request.auth, **data)
    return Status(201, _plan_out(plan.pk))


@router.get("/handover/takeover-plans/{int:plan_id}",
            response={200: TakeoverPlanDetailOut, **READ_ERRORS, 403: ErrorOut})  # fmt: skip
def takeover_plan_detail(request: HttpRequest, plan_id: IdParam):
    """A plan as its page shows it: scope, team, counts, notices, documents, the steps the
    caller may take, why it cannot be confirmed yet, and the gate of its buildings. The
    checklist and the defects are lists of their own; the timeline is ``GET /cases/{case}``."""
    _team(request)
    return _plan(request, plan_id)


@router.get("/handover/takeover-plans/{int:plan_id}/items",
            response={200: list[TakeoverItemOut], **READ_ERRORS, 403: ErrorOut})  # fmt: skip
@paginated
def takeover_item_list(request: HttpRequest, plan_id: IdParam):
    """The plan's checklist in the order the phone walks it: building by building, the whole
    estate's lines last."""
    _team(request)
    plan = _plan(request, plan_id)
    return (
        plan.items.select_related("building", "checked_by__staff")
        .prefetch_related("defects")
        .order_by(F("building__sort").asc(nulls_last=True), "building_id", "sort", "id")
    )


@router.post("/handover/takeover-plans/{int:plan_id}/items",
             response={201: TakeoverItemOut, **WRITE_ERRORS})  # fmt: skip
def takeover_item_add(request: HttpRequest, plan_id: IdParam, payload: TakeoverItemIn):
    """Add a line to the checklist while the plan is being prepared (409 ``invalid_state``
    after the inspection started). Department heads and executives."""
    _team(request)
    plan = _plan(request, plan_id)
    data = payload.model_dump()
    data["building"] = _building(plan.project.estate, data["building"])
    item = services.check_item_add(plan=plan, by=request.auth, **data)
    return Status(201, _item_out(item.pk))


@router.get("/handover/takeover-plans/{int:plan_id}/defects",
            response={200: list[TakeoverDefectOut], **READ_ERRORS, 403: ErrorOut})  # fmt: skip
@paginated
def takeover_defect_list(request: HttpRequest, plan_id: IdParam):
    """The plan's defects (failed lines), with their 《整改通知书》 and 15-working-day clock."""
    _team(request)
    plan = _plan(request, plan_id)
    return (
        plan.defects.select_related("case", "notice")
        .prefetch_related("case__clocks")
        .order_by("id")
    )


@router.get("/handover/takeover-plans/{int:plan_id}/defects.xlsx",
            response=FILE_ERRORS, openapi_extra=file_download(XLSX))  # fmt: skip
def takeover_defects_export(request: HttpRequest, plan_id: IdParam):
    """The plan's defects with their deadlines as a spreadsheet (.xlsx), the page's export."""
    _team(request)
    return defects_xlsx_response(_plan(request, plan_id))


@router.post("/handover/takeover-plans/{int:plan_id}/rectification-notices",
             response={201: RectificationNoticeOut, **WRITE_ERRORS})  # fmt: skip
def rectification_notice_issue(request: HttpRequest, plan_id: IdParam):
    """Issue a 《整改通知书》 to the developer for every defect waiting for one (TAKEOVER-06): each
    defect's 15-working-day clock starts (TAKEOVER-07) and the first notice moves the plan into
    rectification. Department heads and executives; nothing waiting is a 409
    ``nothing_to_notify``."""
    _team(request)
    notice = services.rectification_notice_issue(plan=_plan(request, plan_id), by=request.auth)
    return Status(201, RectificationNotice.objects.prefetch_related("defects").get(pk=notice.pk))


@router.get("/handover/rectification-notices/{int:notice_id}.pdf",
            response=FILE_ERRORS, openapi_extra=file_download(PDF))  # fmt: skip
def rectification_notice_pdf(request: HttpRequest, notice_id: IdParam):
    """The 《整改通知书》 as a PDF (503 ``font_missing`` when the server has no CJK font)."""
    _team(request)
    notice = services.rectification_notice_get_for_user(request.auth, notice_id)
    return _pdf(pdf.rectification_notice_pdf, notice, f"整改通知书-{notice.number}.pdf")


@router.post("/handover/takeover-plans/{int:plan_id}/confirm",
             response={200: TakeoverPlanDetailOut, **WRITE_ERRORS})  # fmt: skip
def takeover_confirm(request: HttpRequest, plan_id: IdParam, payload: TakeoverConfirmIn):
    """Sign the 《接管验收确认书》 (TAKEOVER-08): only once every line is checked and every defect
    closed by re-inspection (else 409 ``defects_open`` with the reasons, nothing changes). Both
    signatories are recorded; ``scan`` attaches the signed paper. Department heads and
    executives."""
    _team(request)
    plan = _plan(request, plan_id)
    try:
        services.takeover_confirm(
            plan=plan, by=request.auth, property_signatory=payload.property_signatory,
            developer_signatory=payload.developer_signatory, scan=payload.scan, note=payload.note,
        )  # fmt: skip
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and "attachments" in exc.error_dict:
            raise ValidationError({"scan": exc.message_dict["attachments"]}) from None
        raise
    return _plan_out(plan.pk)


@router.get("/handover/takeover-plans/{int:plan_id}/confirmation.pdf",
            response=FILE_ERRORS, openapi_extra=file_download(PDF))  # fmt: skip
def takeover_confirmation_pdf(request: HttpRequest, plan_id: IdParam):
    """The signed 《接管验收确认书》 as a PDF; a 404 before the confirmation."""
    _team(request)
    plan = _plan(request, plan_id)
    if plan.case.status not in (TakeoverStatus.CONFIRMED, TakeoverStatus.DOCUMENTED):
        raise Http404
    return _pdf(pdf.confirmation_pdf, plan, f"接管验收确认书-{plan.case.number}.pdf")


@router.post("/handover/takeover-plans/{int:plan_id}/documents",
             response={201: HandoverDocumentOut, **WRITE_ERRORS})  # fmt: skip
def handover_document_add(request: HttpRequest, plan_id: IdParam, payload: HandoverDocumentIn):
    """Receive a document (a line of the 《资料移交清单》, TAKEOVER-09) after the confirmation
    (409 ``invalid_state`` before). A warranty card names an equipment of the estate or
    registers ``new_equipment``, and writes the warranty onto it (TAKEOVER-10)."""
    _team(request)
    plan = _plan(request, plan_id)
    data = payload.model_dump()
    if data["equipment"] is not None:
        found = Equipment.objects.filter(estate_id=plan.project.estate_id, pk=data["equipment"])
        data["equipment"] = found.first()
        if data["equipment"] is None:
            raise ValidationError({"equipment": [_("该设备不属于本项目")]})
    document = services.handover_document_add(plan=plan, by=request.auth, **data)
    return Status(201, HandoverDocument.objects.select_related("equipment").get(pk=document.pk))


@router.get("/handover/takeover-plans/{int:plan_id}/documents.pdf",
            response=FILE_ERRORS, openapi_extra=file_download(PDF))  # fmt: skip
def handover_documents_pdf(request: HttpRequest, plan_id: IdParam):
    """The 《资料移交清单》 as a PDF."""
    _team(request)
    plan = _plan(request, plan_id)
    return _pdf(pdf.documents_pdf, plan, f"资料移交清单-{plan.case.number}.pdf")


# --- Checklist lines ------------------------------------------------------------------------------


@router.get("/handover/takeover-items/{int:item_id}",
            response={200: TakeoverItemOut, **READ_ERRORS, 403: ErrorOut})  # fmt: skip
def takeover_item_detail(request: HttpRequest, item_id: IdParam):
    """One line of the checklist, with the defects it became."""
    _team(request)
    return _item_out(services.check_item_get_for_user(request.auth, item_id).pk)


@router.delete("/handover/takeover-items/{int:item_id}",
               response={204: None, **WRITE_ERRORS})  # fmt: skip
def takeover_item_remove(request: HttpRequest, item_id: IdParam):
    """Remove a line while the plan is being prepared; never the last line of an acceptance
    criterion of the plan's scope (409 ``required_item``, TAKEOVER-11/13). Department heads and
    executives."""
    _team(request)
    item = services.check_item_get_for_user(request.auth, item_id)
    services.check_item_remove(item=item, by=request.auth)
    return Status(204, None)


@router.post("/handover/takeover-items/{int:item_id}/check",
             response={200: TakeoverItemOut, **WRITE_ERRORS})  # fmt: skip
def takeover_item_check(request: HttpRequest, item_id: IdParam, payload: TakeoverCheckIn):
    """Record one line of the on-site checklist (TAKEOVER-05), by the takeover team: passed, or
    failed with a description and photos, which opens a defect. An elevator passes only after
    three empty runs without anomaly (TAKEOVER-12). 409 before the inspection starts or on a line
    already failed."""
    _team(request)
    item = services.check_item_get_for_user(request.auth, item_id)
    services.check_item_record(
        item=item, result=payload.result, by=request.auth, note=payload.note,
        elevator_runs_ok=payload.elevator_runs_ok, description=payload.description,
        location=payload.location, attachments=payload.attachments or None,
    )  # fmt: skip
    return _item_out(item.pk)


# --- Defects --------------------------------------------------------------------------------------


@router.get("/handover/defects/{int:defect_id}",
            response={200: TakeoverDefectDetailOut, **READ_ERRORS, 403: ErrorOut})  # fmt: skip
def takeover_defect_detail(request: HttpRequest, defect_id: IdParam):
    """A defect of the takeover acceptance with its clock (TAKEOVER-07), the photos of the failed
    check and the steps the caller may take; its timeline is ``GET /cases/{case}``."""
    _team(request)
    return _defect_out(services.takeover_defect_get_for_user(request.auth, defect_id).pk)


@router.post("/handover/defects/{int:defect_id}/{action}",
             response={200: TakeoverDefectDetailOut, **WRITE_ERRORS})  # fmt: skip
def takeover_defect_act(request: HttpRequest, defect_id: IdParam, action: Term,
                        payload: TakeoverDefectStepIn):  # fmt: skip
    """A step of a defect: ``report_fixed`` (the developer reports it fixed, with a note),
    ``reinspect_pass`` (closes it: the clock stops), ``reinspect_fail`` (back to rectification,
    with a note; the deadline stands) or ``comment``. 409 in the wrong state, 403 for a role."""
    if action not in DEFECT_ACTIONS:
        raise ApiError(404, "not_found", _("没有这个操作"))
    _team(request)
    defect = services.takeover_defect_get_for_user(request.auth, defect_id)
    services.takeover_defect_act(
        defect=defect, action=action, by=request.auth, note=payload.note,
        attachments=payload.attachments or None,
    )  # fmt: skip
    return _defect_out(defect.pk)


# Last: the path takes any word, so the plan's own sub-paths above come first.
@router.post("/handover/takeover-plans/{int:plan_id}/{action}",
             response={200: TakeoverPlanDetailOut, **WRITE_ERRORS})  # fmt: skip
def takeover_plan_act(
    request: HttpRequest, plan_id: IdParam, action: Term, payload: TakeoverStepIn
):
    """A step of the plan: ``start_inspection`` (needs a checklist), ``start_rectification``,
    ``hand_over_documents`` (needs the documents, warranty cards included: TAKEOVER-09/10) or
    ``comment`` (with a note). 409 in the wrong state, 403 for a role; the checks, the notice and
    the confirmation have their own endpoints."""
    if action not in PLAN_ACTIONS:
        raise ApiError(404, "not_found", _("没有这个操作"))
    _team(request)
    plan = _plan(request, plan_id)
    services.takeover_plan_act(plan=plan, action=action, by=request.auth, note=payload.note)
    return _plan_out(plan.pk)

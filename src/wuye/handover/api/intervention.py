"""Pre-intervention API (前期介入, INTAKE-*): everything the project pages do, through the same
services (``intervention``; a project's registration through ``services.project_create``).

Who may call, as on the pages: the team's roles and the auditors see the projects of their
estates (anyone else is a 403, a project of another estate a 404); department heads and
executives lead (register, start, move on, agreement, team, inspection interval); the team
records suggestions, answers, inspections and meetings. Photos (the agreement's scan,
concealed works) are uploaded first with ``POST /attachments`` and named by id. The premises
figures (INTAKE-09) are in ``handover.api``; the case's timeline is ``GET /cases/{case}``.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from pydantic import Strict

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
from wuye.core.models import Staff
from wuye.core.scoping import Actor, actor_for, get_or_404, visible_estates
from wuye.core.validators import TEXT_MAX
from wuye.handover.documents.intervention_report import (
    intervention_report_pdf,
    suggestion_letter_pdf,
)
from wuye.handover.documents.suggestions import suggestion_workbook
from wuye.handover.models import (
    DesignSuggestion,
    HandoverProject,
    InterventionAgreement,
    SiteInspection,
    SuggestionStatus,
    SuggestionTopic,
    WeeklyMeeting,
)
from wuye.handover.processes import INTERVENTION
from wuye.handover.services import intervention as svc
from wuye.handover.services.takeover import project_create as registration
from wuye.workflow.api.cases import AttachmentOut
from wuye.workflow.models import Attachment, AttachmentKind

router = Router(tags=["handover"])

I = svc.I  # noqa: E741
P = "/handover/projects/{int:project_id}"
# Every read is refused to whoever the pages refuse (residents, cleaners…): a 403, as there.
VIEW_ERRORS: dict[int, Any] = {**READ_ERRORS, 403: ErrorOut}
FILE_ERRORS: dict[int, Any] = {**VIEW_ERRORS, 503: ErrorOut}
Photos = Annotated[
    list[UUID],
    Field(
        default_factory=list,
        max_length=9,
        description="Photo ids from `POST /attachments` (at most 9).",
        examples=[["0b6f3a52-2d4e-4c1e-9a57-5c3f1f0e8a11"]],
    ),
]


def _viewer(request: HttpRequest) -> Actor:
    """The pages' door (``intervention_pages._require_viewer``): the team's roles and the
    auditors, else a 403."""
    actor = actor_for(request.auth)
    if not (actor.is_superuser or actor.role in svc.VIEWERS):
        raise PermissionDenied(_("此接口仅供前期介入小组、部门负责人和企业高层使用"))
    return actor


def _project(request: HttpRequest, project_id: int) -> HandoverProject:
    return svc.project_get_for_user(_viewer(request), project_id)


def _name(user) -> str:
    if user is None:
        return ""
    staff = getattr(user, "staff", None)
    return staff.name if staff is not None else user.get_username()


def _font_missing(error: CJKFontMissing, title: str) -> ApiError:
    return ApiError(503, "font_missing", f"{title}：{error}")


# --- Schemas ------------------------------------------------------------------------------------


class InterventionStepOut(Schema):
    code: str = Field(..., examples=["design_review"])
    label: str
    state: str = Field(..., description="done / current / todo")
    on: dt.date | None = Field(None, description="The day the step began.")


class InterventionActionOut(Schema):
    name: str = Field(..., examples=["start_design_review"])
    label: str


class TeamRoleOut(Schema):
    code: str
    label: str


class InterventionMemberOut(Schema):
    id: int
    staff: int = Field(..., alias="staff_id")
    name: str
    department: str
    role: str = Field(..., examples=["engineering"])
    role_label: str

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.staff.name

    @staticmethod
    def resolve_department(obj) -> str:
        department = obj.staff.department
        return str(department.get_kind_display()) if department else ""

    @staticmethod
    def resolve_role_label(obj) -> str:
        return str(obj.get_role_display())


class InterventionCandidateOut(Schema):
    staff: int = Field(..., alias="id")
    name: str
    department: str

    @staticmethod
    def resolve_department(obj) -> str:
        return str(obj.department.get_kind_display()) if obj.department_id else ""


class InterventionAgreementOut(Schema):
    signed_on: dt.date
    scope: str
    duties: str
    scan: AttachmentOut | None = Field(None, alias="attachment")
    recorded_by: str
    recorded_at: dt.datetime

    @staticmethod
    def resolve_recorded_by(obj) -> str:
        return _name(obj.recorded_by)


class SiteInspectionDueOut(Schema):
    """INTAKE-06: when the next site inspection is due."""

    active: bool = Field(..., description="The case is in a stage with site inspections.")
    last: dt.date | None
    next_due: dt.date | None
    overdue_days: int


class MeetingGapOut(Schema):
    monday: dt.date
    sunday: dt.date


class MeetingWeeksOut(Schema):
    """INTAKE-12: the past weeks without a meeting with the developer."""

    gaps: list[MeetingGapOut]
    this_week_pending: bool


class InterventionOpenPointOut(Schema):
    kind: str = Field(..., description="suggestion (no answer yet) / meeting (an open point)")
    text: str
    since: dt.datetime | dt.date


class SuggestionCountsOut(Schema):
    submitted: int
    adopted: int
    rejected: int
    total: int


class InterventionPremisesOut(Schema):
    """INTAKE-09 (edited with ``PATCH /handover/projects/{id}/premises``)."""

    total_floor_area: Decimal | None
    premises_area: Decimal | None
    premises_ratio: Decimal | None
    required_area: Decimal | None
    meets_ratio: bool | None
    problem: str


class InterventionProjectOut(Schema):
    id: int
    estate: int = Field(..., alias="estate_id")
    estate_name: str
    developer: str
    design_unit: str
    contractor: str
    total_floor_area: Decimal | None
    inspection_interval_days: int
    case: int | None = Field(None, alias="intervention_case_id")
    case_number: str
    stage: str = Field(
        ..., examples=["liaison"], description="A state of the case, or not_started."
    )
    stage_label: str
    created_at: dt.datetime

    @staticmethod
    def resolve_estate_name(obj) -> str:
        return obj.estate.name

    @staticmethod
    def resolve_case_number(obj) -> str:
        return obj.intervention_case.number if obj.intervention_case_id else ""

    @staticmethod
    def resolve_stage(obj) -> str:
        return obj.intervention_case.status if obj.intervention_case_id else "not_started"

    @staticmethod
    def resolve_stage_label(obj) -> str:
        if not obj.intervention_case_id:
            return _("未开始")
        return str(INTERVENTION.state(obj.intervention_case.status).label)


class InterventionProjectDetailOut(InterventionProjectOut):
    """What the project page shows; the case's timeline is ``GET /cases/{case}``."""

    can_lead: bool
    is_member: bool
    steps: list[InterventionStepOut]
    actions: list[InterventionActionOut] = Field(
        ..., description="The steps the caller may take now."
    )
    agreement: InterventionAgreementOut | None
    team: list[InterventionMemberOut]
    missing_roles: list[TeamRoleOut]
    review_areas_missing: list[str]
    completion_checks_missing: list[str]
    suggestion_counts: SuggestionCountsOut
    inspection_due: SiteInspectionDueOut
    premises: InterventionPremisesOut
    meeting_weeks: MeetingWeeksOut
    open_points: list[InterventionOpenPointOut]

    @staticmethod
    def resolve_agreement(obj):
        return obj.agreement_out

    @staticmethod
    def resolve_team(obj) -> list:
        return obj.team_out


class InterventionProjectIn(Schema):
    estate: Id = Field(..., examples=[1])
    developer: Text = Field(..., max_length=100, examples=["阳光置业有限公司"])
    design_unit: Text = Field("", max_length=100, examples=["华东建筑设计院"])
    contractor: Text = Field("", max_length=100, examples=["中建八局"])
    total_floor_area: Decimal | None = Field(
        None, max_digits=12, decimal_places=2, examples=["56000.00"],
        description="总建筑面积（㎡）",
    )  # fmt: skip
    start: bool = Field(True, description="Start the pre-intervention (项目对接) at once.")


class InterventionStepIn(Schema):
    note: Note = Field("", examples=["已与开发企业完成项目对接"])


class InterventionAgreementIn(Schema):
    """《前期介入协议》 (INTAKE-04); recording it again corrects it."""

    signed_on: Day = Field(..., examples=["2026-03-01"])
    scope: Text = Field(..., max_length=TEXT_MAX, examples=["规划设计评审、施工跟进、竣工验收配合"])
    duties: Text = Field(..., max_length=TEXT_MAX, examples=["甲方提供图纸，乙方提出书面建议"])
    attachments: Photos


class InterventionMemberIn(Schema):
    staff: Id = Field(..., examples=[12], description="A staff id from `…/team/candidates`.")
    role: Text = Field(
        ..., max_length=20, examples=["engineering"],
        description="customer_service / engineering / security",
    )  # fmt: skip


class DesignSuggestionOut(Schema):
    id: int
    number: str = Field(..., examples=["JY-YG-2026-001"])
    topic: str
    topic_label: str
    title: str
    content: str
    status: str = Field(..., examples=["submitted"], description="submitted / adopted / rejected")
    status_label: str
    submitted_at: dt.datetime
    submitted_by: str
    developer_answer: str
    answered_at: dt.datetime | None

    @staticmethod
    def resolve_topic_label(obj) -> str:
        return str(obj.get_topic_display())

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_submitted_by(obj) -> str:
        return _name(obj.submitted_by)


class ElevatorRatioOut(Schema):
    """INTAKE-10: a building's households against its elevators."""

    building: str
    households: int
    elevators: int
    per_elevator: float | None


class DesignSuggestionDetailOut(DesignSuggestionOut):
    can_answer: bool
    elevators: list[ElevatorRatioOut] | None = Field(
        None, description="For an elevator suggestion: households per elevator (INTAKE-10)."
    )


class DesignSuggestionIn(Schema):
    """A written suggestion to the developer (INTAKE-13)."""

    topic: Text = Field(
        ..., max_length=20, examples=["premises"],
        description="premises / elevator / parking / concealed / facilities / other",
    )  # fmt: skip
    title: Text = Field(..., max_length=100, examples=["物业服务用房移至一楼"])
    content: Text = Field(
        ..., max_length=TEXT_MAX, examples=["物业服务用房位于地下一层，建议调整至一楼临街位置。"]
    )
    number: Text = Field("", max_length=32, examples=[""], description="Left empty: numbered.")
    submitted_on: Day | None = Field(None, examples=["2026-03-02"], description="Empty: today.")


class DeveloperAnswerIn(Schema):
    """The developer's written answer, recorded once."""

    outcome: Text = Field(
        ..., max_length=20, examples=["adopted"], description="adopted / rejected"
    )
    answer: Text = Field(..., max_length=TEXT_MAX, examples=["同意调整至一楼"])
    answered_on: Day | None = Field(None, examples=["2026-03-02"], description="Empty: today.")


class SiteInspectionOut(Schema):
    id: int
    inspected_on: dt.date
    location: str
    findings: str
    concealed_works: bool
    rectification: str
    inspector: str
    recorded_at: dt.datetime
    photos: list[AttachmentOut]

    @staticmethod
    def resolve_inspector(obj) -> str:
        return _name(obj.inspector)

    @staticmethod
    def resolve_photos(obj) -> list:
        if hasattr(obj, "photos"):
            return obj.photos
        if obj.event_id is None:
            return []
        # The list prefetches them onto the event (``_photos_prefetch``).
        photos = getattr(obj.event, "photos", None)
        return photos if photos is not None else svc.inspection_photos(obj)


class SiteInspectionIn(Schema):
    """A site inspection (INTAKE-06); concealed works need photos (INTAKE-11)."""

    inspected_on: Day = Field(..., examples=["2026-03-02"])
    location: Text = Field(..., max_length=100, examples=["3栋地下室给水管"])
    findings: Text = Field(..., max_length=TEXT_MAX, examples=["给水管已安装，待封闭"])
    concealed_works: bool = False
    rectification: Text = Field("", max_length=TEXT_MAX, examples=["封闭前补做压力试验"])
    checks: list[Annotated[Text, Field(max_length=20)]] = Field(
        default_factory=list, max_length=2, examples=[["premises", "equipment"]],
        description="At the completion acceptance (INTAKE-07): premises / equipment.",
    )  # fmt: skip
    attachments: Photos


class InspectionIntervalIn(Schema):
    days: Annotated[int, Strict(), Field(ge=1, le=svc.MAX_INTERVAL_DAYS, examples=[7])]


class InspectionIntervalOut(Schema):
    days: int
    due: SiteInspectionDueOut


class ConcealedPhotoOut(Schema):
    inspection: int
    inspected_on: dt.date
    findings: str
    photos: list[AttachmentOut]


class ConcealedGalleryOut(Schema):
    """INTAKE-11: the concealed works' photos of one location."""

    location: str
    items: list[ConcealedPhotoOut]


class WeeklyMeetingOut(Schema):
    id: int
    held_on: dt.date
    attendees: str
    minutes: str
    decisions: str
    open_points: str
    recorded_by: str
    recorded_at: dt.datetime

    @staticmethod
    def resolve_recorded_by(obj) -> str:
        return _name(obj.recorded_by)


class WeeklyMeetingIn(Schema):
    """The weekly meeting with the developer (INTAKE-12)."""

    held_on: Day = Field(..., examples=["2026-03-02"])
    attendees: Text = Field(..., max_length=TEXT_MAX, examples=["王工、开发企业李经理"])
    minutes: Text = Field(..., max_length=TEXT_MAX, examples=["对接施工进度"])
    decisions: Text = Field("", max_length=TEXT_MAX, examples=["下周完成地下室管线验看"])
    open_points: Text = Field("", max_length=TEXT_MAX, examples=["提供消防图纸\n确认电梯型号"],
                              description="One per line.")  # fmt: skip


# --- Projects -----------------------------------------------------------------------------------


def _agreement(project: HandoverProject) -> InterventionAgreement | None:
    agreements = InterventionAgreement.objects.select_related("attachment", "recorded_by__staff")
    return agreements.filter(project=project).first()


def _due(project: HandoverProject) -> dict:
    due = svc.inspection_due(project)
    return {"active": due.active, "last": due.last, "next_due": due.next_due,
            "overdue_days": due.overdue_days}  # fmt: skip


def _counts(project: HandoverProject) -> dict:
    counts = {s: 0 for s in SuggestionStatus.values}
    for row in project.suggestions.order_by().values("status").annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    return {**counts, "total": sum(counts.values())}


def _detail(project: HandoverProject, actor: Actor) -> HandoverProject:
    """The project with what InterventionProjectDetailOut reads (the project page's context)."""
    project = HandoverProject.objects.select_related("estate", "intervention_case").get(
        pk=project.pk
    )
    case = project.intervention_case
    lead = svc.can_lead(actor, project)
    project.can_lead = lead
    project.is_member = actor.is_superuser or actor.role in svc.TEAM
    project.steps = [{**step, "label": str(step["label"])} for step in svc.step_timeline(project)]
    project.actions = [
        {"name": name, "label": str(INTERVENTION.action(name).label)}
        for name in svc.STEP_ACTIONS
        if case is not None and lead and case.status in INTERVENTION.action(name).sources
    ]
    project.agreement_out = _agreement(project)
    project.team_out = svc.team_members(project)
    project.missing_roles = [{"code": r.value, "label": str(r.label)}
                             for r in svc.team_missing_roles(project)]  # fmt: skip
    project.review_areas_missing = svc.review_areas_missing(project)
    project.completion_checks_missing = svc.completion_checks_missing(project)
    project.suggestion_counts = _counts(project)
    project.inspection_due = _due(project)
    check = svc.premises_check(project)
    project.premises = {"total_floor_area": check["total"], "premises_area": check["area"],
                        "premises_ratio": check["ratio"], "required_area": check["required"],
                        "meets_ratio": check["ok"], "problem": str(check["problem"])}  # fmt: skip
    weeks = svc.meeting_weeks(project)
    project.meeting_weeks = {"gaps": [{"monday": m, "sunday": s} for m, s in weeks.gaps],
                             "this_week_pending": weeks.this_week_pending}  # fmt: skip
    project.open_points = svc.open_points(project)
    return project


@router.get("/handover/projects", response={200: list[InterventionProjectOut], **VIEW_ERRORS})
@paginated
def project_list(request: HttpRequest, q: Term = "", stage: Term = ""):
    """The pre-intervention projects of the caller's estates (前期介入项目), by estate name.
    ``q`` searches the estate's name and the developer; ``stage`` is a state of the case
    (liaison, design_review, construction, completion, summary, closed) or ``not_started``."""
    actor = _viewer(request)
    return svc.project_list(actor=actor, q=q, stage=stage).order_by("estate__name")


@router.post("/handover/projects", response={201: InterventionProjectDetailOut, **WRITE_ERRORS})
def project_create(request: HttpRequest, payload: InterventionProjectIn):
    """Register an estate's project with its developer (接管项目; one per estate, a second is a
    409) and, unless ``start`` is false, start its pre-intervention at once (项目对接).
    Department heads and executives only (403)."""
    actor = _viewer(request)
    if not svc.can_lead(actor):
        raise PermissionDenied(_("只有部门负责人或企业高层可以登记项目"))
    estate = get_or_404(visible_estates(actor), payload.estate)
    with transaction.atomic():  # as the registration form: both or neither
        project = registration(
            estate=estate, developer=payload.developer, design_unit=payload.design_unit,
            contractor=payload.contractor, total_floor_area=payload.total_floor_area,
            by=request.auth,
        )  # fmt: skip
        if payload.start:
            svc.intervention_start(project, request.auth)
    return Status(201, _detail(project, actor))


@router.get(P, response={200: InterventionProjectDetailOut, **VIEW_ERRORS})
def project_detail(request: HttpRequest, project_id: IdParam):
    """One project as its page shows it: the steps of INTAKE-03 with the day each began, the
    steps the caller may take now, the agreement, the team and its missing parts, the
    suggestions' counts, when the next site inspection is due, the premises check, the weeks
    without a meeting and what is still open."""
    actor = _viewer(request)
    return _detail(svc.project_get_for_user(actor, project_id), actor)


@router.post(P + "/start", response={200: InterventionProjectDetailOut, **WRITE_ERRORS})
def project_start(request: HttpRequest, project_id: IdParam):
    """Start the pre-intervention (项目对接): opens the project's case. A lead's step (403);
    a project started already is a 409."""
    actor = _viewer(request)
    project = svc.project_get_for_user(actor, project_id)
    svc.intervention_start(project, request.auth)
    return _detail(project, actor)


def _step(request: HttpRequest, project_id: int, action: str, payload: InterventionStepIn):
    actor = _viewer(request)
    project = svc.project_get_for_user(actor, project_id)
    svc.intervention_act(project=project, action=action, by=request.auth, note=payload.note)
    return _detail(project, actor)


@router.post(
    P + "/start_design_review", response={200: InterventionProjectDetailOut, **WRITE_ERRORS}
)
def project_start_design_review(
    request: HttpRequest, project_id: IdParam, payload: InterventionStepIn
):
    """进入规划设计评审 (INTAKE-03). Refused (409 ``liaison_incomplete``) until the agreement
    is recorded (INTAKE-04) and the team has customer service, engineering and order staff
    (INTAKE-02). Leads only (403); out of order: 409."""
    return _step(request, project_id, "start_design_review", payload)


@router.post(
    P + "/start_construction", response={200: InterventionProjectDetailOut, **WRITE_ERRORS}
)
def project_start_construction(
    request: HttpRequest, project_id: IdParam, payload: InterventionStepIn
):
    """进入施工跟进 (INTAKE-03). Refused (409) until the design review has a written suggestion
    on the premises, the supporting facilities and the concealed works (INTAKE-05,
    ``review_incomplete``) and the premises area meets the project's proportion (INTAKE-09,
    ``premises_area``)."""
    return _step(request, project_id, "start_construction", payload)


@router.post(P + "/start_completion", response={200: InterventionProjectDetailOut, **WRITE_ERRORS})
def project_start_completion(
    request: HttpRequest, project_id: IdParam, payload: InterventionStepIn
):
    """进入竣工验收配合 (INTAKE-03), after the construction follow-up. Leads only."""
    return _step(request, project_id, "start_completion", payload)


@router.post(P + "/start_summary", response={200: InterventionProjectDetailOut, **WRITE_ERRORS})
def project_start_summary(request: HttpRequest, project_id: IdParam, payload: InterventionStepIn):
    """进入前期介入总结 (INTAKE-03). Refused (409 ``completion_incomplete``) until the completion
    acceptance has inspections checking the premises and the equipment (INTAKE-07)."""
    return _step(request, project_id, "start_summary", payload)


@router.post(P + "/submit_report", response={200: InterventionProjectDetailOut, **WRITE_ERRORS})
def project_submit_report(request: HttpRequest, project_id: IdParam, payload: InterventionStepIn):
    """提交前期介入报告 (INTAKE-08): closes the pre-intervention; the report goes to the
    developer and the executives (their inbox). The report itself: ``GET …/report.pdf``."""
    return _step(request, project_id, "submit_report", payload)


# --- Agreement and team (INTAKE-02/04) ----------------------------------------------------------


@router.get(P + "/agreement", response={200: InterventionAgreementOut, **VIEW_ERRORS})
def agreement_detail(request: HttpRequest, project_id: IdParam):
    """The project's 《前期介入协议》 (INTAKE-04) with its scan; 404 when none is recorded."""
    agreement = _agreement(_project(request, project_id))
    if agreement is None:
        raise ApiError(404, "not_found", _("未找到，或您无权查看"))
    return agreement


@router.put(P + "/agreement", response={200: InterventionAgreementOut, **WRITE_ERRORS})
def agreement_record(request: HttpRequest, project_id: IdParam, payload: InterventionAgreementIn):
    """Record the signed 《前期介入协议》 (INTAKE-04): the day (not after today), the scope of
    intervention and each side's duties, with the scan's photo id. Recording it again corrects
    it (the earlier version stays on the case's timeline). Leads only (403); before the
    pre-intervention has started, a 409."""
    project = _project(request, project_id)
    svc.agreement_record(
        project=project, signed_on=payload.signed_on, scope=payload.scope,
        duties=payload.duties, attachments=payload.attachments, by=request.auth,
    )  # fmt: skip
    return _agreement(project)


@router.get(P + "/team", response={200: list[InterventionMemberOut], **VIEW_ERRORS})
@paginated
def team_list(request: HttpRequest, project_id: IdParam):
    """The pre-intervention team (INTAKE-02), by part and name."""
    return svc.team_members(_project(request, project_id))


@router.get(P + "/team/candidates", response={200: list[InterventionCandidateOut], **VIEW_ERRORS})
@paginated
def team_candidates(request: HttpRequest, project_id: IdParam):
    """Who may join the team: active staff of the project's estate from the customer-service,
    engineering and order departments, not on it yet."""
    return svc.team_candidates(_project(request, project_id))


@router.post(P + "/team", response={201: InterventionMemberOut, **WRITE_ERRORS})
def team_add(request: HttpRequest, project_id: IdParam, payload: InterventionMemberIn):
    """Put a staff member on the team as customer service, engineering or order (秩序); the
    member must work in the estate and in that part's department (400 otherwise). Leads only."""
    project = _project(request, project_id)
    staff = Staff.objects.select_related("department").filter(pk=payload.staff).first()
    if staff is None:  # the service's own message, whether the id exists or not
        raise ValidationError({"staff": [_("请选择本项目的在职员工")]})
    member = svc.team_member_add(project=project, staff=staff, role=payload.role, by=request.auth)
    return Status(201, member)


@router.delete(P + "/team/{int:member_id}", response={204: None, **WRITE_ERRORS})
def team_remove(request: HttpRequest, project_id: IdParam, member_id: IdParam):
    """Take a member off the team (recorded on the case's timeline). Leads only."""
    project = _project(request, project_id)
    member = get_or_404(project.team.filter(team="intervention").select_related("staff"), member_id)
    svc.team_member_remove(member=member, by=request.auth)
    return Status(204, None)


# --- Suggestions (INTAKE-05/09/10/13) -----------------------------------------------------------


def _suggestion(project: HandoverProject, suggestion_id: int) -> DesignSuggestion:
    return get_or_404(project.suggestions.select_related("submitted_by__staff"), suggestion_id)


def _suggestion_out(project: HandoverProject, suggestion: DesignSuggestion, actor: Actor):
    suggestion.can_answer = suggestion.status == SuggestionStatus.SUBMITTED and (
        actor.is_superuser or actor.role in svc.TEAM
    )
    suggestion.elevators = (
        svc.elevator_ratio(project) if suggestion.topic == SuggestionTopic.ELEVATOR else None
    )
    return suggestion


@router.get(P + "/suggestions", response={200: list[DesignSuggestionOut], **VIEW_ERRORS})
@paginated
def suggestion_list(
    request: HttpRequest, project_id: IdParam, status: Term = "", topic: Term = "", q: Term = ""
):
    """The written suggestions (规划设计建议), latest first. ``status``: open (no answer yet),
    adopted or rejected; ``topic``: premises, elevator, parking, concealed, facilities, other;
    ``q`` searches the number, the title and the content."""
    project = _project(request, project_id)
    return svc.suggestion_list(project, status=status, topic=topic, q=q)


@router.get(
    P + "/suggestions.xlsx", response=VIEW_ERRORS,
    openapi_extra=file_download(XLSX, description="规划设计建议 (.xlsx)"),
)  # fmt: skip
def suggestion_export(
    request: HttpRequest, project_id: IdParam, status: Term = "", topic: Term = "", q: Term = ""
) -> HttpResponse:
    """The suggestions as a spreadsheet, with the list's filters (the page's 导出)."""
    project = _project(request, project_id)
    return suggestion_workbook(project, svc.suggestion_list(project, status=status, topic=topic,
                                                            q=q))  # fmt: skip


@router.get(P + "/elevators", response={200: list[ElevatorRatioOut], **VIEW_ERRORS})
@paginated
def elevator_ratio(request: HttpRequest, project_id: IdParam):
    """INTAKE-10: each building's households against its elevators, for an elevator
    suggestion."""
    return svc.elevator_ratio(_project(request, project_id))


@router.post(P + "/suggestions", response={201: DesignSuggestionDetailOut, **WRITE_ERRORS})
def suggestion_create(request: HttpRequest, project_id: IdParam, payload: DesignSuggestionIn):
    """Submit a suggestion to the developer in writing (INTAKE-13: a numbered letter, never a
    verbal promise; print it with ``…/letter.pdf``). It stays open until the developer's answer
    is recorded. The team's roles only (403); before the start, a 409."""
    actor = _viewer(request)
    project = svc.project_get_for_user(actor, project_id)
    suggestion = svc.suggestion_submit(
        project=project, topic=payload.topic, title=payload.title, content=payload.content,
        number=payload.number, submitted_on=payload.submitted_on, by=request.auth,
    )  # fmt: skip
    return Status(201, _suggestion_out(project, _suggestion(project, suggestion.pk), actor))


@router.get(P + "/suggestions/{int:suggestion_id}",
            response={200: DesignSuggestionDetailOut, **VIEW_ERRORS})  # fmt: skip
def suggestion_detail(request: HttpRequest, project_id: IdParam, suggestion_id: IdParam):
    """One written suggestion with the developer's answer; ``can_answer`` says whether the
    caller may record it now. An elevator suggestion shows households per elevator."""
    actor = _viewer(request)
    project = svc.project_get_for_user(actor, project_id)
    return _suggestion_out(project, _suggestion(project, suggestion_id), actor)


@router.post(P + "/suggestions/{int:suggestion_id}/answer",
             response={200: DesignSuggestionDetailOut, **WRITE_ERRORS})  # fmt: skip
def suggestion_answer(
    request: HttpRequest, project_id: IdParam, suggestion_id: IdParam, payload: DeveloperAnswerIn
):
    """Record the developer's written answer: adopted or rejected, with the text and the day
    (not before the submission, not after today). Once: a second answer is a 409
    ``already_answered``. The team's roles only (403)."""
    actor = _viewer(request)
    project = svc.project_get_for_user(actor, project_id)
    suggestion = _suggestion(project, suggestion_id)
    svc.suggestion_answer(suggestion=suggestion, outcome=payload.outcome, answer=payload.answer,
                          answered_on=payload.answered_on, by=request.auth)  # fmt: skip
    return _suggestion_out(project, _suggestion(project, suggestion_id), actor)


@router.get(
    P + "/suggestions/{int:suggestion_id}/letter.pdf", response=FILE_ERRORS,
    openapi_extra=file_download(PDF, description="建议函 (PDF)"),
)  # fmt: skip
def suggestion_letter(
    request: HttpRequest, project_id: IdParam, suggestion_id: IdParam
) -> HttpResponse:
    """The suggestion's letter to the developer (建议函), to print, sign and send. 503 when the
    server has no Chinese font."""
    suggestion = _suggestion(_project(request, project_id), suggestion_id)
    try:
        content = suggestion_letter_pdf(suggestion)
    except CJKFontMissing as error:
        raise _font_missing(error, _("无法生成建议函")) from None
    return pdf_response(content, _("建议函-%(number)s.pdf") % {"number": suggestion.number})


# --- Site inspections (INTAKE-06/07/11) ---------------------------------------------------------


def _photos_prefetch() -> Prefetch:
    photos = Attachment.objects.filter(kind=AttachmentKind.PHOTO).order_by("uploaded_at", "id")
    return Prefetch("event__attachments", queryset=photos, to_attr="photos")


def _with_photos(inspection: SiteInspection) -> SiteInspection:
    inspection.photos = svc.inspection_photos(inspection)
    return inspection


@router.get(P + "/inspections", response={200: list[SiteInspectionOut], **VIEW_ERRORS})
@paginated
def inspection_list(
    request: HttpRequest, project_id: IdParam, location: Term = "", concealed: bool = False
):
    """The site inspections, latest first, with their photos. ``location`` searches the place;
    ``concealed=true`` keeps those of concealed works."""
    project = _project(request, project_id)
    qs = svc.inspection_list(project, location=location, concealed=concealed)
    return qs.prefetch_related(_photos_prefetch())


@router.post(P + "/inspections", response={201: SiteInspectionOut, **WRITE_ERRORS})
def inspection_create(request: HttpRequest, project_id: IdParam, payload: SiteInspectionIn):
    """Record a site inspection (INTAKE-06) in the construction follow-up or the completion
    acceptance (else 409): where, what was seen, the rectification opinion; concealed works
    need at least one photo (INTAKE-11, 400 otherwise). At the completion acceptance,
    ``checks`` says what it checked the installation of (INTAKE-07). The team's roles only."""
    project = _project(request, project_id)
    inspection = svc.inspection_record(
        project=project, inspected_on=payload.inspected_on, location=payload.location,
        findings=payload.findings, concealed_works=payload.concealed_works,
        rectification=payload.rectification, attachments=payload.attachments,
        checks=payload.checks, by=request.auth,
    )  # fmt: skip
    return Status(201, _with_photos(inspection))


@router.get(P + "/inspections/interval", response={200: InspectionIntervalOut, **VIEW_ERRORS})
def inspection_interval(request: HttpRequest, project_id: IdParam):
    """The project's site-inspection interval in days (INTAKE-06) and when the next one is
    due."""
    project = _project(request, project_id)
    return {"days": project.inspection_interval_days, "due": _due(project)}


@router.put(P + "/inspections/interval", response={200: InspectionIntervalOut, **WRITE_ERRORS})
def inspection_interval_set(
    request: HttpRequest, project_id: IdParam, payload: InspectionIntervalIn
):
    """Set the interval (1 to 90 days; the manual says "periodically"). Leads only (403)."""
    project = _project(request, project_id)
    project = svc.inspection_interval_set(project=project, days=payload.days, by=request.auth)
    return {"days": project.inspection_interval_days, "due": _due(project)}


@router.get(P + "/inspections/photos", response={200: list[ConcealedGalleryOut], **VIEW_ERRORS})
@paginated
def concealed_gallery(request: HttpRequest, project_id: IdParam, location: Term = ""):
    """INTAKE-11: the concealed works' photos by location, kept for later maintenance;
    ``location``: only the places whose name contains it."""
    groups = svc.concealed_gallery(_project(request, project_id), location=location)
    return [
        {
            "location": group["location"],
            "items": [
                {
                    "inspection": item["inspection"].pk,
                    "inspected_on": item["inspection"].inspected_on,
                    "findings": item["inspection"].findings,
                    "photos": item["photos"],
                }
                for item in group["items"]
            ],
        }
        for group in groups
    ]


# --- Weekly meetings (INTAKE-12) ----------------------------------------------------------------


@router.get(P + "/meetings", response={200: list[WeeklyMeetingOut], **VIEW_ERRORS})
@paginated
def meeting_list(request: HttpRequest, project_id: IdParam):
    """The weekly meetings with the developer, latest first."""
    return _project(request, project_id).meetings.select_related("recorded_by__staff")


@router.get(P + "/meetings/weeks", response={200: MeetingWeeksOut, **VIEW_ERRORS})
def meeting_weeks(request: HttpRequest, project_id: IdParam):
    """INTAKE-12: the past weeks (Monday to Sunday) without a meeting, and whether this week
    has had none yet."""
    weeks = svc.meeting_weeks(_project(request, project_id))
    return {"gaps": [{"monday": m, "sunday": s} for m, s in weeks.gaps],
            "this_week_pending": weeks.this_week_pending}  # fmt: skip


@router.post(P + "/meetings", response={201: WeeklyMeetingOut, **WRITE_ERRORS})
def meeting_create(request: HttpRequest, project_id: IdParam, payload: WeeklyMeetingIn):
    """Record a weekly meeting with the developer: attendees, minutes, decisions and open
    points (one per line). One a day (400). The team's roles only (403)."""
    project = _project(request, project_id)
    meeting = svc.meeting_record(
        project=project, held_on=payload.held_on, attendees=payload.attendees,
        minutes=payload.minutes, decisions=payload.decisions, open_points=payload.open_points,
        by=request.auth,
    )  # fmt: skip
    return Status(
        201, WeeklyMeeting.objects.select_related("recorded_by__staff").get(pk=meeting.pk)
    )


# --- 《前期介入报告》 (INTAKE-08) ---------------------------------------------------------------


@router.get(
    P + "/report.pdf", response={**FILE_ERRORS, 409: ErrorOut},
    openapi_extra=file_download(PDF, description="前期介入报告 (PDF)"),
)  # fmt: skip
def report_pdf(request: HttpRequest, project_id: IdParam) -> HttpResponse:
    """The 《前期介入报告》 (INTAKE-08), made at the summary (and after): earlier, a 409
    ``invalid_state``. 503 when the server has no Chinese font."""
    project = _project(request, project_id)
    case = svc.current_case(project)
    if case is None or case.status not in (I.SUMMARY, I.CLOSED):
        raise ApiError(409, "invalid_state", _("《前期介入报告》在“前期介入总结”阶段生成"))
    try:
        content = intervention_report_pdf(project)
    except CJKFontMissing as error:
        raise _font_missing(error, _("无法生成前期介入报告")) from None
    return pdf_response(content, _("前期介入报告-%(estate)s.pdf") % {"estate": project.estate.name})

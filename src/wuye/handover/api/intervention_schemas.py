"""What the endpoints take (``*In``) and answer (``*Out``)."""

import datetime as dt
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import Strict

from wuye.base.api import (
    Day,
    Id,
    Note,
    Text,
)
from wuye.core.validators import TEXT_MAX
from wuye.handover.processes import INTERVENTION
from wuye.handover.services import intervention as svc
from wuye.workflow.api.cases import AttachmentOut

Photos = Annotated[
    list[UUID],
    Field(
        default_factory=list,
        max_length=9,
        description="Photo ids from `POST /attachments` (at most 9).",
        examples=[["0b6f3a52-2d4e-4c1e-9a57-5c3f1f0e8a11"]],
    ),
]


def _name(user) -> str:
    if user is None:
        return ""
    staff = getattr(user, "staff", None)
    return staff.name if staff is not None else user.get_username()


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

"""Pre-intervention API (前期介入, INTAKE-*): everything the project pages do, through the same
services (``intervention``; a project's registration through ``services.project_create``).

Who may call, as on the pages: the team's roles and the auditors see the projects of their
estates (anyone else is a 403, a project of another estate a 404); department heads and
executives lead (register, start, move on, agreement, team, inspection interval); the team
records suggestions, answers, inspections and meetings. Photos (the agreement's scan,
concealed works) are uploaded first with ``POST /attachments`` and named by id. The premises
figures (INTAKE-09) are in ``handover.api``; the case's timeline is ``GET /cases/{case}``.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Status

from wuye.base.api import (
    PDF,
    READ_ERRORS,
    WRITE_ERRORS,
    XLSX,
    ApiError,
    ErrorOut,
    IdParam,
    Term,
    file_download,
    paginated,
)
from wuye.base.pdf import CJKFontMissing, pdf_response
from wuye.core.models import Staff
from wuye.core.scoping import Actor, actor_for, get_or_404, visible_estates
from wuye.handover.api.intervention_schemas import (
    ConcealedGalleryOut,
    DesignSuggestionDetailOut,
    DesignSuggestionIn,
    DesignSuggestionOut,
    DeveloperAnswerIn,
    ElevatorRatioOut,
    InspectionIntervalIn,
    InspectionIntervalOut,
    InterventionAgreementIn,
    InterventionAgreementOut,
    InterventionCandidateOut,
    InterventionMemberIn,
    InterventionMemberOut,
    InterventionProjectDetailOut,
    InterventionProjectIn,
    InterventionProjectOut,
    InterventionStepIn,
    MeetingWeeksOut,
    SiteInspectionIn,
    SiteInspectionOut,
    WeeklyMeetingIn,
    WeeklyMeetingOut,
)
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
from wuye.handover.processes import INTERVENTION, TEAM
from wuye.handover.services import intervention as svc
from wuye.handover.services.takeover import project_create as registration
from wuye.workflow.models import Attachment, AttachmentKind

router = Router(tags=["handover"])

I = svc.I  # noqa: E741
P = "/handover/projects/{int:project_id}"
# Every read is refused to whoever the pages refuse (residents, cleaners…): a 403, as there.
VIEW_ERRORS: dict[int, Any] = {**READ_ERRORS, 403: ErrorOut}
FILE_ERRORS: dict[int, Any] = {**VIEW_ERRORS, 503: ErrorOut}


def _viewer(request: HttpRequest) -> Actor:
    """The pages' door (``intervention_pages._require_viewer``): the team's roles and the
    auditors, else a 403."""
    actor = actor_for(request.auth)
    if not (actor.is_superuser or actor.role in svc.VIEWERS):
        raise PermissionDenied(_("此接口仅供前期介入小组、部门负责人和企业高层使用"))
    return actor


def _project(request: HttpRequest, project_id: int) -> HandoverProject:
    return svc.project_get_for_user(_viewer(request), project_id)


def _font_missing(error: CJKFontMissing, title: str) -> ApiError:
    return ApiError(503, "font_missing", f"{title}：{error}")


# --- Schemas ------------------------------------------------------------------------------------


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
    project.is_member = actor.is_superuser or actor.role in TEAM
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
        actor.is_superuser or actor.role in TEAM
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

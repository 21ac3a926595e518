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

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router
from ninja.responses import Status

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
from wuye.core.exceptions import Conflict
from wuye.core.models import Building, Estate, Staff
from wuye.core.scoping import Actor, actor_for, get_or_404, visible_estates
from wuye.facilities.models import Equipment
from wuye.handover.api.takeover_schemas import (
    DEFECT_ACTIONS,
    PLAN_ACTIONS,
    HandoverDocumentIn,
    HandoverDocumentOut,
    RectificationNoticeOut,
    TakeoverCheckIn,
    TakeoverConfirmIn,
    TakeoverDefectDetailOut,
    TakeoverDefectOut,
    TakeoverDefectStepIn,
    TakeoverItemIn,
    TakeoverItemOut,
    TakeoverOverviewOut,
    TakeoverPlanDetailOut,
    TakeoverPlanIn,
    TakeoverPlanOut,
    TakeoverProjectIn,
    TakeoverProjectOut,
    TakeoverStepIn,
    _gate,
)
from wuye.handover.choices import DefectStatus, TakeoverStatus
from wuye.handover.documents import takeover as pdf
from wuye.handover.documents.takeover_exports import defects_xlsx_response
from wuye.handover.models import (
    CheckItem,
    HandoverDocument,
    HandoverProject,
    RectificationNotice,
    TakeoverDefect,
    TakeoverPlan,
)
from wuye.handover.processes import LEADS, TEAM
from wuye.handover.services import takeover as services
from wuye.workflow.api.cases import action_param

router = Router(tags=["takeover"])

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


# --- Input --------------------------------------------------------------------------------------


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


DefectAction = action_param(only=DEFECT_ACTIONS)
PlanAction = action_param(only=PLAN_ACTIONS)


@router.post("/handover/defects/{int:defect_id}/{action}",
             response={200: TakeoverDefectDetailOut, **WRITE_ERRORS})  # fmt: skip
def takeover_defect_act(request: HttpRequest, defect_id: IdParam, action: DefectAction,
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
    request: HttpRequest, plan_id: IdParam, action: PlanAction, payload: TakeoverStepIn
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

"""Move-in API (业主入住, MOVEIN-*): what the move-in pages show and do — the dashboard's
figures, the batches with their notices and printed letters, the desk's search, one owner's
move-in with its fees, invoices and steps, the two printed forms (PDF), the house defects and
the needs routed to departments. The same services and selectors as the pages.

Who may call, as on the pages: staff only (a resident or a contractor gets a 403, as the pages
answer them); the batches are for the desk (客服中心、部门负责人、企业高层), the move-ins,
defects and needs for the move-in staff (the desk, the engineers, order, finance, cleaning and
gardening); anything outside the caller's estates is a 404. A step's own rules are the
engine's and the services' (403 role, 409 out of order, 400 inputs).

The defects' and needs' own steps (整改完成, 业主确认, 处理完成…) go through the generic
``POST /cases/{case_id}/{action}``, as on the pages; each row here names its ``case``.
"""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router
from ninja.responses import Status

from wuye.base.api import (
    PDF,
    READ_ERRORS,
    WRITE_ERRORS,
    ApiError,
    ErrorOut,
    IdParam,
    Term,
    file_download,
    paginated,
)
from wuye.base.pdf import CJKFontMissing, pdf_response
from wuye.core.choices import Role
from wuye.core.exceptions import Conflict
from wuye.core.models import Building
from wuye.core.scoping import Actor, actor_for, get_or_404, visible_estates
from wuye.residents.api.schemas import (
    HouseDefectOut,
    MoveInBatchDetailOut,
    MoveInBatchIn,
    MoveInBatchOut,
    MoveInDashboardOut,
    MoveInDetailOut,
    MoveInInvoiceIn,
    MoveInLettersOut,
    MoveInNeedOut,
    MoveInNotifyOut,
    MoveInOut,
    MoveInStepIn,
    _clocks,
)
from wuye.workflow.api.cases import action_param
from wuye.workflow.engine import get_process
from wuye.workflow.selectors import case_timeline
from wuye.workflow.services import allowed_actions

from .. import selectors, services
from ..choices import MoveInStatus
from ..models import MoveIn, MoveInBatch
from ..processes import DESK, MOVE_IN, STAFF

router = Router(tags=["move-in"])

M = MoveInStatus
# As the move-in page: the steps in the manual's order (MOVEIN-02), and who issues invoices
# (FEE-06: finance's clerks, the heads and the executives).
STEPS = ("arrive", "check_documents", "pay_fees", "inspect", "hand_keys", "complete", "revisit")
INVOICERS = (Role.FINANCE_CLERK, Role.DEPARTMENT_HEAD, Role.EXECUTIVE)

# The role refusals (403) the pages give too, and a form that cannot be printed yet (409) or a
# server without the Chinese font (503).
ROLE_READ_ERRORS: dict[int, Any] = {**READ_ERRORS, 403: ErrorOut}
FILE_ERRORS: dict[int, Any] = {**READ_ERRORS, 403: ErrorOut, 409: ErrorOut, 503: ErrorOut}


def _actor(request: HttpRequest, roles: frozenset | None = None) -> Actor:
    """The caller, if the pages would let them in: staff (else 403), of ``roles`` if given."""
    actor = actor_for(request.auth)
    if actor.staff is None and not actor.is_superuser:
        raise PermissionDenied(_("此接口仅供员工使用"))
    if roles is not None and not (actor.is_superuser or actor.role in roles):
        raise PermissionDenied(_("此接口仅供客服中心、工程部和管理层使用"))
    return actor


def _estate(actor: Actor, estate_id: int | None):
    if estate_id is None:
        return None
    return get_or_404(visible_estates(actor), estate_id)


def _aware(value: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """A time without an offset is the estate's local time (what the page's form takes)."""
    return value if value.tzinfo is not None else value.replace(tzinfo=zone)


# --- Shared output pieces -----------------------------------------------------------------------


def _case_ref(case) -> dict | None:
    if case is None:
        return None
    return {"case": case.pk, "number": case.number, "status": case.status,
            "status_label": str(get_process(case.process).state_label(case.status))}  # fmt: skip


# --- Batches (MOVEIN-03) ------------------------------------------------------------------------


def _batch(actor: Actor, batch_id: int) -> MoveInBatch:
    """The batch with its progress, as the caller may see it (else 404)."""
    return get_or_404(selectors.batch_progress(services.batch_list(actor=actor)), batch_id)


@router.get("/movein/batches", response={200: list[MoveInBatchOut], **ROLE_READ_ERRORS})
@paginated
def batch_list(request: HttpRequest, estate: IdParam | None = None, status: Term = "",
               building: IdParam | None = None):  # fmt: skip
    """入住批次: the batches of the caller's estates (or of ``estate``), the latest first, with
    how many owners were told, arrived, completed and were revisited; ``status``: planned /
    notified / closed; ``building``: one building's. For the desk (客服中心、部门负责人、
    企业高层)."""
    actor = _actor(request, DESK)
    return selectors.batch_list_filtered(
        actor=actor, estate=_estate(actor, estate), status=status, building=building
    )


@router.post("/movein/batches", response={201: MoveInBatchDetailOut, **WRITE_ERRORS})
def batch_create(request: HttpRequest, payload: MoveInBatchIn):
    """新建入住批次 (MOVEIN-03): refused (400) before the building's takeover is confirmed
    (TAKEOVER-15, ``building``) or when its notices could no longer go out 7 days ahead
    (``starts_at``). The desk only."""
    actor = _actor(request, DESK)
    buildings = Building.objects.filter(estate__in=visible_estates(actor)).select_related("estate")
    building = get_or_404(buildings, payload.building)
    zone = ZoneInfo(building.estate.time_zone or "Asia/Shanghai")
    batch = services.batch_create(
        building=building, title=payload.title, starts_at=_aware(payload.starts_at, zone),
        ends_at=_aware(payload.ends_at, zone), place=payload.place, documents=payload.documents,
        fees=payload.fees, by=request.auth,
    )  # fmt: skip
    return Status(201, _batch_detail(actor, batch.pk))


def _batch_detail(actor: Actor, batch_id: int, show: str = "") -> MoveInBatch:
    """What the batch page shows (its facts, the vehicle guidance), on the batch."""
    batch = _batch(actor, batch_id)
    facts = selectors.batch_facts(batch)
    batch.notice_deadline, batch.notice_late = facts["deadline"], facts["late"]
    batch.takeover_confirmed = facts["confirmed"]
    batch.unnotified = len(facts["unnotified"])
    batch.vehicle_guidance = _case_ref(services.vehicle_guidance_case(batch))
    batch.owners = facts["unnotified"] if show == "unnotified" else facts["owners"]
    return batch


@router.get("/movein/batches/{int:batch_id}",
            response={200: MoveInBatchDetailOut, **ROLE_READ_ERRORS})  # fmt: skip
def batch_detail(request: HttpRequest, batch_id: IdParam, show: Term = ""):
    """One batch: its owners with their notice and move-in, the notice deadline, the takeover
    gate and the order department's vehicle guidance (MOVEIN-01); ``show=unnotified``: only
    the owners not told yet."""
    actor = _actor(request, DESK)
    return _batch_detail(actor, batch_id, show)


@router.post("/movein/batches/{int:batch_id}/notify",
             response={200: MoveInNotifyOut, **WRITE_ERRORS})  # fmt: skip
def batch_notify(request: HttpRequest, batch_id: IdParam):
    """发出入住通知 (MOVEIN-03): every owner of the building not told yet gets an in-app message
    and an SMS (with a login) and a printed letter; each owner's move-in opens (已通知). 409 once
    less than 7 days before the start (``notice_late``), before the takeover is confirmed, when
    everyone was told already or the batch is closed. The desk only (403)."""
    _actor(request)
    batch = services.batch_get_for_user(request.auth, batch_id)
    result = services.batch_notify(batch=batch, by=request.auth)
    return {"notified": result.notified, "by_app": result.by_app,
            "letter_only": result.letter_only}  # fmt: skip


@router.get("/movein/batches/{int:batch_id}/letters",
            response={200: MoveInLettersOut, **ROLE_READ_ERRORS})  # fmt: skip
def batch_letters(request: HttpRequest, batch_id: IdParam):
    """The printed notices (书面通知) of the batch: the notice's title and body (time, place,
    documents, fees, MOVEIN-03) and one letter per owner of the building."""
    actor = _actor(request, DESK)
    batch = services.batch_get_for_user(actor.user, batch_id)
    title, body = services.notice_text(batch)
    return {"batch": batch.pk, "title": title, "body": body, "date": timezone.localdate(),
            "letters": selectors.batch_facts(batch)["owners"]}  # fmt: skip


# --- Move-ins: the desk's search and one owner's move-in ----------------------------------------


def _move_in_detail(request: HttpRequest, actor: Actor, move_in_id: int) -> MoveIn:
    """What the move-in page shows (pages._detail): the same services, on the move-in."""
    move_in = services.move_in_get_for_user(request.auth, move_in_id)
    case = move_in.case
    allowed = allowed_actions(case=case, user=request.auth)
    names = [a.name for a in allowed]
    bills = services.move_in_bills(move_in)
    payments = services.move_in_payments(move_in) if bills else []
    for p in payments:
        p.issued_invoice = services.issued_invoice(p)
    fee_preview, fee_error = [], ""
    if "pay_fees" in names and not bills:
        try:
            fee_preview = services.move_in_fee_lines(move_in)
        except ValidationError as error:
            fee_error = " ".join(error.messages)
    move_in.clock_rows = _clocks(case.clocks.all())
    move_in.actions = [{"name": a.name, "label": str(a.label)} for a in allowed]
    move_in.next_step = next((s for s in STEPS if s in names), "")
    move_in.bill_rows = bills
    move_in.fees_paid = bool(bills) and all(b.status == "paid" for b in bills)
    move_in.fee_preview, move_in.fee_error = fee_preview, fee_error
    move_in.payments = payments
    move_in.invoice_pending = sum(1 for p in payments if p.issued_invoice is None)
    move_in.can_invoice = actor.is_superuser or actor.role in INVOICERS
    move_in.defect_rows = list(
        move_in.defects.select_related(
            "case", "move_in__room__building", "move_in__room__unit", "move_in__resident"
        ).prefetch_related("case__clocks")
    )
    move_in.events = [
        {"at": e.at, "action": e.action, "actor": e.actor.get_username() if e.actor_id else None,
         "role": e.role, "from_status": e.from_status, "to_status": e.to_status, "note": e.note,
         "data": e.data}
        for e in case_timeline(case=case, actor=actor)
    ]  # fmt: skip
    return move_in


@router.get("/movein/move-ins", response={200: list[MoveInOut], **ROLE_READ_ERRORS})
@paginated
def move_in_list(request: HttpRequest, estate: IdParam | None = None,
                 batch: IdParam | None = None, q: Term = "", status: Term = ""):  # fmt: skip
    """入住办理台 (MOVEIN-12): find an owner's move-in by name, room number, the mobile's last
    digits or the case number (``q``); ``batch``: one batch's (the desk picks the batch of the
    day); ``status``: a move-in status, or ``waiting`` for those arrived and not completed."""
    actor = _actor(request, STAFF)
    qs = selectors.desk_move_ins(actor=actor, q=q, status=status)
    if batch is not None:
        qs = qs.filter(batch=services.batch_get_for_user(actor.user, batch))
    estate_obj = _estate(actor, estate)
    if estate_obj is not None:
        qs = qs.filter(batch__estate=estate_obj)
    return qs


@router.get("/movein/move-ins/{int:move_in_id}",
            response={200: MoveInDetailOut, **ROLE_READ_ERRORS})  # fmt: skip
def move_in_detail(request: HttpRequest, move_in_id: IdParam):
    """One owner's move-in as its page shows it: the status and clocks (the 3-day revisit,
    MOVEIN-10), the steps the caller may take now and the next one in the manual's order
    (MOVEIN-02), the documents, the fees (their bills, payments and invoices, MOVEIN-05, or
    what they will be), keys and cards, the agreements, the defects with their clocks and the
    timeline."""
    actor = _actor(request, STAFF)
    return _move_in_detail(request, actor, move_in_id)


@router.post("/movein/move-ins/{int:move_in_id}/fees",
             response={200: MoveInDetailOut, **WRITE_ERRORS})  # fmt: skip
def move_in_fees(request: HttpRequest, move_in_id: IdParam):
    """生成入住费用账单 (MOVEIN-05): half a year of property fee and the decoration deposit on
    the room, through billing; once (a second call changes nothing). 409 outside 资料已审核;
    400 when the estate has no rates set. The desk only (403)."""
    actor = _actor(request)
    services.move_in_fees_raise(move_in=move_in_id, by=request.auth)
    return _move_in_detail(request, actor, move_in_id)


@router.post("/movein/move-ins/{int:move_in_id}/invoice",
             response={200: MoveInDetailOut, **WRITE_ERRORS})  # fmt: skip
def move_in_invoice(request: HttpRequest, move_in_id: IdParam, payload: MoveInInvoiceIn):
    """开具发票 of the move-in fees (MOVEIN-05, FEE-06): finance issues the invoice of each
    payment that has none, with the next of ``numbers``; 400 when the count differs, 409 when
    nothing is left to invoice, 403 for anyone but finance."""
    actor = _actor(request)
    services.move_in_invoice_issue(move_in=move_in_id, numbers=payload.numbers,
                                   title=payload.title, by=request.auth)  # fmt: skip
    return _move_in_detail(request, actor, move_in_id)


@router.get("/movein/move-ins/{int:move_in_id}/application.pdf", response=FILE_ERRORS,
            openapi_extra=file_download(PDF, description="《业主入住申请表》"))  # fmt: skip
def application_pdf(request: HttpRequest, move_in_id: IdParam):
    """《业主入住申请表》 (MOVEIN-04) as PDF, once the documents are checked (409 before); 503
    when the server has no Chinese font."""
    from wuye.residents.documents.move_in import application_pdf as build

    _actor(request)
    move_in = services.move_in_get_for_user(request.auth, move_in_id)
    if move_in.case.status in (M.NOTIFIED, M.ARRIVED):
        raise Conflict(_("资料审核通过后才能打印《业主入住申请表》"), code="invalid_state")
    try:
        content = build(move_in)
    except CJKFontMissing as error:
        raise ApiError(503, "font_missing", str(error)) from None
    return pdf_response(content, _("业主入住申请表-%(n)s.pdf") % {"n": move_in.case.number})


@router.get("/movein/move-ins/{int:move_in_id}/inspection.pdf", response=FILE_ERRORS,
            openapi_extra=file_download(PDF, description="《房屋验收记录表》"))  # fmt: skip
def inspection_pdf(request: HttpRequest, move_in_id: IdParam):
    """《房屋验收记录表》 (MOVEIN-06) as PDF: each problem with its deadline (MOVEIN-07); once the
    house is inspected (409 before); 503 when the server has no Chinese font."""
    from wuye.residents.documents.move_in import inspection_pdf as build

    _actor(request)
    move_in = services.move_in_get_for_user(request.auth, move_in_id)
    if not move_in.case.events.filter(action="inspect").exists():
        raise Conflict(_("房屋验收后才能打印《房屋验收记录表》"), code="invalid_state")
    try:
        content = build(move_in)
    except CJKFontMissing as error:
        raise ApiError(503, "font_missing", str(error)) from None
    return pdf_response(content, _("房屋验收记录表-%(n)s.pdf") % {"n": move_in.case.number})


def _step_data(action: str, payload: MoveInStepIn) -> tuple[dict, list]:
    """The step's data and attachments, as the page's form gives them (pages._step_posted)."""
    if action == "check_documents":
        return {k: getattr(payload, k) for k in ("id_number", "contract_no", "household",
                                                 "emergency_contact")}, []  # fmt: skip
    if action == "inspect":
        return {"defects": [d.model_dump() for d in payload.defects]}, list(payload.attachments)
    if action == "hand_keys":
        return {"key_count": payload.key_count, "access_cards": payload.access_cards,
                "usage_explained": payload.usage_explained}, []  # fmt: skip
    if action == "complete":
        # MOVEIN-09: each agreement signed is an attachment of the step (as on the page).
        data, files = {}, []
        for key in ("service_agreement", "covenant"):
            value = getattr(payload, key)
            if value is not None:
                data[key] = str(value)
                if value not in files:
                    files.append(value)
        return data, files
    if action == "revisit":
        return {"method": payload.method, "satisfaction": payload.satisfaction,
                "needs": [n.model_dump() for n in payload.needs]}, []  # fmt: skip
    return {}, []


MoveInAction = action_param("move_in")


@router.post("/movein/move-ins/{int:move_in_id}/{action}",
             response={200: MoveInDetailOut, **WRITE_ERRORS})  # fmt: skip
def move_in_action(
    request: HttpRequest, move_in_id: IdParam, action: MoveInAction, payload: MoveInStepIn
):
    """One step of the owner's move-in — arrive, check_documents, pay_fees, inspect,
    hand_keys, complete, revisit, cancel or comment — with the page's rules: the steps in the
    manual's order (MOVEIN-02, else 409), each by its role (the desk; the inspection by the
    engineers, else 403), its inputs checked (400, field by field); pay_fees only once the fees
    are paid and invoiced (409 ``fees_unpaid`` / ``invoice_missing``). Answers the move-in."""
    actor = _actor(request, STAFF)
    if action not in {a.name for a in MOVE_IN.actions}:
        raise ApiError(404, "not_found", _("没有这个操作"))
    data, files = _step_data(action, payload)
    services.move_in_act(move_in=move_in_id, action=action, by=request.auth, note=payload.note,
                         data=data, attachments=files)  # fmt: skip
    return _move_in_detail(request, actor, move_in_id)


# --- Defects, needs and the dashboard -----------------------------------------------------------


@router.get("/movein/defects", response={200: list[HouseDefectOut], **ROLE_READ_ERRORS})
@paginated
def defect_list(request: HttpRequest, estate: IdParam | None = None, show: Term = "open"):
    """房屋验收问题 with their 7-working-day clocks (MOVEIN-07), the oldest first; ``show``:
    open (the default), overdue (a clock breached) or all. Their steps go through
    ``POST /cases/{case}/{action}`` (fix / accept / reject / comment)."""
    actor = _actor(request, STAFF)
    qs = selectors.house_defects_shown(actor=actor, estate=_estate(actor, estate), show=show)
    return qs.select_related("move_in__room__building", "move_in__room__unit")


@router.get("/movein/needs", response={200: list[MoveInNeedOut], **ROLE_READ_ERRORS})
@paginated
def need_list(request: HttpRequest, estate: IdParam | None = None,
              department: Term | None = None, show: Term = "open"):  # fmt: skip
    """入住回访需求 (MOVEIN-11), the latest first: ``department`` (customer_service /
    engineering / order / environment / finance; left out: the caller's own department when
    needs go to it; ``all``: every department); ``show``: open (the default) or all. Their steps
    go through ``POST /cases/{case}/{action}``."""
    actor = _actor(request, STAFF)
    return selectors.needs_shown(
        actor=actor, estate=_estate(actor, estate),
        department=selectors.need_department(actor, department), show=show,
    )  # fmt: skip


@router.get("/movein/dashboard", response={200: MoveInDashboardOut, **ROLE_READ_ERRORS})
def dashboard(request: HttpRequest, estate: IdParam):
    """入住看板 of one estate: owners notified / arrived / completed per batch (the latest 20),
    the open house defects and their clocks (the oldest 50), the revisits due within 3 days of
    completion (MOVEIN-10, the oldest 50) and the totals."""
    actor = _actor(request, STAFF)
    figures = selectors.dashboard(actor=actor, estate=get_or_404(visible_estates(actor), estate))
    return {"totals": figures["totals"], "batches": figures["batches"],
            "defects": figures["defects"], "revisits_due": figures["due"]}  # fmt: skip

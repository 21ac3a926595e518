"""Meters API (FEE-08): the estate's meters (表计), the month's readings (抄表, one meter at a
time or the .xlsx import with its template), the monthly shared-cost disclosure (公摊公示: draft,
recompute, lines, publish, each room's share and its spreadsheet), the residents' published
disclosures, and the room meters' monthly bills (分户水电费). The same services as the pages
(``meter_pages``, ``desk_pages.metered_bills``): ``meters.*`` and ``metered.*``.

Who may call: the staff who read meters (engineering, finance, customer service, executives,
auditors) read; the services decide who writes (403 otherwise). Residents get a 403 on the
staff routes and see only their estates' published disclosures; anyone outside the estate a 404.
"""

import datetime as dt
from typing import Annotated

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Router, UploadedFile
from ninja.responses import Status

from wuye.base.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    XLSX,
    ApiError,
    ErrorOut,
    IdParam,
    Term,
    Text,
    file_download,
    paginated,
)
from wuye.base.xlsx import file_response
from wuye.billing.api.meter_schemas import (
    DisclosureDetailOut,
    DisclosureDraftIn,
    DisclosureLineIn,
    DisclosureLineOut,
    DisclosureOut,
    DisclosurePrepareIn,
    DisclosurePublishIn,
    DisclosureShareOut,
    MeterDetailOut,
    MeteredIn,
    MeteredOut,
    MeteredPlanOut,
    MeterIn,
    MeterOut,
    MeterPatch,
    Month,
    MyDisclosureDetailOut,
    MyDisclosureOut,
    ReadingImportOut,
    ReadingIn,
    ReadingOut,
    ReadingRowOut,
)
from wuye.billing.api.rooms import FEE_READ_ERRORS
from wuye.billing.api.rooms import _estate as _fees_estate
from wuye.billing.documents.exports import shares_xlsx
from wuye.billing.models import (
    ZERO,
    Bill,
    DisclosureStatus,
    Meter,
    MeterKind,
    SharedCostDisclosure,
    SharedCostLine,
)
from wuye.billing.selectors import meters as meter_reads
from wuye.billing.selectors.meters import my_share_bills, reading_rows, share_rows
from wuye.billing.services import metered, meters
from wuye.core.models import Building, Estate, Room
from wuye.core.scoping import Actor, actor_for, get_or_404, visible_estates, visible_rooms

router = Router(tags=["billing"])

STAFF_ERRORS = {**READ_ERRORS, 403: ErrorOut}
IMPORT_MAX_BYTES = 5 * 1024 * 1024  # as the page: 文件不能超过 5 MB
MY_DISCLOSURES_MAX = 600  # fifty years of months: a resident's whole history

"""A month as ``YYYY-MM``."""


def _month(value: str | None, field_name: str = "month") -> dt.date:
    month = meters.parse_month(value)
    if month is None:
        raise ValidationError({field_name: [_("请选择月份")]})
    return month


def _read_month(estate: Estate, value: str) -> dt.date:
    """A month to read: this month when none is given; a later one is this month (as the page)."""
    now = meters.current_month(estate)
    if not value:
        return now
    return min(_month(value), now)


def _staff_estate(request: HttpRequest, estate_id: int) -> tuple[Actor, Estate]:
    """An estate of the caller whose meters they may read (staff only)."""
    actor = actor_for(request.auth)
    estate = get_or_404(visible_estates(actor), estate_id)
    if not meters.may_read_meters(actor):
        raise PermissionDenied(_("此接口仅供工程设备部、财务部门、客服中心和管理层使用"))
    return actor, estate


# --- Meters ------------------------------------------------------------------------------------


def _meters(actor: Actor):
    return Meter.objects.filter(estate__in=visible_estates(actor)).select_related(
        "estate", "building", "room__building", "room__unit"
    )


def _meter(request: HttpRequest, meter_id: int) -> Meter:
    actor = actor_for(request.auth)
    meter = get_or_404(_meters(actor), meter_id)
    _staff_estate(request, meter.estate_id)
    return meter


@router.get(
    "/billing/estates/{int:estate_id}/meters", response={200: list[MeterOut], **STAFF_ERRORS}
)
@paginated
def meter_list(
    request: HttpRequest,
    estate_id: IdParam,
    q: Term = "",
    kind: Term = "",
    scope: Term = "",
    active: Term = "1",
):
    """表计: the estate's meters, as the page lists them. ``q``: code or name; ``kind``: water /
    electricity; ``scope``: common (公共表) / room (户表); ``active``: 1 (in use, the default),
    0 (stopped), anything else: all."""
    _actor, estate = _staff_estate(request, estate_id)
    items = Meter.objects.filter(estate=estate).select_related(
        "building", "room__building", "room__unit"
    )
    q = q.strip()
    if q:
        items = items.filter(Q(code__icontains=q) | Q(name__icontains=q))
    if kind in MeterKind.values:
        items = items.filter(kind=kind)
    if scope == "common":
        items = items.filter(room__isnull=True)
    elif scope == "room":
        items = items.filter(room__isnull=False)
    if active in ("1", "0"):
        items = items.filter(is_active=active == "1")
    return items.order_by("room_id", "building__sort", "kind", "code")


def _place(estate: Estate, building: int | None, room: int | None) -> dict:
    """The building and room of the estate by id; another estate's is not there (400)."""
    found: dict = {"building": None, "room": None}
    errors: dict[str, list[str]] = {}
    if building is not None:
        found["building"] = Building.objects.filter(estate=estate, pk=building).first()
        if found["building"] is None:
            errors["building"] = [_("该楼栋不属于本项目")]
    if room is not None:
        found["room"] = (
            Room.objects.filter(estate=estate, pk=room).select_related("building").first()
        )
        if found["room"] is None:
            errors["room"] = [_("该房屋不属于本项目")]
    if errors:
        raise ValidationError(errors)
    return found


@router.post("/billing/estates/{int:estate_id}/meters", response={201: MeterOut, **WRITE_ERRORS})
def meter_create(request: HttpRequest, estate_id: IdParam, payload: MeterIn):
    """添加表计 (finance, the engineering head, executives): a common meter of the estate or of
    a building, or a room's own meter (``room``). A code the estate has already is a 400."""
    actor, estate = _staff_estate(request, estate_id)
    if not meters.may_edit_meters(actor):
        raise PermissionDenied(_("只有财务人员、工程设备部负责人或企业高层可以设置表计"))
    data = payload.dict()
    data.update(_place(estate, data.pop("building"), data.pop("room")))
    meter = meters.meter_save(estate=estate, by=request.auth, meter=None, **data)
    return Status(201, meter)


@router.get("/billing/meters/{int:meter_id}", response={200: MeterDetailOut, **STAFF_ERRORS})
def meter_detail(request: HttpRequest, meter_id: IdParam):
    """A meter with its last 12 readings."""
    return _meter(request, meter_id)


@router.patch("/billing/meters/{int:meter_id}", response={200: MeterOut, **WRITE_ERRORS})
def meter_update(request: HttpRequest, meter_id: IdParam, payload: MeterPatch):
    """Change a meter (its code, price, scope…) or stop it (``is_active: false``)."""
    meter = _meter(request, meter_id)
    actor = actor_for(request.auth)
    if not meters.may_edit_meters(actor):
        raise PermissionDenied(_("只有财务人员、工程设备部负责人或企业高层可以设置表计"))
    given = payload.model_dump(exclude_unset=True)
    data = {
        "code": meter.code,
        "name": meter.name,
        "kind": meter.kind,
        "multiplier": meter.multiplier,
        "unit_price": meter.unit_price,
        "is_active": meter.is_active,
    }
    data.update({k: v for k, v in given.items() if k not in ("building", "room")})
    for name in ("code", "name", "kind", "multiplier", "unit_price", "is_active"):
        if data[name] is None:  # an explicit null: the field keeps its value
            data[name] = getattr(meter, name)
    data.update(
        _place(
            meter.estate, given.get("building", meter.building_id), given.get("room", meter.room_id)
        )
    )
    return meters.meter_save(estate=meter.estate, by=request.auth, meter=meter, **data)


# --- Readings ----------------------------------------------------------------------------------


@router.get(
    "/billing/estates/{int:estate_id}/readings", response={200: list[ReadingRowOut], **STAFF_ERRORS}
)
@paginated
def reading_list(
    request: HttpRequest, estate_id: IdParam, month: Term = "", building: Term = "", kind: Term = ""
):
    """抄表: the meters to read for ``month`` (YYYY-MM; this month by default), each with the
    month's reading and the one before. ``building``: a building id, or ``estate`` for the
    estate's own meters; ``kind``: water / electricity."""
    _actor, estate = _staff_estate(request, estate_id)
    period = _read_month(estate, month)
    rows = reading_rows(estate, period, building, kind)
    return [
        {
            "month": period,
            "meter": m,
            "current": m.current,
            "before": m.before,
            "needs_start": m.needs_start,
        }
        for m in rows
    ]


@router.post("/billing/meters/{int:meter_id}/readings", response={201: ReadingOut, **WRITE_ERRORS})
def reading_record(request: HttpRequest, meter_id: IdParam, payload: ReadingIn):
    """录入读数 (engineering, finance, executives): a meter's reading of a month, recorded or
    corrected. An implausible reading (below the previous one, or a jump) is a 400 with the code
    ``implausible`` until it is sent again with ``confirm: true`` and a ``note``; a month whose
    shared costs are published is a 409."""
    meter = _meter(request, meter_id)
    try:
        reading = meters.meter_reading_record(
            meter=meter,
            period=_month(payload.month),
            reading=payload.reading,
            by=request.auth,
            confirm=payload.confirm,
            note=payload.note,
            start=payload.start,
        )
    except meters.Implausible as error:
        fields = {k: [str(m) for m in v] for k, v in error.message_dict.items()}
        raise ApiError(400, "implausible", " ".join(error.messages), fields) from None
    return Status(201, reading)


@router.get(
    "/billing/estates/{int:estate_id}/readings/template.xlsx",
    response=STAFF_ERRORS,
    openapi_extra=file_download(XLSX),
)
def reading_template(request: HttpRequest, estate_id: IdParam, month: Term = ""):
    """The month's import sheet (.xlsx), pre-filled with the meters and their previous
    readings; fill in 本期读数 and send it to ``…/readings/import``."""
    _actor, estate = _staff_estate(request, estate_id)
    period = _read_month(estate, month)
    content = meters.reading_template(estate, period)
    return file_response(content, f"{estate.name}-抄表-{period:%Y-%m}.xlsx")


def _problems(problems) -> list[str]:
    """``第 3 行 E-1-01：本项目没有这个表号`` per refused row, as the page's table reads."""
    return [f"{_('第 %(n)s 行') % {'n': p.row}} {p.code}：{p.message}" for p in problems]


@router.post(
    "/billing/estates/{int:estate_id}/readings/import",
    response={200: ReadingImportOut, **WRITE_ERRORS},
)
def reading_import(
    request: HttpRequest,
    estate_id: IdParam,
    file: File[UploadedFile],
    month: Annotated[Month, Form(..., examples=["2026-11"])],
    confirm: Annotated[bool, Form(False)] = False,
    note: Annotated[Text, Form("", max_length=200, examples=["换表，已核实"])] = "",
):
    """导入读数 (multipart: ``file`` .xlsx of 5 MB at most, ``month`` YYYY-MM): every row is
    checked, and all are saved or none. Refused rows answer 400 ``import_refused`` with
    ``fields.rows`` (errors) and ``fields.flagged`` (implausible readings: send the same file
    again with ``confirm=true`` and a ``note``, or a note in the row)."""
    _actor, estate = _staff_estate(request, estate_id)
    if not meters.may_record_readings(actor_for(request.auth)):
        raise PermissionDenied(_("只有工程设备部、财务人员或企业高层可以抄表"))
    if file.size > IMPORT_MAX_BYTES:
        raise ValidationError({"file": [_("文件不能超过 5 MB")]})
    period = _month(month)
    rows = meters.reading_rows_from_xlsx(file.read())
    try:
        result = meters.meter_reading_import(
            estate=estate, period=period, rows=rows, by=request.auth, confirm=confirm, note=note
        )
    except meters.ImportRefused as error:
        fields = {}
        if error.errors:
            fields["rows"] = _problems(error.errors)
        if error.flagged:
            fields["flagged"] = _problems(error.flagged)
        if error.message:
            fields["file"] = [str(error.message)]
        message = error.message or _("未导入，请处理以下问题后重新上传")
        raise ApiError(400, "import_refused", str(message), fields) from None
    return {"recorded": result.recorded, "confirmed": result.confirmed, "skipped": result.skipped}


# --- 公摊公示 (staff) ----------------------------------------------------------------------------


def _detail_out(disclosure: SharedCostDisclosure) -> SharedCostDisclosure:
    """The disclosure with what its page shows beside it (DisclosureDetailOut)."""
    draft = disclosure.status == DisclosureStatus.DRAFT
    shares = share_rows(disclosure)
    estate, month = disclosure.estate, disclosure.month
    disclosure.line_list = list(disclosure.lines.all())
    disclosure.missing_readings = (
        [m.code for m in meters.missing_readings(estate, month)] if draft else []
    )
    disclosure.stale = draft and meters.stale_lines(disclosure)
    disclosure.unshared_lines = [x.pk for x in meters.unshared_lines(disclosure)] if draft else []
    disclosure.shares_count = len(shares)
    disclosure.shares_total = sum((s[1] for s in shares), ZERO)
    disclosure.suggested_due_date = meter_reads.month_end(meter_reads.month_shift(month, 1))
    return disclosure


def _disclosure(request: HttpRequest, disclosure_id: int) -> SharedCostDisclosure:
    actor = actor_for(request.auth)
    disclosures = SharedCostDisclosure.objects.filter(estate__in=visible_estates(actor))
    disclosure = get_or_404(disclosures.select_related("estate"), disclosure_id)
    _staff_estate(request, disclosure.estate_id)
    return disclosure


@router.get(
    "/billing/estates/{int:estate_id}/disclosures",
    response={200: list[DisclosureOut], **STAFF_ERRORS},
)
@paginated
def disclosure_list(request: HttpRequest, estate_id: IdParam, status: Term = ""):
    """公摊公示 (FEE-08): every month's disclosure of the estate, the latest month first;
    ``status``: draft / published."""
    _actor, estate = _staff_estate(request, estate_id)
    items = SharedCostDisclosure.objects.filter(estate=estate)
    if status in DisclosureStatus.values:
        items = items.filter(status=status)
    return items.order_by("-month")


@router.post(
    "/billing/estates/{int:estate_id}/disclosures",
    response={201: DisclosureDetailOut, **WRITE_ERRORS},
)
def disclosure_prepare(request: HttpRequest, estate_id: IdParam, payload: DisclosurePrepareIn):
    """编制公摊 (finance, FEE-08): the month's draft from the common meters' readings (made, or
    its meter lines recomputed; the lines added by hand stay). A published month is a 409."""
    _actor, estate = _staff_estate(request, estate_id)
    disclosure = meters.disclosure_prepare(
        estate=estate, month=_month(payload.month), method=payload.method, by=request.auth
    )
    return Status(201, _detail_out(disclosure))


@router.get(
    "/billing/disclosures/{int:disclosure_id}", response={200: DisclosureDetailOut, **STAFF_ERRORS}
)
def disclosure_detail(request: HttpRequest, disclosure_id: IdParam):
    """A month's disclosure: its lines, what stops its publication (meters not read, readings
    corrected since, lines nobody shares), and its shares' count and total."""
    return _detail_out(_disclosure(request, disclosure_id))


@router.post(
    "/billing/disclosures/{int:disclosure_id}/recompute",
    response={200: DisclosureDetailOut, **WRITE_ERRORS},
)
def disclosure_recompute(request: HttpRequest, disclosure_id: IdParam):
    """重新计算 (finance): the draft's meter lines from the readings as they are now."""
    disclosure = _disclosure(request, disclosure_id)
    disclosure = meters.disclosure_prepare(
        estate=disclosure.estate, month=disclosure.month, by=request.auth
    )
    return _detail_out(disclosure)


@router.patch(
    "/billing/disclosures/{int:disclosure_id}", response={200: DisclosureDetailOut, **WRITE_ERRORS}
)
def disclosure_update(request: HttpRequest, disclosure_id: IdParam, payload: DisclosureDraftIn):
    """分摊方式和说明 of a draft (finance); a published one is a 409."""
    disclosure = _disclosure(request, disclosure_id)
    disclosure = meters.disclosure_update(
        disclosure=disclosure, by=request.auth, method=payload.method, note=payload.note
    )
    return _detail_out(disclosure)


@router.post(
    "/billing/disclosures/{int:disclosure_id}/lines",
    response={201: DisclosureLineOut, **WRITE_ERRORS},
)
def disclosure_line_add(request: HttpRequest, disclosure_id: IdParam, payload: DisclosureLineIn):
    """添加公摊费用 without a meter (电梯费, other costs) to a draft (finance)."""
    disclosure = _disclosure(request, disclosure_id)
    place = _place(disclosure.estate, payload.building, None)
    line = meters.disclosure_line_add(
        disclosure=disclosure,
        by=request.auth,
        kind=payload.kind,
        name=payload.name,
        amount=payload.amount,
        building=place["building"],
    )
    return Status(201, line)


@router.delete(
    "/billing/disclosures/{int:disclosure_id}/lines/{int:line_id}",
    response={204: None, **WRITE_ERRORS},
)
def disclosure_line_remove(request: HttpRequest, disclosure_id: IdParam, line_id: IdParam):
    """删除 a line added by hand (a meter's line comes from the readings: 400)."""
    disclosure = _disclosure(request, disclosure_id)
    line = get_or_404(SharedCostLine.objects.filter(disclosure=disclosure), line_id)
    meters.disclosure_line_remove(line=line, by=request.auth)
    return Status(204, None)


@router.post(
    "/billing/disclosures/{int:disclosure_id}/publish",
    response={200: DisclosureDetailOut, **WRITE_ERRORS},
)
def disclosure_publish(request: HttpRequest, disclosure_id: IdParam, payload: DisclosurePublishIn):
    """公示 (the finance head or an executive, FEE-08): once; every billed room gets its share
    as a bill, and the disclosure goes up on the notice board. Meters not read or lines nobody
    shares are a 400, readings corrected since the draft a 409 (recompute first)."""
    disclosure = _disclosure(request, disclosure_id)
    disclosure = meters.disclosure_publish(
        disclosure=disclosure,
        due_date=payload.due_date,
        notify_residents=payload.notify_residents,
        by=request.auth,
    )
    return _detail_out(disclosure)


@router.get(
    "/billing/disclosures/{int:disclosure_id}/shares",
    response={200: list[DisclosureShareOut], **STAFF_ERRORS},
)
@paginated
def disclosure_shares(request: HttpRequest, disclosure_id: IdParam):
    """Each room's share: a draft's computed shares, or the published month's bills."""
    disclosure = _disclosure(request, disclosure_id)
    return [
        {"room": room.pk, "room_label": room.label, "area": room.area, "amount": amount}
        for room, amount in share_rows(disclosure)
    ]


@router.get(
    "/billing/disclosures/{int:disclosure_id}/shares.xlsx",
    response=STAFF_ERRORS,
    openapi_extra=file_download(XLSX),
)
def disclosure_shares_xlsx(request: HttpRequest, disclosure_id: IdParam):
    """The shares as the page's spreadsheet (公摊分摊YYYY-MM)."""
    return shares_xlsx(_disclosure(request, disclosure_id))


# --- 公摊公示 for residents (FEE-08) -------------------------------------------------------------


def _my_out(disclosure: SharedCostDisclosure, mine: list[Bill]) -> dict:
    return {
        "id": disclosure.pk,
        "estate": disclosure.estate_id,
        "estate_name": disclosure.estate.name,
        "month": disclosure.month,
        "method": disclosure.method,
        "total": disclosure.total,
        "rooms_count": disclosure.rooms_count,
        "area_total": disclosure.area_total,
        "note": disclosure.note,
        "published_at": disclosure.published_at,
        "mine": [
            {
                "bill": b.pk,
                "room": b.room_id,
                "room_label": b.room.label,
                "amount": b.amount,
                "status": b.status,
                "due_date": b.due_date,
            }
            for b in mine
        ],
        "my_total": sum((b.amount for b in mine), ZERO),
    }


def _resident(request: HttpRequest) -> Actor:
    actor = actor_for(request.auth)
    if actor.resident is None:  # the residents' pages do not exist for anyone else
        raise Http404
    return actor


@router.get("/billing/my/disclosures", response={200: list[MyDisclosureOut], **READ_ERRORS})
@paginated
def my_disclosures(request: HttpRequest):
    """公摊公示 for a resident: the months published for their estates, newest first, each with
    their rooms' shares. Staff: 404 (the residents' page)."""
    actor = _resident(request)
    rooms = list(visible_rooms(actor).select_related("building", "unit"))
    items = list(meter_reads.disclosures_for_resident(actor)[:MY_DISCLOSURES_MAX])
    mine = my_share_bills(rooms, items)  # the page's one query for every month's shares
    return [_my_out(d, mine.get((d.item_id, d.month), [])) for d in items]


@router.get(
    "/billing/my/disclosures/{int:disclosure_id}",
    response={200: MyDisclosureDetailOut, **READ_ERRORS},
)
def my_disclosure(request: HttpRequest, disclosure_id: IdParam):
    """A published month's shared costs, line by line, with the resident's own shares."""
    actor = _resident(request)
    disclosure = get_or_404(meter_reads.disclosures_for_resident(actor), disclosure_id)
    rooms = list(visible_rooms(actor).select_related("building", "unit"))
    out = _my_out(disclosure, meter_reads.my_shares(disclosure, rooms))
    out["lines"] = list(disclosure.lines.all())
    return out


# --- 分户水电费 (room meters) ---------------------------------------------------------------------


def _plan_out(plan) -> dict:
    rows = [
        {"room": room_id, "room_label": label, "kind": kind, "usage": usage, "amount": amount}
        for (room_id, kind), (usage, amount, label) in plan.rows.items()
    ]
    return {
        "month": plan.month,
        "rows": rows,
        "total": plan.total,
        "already": plan.already,
        "missing": [m.code for m in plan.missing],
    }


@router.get(
    "/billing/estates/{int:estate_id}/metered-bills",
    response={200: MeteredPlanOut, **FEE_READ_ERRORS},
)
def metered_plan(request: HttpRequest, estate_id: IdParam, month: Term = ""):
    """分户水电费: what billing ``month`` (YYYY-MM; last month by default) would make: each
    room's usage and amount per meter kind, the rooms billed already, the meters not read."""
    _actor, estate = _fees_estate(request, estate_id)
    period = _month(month) if month else meter_reads.month_shift(meters.current_month(estate), -1)
    return _plan_out(metered.metered_plan(estate, period))


@router.post(
    "/billing/estates/{int:estate_id}/metered-bills", response={201: MeteredOut, **WRITE_ERRORS}
)
def metered_bill(request: HttpRequest, estate_id: IdParam, payload: MeteredIn):
    """出账单 (finance, FEE-04): the month's room-meter usage billed per room; refused (400)
    while an active room meter is unread. Rooms already billed for the month are skipped."""
    _actor, estate = _fees_estate(request, estate_id)
    made = metered.metered_bill(
        estate=estate, month=_month(payload.month), due_date=payload.due_date, by=request.auth
    )
    return Status(201, {"bills_created": made})

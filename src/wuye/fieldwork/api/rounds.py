"""API of rounds (巡检/巡更): routes and checkpoints (writers: executives and department heads),
their QR labels, scanning a checkpoint in the round running now, my rounds, one round
checkpoint by checkpoint, the list of rounds and the report — the same services as the pages."""

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from django.utils import timezone
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
    Id,
    IdParam,
    Term,
    Text,
    file_download,
    paginated,
)
from wuye.core.scoping import actor_for, get_or_404, visible_estates

from ..documents.rounds import labels_response, report_xlsx, scan_url
from ..models import Checklist, Checkpoint, Route
from ..selectors import rounds as selectors
from ..services import rounds as services

router = Router(tags=["field work"])


class RouteIn(Schema):
    estate: Id | None = None  # required when creating
    name: Text = Field(..., min_length=1, max_length=100)
    kind: Text = Field(..., min_length=1, max_length=30, examples=["security_patrol"])
    ordered: bool = False
    walking_speed: Decimal = Field(
        Decimal(3), ge=Decimal("0.1"), le=Decimal("99.9"), decimal_places=1
    )
    min_gap_seconds: int = Field(20, ge=0, le=86400)
    active: bool = True


class RouteOut(Schema):
    id: int
    estate: int = Field(..., alias="estate_id")
    name: str
    kind: str
    ordered: bool
    walking_speed: Decimal
    min_gap_seconds: int
    active: bool


class CheckpointIn(Schema):
    name: Text = Field(..., min_length=1, max_length=100)
    location: Text = Field("", max_length=100)
    latitude: float | None = Field(None, ge=-90, le=90, allow_inf_nan=False)
    longitude: float | None = Field(None, ge=-180, le=180, allow_inf_nan=False)
    radius_m: int = Field(50, ge=1, le=10000)
    checklist: Id | None = None
    active: bool = True


class CheckpointOut(Schema):
    id: int
    route: int = Field(..., alias="route_id")
    position: int
    name: str
    location: str
    code: str
    scan_url: str = ""
    latitude: Decimal | None
    longitude: Decimal | None
    radius_m: int
    checklist: int | None = Field(None, alias="checklist_id")
    active: bool


class RouteDetailOut(RouteOut):
    checkpoints: list[CheckpointOut]

    @staticmethod
    def resolve_checkpoints(obj) -> list:
        return obj.checkpoint_rows


class CheckpointReorderIn(Schema):
    order: list[Id] = Field(..., max_length=services.MAX_CHECKPOINTS)


class ScanIn(Schema):
    """The checkpoint by its QR ``token`` (from the label's address) or its typed ``code``; the
    phone's position when it gave one."""

    token: Text = Field("", max_length=40)
    code: Text = Field("", max_length=20)
    latitude: float | None = Field(None, ge=-90, le=90, allow_inf_nan=False)
    longitude: float | None = Field(None, ge=-180, le=180, allow_inf_nan=False)
    accuracy: float | None = Field(None, ge=0, le=100000, allow_inf_nan=False)


class ScanOut(Schema):
    id: int
    round: int  # the planned task
    checkpoint: int = Field(..., alias="checkpoint_id")
    checkpoint_name: str
    scanned_by: int = Field(..., alias="scanned_by_id")
    scanned_at: dt.datetime
    typed: bool
    latitude: Decimal | None
    longitude: Decimal | None
    accuracy_m: int | None
    distance_m: int | None
    too_far: bool
    too_fast: bool
    out_of_order: bool

    @staticmethod
    def resolve_round(obj) -> int:
        return obj.round.task_id

    @staticmethod
    def resolve_checkpoint_name(obj) -> str:
        return obj.checkpoint.name


class ScanResultOut(Schema):
    duplicate: bool
    completed: bool
    scan: ScanOut
    scanned: int
    total: int


class RoundOut(Schema):
    """A round: the planned task of a route, with its progress."""

    id: int
    estate: int = Field(..., alias="estate_id")
    route: int
    route_name: str
    status: str
    scheduled_for: dt.datetime
    due_at: dt.datetime
    done_at: dt.datetime | None
    done_by: int | None = Field(None, alias="done_by_id")
    scanned: int
    total: int
    missed_count: int

    @staticmethod
    def resolve_route(obj) -> int:
        return obj.schedule.spec.route_id

    @staticmethod
    def resolve_route_name(obj) -> str:
        return obj.schedule.spec.route.name


class RoundCheckpointOut(Schema):
    checkpoint: int
    position: int
    name: str
    missed: bool
    scan: ScanOut | None


class RoundDetailOut(RoundOut):
    checkpoints: list[RoundCheckpointOut]

    @staticmethod
    def resolve_checkpoints(obj) -> list:
        return obj.checkpoint_rows


class MyRoundsOut(Schema):
    current: list[RoundOut]
    upcoming: list[RoundOut]


class ReportRowOut(Schema):
    route: int
    route_name: str
    rounds: int
    done: int
    missed: int
    running: int
    checkpoints_missed: int
    flagged_scans: int


class ReportOut(Schema):
    date_from: dt.date
    date_to: dt.date
    routes: list[ReportRowOut]


def _checkpoint_out(request: HttpRequest, checkpoint: Checkpoint) -> Checkpoint:
    checkpoint.scan_url = scan_url(request, checkpoint)
    return checkpoint


def _route_out(request: HttpRequest, route: Route) -> Route:
    route.checkpoint_rows = [_checkpoint_out(request, c) for c in route.checkpoints.all()]
    return route


def _checklist(request: HttpRequest, pk: int | None) -> Checklist | None:
    if pk is None:
        return None
    checklist = Checklist.objects.filter(pk=pk).first()
    if checklist is None:
        message = _("请选择本项目在用的检查表")
        raise ApiError(400, "invalid", message, {"checklist": [message]})
    return checklist


def _round(request: HttpRequest, task_id: int):
    return selectors.round_get_for_user(request.auth, task_id)


# --- Routes and checkpoints ---------------------------------------------------------------------


@router.get("/rounds/routes", response={200: list[RouteOut], **READ_ERRORS})
@paginated
def route_list(
    request: HttpRequest, estate: IdParam | None = None, q: Term = "", active: bool | None = None
):
    return selectors.route_list(actor=actor_for(request.auth), estate_id=estate, q=q, active=active)


@router.post("/rounds/routes", response={201: RouteDetailOut, **WRITE_ERRORS})
def route_create(request: HttpRequest, payload: RouteIn):
    if payload.estate is None:
        message = _("请指明项目")
        raise ApiError(400, "invalid", message, {"estate": [message]})
    estate = get_or_404(visible_estates(actor_for(request.auth)), payload.estate)
    route = services.route_create(
        estate=estate,
        name=payload.name,
        kind=payload.kind,
        ordered=payload.ordered,
        walking_speed=payload.walking_speed,
        min_gap_seconds=payload.min_gap_seconds,
        by=request.auth,
    )
    return Status(201, _route_out(request, route))


@router.get("/rounds/routes/{int:route_id}", response={200: RouteDetailOut, **READ_ERRORS})
def route_detail(request: HttpRequest, route_id: IdParam):
    return _route_out(request, selectors.route_get_for_user(request.auth, route_id))


@router.put("/rounds/routes/{int:route_id}", response={200: RouteDetailOut, **WRITE_ERRORS})
def route_update(request: HttpRequest, route_id: IdParam, payload: RouteIn):
    route = selectors.route_get_for_user(request.auth, route_id)
    route = services.route_update(
        route=route,
        name=payload.name,
        kind=payload.kind,
        ordered=payload.ordered,
        walking_speed=payload.walking_speed,
        min_gap_seconds=payload.min_gap_seconds,
        active=payload.active,
        by=request.auth,
    )
    return _route_out(request, route)


@router.post(
    "/rounds/routes/{int:route_id}/checkpoints", response={201: CheckpointOut, **WRITE_ERRORS}
)
def checkpoint_create(request: HttpRequest, route_id: IdParam, payload: CheckpointIn):
    route = selectors.route_get_for_user(request.auth, route_id)
    checkpoint = services.checkpoint_create(
        route=route,
        name=payload.name,
        location=payload.location,
        latitude=payload.latitude,
        longitude=payload.longitude,
        radius_m=payload.radius_m,
        checklist=_checklist(request, payload.checklist),
        by=request.auth,
    )
    return Status(201, _checkpoint_out(request, checkpoint))


@router.post(
    "/rounds/routes/{int:route_id}/reorder", response={200: RouteDetailOut, **WRITE_ERRORS}
)
def checkpoint_reorder(request: HttpRequest, route_id: IdParam, payload: CheckpointReorderIn):
    """Every checkpoint of the route, once, in the new order."""
    route = selectors.route_get_for_user(request.auth, route_id)
    services.checkpoint_reorder(route=route, order=list(payload.order), by=request.auth)
    return _route_out(request, route)


@router.put(
    "/rounds/checkpoints/{int:checkpoint_id}", response={200: CheckpointOut, **WRITE_ERRORS}
)
def checkpoint_update(request: HttpRequest, checkpoint_id: IdParam, payload: CheckpointIn):
    """Change a checkpoint; ``active: false`` deactivates it."""
    checkpoint = selectors.checkpoint_get_for_user(request.auth, checkpoint_id)
    checkpoint = services.checkpoint_update(
        checkpoint=checkpoint,
        name=payload.name,
        location=payload.location,
        latitude=payload.latitude,
        longitude=payload.longitude,
        radius_m=payload.radius_m,
        checklist=_checklist(request, payload.checklist),
        active=payload.active,
        by=request.auth,
    )
    return _checkpoint_out(request, checkpoint)


@router.post(
    "/rounds/checkpoints/{int:checkpoint_id}/regenerate",
    response={200: CheckpointOut, **WRITE_ERRORS},
)
def checkpoint_regenerate(request: HttpRequest, checkpoint_id: IdParam):
    """A new QR token and code; the printed label stops working."""
    checkpoint = selectors.checkpoint_get_for_user(request.auth, checkpoint_id)
    checkpoint = services.checkpoint_regenerate_token(checkpoint=checkpoint, by=request.auth)
    return _checkpoint_out(request, checkpoint)


@router.get(
    "/rounds/routes/{int:route_id}/labels.pdf",
    response=READ_ERRORS,
    openapi_extra=file_download(PDF, description="A4 QR labels"),
)
def route_labels(request: HttpRequest, route_id: IdParam):
    route = selectors.route_get_for_user(request.auth, route_id)
    return labels_response(request, route, list(route.checkpoints.filter(active=True)))


@router.get(
    "/rounds/checkpoints/{int:checkpoint_id}/label.pdf",
    response=READ_ERRORS,
    openapi_extra=file_download(PDF, description="One QR label"),
)
def checkpoint_label(request: HttpRequest, checkpoint_id: IdParam):
    checkpoint = selectors.checkpoint_get_for_user(request.auth, checkpoint_id)
    return labels_response(request, checkpoint.route, [checkpoint])


# --- Scanning and rounds ------------------------------------------------------------------------


@router.post("/rounds/scans", response={200: ScanResultOut, 201: ScanResultOut, **WRITE_ERRORS})
def scan_record(request: HttpRequest, payload: ScanIn):
    """Scan a checkpoint in the round of its route running now (409 ``no_round`` outside every
    round's window). 201 with the scan; 200 with the earlier scan when the checkpoint was
    already scanned in this round (``duplicate``: nothing recorded)."""
    result = services.scan_record(
        by=request.auth,
        token=payload.token,
        code=payload.code,
        latitude=payload.latitude,
        longitude=payload.longitude,
        accuracy=payload.accuracy,
    )
    task = selectors.round_get_for_user(request.auth, result.round.task_id)
    body = {
        "duplicate": result.duplicate,
        "completed": result.completed,
        "scan": result.scan,
        "scanned": task.scanned,
        "total": task.total,
    }
    return Status(200 if result.duplicate else 201, body)


@router.get("/rounds/mine", response={200: MyRoundsOut, **READ_ERRORS})
def round_mine(request: HttpRequest, estate: IdParam | None = None):
    """The caller's rounds running now and those starting in the next 24 hours."""
    current, upcoming = selectors.my_rounds(
        actor=actor_for(request.auth), now=timezone.now(), estate_id=estate
    )
    return {"current": current, "upcoming": upcoming}


@router.get("/rounds", response={200: list[RoundOut], **READ_ERRORS})
@paginated
def round_list(
    request: HttpRequest,
    estate: IdParam | None = None,
    route: IdParam | None = None,
    date_from: Day | None = None,
    date_to: Day | None = None,
    status: Term = "",
):
    """Rounds, newest first; dates are local (Asia/Shanghai); ``status``: planned, done,
    missed, cancelled."""
    return selectors.round_list(
        actor=actor_for(request.auth),
        estate_id=estate,
        route_id=route,
        date_from=date_from,
        date_to=date_to,
        status=status,
    )


@router.get("/rounds/report", response={200: ReportOut, **READ_ERRORS})
def round_report(
    request: HttpRequest,
    estate: IdParam,
    route: IdParam | None = None,
    date_from: Day | None = None,
    date_to: Day | None = None,
):
    """Per route over the dates (default: the last 30 days): rounds, done, missed, running,
    checkpoints missed, flagged scans."""
    estate_obj, filters = _report_filters(request, estate, route, date_from, date_to)
    rows = selectors.round_report(actor=actor_for(request.auth), estate=estate_obj, **filters)
    return {
        "date_from": filters["date_from"],
        "date_to": filters["date_to"],
        "routes": [
            {
                "route": r.route.pk,
                "route_name": r.route.name,
                "rounds": r.rounds,
                "done": r.done,
                "missed": r.missed,
                "running": r.running,
                "checkpoints_missed": r.checkpoints_missed,
                "flagged_scans": r.flagged_scans,
            }
            for r in rows
        ],
    }


@router.get(
    "/rounds/report.xlsx",
    response=READ_ERRORS,
    openapi_extra=file_download(XLSX, description="The rounds report"),
)
def round_report_export(
    request: HttpRequest,
    estate: IdParam,
    route: IdParam | None = None,
    date_from: Day | None = None,
    date_to: Day | None = None,
):
    estate_obj, filters = _report_filters(request, estate, route, date_from, date_to)
    rows = selectors.round_report(actor=actor_for(request.auth), estate=estate_obj, **filters)
    return report_xlsx(estate_obj, rows, filters["date_from"], filters["date_to"])


def _report_filters(request, estate: int, route: int | None, date_from, date_to):
    estate_obj = get_or_404(visible_estates(actor_for(request.auth)), estate)
    if date_from and date_to and date_from > date_to:
        message = _("开始日期不能晚于结束日期")
        raise ApiError(400, "invalid", message, {"date_from": [message]})
    date_from, date_to = selectors.report_dates(estate_obj, date_from, date_to)
    if route is not None and not Route.objects.filter(pk=route, estate=estate_obj).exists():
        raise ApiError(404, "not_found", _("没有这条路线"))
    return estate_obj, {"date_from": date_from, "date_to": date_to, "route_id": route}


@router.get("/rounds/{int:task_id}", response={200: RoundDetailOut, **READ_ERRORS})
def round_detail(request: HttpRequest, task_id: IdParam):
    """A round checkpoint by checkpoint: scan time, distance and flags, or missed."""
    task = _round(request, task_id)
    task.checkpoint_rows = [
        {
            "checkpoint": r.checkpoint.pk,
            "position": r.checkpoint.position,
            "name": r.checkpoint.name,
            "missed": r.missed,
            "scan": r.scan,
        }
        for r in selectors.round_rows(task)
    ]
    return task

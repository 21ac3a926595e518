"""Equipment register API (EQUIP-OPS-01): the register with its filters, one piece with its
history and its status changes, register and change, regenerate the QR label, the Excel export
and the label sheet — the same services as the pages."""

import datetime as dt

from django.http import HttpRequest
from django.urls import reverse
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
from wuye.base.pdf import CJKFontMissing, font_missing_response, pdf_response
from wuye.core.models import Building, Contractor
from wuye.core.scoping import actor_for, get_or_404, visible_estates
from wuye.core.templatetags.wuye import person

from ..documents.exports import equipment_xlsx
from ..documents.labels import equipment_labels_pdf
from ..models import Equipment
from ..selectors import equipment as selectors
from ..selectors.logs import WithMissingHours
from ..services import equipment as services

router = Router(tags=["facilities"])


class EquipmentIn(Schema):
    estate: Id
    code: Text = Field(..., min_length=1, max_length=40)
    name: Text = Field(..., min_length=1, max_length=80)
    category: Text = Field(..., max_length=20)
    building: Id | None = None
    location: Text = Field("", max_length=100)
    manufacturer: Text = Field("", max_length=100)
    model_no: Text = Field("", max_length=60)
    contractor: Id | None = None
    status: Text = Field("in_use", max_length=20)
    commissioned_on: Day | None = None
    logs_hourly: bool | None = None
    inspection_name: Text = Field("", max_length=40)
    inspected_on: Day | None = None
    inspection_due_on: Day | None = None
    inspection_certificate_no: Text = Field("", max_length=60)


class EquipmentPatch(Schema):
    code: Text | None = Field(None, min_length=1, max_length=40)
    name: Text | None = Field(None, min_length=1, max_length=80)
    category: Text | None = Field(None, max_length=20)
    building: Id | None = None
    location: Text | None = Field(None, max_length=100)
    manufacturer: Text | None = Field(None, max_length=100)
    model_no: Text | None = Field(None, max_length=60)
    contractor: Id | None = None
    status: Text | None = Field(None, max_length=20)
    commissioned_on: Day | None = None
    logs_hourly: bool | None = None
    inspection_name: Text | None = Field(None, max_length=40)
    inspected_on: Day | None = None
    inspection_due_on: Day | None = None
    inspection_certificate_no: Text | None = Field(None, max_length=60)


class EquipmentOut(Schema):
    id: int
    estate: int = Field(..., alias="estate_id")
    code: str
    name: str
    category: str
    building: int | None = Field(None, alias="building_id")
    location: str
    manufacturer: str
    model_no: str
    contractor: int | None = Field(None, alias="contractor_id")
    status: str
    commissioned_on: dt.date | None
    logs_hourly: bool
    inspection_name: str
    inspected_on: dt.date | None
    inspection_due_on: dt.date | None
    inspection_certificate_no: str
    inspection_state: str = ""
    warranty_from: dt.date | None
    warranty_until: dt.date | None
    warranty_unit: str
    missing_hours: int | None = None
    qr_url: str = ""

    @staticmethod
    def resolve_inspection_state(obj) -> str:
        return selectors.inspection_state(obj, timezone.localdate())

    @staticmethod
    def resolve_missing_hours(obj) -> int | None:
        return getattr(obj, "missing_hours", None)

    @staticmethod
    def resolve_qr_url(obj) -> str:
        return reverse("facilities:equipment_qr", args=[obj.qr_token])


class HistoryOut(Schema):
    at: dt.datetime
    kind: str
    title: str
    detail: str
    url: str
    alert: bool


class StatusChangeOut(Schema):
    """One change of the equipment's status (状态变更记录)."""

    at: dt.datetime
    from_status: str
    from_status_label: str
    to_status: str
    to_status_label: str
    reason: str
    source: str
    by: str

    @staticmethod
    def resolve_from_status_label(obj) -> str:
        return str(obj.get_from_status_display())

    @staticmethod
    def resolve_to_status_label(obj) -> str:
        return str(obj.get_to_status_display())

    @staticmethod
    def resolve_by(obj) -> str:
        """Who changed it (a name); empty for the system (a monitoring alarm)."""
        return person(obj.by)


def _filtered(request, estate, category, building, status, contractor, inspection_due, q):
    return selectors.equipment_list(
        actor=actor_for(request.auth),
        estate_id=estate,
        category=category,
        building_id=building,
        status=status,
        contractor_id=contractor,
        inspection_due=inspection_due,
        today=timezone.localdate(),
        q=q,
    )


@router.get("/equipment", response={200: list[EquipmentOut], **READ_ERRORS})
@paginated
def equipment_list(
    request: HttpRequest,
    estate: IdParam | None = None,
    category: Term = "",
    building: IdParam | None = None,
    status: Term = "",
    contractor: IdParam | None = None,
    inspection_due: bool = False,
    q: Term = "",
):
    """The register; ``inspection_due``: the yearly inspection is overdue or due within 30
    days. Each item's ``missing_hours``: hours of the last 24 without an operation log entry
    (hourly-logged equipment in use), else null."""
    return WithMissingHours(
        _filtered(request, estate, category, building, status, contractor, inspection_due, q)
    )


@router.get(
    "/equipment/export.xlsx",
    response=READ_ERRORS,
    openapi_extra=file_download(XLSX, description="设备台账"),
)
def equipment_export(
    request: HttpRequest,
    estate: IdParam | None = None,
    category: Term = "",
    building: IdParam | None = None,
    status: Term = "",
    contractor: IdParam | None = None,
    inspection_due: bool = False,
    q: Term = "",
):
    """The filtered register as an Excel file."""
    qs = _filtered(request, estate, category, building, status, contractor, inspection_due, q)
    return equipment_xlsx(qs)


@router.get(
    "/equipment/labels.pdf",
    response={**READ_ERRORS, 503: str},
    openapi_extra=file_download(PDF, description="设备二维码标签"),
)
def equipment_labels(
    request: HttpRequest,
    estate: IdParam,
    category: Term = "",
    building: IdParam | None = None,
    status: Term = "",
    contractor: IdParam | None = None,
    inspection_due: bool = False,
    q: Term = "",
):
    """The QR label sheet of the filtered equipment of one estate (Chinese, A4)."""
    place = get_or_404(visible_estates(actor_for(request.auth)), estate)
    qs = _filtered(request, estate, category, building, status, contractor, inspection_due, q)
    return labels_response(request, list(qs), place.name)


def labels_response(request, equipment: list[Equipment], estate_name: str):
    def url_of(item: Equipment) -> str:
        return request.build_absolute_uri(reverse("facilities:equipment_qr", args=[item.qr_token]))

    try:
        content = equipment_labels_pdf(equipment, url_of=url_of, estate_name=estate_name)
    except CJKFontMissing as error:
        return font_missing_response(error, _("无法生成设备二维码标签"))
    return pdf_response(content, f"equipment-labels-{timezone.localdate():%Y%m%d}.pdf")


@router.get("/equipment/qr/{token}", response={200: EquipmentOut, **READ_ERRORS})
def equipment_by_qr(request: HttpRequest, token: Term):
    """The equipment a scanned QR label names."""
    return selectors.equipment_by_qr(request.auth, token)


@router.get("/equipment/{int:equipment_id}", response={200: EquipmentOut, **READ_ERRORS})
def equipment_detail(request: HttpRequest, equipment_id: IdParam):
    return selectors.equipment_get_for_user(request.auth, equipment_id)


@router.get(
    "/equipment/{int:equipment_id}/history", response={200: list[HistoryOut], **READ_ERRORS}
)
def equipment_history(request: HttpRequest, equipment_id: IdParam):
    """Operation log entries and anomalies (and later services and faults), newest first."""
    return selectors.history(selectors.equipment_get_for_user(request.auth, equipment_id))


@router.get(
    "/equipment/{int:equipment_id}/status-changes",
    response={200: list[StatusChangeOut], **READ_ERRORS},
)
def equipment_status_changes(request: HttpRequest, equipment_id: IdParam):
    """状态变更记录: the last 20 changes of the status (在用 / 停用 / 维修中), newest first,
    with the reason, the record that caused it (e.g. an entrapment's number) and who."""
    return selectors.status_changes(selectors.equipment_get_for_user(request.auth, equipment_id))


def _related(estate, payload: dict) -> dict:
    """Ids of the body to rows; an unknown id is the service's own field error."""
    values = dict(payload)
    if values.get("building") is not None:
        building = Building.objects.filter(pk=values["building"]).first()
        if building is None or building.estate_id != estate.pk:
            message = _("该楼栋不属于本项目")
            raise ApiError(400, "invalid", message, {"building": [message]})
        values["building"] = building
    if values.get("contractor") is not None:
        contractor = Contractor.objects.filter(pk=values["contractor"]).first()
        if contractor is None or not contractor.estates.filter(pk=estate.pk).exists():
            message = _("该维保单位不服务于本项目")
            raise ApiError(400, "invalid", message, {"contractor": [message]})
        values["contractor"] = contractor
    return values


@router.post("/equipment", response={201: EquipmentOut, **WRITE_ERRORS})
def equipment_create(request: HttpRequest, payload: EquipmentIn):
    """登记设备 (engineering, the heads, the executives)."""
    estate = get_or_404(visible_estates(actor_for(request.auth)), payload.estate)
    values = _related(estate, payload.dict(exclude={"estate"}))
    return Status(201, services.equipment_create(estate=estate, by=request.auth, **values))


@router.patch("/equipment/{int:equipment_id}", response={200: EquipmentOut, **WRITE_ERRORS})
def equipment_update(request: HttpRequest, equipment_id: IdParam, payload: EquipmentPatch):
    """Change the fields sent (``null`` for building or contractor clears it)."""
    equipment = selectors.equipment_get_for_user(request.auth, equipment_id)
    values = _related(equipment.estate, payload.dict(exclude_unset=True))
    for key in ("code", "name", "category", "status", "logs_hourly"):
        if key in values and values[key] is None:
            message = _("此项不能为空")
            raise ApiError(400, "invalid", message, {key: [message]})
    for key in (
        "location",
        "manufacturer",
        "model_no",
        "inspection_name",
        "inspection_certificate_no",
    ):
        if key in values and values[key] is None:
            values[key] = ""
    return services.equipment_update(equipment=equipment, by=request.auth, **values)


@router.post(
    "/equipment/{int:equipment_id}/qr-regenerate", response={200: EquipmentOut, **WRITE_ERRORS}
)
def equipment_qr_regenerate(request: HttpRequest, equipment_id: IdParam):
    """A new QR label: the old one stops working."""
    equipment = selectors.equipment_get_for_user(request.auth, equipment_id)
    return services.equipment_qr_regenerate(equipment=equipment, by=request.auth)

"""Monitoring intake API (设备事件/告警, EQUIP-OPS-04/07/08).

``POST /device-events`` is the devices' own endpoint: no bearer token, a signature per request
(headers ``X-Wuye-Key``: the device's key id, ``X-Wuye-Timestamp``: Unix seconds,
``X-Wuye-Signature``: hex HMAC-SHA256 of ``<timestamp>.<raw body>`` under the device's secret).
A missing or wrong signature, an unknown or disabled key, or a timestamp more than 5 minutes off
is a 401 in the API's error shape. Everything else is for staff, with their bearer token: the
alarm list, acknowledge and clear, and the devices (create, rotate the secret, disable).
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Router, Schema
from ninja.responses import Status
from ninja.security import APIKeyHeader

from wuye.base.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    ApiError,
    Day,
    ErrorOut,
    IdParam,
    Note,
    Term,
    Text,
    When,
    paginated,
)
from wuye.core.scoping import actor_for, get_or_404, visible_estates

from ..models.devices import Device
from ..selectors import devices as selectors
from ..services import devices as services

router = Router(tags=["field work"])


class DeviceSignature(APIKeyHeader):
    """The device's key id in ``X-Wuye-Key``, with ``X-Wuye-Timestamp`` and ``X-Wuye-Signature``
    (HMAC-SHA256 of ``<timestamp>.<raw body>``)."""

    param_name = "X-Wuye-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> Device:
        if len(request.body) > services.BODY_MAX_BYTES:
            raise ApiError(413, "too_large", _("请求内容过大"))
        try:
            return services.device_authenticate(
                key_id=key,
                timestamp=request.headers.get("X-Wuye-Timestamp"),
                signature=request.headers.get("X-Wuye-Signature"),
                body=request.body,
            )
        except services.DeviceAuthError as exc:
            raise ApiError(401, exc.code, exc.message) from None


class DeviceEventIn(Schema):
    event_type: Text = Field(..., max_length=20, examples=["trapped"])
    severity: Text = Field(
        "", max_length=10, description=gettext_lazy("info / warning / critical；不填按事件类型")
    )
    dedup_key: Text = Field(..., min_length=1, max_length=100)
    occurred_at: When
    message: Text = Field("", max_length=500)
    payload: dict[str, Any] = Field(default_factory=dict)


class IntakeOut(Schema):
    id: int | None = Field(None, description="None: a clear with no open alarm of its key")
    state: str | None
    created: bool
    repeats: int
    case: str | None = Field(None, description="the number of the case the alarm opened")


def _intake_out(result: services.IntakeResult) -> dict[str, Any]:
    event = result.event
    return {
        "id": event.pk if event else None,
        "state": event.state if event else None,
        "created": result.created,
        "repeats": event.repeats if event else 0,
        "case": event.case.number if event and event.case_id else None,
    }


@router.post(
    "/device-events",
    auth=DeviceSignature(),
    response={200: IntakeOut, 201: IntakeOut, 400: ErrorOut, 401: ErrorOut, 409: ErrorOut,
              413: ErrorOut},
)  # fmt: skip
def device_event_post(request: HttpRequest, payload: DeviceEventIn):
    """A device posts an event, signed (see above). 201: a new alarm; 200: a repeat of an open
    one (counted) or a clear. 409 ``not_recorded``: its handling failed and nothing was kept;
    send it again."""
    try:
        result = services.device_event_receive(device=request.auth, **payload.dict())
    except services.AlarmNotRecorded as exc:
        raise ApiError(409, exc.code, exc.message) from None
    return Status(201 if result.created else 200, _intake_out(result))


# --- Alarms (staff) -----------------------------------------------------------------------------


class PersonOut(Schema):
    id: int
    name: str


def _person(user) -> dict | None:
    if user is None:
        return None
    staff = getattr(user, "staff", None)
    return {"id": user.pk, "name": getattr(staff, "name", "") or user.get_username()}


class DeviceEventOut(Schema):
    id: int
    estate: int = Field(..., alias="estate_id")
    device: int = Field(..., alias="device_id")
    device_name: str
    device_kind: str
    event_type: str
    severity: str
    dedup_key: str
    message: str
    payload: dict[str, Any]
    occurred_at: dt.datetime
    received_at: dt.datetime
    last_seen_at: dt.datetime
    repeats: int
    state: str
    acknowledged_at: dt.datetime | None
    acknowledged_by: PersonOut | None
    cleared_at: dt.datetime | None
    cleared_by: PersonOut | None
    cleared_by_device: bool
    clear_note: str
    case: str | None
    notified_at: dt.datetime | None

    @staticmethod
    def resolve_device_name(obj) -> str:
        return obj.device.name

    @staticmethod
    def resolve_device_kind(obj) -> str:
        return obj.device.kind

    @staticmethod
    def resolve_acknowledged_by(obj) -> dict | None:
        return _person(obj.acknowledged_by)

    @staticmethod
    def resolve_cleared_by(obj) -> dict | None:
        return _person(obj.cleared_by)

    @staticmethod
    def resolve_case(obj) -> str | None:
        return obj.case.number if obj.case_id else None


class ClearIn(Schema):
    note: Note = ""


@router.get("/device-events", response={200: list[DeviceEventOut], **READ_ERRORS})
@paginated
def device_event_list(request: HttpRequest, estate: IdParam | None = None,
                      device: IdParam | None = None, kind: Term = "", state: Term = "",
                      severity: Term = "", event_type: Term = "", date_from: Day | None = None,
                      date_to: Day | None = None, open: bool = False):  # fmt: skip
    """Alarms the caller may see: open first, then the most severe, then the latest."""
    return selectors.device_event_list(
        actor=actor_for(request.auth), estate_id=estate, device_id=device, kind=kind,
        state=state, severity=severity, event_type=event_type, date_from=date_from,
        date_to=date_to, open_only=open,
    )  # fmt: skip


@router.get("/device-events/{event_id}", response={200: DeviceEventOut, **READ_ERRORS})
def device_event_detail(request: HttpRequest, event_id: IdParam):
    return selectors.device_event_get(actor=actor_for(request.auth), pk=event_id)


@router.post(
    "/device-events/{event_id}/acknowledge", response={200: DeviceEventOut, **WRITE_ERRORS}
)
def device_event_acknowledge(request: HttpRequest, event_id: IdParam):
    """确认告警: who and when are kept."""
    event = selectors.device_event_get(actor=actor_for(request.auth), pk=event_id)
    services.device_event_acknowledge(event=event, by=request.auth)
    return selectors.device_event_get(actor=actor_for(request.auth), pk=event_id)


@router.post("/device-events/{event_id}/clear", response={200: DeviceEventOut, **WRITE_ERRORS})
def device_event_clear(request: HttpRequest, event_id: IdParam, payload: ClearIn):
    """解除告警, with an optional note."""
    event = selectors.device_event_get(actor=actor_for(request.auth), pk=event_id)
    services.device_event_clear(event=event, by=request.auth, note=payload.note)
    return selectors.device_event_get(actor=actor_for(request.auth), pk=event_id)


# --- Devices (heads and executives write) -------------------------------------------------------


class DeviceOut(Schema):
    id: int
    estate: int = Field(..., alias="estate_id")
    name: str
    kind: str
    department: str
    location: str
    subject_type: str | None
    subject_id: int | None
    key_id: str
    active: bool
    secret_rotated_at: dt.datetime
    last_seen_at: dt.datetime | None
    created_at: dt.datetime
    disabled_at: dt.datetime | None
    # EQUIP-OPS-12: an active plan maintains the monitoring system itself.
    maintained: bool = False

    @staticmethod
    def resolve_maintained(obj) -> bool:
        return bool(getattr(obj, "maintained", False))

    @staticmethod
    def resolve_subject_type(obj) -> str | None:
        ct = obj.subject_type
        return f"{ct.app_label}.{ct.model}" if ct else None


class DeviceSecretOut(Schema):
    device: DeviceOut
    secret: str = Field(..., description="shown this once: the device signs with it")


class DeviceIn(Schema):
    estate: IdParam
    name: Text = Field(..., min_length=1, max_length=100)
    kind: Text = Field(..., max_length=20, examples=["elevator_monitor"])
    department: Text = Field("", max_length=20, description=gettext_lazy("不填按设备类型"))
    location: Text = Field("", max_length=100)
    subject_type: Text = Field("", max_length=100, examples=["facilities.equipment"])
    subject_id: IdParam | None = None


@router.get("/devices", response={200: list[DeviceOut], **READ_ERRORS})
@paginated
def device_list(request: HttpRequest, estate: IdParam | None = None, kind: Term = "",
                active: bool | None = None, q: Term = ""):  # fmt: skip
    return selectors.device_list(
        actor=actor_for(request.auth), estate_id=estate, kind=kind, active=active, q=q
    )


@router.post("/devices", response={201: DeviceSecretOut, **WRITE_ERRORS})
def device_create(request: HttpRequest, payload: DeviceIn):
    """登记监控设备. The answer carries the device's secret, this once."""
    actor = actor_for(request.auth)
    estate = get_or_404(visible_estates(actor), payload.estate)
    if payload.subject_type and payload.subject_id is None:
        raise ApiError(400, "invalid", _("请提供监控对象编号"), {"subject_id": [_("此项必填")]})
    subject = services.device_subject_resolve(
        subject_type=payload.subject_type, subject_id=payload.subject_id or 0
    )
    device, secret = services.device_create(
        estate=estate, name=payload.name, kind=payload.kind,
        department=payload.department, location=payload.location, subject=subject, by=actor,
    )  # fmt: skip
    return Status(201, {"device": device, "secret": secret})


@router.get("/devices/{device_id}", response={200: DeviceOut, **READ_ERRORS})
def device_detail(request: HttpRequest, device_id: IdParam):
    return selectors.device_get(actor=actor_for(request.auth), pk=device_id)


@router.post("/devices/{device_id}/rotate-secret", response={200: DeviceSecretOut, **WRITE_ERRORS})
def device_rotate_secret(request: HttpRequest, device_id: IdParam):
    """A new secret, shown this once; the old one stops working at once."""
    device = selectors.device_get(actor=actor_for(request.auth), pk=device_id)
    device, secret = services.device_secret_rotate(device=device, by=request.auth)
    return {"device": device, "secret": secret}


@router.post("/devices/{device_id}/disable", response={200: DeviceOut, **WRITE_ERRORS})
def device_disable(request: HttpRequest, device_id: IdParam):
    device = selectors.device_get(actor=actor_for(request.auth), pk=device_id)
    return services.device_disable(device=device, by=request.auth)


@router.post("/devices/{device_id}/enable", response={200: DeviceOut, **WRITE_ERRORS})
def device_enable(request: HttpRequest, device_id: IdParam):
    device = selectors.device_get(actor=actor_for(request.auth), pk=device_id)
    return services.device_enable(device=device, by=request.auth)

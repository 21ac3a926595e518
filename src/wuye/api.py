"""The REST API under ``/api/v1/``: one NinjaAPI with its auth, its error shape and pagination.

- Auth: a bearer token from ``POST /api/v1/auth/token``, or the web pages' own session (their
  scripts call the API; unsafe methods then need the CSRF token, as a form would).
- Errors: always ``{"error": {"code": ..., "message": ..., "fields": {name: [messages]}}}``;
  services raise Django's ValidationError / PermissionDenied / Http404 or ``Conflict`` and the
  handlers below turn them into 400 / 403 / 404 / 409. Nothing a client sends gives a 500.
- Lists: ``@paginated`` gives ``limit`` / ``offset`` and answers ``{"items": [...], "count": N}``.

Each app's ``api`` modules hold a ninja Router and import the shared pieces (types, error and
list shapes) from :mod:`wuye.base.api`; the routers are listed in ``ROUTERS`` by import path and
mounted when the URLs are built, so this module never imports an app's api module and there is
no import cycle.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import authenticate, user_logged_in
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.csrf import csrf_exempt
from ninja import Field, NinjaAPI, Router, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from wuye.base.api import ApiError, ErrorOut, Text
from wuye.core import selectors, services
from wuye.core.choices import Role
from wuye.core.exceptions import Conflict
from wuye.core.scoping import actor_for

logger = logging.getLogger(__name__)

# Every app's router, by import path, with its URL prefix. Add a line per app.
ROUTERS: list[tuple[str, str]] = [
    ("", "wuye.core.api.exports.router"),  # before the next: /rooms/export.xlsx, not /rooms/{id}
    ("", "wuye.core.api.roster.router"),
    ("", "wuye.workflow.api.cases.router"),
    ("", "wuye.workflow.api.holidays.router"),
    ("", "wuye.web.api.router"),
    ("", "wuye.repairs.api.desk.router"),  # before the next: /repairs/{id}/acceptance.pdf
    ("", "wuye.repairs.api.orders.router"),
    ("", "wuye.repairs.api.kpis.router"),
    ("", "wuye.complaints.api.complaints.router"),
    ("", "wuye.complaints.api.analysis.router"),
    ("", "wuye.complaints.api.desk.router"),
    ("", "wuye.notify.api.router"),
    ("", "wuye.billing.api.rooms.router"),
    ("", "wuye.handover.api.premises.router"),
    ("", "wuye.residents.api.move_in.router"),
    ("", "wuye.handover.api.takeover.router"),
    ("", "wuye.handover.api.intervention.router"),
    ("", "wuye.billing.api.collections.router"),
    ("", "wuye.billing.api.desk.router"),
    ("", "wuye.billing.api.reports.router"),
    ("", "wuye.billing.api.runs.router"),
    ("", "wuye.billing.api.meters.router"),
    ("", "wuye.billing.api.documents.router"),
    ("", "wuye.fieldwork.api.checklists.router"),
    ("", "wuye.fieldwork.api.records.router"),
    ("", "wuye.fieldwork.api.tasks.router"),
    ("", "wuye.fieldwork.api.rounds.router"),
    ("", "wuye.fieldwork.api.shifts.router"),
    ("", "wuye.fieldwork.api.certificates.router"),
    ("", "wuye.fieldwork.api.devices.router"),
    ("", "wuye.facilities.api.faults.router"),
    ("", "wuye.facilities.api.equipment.router"),  # /equipment/export.xlsx before /{id}
    ("", "wuye.facilities.api.logs.router"),
    ("", "wuye.facilities.api.anomalies.router"),
    ("", "wuye.facilities.api.maintenance.router"),
    ("", "wuye.facilities.api.board.router"),
    ("", "wuye.security.api.vehicles.router"),  # /vehicles/export.xlsx before /{id}
    ("", "wuye.security.api.gates.router"),
    ("", "wuye.security.api.fires.router"),
    ("", "wuye.security.api.drills.router"),  # /security/drills/summary before /{id}
    ("", "wuye.security.api.publicity.router"),
    ("", "wuye.security.api.fire_facilities.router"),  # /fire/facilities/export.xlsx before /{id}
    # Security: visitors, temporary passes, parcels, decoration permits (GUARD-06/10/13)
    ("", "wuye.security.api.passes.router"),  # POST /security/passes/scan
    ("", "wuye.security.api.visitors.router"),  # /security/visitors/export.xlsx before /{id}
    ("", "wuye.security.api.parcels.router"),
    ("", "wuye.security.api.decoration.router"),
    ("", "wuye.security.api.patrols.router"),
    ("", "wuye.security.api.obstructions.router"),
    ("", "wuye.security.api.incidents.router"),
    # Environment (ch.5): cleaning, inspection, greening, store, board
    ("", "wuye.environment.api.zones.router"),
    ("", "wuye.environment.api.cleaning.router"),
    ("", "wuye.environment.api.my_tasks.router"),
    ("", "wuye.environment.api.weather.router"),
    ("", "wuye.environment.api.inspections.router"),
    ("", "wuye.environment.api.rectifications.router"),
    ("", "wuye.environment.api.green.router"),
    ("", "wuye.environment.api.greening.router"),
    ("", "wuye.environment.api.stores.router"),
    ("", "wuye.environment.api.pests.router"),
    ("", "wuye.environment.api.board.router"),
    # Emergencies (ch.7): incidents, groups, plans, supplies, entrapment, outages, public health
    ("", "wuye.emergency.api.incidents.router"),
    ("", "wuye.emergency.api.groups.router"),
    ("", "wuye.emergency.api.plans.router"),
    ("", "wuye.emergency.api.supplies.router"),
    ("", "wuye.emergency.api.lift.router"),
    ("", "wuye.emergency.api.outages.router"),
    ("", "wuye.emergency.api.health.router"),
    # Quality (ch.9, ch.1): compliance with the manual, per rule
    ("", "wuye.quality.api.compliance.router"),
    ("", "wuye.quality.api.company.router"),
]

# --- Auth -------------------------------------------------------------------------------------


class BearerToken(HttpBearer):
    """``Authorization: Bearer <token>`` with a token from ``POST /api/v1/auth/token``."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        return services.api_token_authenticate(token)


class SessionAuth(APIKeyCookie):
    """The web session, for the pages' own scripts. Without a logged-in session it steps aside
    (so the answer is a 401, not a CSRF error); with one, unsafe methods need the CSRF token."""

    param_name: str = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise ApiError(403, "csrf_failed", _("页面已过期，请刷新后重试（CSRF 校验失败）"))
        return request.COOKIES.get(self.param_name, "")

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return request.user if request.user.is_authenticated else None


# --- The API ----------------------------------------------------------------------------------


class Renderer(JSONRenderer):
    # Chinese text stays readable in the body (UTF-8) instead of \\uXXXX escapes.
    json_dumps_params = {"ensure_ascii": False}


class WuyeAPI(NinjaAPI):
    """Mounts ``ROUTERS`` when the URLs are first built."""

    _mounted = False

    def mount_routers(self) -> None:
        if not self._mounted:
            self._mounted = True
            for prefix, path in ROUTERS:
                self.add_router(prefix, path)
            self.add_router("", fallback_router)  # last: it matches every path

    @property
    def urls(self):  # type: ignore[override]
        self.mount_routers()
        return NinjaAPI.urls.fget(self)  # type: ignore[attr-defined]

    def _get_urls(self) -> list:
        # ninja's own root view (its name locates the API) answers an HTML 404: ours is JSON.
        urls = super()._get_urls()
        return [*urls[:-1], path("", api_not_found, name="api-root")]

    def get_openapi_schema(self, *args: Any, **kwargs: Any):  # type: ignore[override]
        from wuye.core.idempotency import document_in_openapi

        self.mount_routers()
        return document_in_openapi(super().get_openapi_schema(*args, **kwargs))


api = WuyeAPI(
    title=gettext_lazy("Wuye 物业服务运营系统 API"),
    version="1",
    description=(
        "Bearer token from `POST /api/v1/auth/token`, then `Authorization: Bearer <token>`. "
        'Errors: `{"error": {"code", "message", "fields"}}`. Lists: `limit`/`offset`, '
        'answer `{"items", "count"}`. Everything is scoped to what the caller may see; '
        "anything else is a 404."
    ),
    urls_namespace="api",
    auth=[BearerToken(), SessionAuth()],
    renderer=Renderer(),
)


def error_response(
    request: HttpRequest,
    status: int,
    code: str,
    message: str,
    fields: dict[str, list[str]] | None = None,
) -> HttpResponse:
    body = {"error": {"code": code, "message": str(message), "fields": fields or {}}}
    return api.create_response(request, body, status=status)


# --- Error handlers ---------------------------------------------------------------------------

_PYDANTIC_MESSAGES = {
    "missing": gettext_lazy("此项必填"),
    "string_type": gettext_lazy("应为文字"),
    "int_type": gettext_lazy("应为整数"),
    "int_parsing": gettext_lazy("应为整数"),
    "int_from_float": gettext_lazy("应为整数"),
    "float_type": gettext_lazy("应为数字"),
    "float_parsing": gettext_lazy("应为数字"),
    "decimal_type": gettext_lazy("应为数字，如 89.50"),
    "decimal_parsing": gettext_lazy("应为数字，如 89.50"),
    "decimal_max_places": gettext_lazy("最多 %(decimal_places)s 位小数"),
    "decimal_max_digits": gettext_lazy("最多 %(max_digits)s 位数字"),
    "decimal_whole_digits": gettext_lazy("整数部分最多 %(whole_digits)s 位"),
    "finite_number": gettext_lazy("应为有限的数字"),
    "bool_type": gettext_lazy("应为 true 或 false"),
    "bool_parsing": gettext_lazy("应为 true 或 false"),
    "date_type": gettext_lazy("日期格式应为 YYYY-MM-DD"),
    "date_parsing": gettext_lazy("日期格式应为 YYYY-MM-DD"),
    "date_from_datetime_parsing": gettext_lazy("日期格式应为 YYYY-MM-DD"),
    "date_from_datetime_inexact": gettext_lazy("日期格式应为 YYYY-MM-DD"),
    "datetime_type": gettext_lazy("时间格式应为 2026-01-01T08:00:00+08:00"),
    "datetime_parsing": gettext_lazy("时间格式应为 2026-01-01T08:00:00+08:00"),
    "datetime_from_date_parsing": gettext_lazy("时间格式应为 2026-01-01T08:00:00+08:00"),
    "greater_than": gettext_lazy("应大于 %(gt)s"),
    "greater_than_equal": gettext_lazy("不能小于 %(ge)s"),
    "less_than": gettext_lazy("应小于 %(lt)s"),
    "less_than_equal": gettext_lazy("不能大于 %(le)s"),
    "string_too_short": gettext_lazy("至少 %(min_length)s 个字符"),
    "string_too_long": gettext_lazy("不能超过 %(max_length)s 个字符"),
    "too_short": gettext_lazy("至少 %(min_length)s 项"),
    "too_long": gettext_lazy("不能超过 %(max_length)s 项"),
    "enum": gettext_lazy("应为以下之一：%(expected)s"),
    "literal_error": gettext_lazy("应为以下之一：%(expected)s"),
    "list_type": gettext_lazy("应为列表"),
    "dict_type": gettext_lazy("应为 JSON 对象"),
    "model_type": gettext_lazy("应为 JSON 对象"),
    "model_attributes_type": gettext_lazy("应为 JSON 对象"),
    "extra_forbidden": gettext_lazy("不认识的字段"),
    "uuid_type": gettext_lazy("应为附件 id（UUID）"),
    "uuid_parsing": gettext_lazy("应为附件 id（UUID）"),
    "string_pattern_mismatch": gettext_lazy("格式不正确"),
}


def _pydantic_message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "value_error" and "error" in ctx:
        return str(ctx["error"])  # our own validators' message
    if "expected" in ctx:
        ctx = {
            **ctx,
            "expected": str(ctx["expected"])
            .replace(" or ", ", ")
            .replace(", ", pgettext("list separator", "、")),
        }
    template = _PYDANTIC_MESSAGES.get(kind)
    if template is None:
        return _("格式不正确")
    try:
        return str(template) % ctx
    except (KeyError, TypeError, ValueError):
        return str(template).split("%")[0].strip()


def _pydantic_fields(errors: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Map ninja's error locations to the names the client sent.

    ``("body", "payload", "mobile")`` → ``mobile``; ``("query", "limit")`` → ``limit``;
    ``("body", "payload", "estates", 0)`` → ``estates``; the body itself → ``__all__``.
    """
    fields: dict[str, list[str]] = {}
    for error in errors:
        loc = list(error.get("loc") or ())
        source, rest = (loc[0], loc[1:]) if loc else ("", [])
        if source == "body":
            rest = rest[1:]  # the name of the handler's body parameter
        name = ".".join(str(part) for part in rest if not isinstance(part, int))
        if not name:
            name = NON_FIELD_ERRORS
            if error.get("type") == "missing":
                message = _("请求内容不能为空")
            elif error.get("type") in ("model_type", "model_attributes_type", "dict_type"):
                message = _("请求内容应为 JSON 对象")
            else:
                message = _pydantic_message(error)
        else:
            message = _pydantic_message(error)
        messages = fields.setdefault(name, [])
        if message not in messages:
            messages.append(message)
    return fields


def _summary(fields: dict[str, list[str]]) -> str:
    messages = [m for ms in fields.values() for m in ms]
    if len(messages) == 1:
        return messages[0]
    return _("提交的内容有误，请按提示修改")


@api.exception_handler(NinjaValidationError)
def on_schema_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields = _pydantic_fields(exc.errors)
    return error_response(request, 400, "invalid", _summary(fields), fields)


@api.exception_handler(DjangoValidationError)
def on_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        fields = {name: [str(m) for m in msgs] for name, msgs in exc.message_dict.items()}
    else:
        fields = {NON_FIELD_ERRORS: [str(m) for m in exc.messages]}
    return error_response(request, 400, "invalid", _summary(fields), fields)


@api.exception_handler(Http404)
@api.exception_handler(ObjectDoesNotExist)
def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(request, 404, "not_found", _("未找到，或您无权查看"))


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error_response(request, 403, "forbidden", str(exc) or _("您没有权限执行此操作"))


@api.exception_handler(Conflict)
def on_conflict(request: HttpRequest, exc: Conflict) -> HttpResponse:
    return error_response(request, 409, exc.code, exc.message)


@api.exception_handler(IntegrityError)
def on_integrity_error(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
    # Two requests raced past the checks of full_clean(); the database constraint held.
    logger.warning("API integrity error: %s", exc)
    return error_response(request, 409, "conflict", _("与已有记录冲突，请刷新后重试"))


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = error_response(
        request, 401, "unauthenticated", _("请先登录，或提供有效的访问令牌（Bearer token）")
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    429: "throttled",
}


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc, ApiError):
        return error_response(request, exc.status_code, exc.code, exc.message, exc.fields)
    if exc.status_code == 400 and isinstance(exc.__cause__, ValueError):
        # ninja could not parse the body (JSONDecodeError and UnicodeDecodeError are ValueErrors)
        return error_response(request, 400, "malformed_json", _("请求内容不是有效的 JSON"))
    code = _HTTP_CODES.get(exc.status_code, "error")
    return error_response(request, exc.status_code, code, exc.message)


@api.exception_handler(RequestDataTooBig)
def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return error_response(request, 413, "too_large", _("请求内容过大"))


@api.exception_handler(MultiPartParserError)
def on_malformed_multipart(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    # No boundary, a broken one, truncated parts: Django refuses to parse the body.
    return error_response(
        request, 400, "malformed_multipart", _("请求内容不是有效的 multipart/form-data")
    )


@api.exception_handler(SuspiciousOperation)
def on_suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    return error_response(request, 400, "bad_request", _("请求无效"))


@api.exception_handler(Exception)
def on_server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API error on %s %s", request.method, request.path, exc_info=exc)
    return error_response(request, 500, "server_error", _("服务器出错了，请稍后重试"))


# --- Routes of the API itself -----------------------------------------------------------------

fallback_router = Router()


@fallback_router.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", auth=None, include_in_schema=False
)
def unknown_path(request: HttpRequest, rest: str) -> None:
    """Any other path under /api/v1/ is a 404 in the error shape, not the web's HTML page."""
    raise Http404


@csrf_exempt
def api_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """The URLs under /api/v1 that no route takes (``/api/v1`` and ``/api/v1/`` themselves, a
    path with a newline that ninja's patterns do not match): the API's JSON 404 rather than a
    redirect or the web's HTML page. Mounted in ``wuye.urls`` after the API. Exempt from CSRF
    like the API's own routes: a POST there is a 404 in the error shape, not the CSRF page."""
    return error_response(request, 404, "not_found", _("未找到，或您无权查看"))


# --- Auth routes ------------------------------------------------------------------------------


class TokenIn(Schema):
    username: Text = Field(..., max_length=150)
    password: Text = Field(..., max_length=4096)
    name: Text = Field("", max_length=60, description=gettext_lazy("令牌用途，如「停车场道闸」"))


class TokenOut(Schema):
    token: str
    token_type: str = "Bearer"
    expires_at: dt.datetime


class EstateRef(Schema):
    id: int
    code: str
    name: str


class MeOut(Schema):
    id: int
    username: str
    name: str
    role: str | None
    role_display: str
    is_superuser: bool
    estates: list[EstateRef]
    can_see_pii: bool
    can_write_roster: bool
    can_write_staff: bool


@api.post(
    "/auth/token",
    auth=None,
    response={200: TokenOut, 400: ErrorOut, 401: ErrorOut, 429: ErrorOut},
    tags=["auth"],
)
def auth_token(request: HttpRequest, payload: TokenIn) -> dict[str, Any]:
    """Exchange a username and password for a bearer token (valid 30 days).

    Failures count towards the same lockout as the login page (django-axes, wuye/core/lockout.py:
    per login name and address, per name from every address, per address across names); a
    locked-out request is a 429. The token ends with a new password, a deactivated account, a
    revocation (``/auth/tokens``) or while the name is locked out everywhere."""
    credentials = {"username": payload.username, "password": payload.password}
    user = authenticate(request=request, **credentials)
    if user is None:
        if getattr(request, "axes_locked_out", False) or AxesProxyHandler.is_locked(
            request, {"username": payload.username}
        ):
            # Answer in the API's shape: AxesMiddleware would put its HTML page in its place.
            request.axes_locked_out = False
            raise ApiError(429, "locked_out", _("登录失败次数过多，账号已暂时锁定，请稍后再试"))
        raise ApiError(401, "invalid_credentials", _("登录名或密码不正确"))
    # A token is a login: record it and reset the failure count, as the login page does.
    user_logged_in.send(sender=type(user), request=request, user=user)
    token, record = services.api_token_issue(user=user, name=payload.name or "api")
    return {"token": token, "expires_at": timezone.localtime(record.expires_at)}


@api.get("/auth/me", response={200: MeOut, 401: ErrorOut}, tags=["auth"])
def auth_me(request: HttpRequest) -> dict[str, Any]:
    """Who the caller is: role, name and the estates they may see."""
    user = request.auth
    actor = actor_for(user)
    record = actor.staff or actor.resident or getattr(user, "contractor_account", None)
    return {
        "id": user.pk,
        "username": user.get_username(),
        "name": getattr(record, "name", "") or user.get_full_name() or user.get_username(),
        "role": actor.role.value if actor.role else None,
        "role_display": str(Role(actor.role).label) if actor.role else "",
        "is_superuser": actor.is_superuser,
        "estates": list(selectors.estate_list(actor=actor).order_by("name")),
        "can_see_pii": actor.can_see_pii(),
        "can_write_roster": actor.can_write_roster(),
        "can_write_staff": actor.can_write_staff(),
    }

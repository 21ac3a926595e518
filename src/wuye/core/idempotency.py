"""``Idempotency-Key`` on every POST of the API, the way payment APIs honour it.

A client that lost the answer to a POST (the connection dropped after the commit) sends the
same request again with the same key and gets the first answer back instead of a second order.

- The key is the client's (1–255 visible ASCII characters, a UUID is usual), per user: two users
  never share a key's answer.
- Same key, same request (method, path, query and body; a JSON body compared as data, a
  multipart body by its fields and the contents of its files) within 24 hours: the stored answer
  is replayed as it was (status and body) with ``Idempotent-Replayed: true``; nothing is written.
- Same key, another request: 409 ``idempotency_key_reused``; nothing is written.
- The key, the request's writes and the stored answer are one transaction: a crash loses them
  together, so a retry is carried out once. A concurrent retry waits on the key's unique index
  until the first commits, then gets its answer.
- Only a success (2xx) is kept. Any other answer (bad input, a conflict, a server error) rolls
  back everything the request did and forgets the key, so the client may correct and retry.
- ``POST /auth/token`` is left out: a token is a secret and is never stored in clear.

Rows older than 24 hours are deleted by the ``idempotency_key_purge`` job.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import IdempotencyKey

log = logging.getLogger("wuye.idempotency")

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
API_PREFIX = "/api/v1/"
EXEMPT_PATHS = frozenset({"/api/v1/auth/token"})
LIFETIME = dt.timedelta(hours=24)
MAX_KEY_LENGTH = 255


def _error(status: int, code: str, message: str) -> JsonResponse:
    body = {"error": {"code": code, "message": message, "fields": {HEADER: [message]}}}
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def key_is_valid(key: str) -> bool:
    return 0 < len(key) <= MAX_KEY_LENGTH and all(33 <= ord(c) <= 126 for c in key)


def request_fingerprint(request: HttpRequest) -> str:
    """sha256 of what makes two requests "the same": method, path, query, body."""
    digest = hashlib.sha256()
    for part in (request.method or "", request.path, request.META.get("QUERY_STRING", "")):
        digest.update(part.encode() + b"\0")
    content_type = request.content_type or ""
    if content_type == "multipart/form-data":
        # The boundary differs on every retry: compare the fields and the files' contents.
        for name in sorted(request.POST):
            for value in request.POST.getlist(name):
                digest.update(f"{name}={value}".encode() + b"\0")
        for name in sorted(request.FILES):
            for upload in request.FILES.getlist(name):
                content = hashlib.sha256()
                for chunk in upload.chunks():
                    content.update(chunk)
                upload.seek(0)
                digest.update(f"{name}:{upload.name}:{content.hexdigest()}".encode() + b"\0")
        return digest.hexdigest()
    body = request.body
    if content_type == "application/json":
        try:
            body = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
        except ValueError:
            pass  # not JSON after all: the raw bytes, and the handler answers 400
    digest.update(body)
    return digest.hexdigest()


def _caller(request: HttpRequest) -> Any:
    """The user the API will see: the bearer token's, else the session's, else None."""
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        from .services import api_token_authenticate

        return api_token_authenticate(token.strip())
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def _replay(record: IdempotencyKey, fingerprint: str) -> HttpResponse:
    if record.fingerprint != fingerprint:
        return _error(
            409,
            "idempotency_key_reused",
            _("该 Idempotency-Key 已用于另一个请求，请为新的请求换一个新的键"),
        )
    response = HttpResponse(
        bytes(record.body), status=record.status_code, content_type=record.content_type or None
    )
    response[REPLAYED_HEADER] = "true"
    return response


def _existing(user, key: str, now: dt.datetime) -> IdempotencyKey | None:
    return IdempotencyKey.objects.filter(user=user, key=key, created_at__gt=now - LIFETIME).first()


class _Discard(Exception):
    """Leaves the request's transaction with a rollback and carries its answer out."""

    def __init__(self, response: HttpResponse) -> None:
        self.response = response


class IdempotencyMiddleware:
    """After the authentication middleware: honours ``Idempotency-Key`` on API POSTs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        if (
            key is None
            or request.method != "POST"
            or not request.path.startswith(API_PREFIX)
            or request.path.rstrip("/") in EXEMPT_PATHS
        ):
            return self.get_response(request)
        if not key_is_valid(key):
            return _error(
                400, "invalid_idempotency_key", _("Idempotency-Key 应为 1–255 个可见 ASCII 字符")
            )
        try:
            fingerprint = request_fingerprint(request)
        except Exception:  # a malformed or oversized body: the handler answers it with a 400
            return self.get_response(request)
        user = _caller(request)
        if user is None:
            return self.get_response(request)  # the handler answers 401
        return self._once(request, user, key, fingerprint)

    def _once(self, request, user, key: str, fingerprint: str) -> HttpResponse:
        now = timezone.now()
        record = _existing(user, key, now)
        if record is not None:
            return _replay(record, fingerprint)
        try:
            with transaction.atomic():
                IdempotencyKey.objects.filter(  # an expired one of the same key
                    user=user, key=key, created_at__lte=now - LIFETIME
                ).delete()
                record = IdempotencyKey.objects.create(
                    user=user, key=key, fingerprint=fingerprint, created_at=now
                )
                response = self.get_response(request)
                if not 200 <= response.status_code < 300 or response.streaming:
                    raise _Discard(response)
                record.status_code = response.status_code
                record.content_type = response.get("Content-Type", "")[:100]
                record.body = response.content
                record.save(update_fields=["status_code", "content_type", "body"])
                return response
        except _Discard as discarded:
            return discarded.response
        except IntegrityError:
            # A concurrent request with the same key committed first: answer as it was answered.
            record = _existing(user, key, timezone.now())
            if record is None:
                raise
            return _replay(record, fingerprint)


def idempotency_key_purge() -> int:
    """Periodic job: forget keys older than 24 hours. Idempotent."""
    deleted, _details = IdempotencyKey.objects.filter(
        created_at__lte=timezone.now() - LIFETIME
    ).delete()
    return deleted


def document_in_openapi(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the optional ``Idempotency-Key`` header to every POST of the OpenAPI document."""
    parameter = {
        "name": HEADER,
        "in": "header",
        "required": False,
        "description": (
            "A key of the client's (e.g. a UUID). The same key and request within 24 h replays "
            "the first answer without writing again; the same key with another request is a 409."
        ),
        "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH,
                   "pattern": "^[!-~]+$"},
    }  # fmt: skip
    for path, operations in schema.get("paths", {}).items():
        post = operations.get("post")
        if post is None or path.rstrip("/") in EXEMPT_PATHS:
            continue
        parameters = post.setdefault("parameters", [])
        if not any(p.get("name") == HEADER for p in parameters):
            parameters.append(parameter)
        responses = post.setdefault("responses", {})
        for status, text in ((400, "Bad Request"), (409, "Conflict")):
            if status in responses or str(status) in responses:  # ninja's keys are ints
                continue
            responses[status] = {
                "description": text,
                "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/ErrorOut"}}},
            }  # fmt: skip
    return schema

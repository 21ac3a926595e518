"""The current estate of a staff member's session (the estate switcher)."""

from __future__ import annotations

from django.http import JsonResponse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from .scoping import actor_for, visible_estates

SESSION_KEY = "wuye_estate_id"


class CurrentEstateMiddleware:
    """Sets ``request.actor`` and ``request.estate``: the estate chosen in the switcher, kept in
    the session, always one the user may see (else their first)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.actor = SimpleLazyObject(lambda: actor_for(getattr(request, "user", None)))
        request.estate = SimpleLazyObject(lambda: current_estate(request))
        return self.get_response(request)


def current_estate(request):
    actor = actor_for(getattr(request, "user", None))
    if actor.role is None and not actor.is_superuser:
        return None
    estates = visible_estates(actor).order_by("pk")
    chosen = request.session.get(SESSION_KEY)
    estate = estates.filter(pk=chosen).first() if chosen else None
    return estate or estates.first()


class ApiMethodNotAllowedMiddleware:
    """ninja answers a known API path called with the wrong method with a bare text 405; the API
    answers every client mistake in its JSON error shape, so this one too (Allow kept)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 405
            and request.path.startswith("/api/v1/")
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            allowed = response.get("Allow", "")
            message = _("该地址不支持 %(method)s 请求，可用：%(allowed)s") % {
                "method": request.method,
                "allowed": allowed,
            }
            body = {"error": {"code": "method_not_allowed", "message": message, "fields": {}}}
            answer = JsonResponse(body, status=405, json_dumps_params={"ensure_ascii": False})
            answer["Allow"] = allowed
            return answer
        return response

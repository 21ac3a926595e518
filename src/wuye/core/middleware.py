"""The current estate of a staff member's session (the estate switcher)."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

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

"""The shell's own pages: home (by who you are), the estate switcher, health check."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wuye.core import selectors
from wuye.core.middleware import SESSION_KEY
from wuye.core.scoping import actor_for, get_or_404, visible_estates
from wuye.core.selectors import rooms_with_occupants
from wuye.core.shortcuts import current_estate, is_staff, staff_required

from . import queue
from . import search as site_search


def _queue_page(request, actor):
    """我的待办: what waits for me, overdue first (web.queue)."""
    now = timezone.now()
    zone = timezone.get_current_timezone()
    items = queue.work_queue(actor, now=now, zone=zone)
    counts = queue.queue_counts(items, now=now, zone=zone)
    show = request.GET.get("show", "")
    show = show if show in ("overdue", "today") else ""
    items = queue.filter_items(items, show, now=now, zone=zone)
    return render(
        request,
        "web/queue.html",
        {"items": items, "counts": counts, "show": show, "limit": queue.LIMIT},
    )


@staff_required
def search(request):
    """The header's search: rooms, people, cases; one exact case number opens that case."""
    result = site_search.search(actor_for(request.user), request.GET.get("q", ""))
    if result.exact:
        return redirect(result.exact)
    return render(
        request,
        "web/search.html",
        {"result": result, "limit": site_search.LIMIT},
    )


def healthz(request):
    """Liveness and database check for load balancers: 200 when the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return JsonResponse({"status": "error", "database": str(exc)[:200]}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_required
def home(request):
    """Staff land on their estate overview, residents on their rooms, contractors on their work."""
    actor = actor_for(request.user)
    if is_staff(actor):
        estate = current_estate(request)
        if estate is None:
            return render(request, "web/no_estate.html")
        return _queue_page(request, actor)
    if actor.resident is not None:
        rooms = rooms_with_occupants(selectors.room_list(actor=actor))
        return render(request, "web/my_rooms.html", {"rooms": rooms})
    if actor.contractor is not None:
        return render(request, "web/contractor_home.html", {"contractor": actor.contractor})
    return render(
        request,
        "web/no_estate.html",
        {"message": _("您的账号还没有关联员工、业主或维保单位资料，请联系管理员。")},
    )


@login_required
@require_POST
def estate_switch(request):
    """Make another visible estate the current one; an estate outside the user's scope is a 404."""
    estate = get_or_404(visible_estates(actor_for(request.user)), request.POST.get("estate"))
    request.session[SESSION_KEY] = estate.pk
    return redirect(_after_switch(request))


def _after_switch(request) -> str:
    """Back to the list the user was on (without its filters, which belonged to the old estate);
    from a detail page, which belongs to the old estate, to home."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return reverse("web:home")
    path = target.split("?", 1)[0]
    try:
        match = resolve(path)
    except Resolver404:
        return reverse("web:home")
    if match.kwargs or match.view_name == "web:estate_switch":
        return reverse("web:home")
    return path


@require_POST
def set_language(request):
    """Django's language switch, also kept as the user's language for messages (notify)."""
    from django.views.i18n import set_language as django_set_language

    from wuye.notify import services as notify_services

    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        notify_services.preference_set_language(user=request.user, language=language)
    return response

"""The inbox page: my messages newest first, unread in bold, mark one or all read.

Thin: reads through the selectors, writes through ``services.inbox_mark_read``. With HTMX a
button swaps just the message (or the list) and the header's badge (out of band); without it
the forms post and come back to the inbox.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from wuye.web.shortcuts import paginate, render_list, wants_fragment

from . import selectors, services


def _unread_only(request: HttpRequest) -> bool:
    return request.GET.get("unread") == "1"


def _results_context(request: HttpRequest) -> dict:
    unread_only = _unread_only(request)
    messages_ = selectors.inbox_list(user=request.user, unread=True if unread_only else None)
    return {"page": paginate(request, messages_), "unread_only": unread_only}


@login_required
@require_http_methods(["GET", "POST"])
def inbox(request: HttpRequest) -> HttpResponse:
    """The list; a POST marks them all read (posted to the list's own URL, so the pager of the
    fragment that comes back still points at the list)."""
    if request.method == "POST":
        services.inbox_mark_read(user=request.user)
        if not wants_fragment(request):
            messages.success(request, _("已全部标为已读"))
            return redirect(request.get_full_path())
    context = {**_results_context(request), "oob": request.method == "POST"}
    return render_list(request, "notify/inbox.html", "notify/partials/inbox_results.html", context)


@login_required
@require_POST
def inbox_read(request: HttpRequest, pk: int) -> HttpResponse:
    message = selectors.inbox_message_get_for_user(request.user, pk)
    services.inbox_mark_read(user=request.user, message_ids=[message.pk])
    if wants_fragment(request):
        message.refresh_from_db(fields=["read_at"])
        return render(request, "notify/partials/inbox_item.html", {"m": message, "oob": True})
    return redirect("notify:inbox")


@login_required
@require_POST
def inbox_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Open what a message is about (the case page); opening it reads it."""
    message = selectors.inbox_message_get_for_user(request.user, pk)
    services.inbox_mark_read(user=request.user, message_ids=[message.pk])
    if message.url and url_has_allowed_host_and_scheme(
        message.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(message.url)
    return redirect("notify:inbox")

"""The inbox page: my messages newest first, unread in bold, mark one or all read.

Thin: reads through the selectors, writes through ``services.inbox_mark_read``. With HTMX a
button swaps just the message (or the list) and the header's badge (out of band); without it
the forms post and come back to the inbox.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wuye.base.pages import paginate, render_list, wants_fragment
from wuye.core.exceptions import Conflict
from wuye.core.forms import add_service_errors
from wuye.core.models import Estate
from wuye.core.scoping import actor_for
from wuye.core.shortcuts import current_estate, estate_page, is_staff, staff_required
from wuye.notify import notices, selectors, services
from wuye.notify.forms import NoticeFilterForm, NoticeForm


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


# --- Notice board (公告栏) ------------------------------------------------------------------------


@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    """Staff: the current estate's notices, every status, with filters. Residents: the board of
    their rooms, as cards. Contractors have no board."""
    actor = actor_for(request.user)
    if not is_staff(actor):
        if actor.resident is None:
            raise PermissionDenied(_("公告栏仅供物业员工和业主住户使用"))
        page = paginate(request, notices.notice_list_for_user(request.user))
        return render(request, "notify/notice_board.html", {"page": page})
    estate = current_estate(request)
    if estate is None:
        return render(request, "web/no_estate.html")
    filters = NoticeFilterForm(request.GET or None)
    items = notices.notice_list(user=request.user, estate=estate, **filters.filters())
    context = {
        "page": paginate(request, items),
        "filter_form": filters,
        "estate": estate,
        "can_write": notices.notice_can_write(actor, estate),
    }
    return render_list(
        request, "notify/notice_list.html", "notify/partials/notice_results.html", context
    )


@estate_page
@require_http_methods(["GET", "POST"])
def notice_create(request: HttpRequest, estate: Estate) -> HttpResponse:
    if not notices.notice_can_write(actor_for(request.user), estate):
        raise PermissionDenied(_("只有客服中心、部门负责人或企业高层可以发布和撤回公告"))
    form = NoticeForm(request.POST or None, estate=estate)
    if request.method == "POST" and form.is_valid():
        try:
            notice = notices.notice_create(estate=estate, **form.cleaned_data, by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("公告「%(title)s」已保存") % {"title": notice.title})
            return redirect("notify:notice_detail", pk=notice.pk)
    return render(request, "notify/notice_form.html", {"form": form, "estate": estate})


@login_required
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = notices.notice_get_for_user(request.user, pk)
    actor = actor_for(request.user)
    context = {
        "notice": notice,
        "staff_view": is_staff(actor),
        "can_withdraw": notice.withdrawn_at is None
        and notices.notice_can_write(actor, notice.estate),
    }
    return render(request, "notify/notice_detail.html", context)


@staff_required
@require_POST
def notice_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    notice = notices.notice_get_for_user(request.user, pk)
    try:
        notices.notice_withdraw(notice=notice, by=request.user)
    except Conflict as exc:
        messages.warning(request, exc.message)
    else:
        messages.success(request, _("公告已撤回，住户不再看到"))
    return redirect("notify:notice_detail", pk=notice.pk)


@login_required
@require_GET
def notice_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The notice as it is posted on the physical board: A4, no navigation."""
    notice = notices.notice_get_for_user(request.user, pk)
    # The paper on the board is read by residents: it is in the estate's language (Chinese),
    # whatever language the staff member's screen is in.
    with translation.override(settings.LANGUAGE_CODE):
        return render(request, "notify/notice_print.html", {"notice": notice})

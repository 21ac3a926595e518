"""Pages of the core app: estate overview, rooms, residents, staff, contractors, roster import.

Thin: scoped reads through selectors and getters, writes through services. A service's
ValidationError goes next to the form field; PermissionDenied is the 403 page; anything outside
the user's scope is a 404 (raised by the getters).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from wuye.base.pages import paginate, render_list
from wuye.core import selectors, services
from wuye.core.choices import DepartmentKind
from wuye.core.documents import exports
from wuye.core.filters import ContractorFilter, ResidentFilter, RoomFilter, StaffFilter
from wuye.core.forms import ResidentRegisterForm, RoomForm, RosterUploadForm, add_service_errors
from wuye.core.middleware import SESSION_KEY
from wuye.core.models import ApiToken, Estate
from wuye.core.scoping import actor_for
from wuye.core.shortcuts import estate_page, is_staff, staff_required


def _require_roster_write(actor, estate: Estate) -> None:
    # Refuse the form before it is filled in; the service checks again on save.
    services.require_roster_write(actor, estate)


# --- Estate overview -------------------------------------------------------------------------


@staff_required
def estate_overview(request, pk: int):
    estate = selectors.estate_get_for_user(request.user, pk)
    # Looking at an estate makes it the current one, so the header and the lists agree.
    request.session[SESSION_KEY] = estate.pk
    request.estate = estate
    figures = selectors.estate_overview(estate=estate)
    departments = [
        (DepartmentKind(row["department__kind"]).label, row["n"])
        for row in figures["staff_by_department"]
    ]
    return render(
        request,
        "core/estate_overview.html",
        {
            "estate": estate,
            "o": figures,
            "departments": departments,
            "can_write": actor_for(request.user).can_write_roster(estate),
        },
    )


# --- Rooms -----------------------------------------------------------------------------------


def _room_filter(request, estate: Estate) -> RoomFilter:
    rooms = selectors.room_list(actor=actor_for(request.user), estate=estate)
    return RoomFilter(request.GET, queryset=rooms, estate=estate)


@estate_page
def room_list(request, estate: Estate):
    filterset = _room_filter(request, estate)
    page = paginate(request, selectors.rooms_with_occupants(filterset.qs))
    context = {
        "filter": filterset,
        "page": page,
        "can_write": actor_for(request.user).can_write_roster(estate),
    }
    return render_list(request, "core/room_list.html", "core/partials/room_results.html", context)


@require_GET
@estate_page
def room_export(request, estate: Estate):
    rooms = selectors.rooms_with_occupants(_room_filter(request, estate).qs)
    return exports.rooms_xlsx_response(estate=estate, rooms=rooms, actor=actor_for(request.user))


@estate_page
def room_create(request, estate: Estate):
    _require_roster_write(actor_for(request.user), estate)
    form = RoomForm(request.POST or None, estate=estate)
    if request.method == "POST" and form.is_valid():
        try:
            room = services.room_create(**form.cleaned_data, by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已新增房屋 %(room)s") % {"room": room.label})
            return redirect("core:room_detail", pk=room.pk)
    return render(request, "core/room_form.html", {"form": form, "estate": estate})


@login_required
def room_detail(request, pk: int):
    room = selectors.room_get_for_user(request.user, pk)
    actor = actor_for(request.user)
    current, past = selectors.room_occupancies(room)
    can_register = actor.can_write_roster(room.estate)
    form = None
    if can_register:
        form = ResidentRegisterForm(request.POST or None)
    elif request.method == "POST":
        raise PermissionDenied(_("只有客服中心、部门负责人或企业高层可以登记住户"))
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            occupancy = services.resident_register(room=room, **form.cleaned_data, by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("已登记 %(name)s 为 %(room)s 的%(relation)s")
                % {
                    "name": occupancy.resident.name,
                    "room": room.label,
                    "relation": occupancy.get_relation_display(),
                },
            )
            return redirect("core:room_detail", pk=room.pk)
    context = {
        "room": room,
        "current": current,
        # Residents see who lives there now, not who lived there before them.
        "past": past if is_staff(actor) else [],
        "form": form,
        "is_staff": is_staff(actor),
    }
    return render(request, "core/room_detail.html", context)


# --- Residents -------------------------------------------------------------------------------


def _resident_filter(request, estate: Estate) -> ResidentFilter:
    residents = selectors.resident_list(actor=actor_for(request.user), estate=estate)
    return ResidentFilter(request.GET, queryset=residents, estate=estate)


@estate_page
def resident_list(request, estate: Estate):
    filterset = _resident_filter(request, estate)
    page = paginate(request, filterset.qs)
    page.object_list = selectors.residents_with_rooms_here(page.object_list, estate)
    context = {"filter": filterset, "page": page}
    return render_list(
        request, "core/resident_list.html", "core/partials/resident_results.html", context
    )


@require_GET
@estate_page
def resident_export(request, estate: Estate):
    residents = selectors.residents_with_rooms_here(_resident_filter(request, estate).qs, estate)
    return exports.residents_xlsx_response(
        estate=estate, residents=residents, actor=actor_for(request.user)
    )


@staff_required
def resident_detail(request, pk: int):
    resident = selectors.resident_get_for_user(request.user, pk)
    actor = actor_for(request.user)
    occupancies = selectors.resident_occupancies(resident, actor)
    return render(
        request,
        "core/resident_detail.html",
        {"resident": resident, "occupancies": occupancies, "can_see_pii": actor.can_see_pii()},
    )


# --- Staff and contractors -------------------------------------------------------------------


@estate_page
def staff_list(request, estate: Estate):
    staff = selectors.staff_list(actor=actor_for(request.user), estate=estate)
    filterset = StaffFilter(request.GET, queryset=staff)
    context = {"filter": filterset, "page": paginate(request, filterset.qs)}
    return render_list(request, "core/staff_list.html", "core/partials/staff_results.html", context)


@estate_page
def contractor_list(request, estate: Estate):
    contractors = (
        selectors.contractor_list(actor=actor_for(request.user))
        .filter(estates=estate)
        .order_by("name")
    )
    filterset = ContractorFilter(request.GET, queryset=contractors)
    context = {"filter": filterset, "page": paginate(request, filterset.qs)}
    return render_list(
        request, "core/contractor_list.html", "core/partials/contractor_results.html", context
    )


# --- Roster import and export ----------------------------------------------------------------


@estate_page
def roster(request, estate: Estate):
    """资料导入导出: upload a whole roster; every bad row is listed and nothing is imported."""
    _require_roster_write(actor_for(request.user), estate)
    from wuye.core import (
        roster as roster_module,  # written alongside; imported when the page is used
    )

    form = RosterUploadForm(request.POST or None, request.FILES or None)
    errors = None
    if request.method == "POST" and form.is_valid():
        try:
            result = roster_module.roster_import(
                estate=estate, file=form.cleaned_data["file"], by=request.user
            )
        except roster_module.RosterInvalid as exc:
            errors = exc.errors
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "导入完成：楼栋 %(buildings)s 个，单元 %(units)s 个，房屋 %(rooms)s 套，"
                    "住户 %(residents)s 人，入住关系 %(occupancies)s 条。"
                )
                % {
                    "buildings": result.buildings,
                    "units": result.units,
                    "rooms": result.rooms,
                    "residents": result.residents,
                    "occupancies": result.occupancies,
                },
            )
            return redirect("core:roster")
    return render(request, "core/roster.html", {"form": form, "errors": errors, "estate": estate})


@require_GET
@estate_page
def roster_template(request, estate: Estate):
    _require_roster_write(actor_for(request.user), estate)
    return exports.roster_template_response()


@require_GET
@estate_page
def roster_export(request, estate: Estate):
    _require_roster_write(actor_for(request.user), estate)
    return exports.roster_export_response(estate=estate, by=request.user)


# --- API tokens ------------------------------------------------------------------------------

_TOKEN_STATE_BADGES = {
    ApiToken.State.ACTIVE: "badge-ok",
    ApiToken.State.REVOKED: "badge-muted",
    ApiToken.State.PASSWORD_CHANGED: "badge-breach",
}


@login_required
@require_GET
def api_token_list(request):
    """The user's own API tokens (never the tokens themselves), to revoke one or all."""
    rows = []
    for token in services.api_token_list_for_user(request.user):
        state = ApiToken.State(services.api_token_state(token))
        rows.append({"token": token, "state": state, "badge": _TOKEN_STATE_BADGES.get(state, "")})
    return render(request, "core/api_tokens.html", {"rows": rows})


@login_required
@require_POST
def api_token_revoke(request, pk: int):
    token = services.api_token_get_for_user(request.user, pk)
    services.api_token_revoke(token=token, by=request.user)
    messages.success(request, _("已吊销访问令牌「%(name)s」") % {"name": token.name or token.pk})
    return redirect("core:api_tokens")


@login_required
@require_POST
def api_token_revoke_all(request):
    count = services.api_token_revoke_all(user=request.user, by=request.user)
    messages.success(request, _("已吊销 %(n)d 个访问令牌") % {"n": count})
    return redirect("core:api_tokens")

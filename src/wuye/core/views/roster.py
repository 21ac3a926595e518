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
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_POST

from wuye.base.pages import paginate, render_list
from wuye.base.xlsx import dated_filename, file_response, xlsx_response
from wuye.core import selectors, services
from wuye.core.choices import DepartmentKind
from wuye.core.filters import ContractorFilter, ResidentFilter, RoomFilter, StaffFilter
from wuye.core.forms import ResidentRegisterForm, RoomForm, RosterUploadForm, add_service_errors
from wuye.core.middleware import SESSION_KEY
from wuye.core.models import ApiToken, Estate
from wuye.core.scoping import actor_for
from wuye.core.shortcuts import estate_page, is_staff, staff_required
from wuye.core.validators import mask_id_number, mask_mobile


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
    actor = actor_for(request.user)
    rooms = selectors.rooms_with_occupants(_room_filter(request, estate).qs)
    show = actor.can_see_pii()
    rows = []
    for room in rooms:
        people = room.current_occupancies
        rows.append(
            [
                room.building.name,
                room.unit.name if room.unit_id else "",
                room.number,
                room.floor,
                room.area,
                room.get_use_display(),
                _("已入住") if people else _("空置"),
                pgettext("list separator in a cell", "；").join(
                    _("%(name)s（%(relation)s）")
                    % {"name": o.resident.name, "relation": o.get_relation_display()}
                    for o in people
                ),
                pgettext("list separator in a cell", "；").join(
                    o.resident.mobile if show else mask_mobile(o.resident.mobile) for o in people
                ),
                pgettext("list separator in a cell", "；").join(
                    o.resident.id_number if show else mask_id_number(o.resident.id_number)
                    for o in people
                ),
            ]
        )
    headers = [_("楼栋"), _("单元"), _("房号"), _("楼层"), _("建筑面积(m²)"), _("用途"),
               _("状态"), _("住户"), _("手机号"), _("身份证号")]  # fmt: skip
    return xlsx_response(
        filename=dated_filename(estate.name, _("房屋")),
        title=_("房屋"),
        headers=headers,
        rows=rows,
        text_columns=(0, 1, 2, 8, 9),
        widths=(10, 10, 10, 6, 14, 8, 8, 30, 28, 44),
    )


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


def _rooms_here(residents, estate: Estate):
    """Each resident's current rooms in this estate, for the list and the export."""
    for resident in residents:
        resident.rooms_here = [o for o in resident.current_occupancies if o.estate_id == estate.pk]
    return residents


@estate_page
def resident_list(request, estate: Estate):
    filterset = _resident_filter(request, estate)
    page = paginate(request, filterset.qs)
    _rooms_here(page.object_list, estate)
    context = {"filter": filterset, "page": page}
    return render_list(
        request, "core/resident_list.html", "core/partials/resident_results.html", context
    )


@require_GET
@estate_page
def resident_export(request, estate: Estate):
    show = actor_for(request.user).can_see_pii()
    residents = _rooms_here(list(_resident_filter(request, estate).qs), estate)
    rows = [
        [
            r.name,
            r.mobile if show else mask_mobile(r.mobile),
            r.id_number if show else mask_id_number(r.id_number),
            pgettext("list separator in a cell", "；").join(o.room.label for o in r.rooms_here),
            pgettext("list separator in a cell", "；").join(
                o.get_relation_display() for o in r.rooms_here
            ),
        ]
        for r in residents
    ]
    return xlsx_response(
        filename=dated_filename(estate.name, _("业主住户")),
        title=_("业主住户"),
        headers=[_("姓名"), _("手机号"), _("身份证号"), _("房屋"), _("关系")],
        rows=rows,
        text_columns=(1, 2),
        widths=(12, 16, 22, 30, 16),
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
    from wuye.core.roster import roster_template as build_template

    return file_response(build_template(), _("房屋住户导入模板.xlsx"))


@require_GET
@estate_page
def roster_export(request, estate: Estate):
    _require_roster_write(actor_for(request.user), estate)
    from wuye.core.roster import roster_export as build_export

    content = build_export(estate=estate, by=request.user)
    return file_response(content, dated_filename(estate.name, _("房屋住户资料")))


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

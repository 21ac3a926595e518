"""Pages of public-health events (EMERG-HEALTH), thin over ``services.health``, ``ppe``,
``contacts`` and ``deliveries`` — the same services as the API: the events of the estate; one
event's page (report to disease control, closures with their disinfection rounds, the final
disinfection, releases with templates, who is on duty and whether each confirmed protective
equipment for the shift, who else has not today, the deliveries); the staff's phone check of
mask and gloves; the close-contact register (its own pages, every look logged); the deliveries
list of the staff; the residents' 物资配送 in the portal."""

from __future__ import annotations

import datetime as dt
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from wuye.base.xlsx import dated_filename, xlsx_response
from wuye.core.exceptions import Conflict
from wuye.core.models import Staff, Unit
from wuye.core.scoping import actor_for, visible_rooms
from wuye.core.shortcuts import estate_page, estate_tz, staff_required

from ..choices import ClosureScope, DeliveryStatus
from ..models import Delivery
from ..selectors import closures as closure_selectors
from ..selectors import health as selectors
from ..services import contacts as contact_services
from ..services import deliveries as delivery_services
from ..services.health import closure_place, health_release, release_templates
from ..services.incidents import incident_act
from ..services.ppe import (
    active_health_incidents,
    duty_shift,
    ppe_confirm,
    ppe_confirmed,
    ppe_missing,
    ppe_on_duty,
)

TOPIC_ACTIONS = ("report_authority", "close_area", "lift_closure", "final_disinfection")
DELIVERY_STAFF_ACTIONS = ("take", "deliver")
DELIVERY_RESIDENT_ACTIONS = ("confirm", "cancel")


def _errors(exc: Exception) -> list[str]:
    if isinstance(exc, ValidationError):
        return [m for messages_ in exc.message_dict.values() for m in messages_]
    return [str(exc)]


def _moment(text: str, estate):
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValidationError({"ends_at": [_("请填写正确的时间")]}) from None
    return value.replace(tzinfo=estate_tz(estate)) if timezone.is_naive(value) else value


def _int(text):
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


# --- Events --------------------------------------------------------------------------------------


@estate_page
def health_list(request, estate):
    events = selectors.health_events(request.user, estate_id=estate.pk)
    return render(request, "emergency/health/list.html", {"estate": estate, "events": events})


def _detail_context(request, incident, errors=()):
    actor = actor_for(request.user)
    tz = estate_tz(incident.estate)
    closures = selectors.closures_with_rounds(incident)
    active = incident.case.status == "active"
    on_duty = ppe_on_duty(incident) if active else []
    for closure in closures:
        closure.place = closure_place(closure)
    return {
        "incident": incident, "estate": incident.estate, "closures": closures,
        "any_running": any(c.running for c in closures),
        "steps": incident.steps.order_by("order"),
        "tasks": incident.tasks.order_by("created_at", "pk"),
        "releases": incident.releases.order_by("-at", "-pk"),
        "templates": release_templates(incident) if incident.case.status == "active" else [],
        "missing": ppe_missing(incident, on_duty=on_duty) if active else [],
        "on_duty": on_duty,
        "deliveries": selectors.deliveries_for(request.user, incident_id=incident.pk),
        "units": Unit.objects.filter(estate=incident.estate).select_related("building")
        .order_by("building__name", "name"),
        "buildings": incident.estate.buildings.order_by("name"),
        "cleaners": Staff.objects.filter(estates=incident.estate, is_active=True,
                                         role="cleaner").order_by("name"),
        "scopes": ClosureScope.choices, "errors": list(errors), "tz": tz,
        "may_see_contacts": contact_services.may_see_contacts(actor, incident.estate_id),
        "clock": incident.case.clocks.filter(rule="EMERG-HEALTH-04").first(),
    }  # fmt: skip


@staff_required
def health_detail(request, pk: int):
    incident = selectors.health_event_get(request.user, pk)
    with timezone.override(estate_tz(incident.estate)):
        return render(request, "emergency/health/detail.html", _detail_context(request, incident))


def _topic_data(request, action, incident) -> tuple[dict, str]:
    post = request.POST
    note = post.get("note", "")
    if action == "report_authority":
        data = {k: post.get(k, "") for k in ("organisation", "person", "phone", "reference")}
    elif action == "close_area":
        data = {"scope": post.get("scope", ""), "building": _int(post.get("building")),
                "unit": _int(post.get("unit")), "days": _int(post.get("days")),
                "ends_at": _moment(post.get("ends_at", ""), incident.estate),
                "authority_reference": post.get("authority_reference", ""),
                "cleaner": _int(post.get("cleaner"))}  # fmt: skip
        data = {k: v for k, v in data.items() if v not in (None, "")} | {"scope": data["scope"]}
    elif action == "lift_closure":
        data = {"closure": post.get("closure")}
    else:
        data = {"assignee": _int(post.get("assignee"))} if post.get("assignee") else {}
    return data, note


@require_POST
@staff_required
def health_act(request, pk: int, action: str):
    incident = selectors.health_event_get(request.user, pk)
    if action not in (*TOPIC_ACTIONS, "release"):
        raise Http404
    try:
        if action == "release":
            health_release(incident=incident, by=request.user, title=request.POST.get("title", ""),
                           body=request.POST.get("body", ""),
                           to=request.POST.get("to", "closed"))  # fmt: skip
        else:
            data, note = _topic_data(request, action, incident)
            incident_act(incident=incident, action=action, by=request.user, note=note, data=data)
    except (ValidationError, Conflict, PermissionDenied) as exc:
        status = 403 if isinstance(exc, PermissionDenied) else (
            409 if isinstance(exc, Conflict) else 400)  # fmt: skip
        incident = selectors.health_event_get(request.user, pk)
        with timezone.override(estate_tz(incident.estate)):
            return render(
                request,
                "emergency/health/detail.html",
                _detail_context(request, incident, _errors(exc)),
                status=status,
            )
    messages.success(request, _("已保存"))
    return redirect("emergency:health_detail", pk)


# --- Protective equipment (EMERG-HEALTH-11) ------------------------------------------------------


@require_http_methods(["GET", "POST"])
@estate_page
def health_ppe(request, estate):
    errors = []
    if request.method == "POST":
        try:
            ppe_confirm(estate=estate, by=request.user, mask=request.POST.get("mask") == "on",
                        gloves=request.POST.get("gloves") == "on")  # fmt: skip
        except (ValidationError, Conflict, PermissionDenied) as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("已确认佩戴N95口罩和手套"))
            return redirect("emergency:health_ppe")
    events = list(active_health_incidents(estate))
    staff = actor_for(request.user).staff
    context = {"estate": estate, "events": events, "errors": errors,
               "done": ppe_confirmed(staff, estate),
               "shift": duty_shift(staff, estate) if staff else None}  # fmt: skip
    return render(request, "emergency/health/ppe.html", context, status=400 if errors else 200)


# --- The close-contact register (EMERG-HEALTH-08) ------------------------------------------------


def _contact_data(post) -> dict:
    data = {k: post.get(k, "") for k in ("name", "mobile", "relation", "note")}
    data["room"] = _int(post.get("room")) if post.get("room") else None
    day = post.get("contact_on", "")
    try:
        data["contact_on"] = dt.date.fromisoformat(day) if day else None
    except ValueError:
        data["contact_on"] = "bad"
    return data


@require_http_methods(["GET", "POST"])
@staff_required
def health_contacts(request, pk: int):
    errors = []
    if request.method == "POST":
        try:
            contact_services.contact_create(incident=pk, by=request.user,
                                            **_contact_data(request.POST))  # fmt: skip
        except (ValidationError, Conflict) as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("已登记"))
            return redirect("emergency:health_contacts", pk)
    rows = contact_services.contact_list(incident=pk, by=request.user)
    for row in rows:
        row.masked = contact_services.mask_mobile(row.mobile)
    incident = selectors.health_event_get(request.user, pk)
    return render(request, "emergency/health/contacts.html",
                  {"incident": incident, "rows": rows, "errors": errors,
                   "rooms": visible_rooms(actor_for(request.user)).filter(
                       estate=incident.estate).select_related("building", "unit")
                       .order_by("building__name", "number")[:500],
                   "retention": contact_services.retention_days()},
                  status=400 if errors else 200)  # fmt: skip


@require_http_methods(["GET", "POST"])
@staff_required
def health_contact_detail(request, pk: int, contact: int):
    errors = []
    if request.method == "POST":
        try:
            contact_services.contact_update(incident=pk, contact=contact, by=request.user,
                                            **_contact_data(request.POST))  # fmt: skip
        except (ValidationError, Conflict) as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("已修改"))
            return redirect("emergency:health_contact_detail", pk, contact)
    row = contact_services.contact_get(incident=pk, contact=contact, by=request.user)
    return render(request, "emergency/health/contact_detail.html",
                  {"incident": row.incident, "row": row, "errors": errors},
                  status=400 if errors else 200)  # fmt: skip


@staff_required
def health_contacts_export(request, pk: int):
    rows = contact_services.contacts_export_rows(incident=pk, by=request.user)
    return xlsx_response(
        filename=dated_filename(_("密切接触者登记")), title=_("密切接触者登记"),
        headers=[_("姓名"), _("手机号"), _("房屋"), _("接触情况"), _("接触日期"), _("备注")],
        rows=[(r.name, r.mobile, str(r.room or ""), r.relation, r.contact_on, r.note)
              for r in rows], text_columns=(1,),
    )  # fmt: skip


# --- Deliveries (EMERG-HEALTH-12) ----------------------------------------------------------------


@estate_page
def health_deliveries(request, estate):
    status = request.GET.get("status", "")
    rows = selectors.deliveries_for(request.user, estate_id=estate.pk, status=status)[:200]
    actor = actor_for(request.user)
    return render(request, "emergency/health/deliveries.html",
                  {"estate": estate, "rows": rows, "status": status,
                   "statuses": DeliveryStatus.choices, "me": actor.staff})  # fmt: skip


@require_POST
@staff_required
def health_delivery_act(request, pk: int, action: str):
    if action not in DELIVERY_STAFF_ACTIONS:
        raise Http404
    try:
        if action == "take":
            delivery_services.delivery_take(delivery=pk, by=request.user)
        else:
            delivery_services.delivery_deliver(delivery=pk, by=request.user,
                                               note=request.POST.get("note", ""))  # fmt: skip
    except (ValidationError, Conflict, PermissionDenied) as exc:
        messages.error(request, " ".join(_errors(exc)))
    else:
        messages.success(request, _("已接单") if action == "take" else _("已登记送达"))
    return redirect("emergency:health_deliveries")


def resident_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        actor = actor_for(request.user)
        if actor.resident is None or actor.staff is not None:
            raise Http404
        return view(request, *args, **kwargs)

    return login_required(wrapper)


@require_http_methods(["GET", "POST"])
@resident_required
def my_deliveries(request):
    actor = actor_for(request.user)
    rooms = list(visible_rooms(actor).select_related("unit", "building", "estate"))
    closed = [r for r in rooms if closure_selectors.closure_for(r.estate_id, room=r)]
    errors = []
    if request.method == "POST":
        try:
            delivery_services.delivery_request(room=request.POST.get("room"),
                                               items=request.POST.get("items", ""),
                                               note=request.POST.get("note", ""),
                                               by=request.user)  # fmt: skip
        except (ValidationError, Conflict, PermissionDenied) as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("已提交，工作人员会尽快配送"))
            return redirect("emergency:my_deliveries")
    rows = selectors.deliveries_for(request.user)[:100]
    return render(request, "emergency/health/my_deliveries.html",
                  {"rooms": closed, "rows": rows, "errors": errors},
                  status=400 if errors else 200)  # fmt: skip


@require_POST
@resident_required
def my_delivery_act(request, pk: int, action: str):
    if action not in DELIVERY_RESIDENT_ACTIONS:
        raise Http404
    if not Delivery.objects.filter(pk=pk).exists():
        raise Http404
    try:
        if action == "confirm":
            delivery_services.delivery_confirm(delivery=pk, by=request.user)
        else:
            delivery_services.delivery_cancel(delivery=pk, by=request.user)
    except Conflict as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已确认收到") if action == "confirm" else _("已取消申请"))
    return redirect("emergency:my_deliveries")


urlpatterns = [
    path("health/", health_list, name="health_list"),
    path("health/ppe/", health_ppe, name="health_ppe"),
    path("health/deliveries/", health_deliveries, name="health_deliveries"),
    path("health/deliveries/<int:pk>/<slug:action>/", health_delivery_act,
         name="health_delivery_act"),
    path("health/<int:pk>/", health_detail, name="health_detail"),
    path("health/<int:pk>/act/<slug:action>/", health_act, name="health_act"),
    path("health/<int:pk>/contacts/", health_contacts, name="health_contacts"),
    path("health/<int:pk>/contacts/export.xlsx", health_contacts_export,
         name="health_contacts_export"),
    path("health/<int:pk>/contacts/<int:contact>/", health_contact_detail,
         name="health_contact_detail"),
    path("my/deliveries/", my_deliveries, name="my_deliveries"),
    path("my/deliveries/<int:pk>/<slug:action>/", my_delivery_act, name="my_delivery_act"),
]  # fmt: skip

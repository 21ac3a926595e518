"""Pages of the emergency organisation (应急组织架构, EMERG-01..03): the three groups the current
estate uses (its own, else the company's, else the executives), members added and removed, the
leader and the on-call flag toggled with one tap (htmx). Writes through
``services.organisation``, as the API does."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from wuye.core.models import Staff
from wuye.core.scoping import actor_for
from wuye.core.shortcuts import current_estate, staff_required
from wuye.core.shortcuts import render_local as render_in

from ..choices import GroupKind
from ..selectors import organisation as selectors
from ..services import organisation as services


def _estate(request):
    estate = current_estate(request)
    if estate is None:
        raise Http404
    return estate


@require_GET
@staff_required
def group_list(request):
    estate = _estate(request)
    actor = actor_for(request.user)
    staff = Staff.objects.filter(company_id=estate.company_id, is_active=True).filter(
        estates=estate
    ) | Staff.objects.filter(company_id=estate.company_id, is_active=True, role="executive")
    context = {
        "estate": estate, "views": services.groups_effective(estate),
        "staff": staff.distinct().order_by("name"), "kinds": GroupKind.choices,
        "can": {k: services.can_manage(actor, k) for k in GroupKind.values},
    }  # fmt: skip
    return render_in(request, "emergency/groups/list.html", context, estate)


@require_POST
@staff_required
def group_member_add(request):
    """Add a member to the estate's own group (``scope=estate``) or the company's."""
    estate = _estate(request)
    post = request.POST
    staff = Staff.objects.filter(pk=post.get("staff") or 0, company_id=estate.company_id).first()
    try:
        if staff is None:
            raise ValidationError({"staff": [_("请选择本公司的在职员工")]})
        group = services.group_get_or_create(
            company=estate.company, estate=estate if post.get("scope") != "company" else None,
            kind=post.get("kind", ""), by=request.user,
        )  # fmt: skip
        _member, warning = services.member_add(group=group, staff=staff, by=request.user,
                                               duty=post.get("duty", ""),
                                               leader=post.get("leader") == "on",
                                               on_call=post.get("on_call") == "on")  # fmt: skip
    except ValidationError as error:
        for problems in error.message_dict.values():
            for problem in problems:
                messages.error(request, problem)
    except PermissionDenied as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("已加入"))
        if warning:
            messages.warning(request, warning)
    return redirect("emergency:group_list")


@require_POST
@staff_required
def group_member_toggle(request, pk: int, flag: str):
    """One tap: on call or leader, on or off."""
    member = selectors.member_get_for_user(request.user, pk)
    if flag not in ("on_call", "leader"):
        raise Http404
    try:
        services.member_update(member=member, by=request.user,
                               **{flag: not getattr(member, flag)})  # fmt: skip
    except PermissionDenied as error:
        messages.error(request, str(error))
    return redirect("emergency:group_list")


@require_POST
@staff_required
def group_member_remove(request, pk: int):
    member = selectors.member_get_for_user(request.user, pk)
    try:
        services.member_remove(member=member, by=request.user)
    except PermissionDenied as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("已移出"))
    return redirect("emergency:group_list")


urlpatterns: list = [
    path("groups/", group_list, name="group_list"),
    path("groups/members/new/", group_member_add, name="group_member_add"),
    path("groups/members/<int:pk>/toggle/<str:flag>/", group_member_toggle,
         name="group_member_toggle"),
    path("groups/members/<int:pk>/remove/", group_member_remove, name="group_member_remove"),
]  # fmt: skip

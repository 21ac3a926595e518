"""Pages of the emergency organisation (应急组织架构, EMERG-01..03): the three groups the current
estate uses (its own, else the company's, else the executives), members added and removed, the
leader and the on-call flag toggled with one tap (the on-call flag swaps its member row by htmx,
and works as a plain form without script). Writes through ``services.organisation``, as the API
does; a refused addition shows the form again with the error next to the field."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from wuye.base.pages import wants_fragment
from wuye.core.choices import Role
from wuye.core.forms import add_service_errors
from wuye.core.models import Staff
from wuye.core.scoping import actor_for
from wuye.core.shortcuts import current_estate, staff_required
from wuye.core.shortcuts import render_local as render_in

from ..choices import GroupKind
from ..selectors import organisation as selectors
from ..services import organisation as services

T = "emergency/groups/"


def _estate(request):
    estate = current_estate(request)
    if estate is None:
        raise Http404
    return estate


class MemberForm(forms.Form):
    """添加成员: a member of the estate's own group or of the company's."""

    kind = forms.ChoiceField(label=gettext_lazy("小组"), choices=GroupKind.choices)
    scope = forms.ChoiceField(
        label=gettext_lazy("范围"),
        choices=[("estate", gettext_lazy("本项目")), ("company", gettext_lazy("公司统一"))],
    )
    staff = forms.ModelChoiceField(
        label=gettext_lazy("成员"),
        queryset=Staff.objects.none(),
        error_messages={"invalid_choice": gettext_lazy("请选择本公司的在职员工")},
    )
    duty = forms.CharField(
        label=gettext_lazy("职务"),
        max_length=services.DUTY_MAX,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("如 组长、副组长")}),
    )
    on_call = forms.BooleanField(label=gettext_lazy("值班"), required=False)
    leader = forms.BooleanField(label=gettext_lazy("组长"), required=False)

    def __init__(self, *args, estate, **kwargs):
        super().__init__(*args, **kwargs)
        # The estate's active staff and the company's executives (EMERG-01).
        self.fields["staff"].queryset = (
            Staff.objects.filter(company_id=estate.company_id, is_active=True)
            .filter(Q(estates=estate) | Q(role=Role.EXECUTIVE))
            .select_related("department")
            .distinct()
            .order_by("name", "pk")
        )
        self.fields["staff"].label_from_instance = lambda s: f"{s.name} · {s.department}"


def _page(request, estate, form: MemberForm, status: int = 200):
    actor = actor_for(request.user)
    views = services.groups_effective(estate)
    for view in views:
        view.may_change = services.can_manage(actor, view.kind)
    context = {"estate": estate, "views": views, "form": form}
    return render_in(request, T + "list.html", context, estate, status)


@require_GET
@staff_required
def group_list(request):
    estate = _estate(request)
    return _page(request, estate, MemberForm(estate=estate))


@require_POST
@staff_required
def group_member_add(request):
    """Add a member to the estate's own group (``scope=estate``) or the company's."""
    estate = _estate(request)
    form = MemberForm(request.POST, estate=estate)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            group = services.group_get_or_create(
                company=estate.company, estate=estate if data["scope"] == "estate" else None,
                kind=data["kind"], by=request.user,
            )  # fmt: skip
            _member, warning = services.member_add(
                group=group, staff=data["staff"], by=request.user, duty=data["duty"],
                leader=data["leader"], on_call=data["on_call"],
            )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
            status = 403
        else:
            messages.success(request, _("已加入"))
            if warning:
                messages.warning(request, warning)
            return redirect("emergency:group_list")
    return _page(request, estate, form, status)


@require_POST
@staff_required
def group_member_toggle(request, pk: int, flag: str):
    """One tap: on call or leader, on or off. An htmx tap on the on-call flag answers the
    member's row only."""
    member = selectors.member_get_for_user(request.user, pk)
    if flag not in ("on_call", "leader"):
        raise Http404
    try:
        member = services.member_update(member=member, by=request.user,
                                        **{flag: not getattr(member, flag)})  # fmt: skip
    except PermissionDenied as error:
        messages.error(request, str(error))
        if wants_fragment(request):
            # htmx swaps no 4xx answer: the whole page comes back, with the message.
            refused = HttpResponse(status=403)
            refused["HX-Redirect"] = reverse("emergency:group_list")
            return refused
    else:
        if wants_fragment(request) and flag == "on_call":
            return render(request, T + "_member.html", {"m": member, "may_change": True})
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

"""One FilterSet per list, shared by the list pages and (later) the API lists.

Each filters a queryset that a selector has already scoped to what the user may see.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from .choices import STAFF_ROLES, DepartmentKind, Relation, RoomUse
from .models import Building, Contractor, Estate, Occupancy, Resident, Room, Staff
from .selectors import room_search_q

YES_NO = (("yes", _("已入住")), ("no", _("空置")))


def search_input(placeholder) -> forms.TextInput:
    return forms.TextInput(
        attrs={"type": "search", "placeholder": placeholder, "autocomplete": "off"}
    )


def _current_occupancy(**filters) -> Exists:
    return Exists(Occupancy.objects.filter(Occupancy.current_q(), **filters))


class RoomFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(
        label=_("房号"), method="filter_search", widget=search_input(_("如 1-2-301 或 301"))
    )
    building = django_filters.ModelChoiceFilter(
        label=_("楼栋"), queryset=Building.objects.none(), empty_label=_("全部楼栋")
    )
    use = django_filters.ChoiceFilter(
        label=_("用途"), choices=RoomUse.choices, empty_label=_("全部用途")
    )
    occupied = django_filters.ChoiceFilter(
        label=_("入住"), choices=YES_NO, method="filter_occupied", empty_label=_("入住与空置")
    )

    class Meta:
        model = Room
        fields = ["search", "building", "use", "occupied"]

    def __init__(self, data=None, queryset=None, *, estate: Estate | None = None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        buildings = Building.objects.filter(estate=estate) if estate else Building.objects.none()
        self.filters["building"].queryset = buildings.order_by("sort", "name")

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(room_search_q(value)) if value.strip() else queryset

    def filter_occupied(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        occupied = _current_occupancy(room_id=OuterRef("pk"))
        if value == "yes":
            return queryset.filter(occupied)
        if value == "no":
            return queryset.filter(~occupied)
        return queryset

    @property
    def qs(self) -> QuerySet[Room]:
        # Building, unit, floor, number: the order the desk reads a roster in.
        return super().qs.order_by(
            "building__sort", "building__name", "unit__sort", "unit__name", "floor", "number"
        )


class ResidentFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(
        label=_("搜索"), method="filter_search", widget=search_input(_("姓名或手机号"))
    )
    relation = django_filters.ChoiceFilter(
        label=_("关系"),
        choices=Relation.choices,
        method="filter_relation",
        empty_label=_("全部关系"),
    )

    class Meta:
        model = Resident
        fields = ["search", "relation"]

    def __init__(self, data=None, queryset=None, *, estate: Estate | None = None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.estate = estate

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip().replace(" ", "")
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(mobile__contains=value))

    def filter_relation(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        filters = {"resident_id": OuterRef("pk"), "relation": value}
        if self.estate is not None:
            filters["estate"] = self.estate
        return queryset.filter(_current_occupancy(**filters))


class StaffFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(
        label=_("搜索"), method="filter_search", widget=search_input(_("姓名或工号"))
    )
    department = django_filters.ChoiceFilter(
        label=_("部门"),
        field_name="department__kind",
        choices=DepartmentKind.choices,
        empty_label=_("全部部门"),
    )
    role = django_filters.ChoiceFilter(
        label=_("角色"),
        choices=[(r.value, r.label) for r in STAFF_ROLES],
        empty_label=_("全部角色"),
    )

    class Meta:
        model = Staff
        fields = ["search", "department", "role"]

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(employee_no__icontains=value))

    @property
    def qs(self) -> QuerySet[Staff]:
        # Departments in the order of the company chart (客服 first), not by their code.
        chart = Case(
            *[When(department__kind=k, then=Value(i)) for i, k in enumerate(DepartmentKind.values)],
            default=Value(99),
        )
        return super().qs.order_by(chart, "department_id", "employee_no")


class ContractorFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(
        label=_("搜索"), method="filter_search", widget=search_input(_("单位名称或服务范围"))
    )

    class Meta:
        model = Contractor
        fields = ["search"]

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(scope__icontains=value))

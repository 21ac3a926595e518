"""Django admin of the core records, for superusers (system administrators).

Everyday roster work goes through the pages and the services; the admin is for setting up a
company, its estates, staff logins and contractors, and for repairs by hand.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import services
from .models import (
    ApiToken,
    Building,
    Company,
    Contractor,
    ContractorAccount,
    Department,
    Estate,
    Occupancy,
    ParkingSpace,
    Position,
    PublicArea,
    Resident,
    Room,
    Staff,
    Unit,
)

admin.site.site_header = _("物业服务运营系统 · 系统管理")
admin.site.site_title = _("系统管理")
admin.site.index_title = _("基础资料")


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "created_at"]
    search_fields = ["name", "short_name"]


@admin.register(Estate)
class EstateAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "company", "takeover_status", "phone"]
    list_filter = ["company", "takeover_status"]
    search_fields = ["name", "code", "address"]
    list_select_related = ["company"]


class UnitInline(admin.TabularInline):
    model = Unit
    extra = 0
    fields = ["name", "sort"]


@admin.register(Building)
class BuildingAdmin(admin.ModelAdmin):
    list_display = ["name", "estate", "floors", "sort"]
    list_filter = ["estate"]
    search_fields = ["name", "estate__name"]
    list_select_related = ["estate"]
    inlines = [UnitInline]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "building", "estate", "sort"]
    list_filter = ["estate"]
    search_fields = ["name", "building__name"]
    list_select_related = ["building", "estate"]
    autocomplete_fields = ["building"]


class OccupancyInline(admin.TabularInline):
    model = Occupancy
    extra = 0
    fields = ["room", "resident", "relation", "start_date", "end_date"]
    autocomplete_fields = ["room", "resident"]


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ["label", "estate", "floor", "area", "use"]
    list_filter = ["estate", "use"]
    search_fields = ["number", "building__name", "unit__name"]
    list_select_related = ["estate", "building", "unit"]
    autocomplete_fields = ["building", "unit"]
    inlines = [OccupancyInline]

    @admin.display(description=_("房号"), ordering="number")
    def label(self, obj: Room) -> str:
        return obj.label


@admin.register(PublicArea)
class PublicAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "estate", "building"]
    list_filter = ["estate", "kind"]
    search_fields = ["name"]
    list_select_related = ["estate", "building"]


@admin.register(ParkingSpace)
class ParkingSpaceAdmin(admin.ModelAdmin):
    list_display = ["number", "zone", "kind", "estate", "holder"]
    list_filter = ["estate", "kind"]
    search_fields = ["number", "zone", "holder__name"]
    list_select_related = ["estate", "holder"]
    autocomplete_fields = ["holder"]


@admin.register(Resident)
class ResidentAdmin(admin.ModelAdmin):
    list_display = ["name", "mobile", "id_number_masked", "company", "user", "created_at"]
    list_filter = ["company"]
    search_fields = ["name", "mobile", "id_number"]
    list_select_related = ["company", "user"]
    raw_id_fields = ["user"]
    inlines = [OccupancyInline]

    @admin.display(description=_("身份证号"))
    def id_number_masked(self, obj: Resident) -> str:
        return obj.id_number_masked


@admin.register(Occupancy)
class OccupancyAdmin(admin.ModelAdmin):
    list_display = ["resident", "room", "relation", "start_date", "end_date", "estate"]
    list_filter = ["estate", "relation"]
    search_fields = ["resident__name", "resident__mobile", "room__number"]
    list_select_related = ["resident", "room__building", "room__unit", "estate"]
    autocomplete_fields = ["room", "resident"]
    date_hierarchy = "start_date"


class PositionInline(admin.TabularInline):
    model = Position
    extra = 0


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "company"]
    list_filter = ["company", "kind"]
    inlines = [PositionInline]


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ["name", "department"]
    list_filter = ["department__company", "department__kind"]
    search_fields = ["name"]
    list_select_related = ["department"]


@admin.register(Staff)
class StaffAdmin(admin.ModelAdmin):
    list_display = ["name", "employee_no", "department", "position", "role", "mobile", "is_active"]
    list_filter = ["company", "department__kind", "role", "is_active", "estates"]
    search_fields = ["name", "employee_no", "mobile", "user__username"]
    list_select_related = ["department", "position", "user"]
    raw_id_fields = ["user"]
    filter_horizontal = ["estates"]


class ContractorAccountInline(admin.TabularInline):
    model = ContractorAccount
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Contractor)
class ContractorAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "scope",
        "qualification",
        "qualification_expires_on",
        "contact_name",
        "contact_mobile",
    ]
    list_filter = ["company", "estates"]
    search_fields = ["name", "scope", "contact_name"]
    filter_horizontal = ["estates"]
    inlines = [ContractorAccountInline]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued through the API; here they can be seen and revoked (a revoked token stays
    as a record of who revoked it, until it expires)."""

    list_display = [
        "user",
        "name",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
        "revoked_by",
    ]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__username", "name"]
    list_select_related = ["user", "revoked_by"]
    readonly_fields = [
        "user",
        "digest",
        "name",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
        "revoked_by",
    ]
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("吊销所选令牌"))
    def revoke(self, request, queryset) -> None:
        count = services.api_token_revoke_selected(tokens=queryset, by=request.user)
        self.message_user(request, _("已吊销 %(n)d 个访问令牌") % {"n": count})

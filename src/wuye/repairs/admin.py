"""Django admin of repairs, for superusers: the price list, the estates' repair settings, and the
orders read-only (every change to an order goes through its steps, which the admin cannot)."""

from django.contrib import admin

from wuye.workflow.admin import ReadOnlyInline

from .models import PriceItem, RepairCharge, RepairMaterial, RepairOrder, RepairSettings


@admin.register(RepairSettings)
class RepairSettingsAdmin(admin.ModelAdmin):
    list_display = ["estate", "auto_close_days", "follow_up_below"]
    list_select_related = ["estate"]


@admin.register(PriceItem)
class PriceItemAdmin(admin.ModelAdmin):
    list_display = ["name", "estate", "category", "unit", "price", "is_active"]
    list_filter = ["estate", "category", "is_active"]
    search_fields = ["name"]
    list_select_related = ["estate"]


class ChargeInline(ReadOnlyInline):
    model = RepairCharge


class MaterialInline(ReadOnlyInline):
    model = RepairMaterial


@admin.register(RepairOrder)
class RepairOrderAdmin(admin.ModelAdmin):
    list_display = ["case", "estate", "urgency", "category", "reported_at", "completed_at"]
    list_filter = ["estate", "urgency", "category", "channel"]
    search_fields = ["case__number", "description", "contact_name", "contact_phone"]
    list_select_related = ["case", "estate"]
    date_hierarchy = "reported_at"
    inlines = [ChargeInline, MaterialInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

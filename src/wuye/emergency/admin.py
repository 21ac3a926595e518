"""Admin of emergencies: read-mostly views of the records (the services write them)."""

from django.contrib import admin

from . import models

# --- Incidents, groups, plans, supplies (h-incidents) ---


@admin.register(models.Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = ("case", "estate", "kind", "level", "exercise", "reported_at")
    list_filter = ("kind", "level", "exercise", "estate")
    search_fields = ("case__number", "place")
    readonly_fields = [f.name for f in models.Incident._meta.fields] + ["buildings"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(models.ResponsePlan)
class ResponsePlanAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "estate", "version", "updated_at")
    list_filter = ("kind",)


@admin.register(models.SupplyItem)
class SupplyItemAdmin(admin.ModelAdmin):
    list_display = ("name", "estate", "category", "quantity", "minimum", "expires_on", "active")
    list_filter = ("category", "estate", "active")
    readonly_fields = ("quantity",)  # moves only by restock, draw and count (the services)


@admin.register(models.SupplyMovement)
class SupplyMovementAdmin(admin.ModelAdmin):
    list_display = ("item", "kind", "delta", "balance", "incident", "at")
    list_filter = ("kind",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


admin.site.register(models.GroupMember)
admin.site.register(models.PageReminder)


# --- Elevator entrapment (h-lift) ---


# --- Outages (h-outage) ---


# --- Public health (h-health) ---

admin.site.register(models.EmergencyGroup)

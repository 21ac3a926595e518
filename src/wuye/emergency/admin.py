"""Admin of emergencies: read-mostly views of the records (the services write them)."""

from django.contrib import admin

from . import models

# --- Incidents, groups, plans, supplies (h-incidents) ---


# --- Elevator entrapment (h-lift) ---


# --- Outages (h-outage) ---


@admin.register(models.Outage)
class OutageAdmin(admin.ModelAdmin):
    """Read-only: outages are entered, told and restored through the services (EMERG-OUTAGE)."""

    list_display = ("incident", "utility", "planned", "starts_at", "expected_end_at",
                    "restored_at", "sample_size")  # fmt: skip
    list_filter = ("utility", "planned")
    search_fields = ("incident__case__number", "incident__place", "cause")
    date_hierarchy = "starts_at"
    list_select_related = ("incident__case",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# --- Public health (h-health) ---

admin.site.register(models.EmergencyGroup)

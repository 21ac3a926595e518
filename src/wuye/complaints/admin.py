"""Django admin of complaints, for superusers: the estates' settings, complaints read-only (every
change goes through the steps) and the weekly analyses."""

from django.contrib import admin

from .models import Complaint, ComplaintSettings, WeeklyAnalysis


@admin.register(ComplaintSettings)
class ComplaintSettingsAdmin(admin.ModelAdmin):
    list_display = ["estate", "reopen_days"]
    list_select_related = ["estate"]


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = ["case", "estate", "type", "urgency", "department", "is_major", "received_at"]
    list_filter = ["estate", "type", "urgency", "department", "channel", "is_major"]
    search_fields = ["case__number", "content", "contact_name", "contact_phone"]
    list_select_related = ["case", "estate"]
    date_hierarchy = "received_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WeeklyAnalysis)
class WeeklyAnalysisAdmin(admin.ModelAdmin):
    list_display = ["estate", "week_start", "generated_at"]
    list_filter = ["estate"]
    readonly_fields = ["estate", "week_start", "figures", "generated_at"]

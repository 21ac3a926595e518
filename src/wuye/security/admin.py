"""Security in the Django admin: read-mostly views; changes go through the services and pages."""

from django.contrib import admin

from .models import FireFacility, FireReplacement

# --- Fire facilities and their checks ---


@admin.register(FireFacility)
class FireFacilityAdmin(admin.ModelAdmin):
    """Read-only: facilities are registered and changed through the services (FIRE-01)."""

    list_display = ("equipment", "kind", "estate", "expires_on", "last_pressure")
    list_filter = ("kind", "estate")
    search_fields = ("equipment__code", "equipment__name")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FireReplacement)
class FireReplacementAdmin(admin.ModelAdmin):
    """Read-only: a replacement is opened and closed through its case (FIRE-06)."""

    list_display = ("case", "facility", "reason", "opened_at", "closed_at")
    list_filter = ("reason", "estate")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

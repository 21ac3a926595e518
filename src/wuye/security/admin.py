"""Security in the Django admin: read-mostly views; changes go through the services and pages."""

# --- Fire events (火灾、消防演练、消防宣传) -----------------------------------------------

from django.contrib import admin

from .models import FireDrill, FireIncident, PublicityTopic


class _FireEventsReadOnly(admin.ModelAdmin):
    """Changes go through the services (the case's steps); the admin only reads."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FireIncident)
class FireIncidentAdmin(_FireEventsReadOnly):
    list_display = ("case", "estate", "place", "size", "trapped", "reported_at", "closed_at")
    list_filter = ("estate", "size", "trapped")
    search_fields = ("case__number", "place")


@admin.register(FireDrill)
class FireDrillAdmin(_FireEventsReadOnly):
    list_display = ("case", "estate", "scenario", "planned_on", "held_on", "participant_count")
    list_filter = ("estate",)


@admin.register(PublicityTopic)
class PublicityTopicAdmin(_FireEventsReadOnly):
    list_display = ("estate", "year", "month", "title", "published_at")
    list_filter = ("estate", "year")

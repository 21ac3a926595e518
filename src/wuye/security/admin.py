"""Security in the Django admin: read-mostly views; changes go through the services and pages."""

from django.contrib import admin

from .models import (
    DecorationPermit,
    FireDrill,
    FireFacility,
    FireIncident,
    FireReplacement,
    GateEvent,
    GateLane,
    MonthlyPass,
    Parcel,
    ParkingArea,
    ParkingStay,
    PassScan,
    PublicityTopic,
    TemporaryPass,
    Vehicle,
    Visitor,
    VisitorSettings,
)

# --- Visitors ---


@admin.register(Visitor)
class VisitorAdmin(admin.ModelAdmin):
    list_display = ("name", "estate", "reason", "entered_at", "left_at")
    list_filter = ("estate", "reason")
    readonly_fields = [f.name for f in Visitor._meta.fields]


@admin.register(TemporaryPass)
class TemporaryPassAdmin(admin.ModelAdmin):
    list_display = ("code", "visitor_name", "estate", "kind", "valid_from", "valid_until")
    list_filter = ("estate", "kind")
    readonly_fields = [f.name for f in TemporaryPass._meta.fields]


@admin.register(PassScan)
class PassScanAdmin(admin.ModelAdmin):
    list_display = ("code", "estate", "gate", "result", "scanned_at")
    list_filter = ("estate", "result")
    readonly_fields = [f.name for f in PassScan._meta.fields]


@admin.register(Parcel)
class ParcelAdmin(admin.ModelAdmin):
    list_display = ("tracking_no", "courier_company", "estate", "status", "received_at")
    list_filter = ("estate", "status")
    exclude = ("code_hash",)
    readonly_fields = [f.name for f in Parcel._meta.fields if f.name != "code_hash"]


@admin.register(DecorationPermit)
class DecorationPermitAdmin(admin.ModelAdmin):
    list_display = ("room", "company", "starts_on", "ends_on", "status")
    list_filter = ("estate", "status")
    readonly_fields = [f.name for f in DecorationPermit._meta.fields]


@admin.register(VisitorSettings)
class VisitorSettingsAdmin(admin.ModelAdmin):
    list_display = ("estate", "couriers_may_enter")


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


# --- Fire events (火灾、消防演练、消防宣传) -----------------------------------------------


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


# --- Vehicles ---


class _VehiclesReadOnly(admin.ModelAdmin):
    """Gate records are the trail of who passed and who paid: never changed in the admin."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Vehicle)
class VehicleAdmin(_VehiclesReadOnly):
    list_display = ("plate", "plate_kind", "estate", "owner", "room", "parking_space", "active")
    list_filter = ("estate", "plate_kind", "active")
    search_fields = ("plate", "owner__name")


@admin.register(MonthlyPass)
class MonthlyPassAdmin(_VehiclesReadOnly):
    list_display = ("vehicle", "start", "end", "months", "amount", "bill")
    list_filter = ("estate",)


@admin.register(ParkingArea)
class ParkingAreaAdmin(_VehiclesReadOnly):
    list_display = ("name", "kind", "capacity", "estate", "active")
    list_filter = ("estate", "kind")


@admin.register(GateLane)
class GateLaneAdmin(_VehiclesReadOnly):
    list_display = ("name", "gate", "direction", "estate", "device", "active")
    list_filter = ("estate", "direction")


@admin.register(GateEvent)
class GateEventAdmin(_VehiclesReadOnly):
    list_display = ("plate", "direction", "outcome", "occurred_at", "lane", "source", "estate")
    list_filter = ("estate", "direction", "outcome", "source")
    search_fields = ("plate", "camera_event_id")
    date_hierarchy = "occurred_at"


@admin.register(ParkingStay)
class ParkingStayAdmin(_VehiclesReadOnly):
    list_display = ("card_no", "plate", "status", "entered_at", "left_at", "paid_amount", "estate")
    list_filter = ("estate", "status")
    search_fields = ("card_no", "plate")

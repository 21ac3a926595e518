"""Security in the Django admin: read-mostly views; changes go through the services and pages."""

from django.contrib import admin

from .models import GateEvent, GateLane, MonthlyPass, ParkingArea, ParkingStay, Vehicle

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

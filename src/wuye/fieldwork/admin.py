"""Field work in the admin: the templates and the records, for support."""

from django.contrib import admin

from .models import Checklist, ChecklistItem, Checkpoint, Route, TaskSpec


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0


@admin.register(Checklist)
class ChecklistAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "company", "estate", "active")
    list_filter = ("kind", "active")
    inlines = [ChecklistItemInline]


class CheckpointInline(admin.TabularInline):
    model = Checkpoint
    extra = 0


@admin.register(Route)
class RouteAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "estate", "ordered", "active")
    list_filter = ("kind", "active")
    inlines = [CheckpointInline]


@admin.register(TaskSpec)
class TaskSpecAdmin(admin.ModelAdmin):
    list_display = ("schedule", "checklist", "route", "contractor", "certificate")
    raw_id_fields = ("schedule",)


# --- Monitoring intake (devices and their alarms); the secret is never shown here ---------------

from .models import Device, DeviceEvent  # noqa: E402


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "estate", "department", "key_id", "active", "last_seen_at")
    list_filter = ("kind", "active")
    search_fields = ("name", "key_id")
    readonly_fields = ("key_id", "secret_rotated_at", "last_seen_at", "created_at", "created_by",
                       "disabled_at", "disabled_by")  # fmt: skip
    exclude = ("secret_nonce",)


@admin.register(DeviceEvent)
class DeviceEventAdmin(admin.ModelAdmin):
    list_display = ("device", "event_type", "severity", "state", "repeats", "received_at", "case")
    list_filter = ("state", "severity", "event_type")
    search_fields = ("dedup_key", "device__name")
    raw_id_fields = ("device", "case", "estate")
    readonly_fields = ("received_at", "last_seen_at", "repeats", "notified_at")

"""Field work in the admin: the templates and the records, for support."""

from django.contrib import admin

from .models import (
    Checklist,
    ChecklistAnswer,
    ChecklistItem,
    Checkpoint,
    FollowUp,
    MissedCheckpoint,
    Round,
    Route,
    Scan,
    TaskRecord,
    TaskSpec,
)


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


class ChecklistAnswerInline(admin.TabularInline):
    model = ChecklistAnswer
    extra = 0
    can_delete = False
    readonly_fields = [f.name for f in ChecklistAnswer._meta.fields]


# --- Shifts and handover (交接班) ----------------------------------------------------------------

from .models import DutyPost, Handover, HandoverItem, Shift, ShiftMember  # noqa: E402


@admin.register(DutyPost)
class DutyPostAdmin(admin.ModelAdmin):
    list_display = ("name", "estate", "department", "kind", "required_certificate", "active")
    list_filter = ("department", "active")


class ShiftMemberInline(admin.TabularInline):
    model = ShiftMember
    extra = 0
    raw_id_fields = ("staff",)


@admin.register(Shift)
class ShiftAdmin(admin.ModelAdmin):
    list_display = ("post", "name", "starts_at", "ends_at", "status")
    list_filter = ("status",)
    raw_id_fields = ("post", "taken_by")
    inlines = [ShiftMemberInline]


class HandoverItemInline(admin.TabularInline):
    model = HandoverItem
    extra = 0
    can_delete = False
    readonly_fields = ("position", "text", "source", "ref", "url", "carried_from", "done")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(TaskRecord)
class TaskRecordAdmin(admin.ModelAdmin):
    """Read-only: a record is archived (EQUIP-MAINT-07), never changed."""

    list_display = ("schedule_name", "kind", "estate", "done_by_name", "done_at", "late")
    list_filter = ("kind", "late")
    inlines = [ChecklistAnswerInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in TaskRecord._meta.fields]


@admin.register(Handover)
class HandoverAdmin(admin.ModelAdmin):
    """Read-only: a handover is changed only by its two signatures, through the services."""

    list_display = ("post", "kind", "status", "created_at", "outgoing_by", "incoming_by")
    list_filter = ("status", "kind")
    inlines = [HandoverItemInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ("answer", "case", "opened_at")
    raw_id_fields = ("answer", "case", "opened_by")


class ScanInline(admin.TabularInline):
    model = Scan
    extra = 0
    raw_id_fields = ("checkpoint", "scanned_by")


class MissedCheckpointInline(admin.TabularInline):
    model = MissedCheckpoint
    extra = 0
    raw_id_fields = ("checkpoint",)


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ("task", "route", "estate", "status", "started_at", "closed_at")
    list_filter = ("status",)
    raw_id_fields = ("task",)
    inlines = [ScanInline, MissedCheckpointInline]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


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


# --- Certificates (plans) -------------------------------------------------------------------------

from .models import Certificate  # noqa: E402


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ("kind", "number", "holder", "staff", "contractor", "expires_on", "revoked")
    list_filter = ("kind", "holder", "revoked")
    search_fields = ("number", "staff__name", "contractor__name")
    raw_id_fields = ("staff", "contractor", "scan", "created_by")
    readonly_fields = ("warned_at", "expired_notified_at", "created_at")

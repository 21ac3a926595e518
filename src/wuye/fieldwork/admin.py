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

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

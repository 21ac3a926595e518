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


# --- Certificates (plans) -------------------------------------------------------------------------

from .models import Certificate  # noqa: E402


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ("kind", "number", "holder", "staff", "contractor", "expires_on", "revoked")
    list_filter = ("kind", "holder", "revoked")
    search_fields = ("number", "staff__name", "contractor__name")
    raw_id_fields = ("staff", "contractor", "scan", "created_by")
    readonly_fields = ("warned_at", "expired_notified_at", "created_at")

"""Field work in the admin: the templates and the records, for support."""

from django.contrib import admin

from .models import (
    Checklist,
    ChecklistItem,
    Checkpoint,
    MissedCheckpoint,
    Round,
    Route,
    Scan,
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

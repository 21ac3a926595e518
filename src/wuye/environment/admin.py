"""Admin of environment: read-mostly views of its records for administrators."""

from django.contrib import admin

from . import models

# --- Cleaning (h-clean) ---


# --- Inspection and rectification (h-inspect) ---


class InspectionItemInline(admin.TabularInline):
    model = models.InspectionItem
    extra = 0
    can_delete = False
    readonly_fields = ("position", "label", "full_score", "pass_score", "score", "passed",
                       "note", "photo")  # fmt: skip


@admin.register(models.Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = ("at", "estate", "kind", "zone", "green_area", "score", "passed")
    list_filter = ("kind", "passed", "estate")
    inlines = (InspectionItemInline,)

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # never changed afterwards


@admin.register(models.Rectification)
class RectificationAdmin(admin.ModelAdmin):
    list_display = ("case", "estate", "zone", "green_area", "assignee", "deadline", "closed_at")
    list_filter = ("estate", "cause_kind")

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # changed through its case's actions only


@admin.register(models.SpotSample)
class SpotSampleAdmin(admin.ModelAdmin):
    list_display = ("week_start", "estate", "seed", "drawn_at")

    def has_change_permission(self, request, obj=None) -> bool:
        return False


# --- Greening (h-green) ---


# --- Store and pest control (h-store) ---


# --- Board (h-board) ---

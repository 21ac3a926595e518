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


@admin.register(models.GreenArea)
class GreenAreaAdmin(admin.ModelAdmin):
    list_display = ("name", "estate", "kind", "area_m2", "active")
    list_filter = ("estate", "kind", "active")
    search_fields = ("name", "planting")
    filter_horizontal = ("gardeners",)


# --- Store and pest control (h-store) ---


@admin.register(models.Store)
class StoreAdmin(admin.ModelAdmin):
    list_display = ("name", "estate", "location", "keeper", "locked", "out_of_reach", "active")
    list_filter = ("estate", "locked", "out_of_reach", "active")
    search_fields = ("name", "location")
    raw_id_fields = ("keeper", "check_schedule")


@admin.register(models.Product)
class ProductAdmin(admin.ModelAdmin):
    # Stock moves only by movements (services.stores): read-only here.
    list_display = ("name", "spec", "store", "kind", "stock", "minimum", "eco_compliant")
    list_filter = ("kind", "eco_compliant", "store__estate")
    search_fields = ("name", "spec")
    readonly_fields = ("stock",)


@admin.register(models.StockMovement)
class StockMovementAdmin(admin.ModelAdmin):
    list_display = ("at", "product", "kind", "quantity", "balance", "purpose", "by")
    list_filter = ("kind",)
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.StoreCheck)
class StoreCheckAdmin(admin.ModelAdmin):
    list_display = ("month", "store", "passed", "by", "at")
    list_filter = ("passed",)

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(models.PestTreatment)
class PestTreatmentAdmin(admin.ModelAdmin):
    list_display = ("at", "green_area", "pest", "method", "product", "dose", "by")
    list_filter = ("method", "estate")
    search_fields = ("pest", "measure", "reason")

    def has_change_permission(self, request, obj=None):
        return False


# --- Board (h-board) ---

"""Admin of environment: read-mostly views of its records for administrators."""

from django.contrib import admin

from . import models

# --- Cleaning (h-clean) ---


# --- Inspection and rectification (h-inspect) ---


# --- Greening (h-green) ---


@admin.register(models.GreenArea)
class GreenAreaAdmin(admin.ModelAdmin):
    list_display = ("name", "estate", "kind", "area_m2", "active")
    list_filter = ("estate", "kind", "active")
    search_fields = ("name", "planting")
    filter_horizontal = ("gardeners",)


# --- Store and pest control (h-store) ---


# --- Board (h-board) ---

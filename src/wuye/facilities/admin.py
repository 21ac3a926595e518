"""Facilities in the Django admin: read-mostly views of the register, the parameters, the log
entries, the anomalies and the status changes. Entries, anomalies and status changes are never
deleted (the audit trail); their changes go through the services and pages."""

from django.contrib import admin

from .models import (
    Anomaly,
    Equipment,
    EquipmentStatusChange,
    OperationLogEntry,
    OperationParameter,
)


@admin.register(Equipment)
class EquipmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "category", "estate", "status", "inspection_due_on")
    list_filter = ("category", "status", "estate")
    search_fields = ("code", "name", "location")
    readonly_fields = ("qr_token", "created_at", "created_by")
    raw_id_fields = ("building", "contractor")


@admin.register(OperationParameter)
class OperationParameterAdmin(admin.ModelAdmin):
    list_display = ("estate", "category", "code", "name", "unit", "low", "high", "active")
    list_filter = ("estate", "category", "active")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OperationLogEntry)
class OperationLogEntryAdmin(ReadOnlyAdmin):
    list_display = ("equipment", "hour", "is_anomaly", "recorded_at", "recorded_by", "amends")
    list_filter = ("is_anomaly", "estate")
    date_hierarchy = "hour"


@admin.register(Anomaly)
class AnomalyAdmin(ReadOnlyAdmin):
    list_display = ("case", "equipment", "source", "found_at", "acknowledged_at", "handled_at")
    list_filter = ("source", "estate")
    search_fields = ("case__number", "description", "dedup_key")


@admin.register(EquipmentStatusChange)
class EquipmentStatusChangeAdmin(ReadOnlyAdmin):
    list_display = ("equipment", "from_status", "to_status", "reason", "source", "by", "at")
    list_filter = ("to_status", "equipment__estate")
    search_fields = ("equipment__code", "equipment__name", "reason", "source")
    date_hierarchy = "at"
    list_select_related = ("equipment", "by")

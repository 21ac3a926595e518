"""Django admin of billing items, read-only until the billing issue adds collection."""

from django.contrib import admin

from .models import BillingItem


@admin.register(BillingItem)
class BillingItemAdmin(admin.ModelAdmin):
    list_display = ["source_ref", "estate", "room", "description", "amount", "status", "created_at"]
    list_filter = ["estate", "source", "status"]
    search_fields = ["source_ref", "description"]
    list_select_related = ["estate", "room"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

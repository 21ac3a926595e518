"""Django admin of fees, for superusers: items and rates editable; bills, payments and the
ledger read-only (every change goes through the services, with the ledger)."""

from django.contrib import admin

from .models import (
    Bill,
    BillingRun,
    BillingSettings,
    CallbackLog,
    ChargeItem,
    GatewayOrder,
    Invoice,
    LedgerEntry,
    NoticeLetter,
    Payment,
    PhoneReveal,
    Rate,
)


class RateInline(admin.TabularInline):
    model = Rate
    extra = 0
    fields = ["amount", "effective_from"]


@admin.register(ChargeItem)
class ChargeItemAdmin(admin.ModelAdmin):
    list_display = ["name", "estate", "kind", "basis", "room_use", "is_active"]
    list_filter = ["estate", "kind", "is_active"]
    inlines = [RateInline]


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Bill)
class BillAdmin(ReadOnly):
    list_display = ["description", "room", "amount", "paid_amount", "status", "due_date"]
    list_filter = ["estate", "status", "item__kind"]
    search_fields = ["description", "source_ref"]
    list_select_related = ["room"]


@admin.register(Payment)
class PaymentAdmin(ReadOnly):
    list_display = ["room", "amount", "channel", "reference", "received_at"]
    list_filter = ["estate", "channel"]
    list_select_related = ["room"]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnly):
    list_display = ["room", "kind", "amount", "description", "at"]
    list_filter = ["estate", "kind"]
    list_select_related = ["room"]


@admin.register(BillingRun)
class BillingRunAdmin(ReadOnly):
    list_display = [
        "estate",
        "period_start",
        "period_end",
        "status",
        "bills_created",
        "amount_total",
    ]


@admin.register(GatewayOrder)
class GatewayOrderAdmin(ReadOnly):
    list_display = ["out_trade_no", "room", "channel", "amount", "status", "paid_at"]


@admin.register(CallbackLog)
class CallbackLogAdmin(ReadOnly):
    list_display = ["received_at", "out_trade_no", "accepted", "reason"]


@admin.register(Invoice)
class InvoiceAdmin(ReadOnly):
    list_display = ["title", "amount", "status", "number", "requested_at", "issued_at"]
    list_filter = ["status"]


@admin.register(NoticeLetter)
class NoticeLetterAdmin(ReadOnly):
    """FEE-05: the written payment notices printed or delivered (who, when, how)."""

    list_display = ["room", "method", "delivered_at", "by", "recorded_at"]
    list_filter = ["estate", "method"]


@admin.register(PhoneReveal)
class PhoneRevealAdmin(ReadOnly):
    """FEE-09 audit: who saw an owner's full number to call them, and when."""

    list_display = ["at", "by", "resident", "room"]
    list_filter = ["estate"]


@admin.register(BillingSettings)
class BillingSettingsAdmin(admin.ModelAdmin):
    """FEE-11: the lawyer's-letter list day and the law firm (finance edits them on the page)."""

    list_display = ["estate", "lawyer_list_day", "law_firm", "lawyer", "updated_at"]

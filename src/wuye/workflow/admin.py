"""Django admin of the process engine, for superusers (system administrators)."""

from django.contrib import admin, messages
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from .calendar import calendar_warning
from .models import (
    Attachment,
    Case,
    Event,
    Holiday,
    PlannedTask,
    Schedule,
    SlaClock,
    SlaTarget,
)


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "weekday", "kind", "name", "estate", "note"]
    list_filter = ["kind", "estate"]
    date_hierarchy = "date"
    search_fields = ["name", "note"]
    list_select_related = ["estate"]
    ordering = ["-date"]

    @admin.display(description=_("星期"), ordering="date")
    def weekday(self, obj: Holiday) -> str:
        return str(WEEKDAYS[obj.date.weekday()])

    def changelist_view(self, request, extra_context=None):
        # A year without a schedule silently counts only weekends as days off: say so where the
        # schedule is entered. Not on POST (actions), whose redirect would show it twice.
        if request.method == "GET" and (warning := calendar_warning()) is not None:
            messages.warning(request, warning)
        return super().changelist_view(request, extra_context)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class EventInline(ReadOnlyInline):
    model = Event
    fields = ["at", "action", "actor", "role", "from_status", "to_status", "note"]
    readonly_fields = fields


class ClockInline(ReadOnlyInline):
    model = SlaClock
    fields = ["rule", "name", "state", "started_at", "warn_at", "due_at", "stopped_at"]
    readonly_fields = fields


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows the engine writes (cases, clocks, schedules' tasks): shown, never edited here."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    """Cases are changed only through their process's actions; the admin only shows them."""

    list_display = ["number", "title", "process", "status", "estate", "assignee", "created_at"]
    list_filter = ["process", "status", "estate"]
    search_fields = ["number", "title"]
    list_select_related = ["estate", "assignee"]
    date_hierarchy = "created_at"
    inlines = [ClockInline, EventInline]


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    """Photos and signatures: read-only (the files are served by the attachment view)."""

    list_display = ["original_name", "kind", "case", "uploaded_by", "uploaded_at", "size"]
    list_filter = ["kind"]
    list_select_related = ["case", "uploaded_by"]
    search_fields = ["case__number", "original_name"]


@admin.register(SlaClock)
class SlaClockAdmin(ReadOnlyAdmin):
    list_display = ["case", "rule", "name", "state", "due_at", "escalation_level"]
    list_filter = ["state", "rule", "escalation_level"]
    search_fields = ["case__number", "rule"]
    list_select_related = ["case"]


@admin.register(SlaTarget)
class SlaTargetAdmin(admin.ModelAdmin):
    """Per-estate targets; the manual's numbers apply where there is no row."""

    list_display = ["estate", "process", "clock", "amount", "unit"]
    list_filter = ["estate", "process"]


@admin.register(Schedule)
class ScheduleAdmin(ReadOnlyAdmin):
    """Schedules are created through ``schedule_create`` (validated there); the admin shows them
    and stops them through ``schedule_deactivate``, which also cancels their future tasks."""

    list_display = ["name", "estate", "kind", "rule", "frequency", "active", "generated_until"]
    list_filter = ["active", "frequency", "kind", "estate"]
    search_fields = ["name", "rule"]
    list_select_related = ["estate"]
    actions = ["deactivate"]

    @admin.action(description=_("停用所选计划"))
    def deactivate(self, request, queryset) -> None:
        from .schedules import schedule_deactivate

        cancelled = sum(
            schedule_deactivate(schedule=schedule, by=request.user)
            for schedule in queryset.filter(active=True)
        )
        self.message_user(request, _("已停用，取消了 %(n)d 个未来任务") % {"n": cancelled})


@admin.register(PlannedTask)
class PlannedTaskAdmin(ReadOnlyAdmin):
    """Planned tasks are written by the generator and the missed sweep; never deleted."""

    list_display = ["schedule", "estate", "scheduled_for", "due_at", "status", "done_at"]
    list_filter = ["status", "estate"]
    search_fields = ["schedule__name", "schedule__rule"]
    list_select_related = ["schedule", "estate"]
    date_hierarchy = "scheduled_for"

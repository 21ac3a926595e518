"""Admin of emergencies: read-mostly views of the records (the services write them)."""

from django.contrib import admin

from . import models

# --- Incidents, groups, plans, supplies (h-incidents) ---


@admin.register(models.Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = ("case", "estate", "kind", "level", "exercise", "reported_at")
    list_filter = ("kind", "level", "exercise", "estate")
    search_fields = ("case__number", "place")
    readonly_fields = [f.name for f in models.Incident._meta.fields] + ["buildings"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(models.ResponsePlan)
class ResponsePlanAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "estate", "version", "updated_at")
    list_filter = ("kind",)


@admin.register(models.SupplyItem)
class SupplyItemAdmin(admin.ModelAdmin):
    list_display = ("name", "estate", "category", "quantity", "minimum", "expires_on", "active")
    list_filter = ("category", "estate", "active")
    readonly_fields = ("quantity",)  # moves only by restock, draw and count (the services)


@admin.register(models.SupplyMovement)
class SupplyMovementAdmin(admin.ModelAdmin):
    list_display = ("item", "kind", "delta", "balance", "incident", "at")
    list_filter = ("kind",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


admin.site.register(models.GroupMember)
admin.site.register(models.PageReminder)


# --- Elevator entrapment (h-lift) ---
# The records an entrapment leaves beside its incident (EMERG-LIFT-02..09): its steps with the
# checks confirmed (EMERG-LIFT-11), the people paged, the level's changes, the visits of the
# trapped people and the report. Read-only: the services write them; filter by kind "电梯困人".


class IncidentRecordAdmin(admin.ModelAdmin):
    """Read-only records of an incident (written by the services, kept as they were)."""

    list_select_related = ("incident__case",)
    search_fields = ("incident__case__number", "incident__place")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(models.IncidentStep)
class IncidentStepAdmin(IncidentRecordAdmin):
    list_display = ("incident", "order", "title", "department", "done_at", "done_by")
    list_select_related = ("incident__case", "done_by")
    list_filter = ("incident__kind", "code", "department")
    search_fields = ("incident__case__number", "incident__place", "title", "note")
    readonly_fields = [f.name for f in models.IncidentStep._meta.fields]


@admin.register(models.Page)
class PageAdmin(IncidentRecordAdmin):
    list_display = ("incident", "user", "group", "level", "must_acknowledge", "paged_at",
                    "acknowledged_at")  # fmt: skip
    list_select_related = ("incident__case", "user")
    list_filter = ("incident__kind", "group", "level", "must_acknowledge")
    search_fields = ("incident__case__number", "user__username", "user__staff__name")
    date_hierarchy = "paged_at"
    readonly_fields = [f.name for f in models.Page._meta.fields]


@admin.register(models.LevelChange)
class LevelChangeAdmin(IncidentRecordAdmin):
    list_display = ("incident", "from_level", "to_level", "reason", "by", "at")
    list_select_related = ("incident__case", "by")
    list_filter = ("incident__kind", "to_level")
    search_fields = ("incident__case__number", "reason")
    date_hierarchy = "at"
    readonly_fields = [f.name for f in models.LevelChange._meta.fields]


@admin.register(models.Followup)
class FollowupAdmin(IncidentRecordAdmin):
    list_display = ("incident", "person", "room", "contacted_at", "reached", "satisfaction", "by")
    list_select_related = ("incident__case", "room", "by")
    list_filter = ("incident__kind", "reached", "satisfaction")
    search_fields = ("incident__case__number", "person", "note")
    readonly_fields = [f.name for f in models.Followup._meta.fields]


@admin.register(models.IncidentReport)
class IncidentReportAdmin(IncidentRecordAdmin):
    list_display = ("incident", "written_at", "written_by")
    list_select_related = ("incident__case", "written_by")
    list_filter = ("incident__kind",)
    search_fields = ("incident__case__number", "incident__place", "summary")
    date_hierarchy = "written_at"
    readonly_fields = [f.name for f in models.IncidentReport._meta.fields]


# --- Outages (h-outage) ---


@admin.register(models.Outage)
class OutageAdmin(admin.ModelAdmin):
    """Read-only: outages are entered, told and restored through the services (EMERG-OUTAGE)."""

    list_display = ("incident", "utility", "planned", "starts_at", "expected_end_at",
                    "restored_at", "sample_size")  # fmt: skip
    list_filter = ("utility", "planned")
    search_fields = ("incident__case__number", "incident__place", "cause")
    date_hierarchy = "starts_at"
    list_select_related = ("incident__case",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(models.ProvisionEscalation)
class ProvisionEscalationAdmin(admin.ModelAdmin):
    """Read-only: written by the overdue sweep (``services.outage_overdue``), once per stage."""

    list_display = ("task", "stage", "at", "notified")
    list_filter = ("stage",)
    list_select_related = ("task",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


# --- Public health (h-health) ---
# EMERG-HEALTH-08: the close-contact register is never in the admin; its access log is (it names
# no contact).


@admin.register(models.Closure)
class ClosureAdmin(admin.ModelAdmin):
    list_display = ("incident", "scope", "building", "unit", "starts_at", "ends_at", "lifted_at")
    list_filter = ("scope",)
    readonly_fields = [f.name for f in models.Closure._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(models.ContactAccess)
class ContactAccessAdmin(admin.ModelAdmin):
    list_display = ("incident", "action", "contact_ref", "count", "user", "at")
    list_filter = ("action",)
    readonly_fields = [f.name for f in models.ContactAccess._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("incident", "room", "status", "requested_at", "delivered_at", "confirmed_at")
    list_filter = ("status",)
    readonly_fields = [f.name for f in models.Delivery._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(models.PpeCheck)
class PpeCheckAdmin(admin.ModelAdmin):
    list_display = ("incident", "staff", "on", "mask", "gloves", "at")
    readonly_fields = [f.name for f in models.PpeCheck._meta.fields]

    def has_add_permission(self, request):
        return False


admin.site.register(models.EmergencyGroup)

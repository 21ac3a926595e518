"""The order department's menu (秩序管理, manual ch.6): the guards' shifts and patrols, the gate
(passes, visitors, parcels, decoration), vehicles and parking, the fire facilities, fires,
drills and publicity, each topic's items in its own tuple, assembled by ``navigation``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from wuye.core.choices import Role

from .navitems import NavItem

# GUARD-06/10/13: who works the gate (security.services.visitors.GATE_ROLES).
GATE_DUTY = frozenset({Role.EXECUTIVE, Role.DEPARTMENT_HEAD, Role.GUARD, Role.CS_AGENT})
# Fire facilities: the guards inspect, engineering maintains, the leads oversee (FIRE-01).
FIRE_DESK = frozenset(
    {Role.EXECUTIVE, Role.DEPARTMENT_HEAD, Role.GUARD, Role.TECHNICIAN, Role.AUDITOR}
)
# FIRE-13 / FIRE-07: who sees the fire drills and the fire-prevention publicity plan.
FIRE_DRILLS = frozenset({Role.EXECUTIVE, Role.DEPARTMENT_HEAD, Role.GUARD, Role.AUDITOR})
FIRE_PUBLICITY = frozenset({Role.EXECUTIVE, Role.DEPARTMENT_HEAD, Role.CS_AGENT, Role.AUDITOR})
ORDER_LEADS = frozenset({Role.DEPARTMENT_HEAD, Role.EXECUTIVE})
ON_PATROL = frozenset({Role.GUARD, Role.DEPARTMENT_HEAD, Role.EXECUTIVE})


# --- Guards: shifts, patrols, obstructions, incidents (GUARD-04, GUARD-07…12, FIRE-14) ---

GUARDS: tuple[NavItem, ...] = (
    # GUARD-04: the guards' shifts and handover (交接班).
    NavItem(_("我的班次"), "fieldwork:my_shifts", roles=frozenset({Role.GUARD}),
            match=("fieldwork:handover_form", "fieldwork:handover_accept")),
    NavItem(_("巡逻异常上报"), "security:patrol_report",
            roles=frozenset({Role.GUARD, Role.DEPARTMENT_HEAD}),
            match=("security:patrol_report_done",)),
    NavItem(_("通道堵塞"), "security:obstruction_list", roles=ON_PATROL,
            match=("security:obstruction_detail",)),
    NavItem(_("治安事件"), "security:incident_list", roles=ON_PATROL,
            match=("security:incident_detail",)),
    NavItem(_("默认巡逻路线"), "security:patrol_setup", roles=ORDER_LEADS),
)  # fmt: skip


# --- The gate: passes scanned, visitors registered, parcels received (GUARD-06/10/13) ---

GATE: tuple[NavItem, ...] = (
    NavItem(_("门岗扫码"), "security:pass_scan", roles=GATE_DUTY),
    NavItem(_("外来人员登记"), "security:visitor_list", roles=GATE_DUTY,
            match=("security:visitor_register", "security:visitor_export")),
    NavItem(_("代收快递"), "security:parcel_list", roles=GATE_DUTY,
            match=("security:parcel_receive", "security:parcel_pick_up")),
    NavItem(_("临时出入证"), "security:pass_list", roles=GATE_DUTY,
            match=("security:pass_new", "security:pass_detail")),
    NavItem(_("装修登记"), "security:decoration_list",
            roles=frozenset({Role.EXECUTIVE, Role.DEPARTMENT_HEAD, Role.CS_AGENT}),
            match=("security:decoration_new", "security:decoration_detail")),
    NavItem(_("访客设置"), "security:visitor_settings", roles=ORDER_LEADS),
)  # fmt: skip


# --- Fire: facilities and their checks, fires, drills, publicity (FIRE-01…14) ---

FIRE: tuple[NavItem, ...] = (
    # FIRE-01/03: the guards check the fire facilities, engineering maintains them.
    NavItem(_("消防设施"), "security:fire_facility_list", roles=FIRE_DESK,
            match=("security:fire_facility_detail", "security:fire_facility_create",
                   "security:fire_facility_edit", "security:fire_check")),
    NavItem(_("消防检查进度"), "security:fire_check_progress", roles=FIRE_DESK),
    NavItem(_("灭火器更换"), "security:fire_replacement_list", roles=FIRE_DESK,
            match=("security:fire_replacement_detail",)),
    # FIRE-08/09: anyone on duty reports a fire; the order department runs it.
    NavItem(_("火灾记录"), "security:fire_list",
            match=("security:fire_report", "security:fire_detail", "security:fire_act")),
    # FIRE-13: drills, 1–2 a year per estate.
    NavItem(_("消防演练"), "security:drill_list", roles=FIRE_DRILLS,
            match=("security:drill_plan", "security:drill_detail", "security:drill_act")),
    # FIRE-07: customer service publishes the fire-prevention publicity.
    NavItem(_("消防宣传"), "security:publicity_plan", roles=FIRE_PUBLICITY,
            match=("security:publicity_create", "security:publicity_seed",
                   "security:publicity_publish")),
)  # fmt: skip


# --- Vehicles: the gate guard's phone screen, the ledger (VEHICLE-03/04/06/09) ---

VEHICLES: tuple[NavItem, ...] = (
    NavItem(_("门岗车辆"), "security:gate_console", roles=ON_PATROL,
            match=("security:stay_list", "security:stay_detail")),
    NavItem(_("车辆管理台账"), "security:vehicle_list",
            match=("security:vehicle_detail", "security:vehicle_create",
                   "security:vehicle_edit", "security:parking_areas")),
)  # fmt: skip


SECURITY_ITEMS: tuple[NavItem, ...] = (*GUARDS, *GATE, *VEHICLES, *FIRE)

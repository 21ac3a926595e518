"""Each staff role's own work first (issue 19, menus by role): the pages a role opens every day
stand at the top of its menu, in their department's group; every other page the role may open
sits under 更多 at the end, closed, so nothing becomes unreachable and nothing crowds the desk.

A role is listed by the URL names of its daily pages. A department head's daily work is their
department's whole group (``HEAD_GROUPS``) besides the heads' common pages. Roles not listed
here (residents, contractors) see their whole menu at the top: it is short.
"""

from __future__ import annotations

from wuye.core.choices import DepartmentKind, Role
from wuye.core.scoping import Actor

from .navitems import NavGroup, NavItem

# Everyone's first two: the work queue and the estate's statistics (项目概况).
COMMON = frozenset({"web:home", "core:estate_overview"})
# What every head and executive looks at first: besides those, the incidents and whether the
# manual's deadlines are kept.
LEADS = COMMON | {"emergency:incident_list", "quality:compliance"}

PRIMARY: dict[str, frozenset[str]] = {
    # The desk (客服中心): calls and walk-ins, repairs and complaints, move-in, rooms and people.
    # Finance is not the desk's daily work: the fee ledgers it reads to chase payment are
    # under 更多.
    Role.CS_AGENT: COMMON | {
        "repairs:list", "repairs:create", "complaints:list", "complaints:create",
        "complaints:ledger", "notify:notice_list", "facilities:fault_list", "residents:desk",
        "security:decoration_list", "emergency:incident_list",
        "emergency:lift_list", "core:room_list", "core:resident_list",
    },
    # Engineering: my orders, faults, the equipment, its log and alarms, the defects of move-in.
    Role.TECHNICIAN: COMMON | {
        "repairs:tech_home", "repairs:list", "repairs:prices",
        "facilities:fault_list", "fieldwork:my_tasks", "fieldwork:round_mine",
        "fieldwork:my_shifts", "facilities:equipment_list", "facilities:log_day",
        "facilities:anomaly_list", "fieldwork:device_event_list", "residents:defects",
        "security:fire_facility_list", "emergency:lift_list", "emergency:incident_list",
    },
    # Guards: the shift, the round, the gate, the fire checks, the incidents.
    Role.GUARD: COMMON | {
        "fieldwork:my_shifts", "fieldwork:round_mine", "fieldwork:my_tasks",
        "security:patrol_report", "security:pass_scan", "security:visitor_list",
        "security:parcel_list", "security:pass_list", "security:gate_console",
        "security:obstruction_list", "security:incident_list", "security:fire_facility_list",
        "security:fire_list", "emergency:incident_list", "emergency:lift_list",
        "emergency:health_ppe",
    },
    # Cleaners and gardeners: today's tasks, their rectifications, the protection check.
    Role.CLEANER: COMMON | {
        "environment:my_today", "environment:protection_check",
        "environment:my_rectifications", "environment:cleaning_plan", "fieldwork:my_tasks",
        "complaints:list", "notify:notice_list", "emergency:incident_list",
        "emergency:health_ppe",
    },
    Role.GARDENER: COMMON | {
        "environment:my_today", "environment:protection_check",
        "environment:my_rectifications", "environment:greening_plan",
        "environment:green_area_list", "environment:treatment_list", "fieldwork:my_tasks",
        "complaints:list", "notify:notice_list", "emergency:incident_list",
        "emergency:health_ppe",
    },
    # Finance: the whole fee group (``HEAD_GROUPS`` gives it), the meters, its complaints.
    Role.FINANCE_CLERK: COMMON | {
        "billing:meter_readings", "complaints:list", "notify:notice_list",
    },
    # The auditor reads: the ledgers, the statistics and the reports of every department.
    Role.AUDITOR: COMMON | {
        "core:estate_overview", "repairs:list", "complaints:list",
        "complaints:ledger", "complaints:analysis", "repairs:kpis", "fieldwork:round_report",
        "facilities:maintenance_review", "environment:scores", "environment:inspection_list",
        "security:fire_check_progress", "billing:rooms", "billing:arrears",
        "billing:fee_report", "emergency:incident_list", "quality:compliance",
    },
    # Executives: the boards and figures of every department, the approvals, the incidents.
    Role.EXECUTIVE: LEADS | {
        "repairs:list", "complaints:list", "complaints:ledger", "complaints:analysis",
        "repairs:kpis", "facilities:board", "environment:board", "fieldwork:round_report",
        "billing:fee_report", "billing:lawyer_letters", "handover:project_list",
        "handover:takeover_list",
    },
    Role.DEPARTMENT_HEAD: LEADS | {"notify:notice_list"},
}  # fmt: skip

# A role whose department's whole group is its daily work.
ROLE_GROUPS: dict[str, frozenset[str]] = {Role.FINANCE_CLERK: frozenset({"finance"})}

# A department head's department → the menu groups that are its daily work.
HEAD_GROUPS: dict[str, frozenset[str]] = {
    DepartmentKind.CUSTOMER_SERVICE: frozenset({"customer_service", "handover"}),
    DepartmentKind.ENGINEERING: frozenset({"engineering"}),
    DepartmentKind.ORDER: frozenset({"order"}),
    DepartmentKind.ENVIRONMENT: frozenset({"environment"}),
    DepartmentKind.FINANCE: frozenset({"finance"}),
    DepartmentKind.ADMINISTRATION: frozenset({"estate"}),
}


def in_top_level(actor: Actor):
    """``(group, item) -> bool``: whether the item stands at the top of the actor's menu (else
    it is under 更多). A superuser, with no role, gets the executives' menu."""
    role = actor.role or (Role.EXECUTIVE if actor.is_superuser else None)
    if role not in PRIMARY:
        return lambda group, item: True
    names = PRIMARY[role]
    groups = ROLE_GROUPS.get(role, frozenset())
    if role == Role.DEPARTMENT_HEAD:
        groups = HEAD_GROUPS.get(_department_kind(actor), frozenset())
        if not groups:  # the executives' office: the executives' menu
            names = PRIMARY[Role.EXECUTIVE]

    def top(group: NavGroup, item: NavItem) -> bool:
        return group.key == "mine" or group.key in groups or item.url_name in names

    return top


def _department_kind(actor: Actor) -> str:
    staff = actor.staff
    if staff is None or not staff.department_id:
        return ""
    return staff.department.kind

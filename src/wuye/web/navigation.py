"""The navigation, in one place: groups by department, items with the roles that see them.

A new app adds its pages here, to its department's group, with the roles that may open them.
A group with no item for the user is not shown, so nobody sees a dead link.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from wuye.core.choices import STAFF_ROLES, Role
from wuye.core.models import Estate
from wuye.core.scoping import Actor

from .nav_emergency import EMERGENCY_ITEMS
from .nav_environment import ENVIRONMENT_ITEMS
from .nav_quality import QUALITY_ITEMS
from .nav_roles import in_top_level
from .nav_security import SECURITY_ITEMS
from .navitems import (
    ALARM_DUTY,
    ENGINEERING_DESK,
    HANDOVER_TEAM,
    MOVE_IN_DESK,
    NavGroup,
    NavItem,
    _fees,
    _meters,
    _move_in_page_opens,
    _resident_deliveries,
)

NAVIGATION: tuple[NavGroup, ...] = (
    NavGroup(
        "mine",
        _("我的"),
        (
            NavItem(_("我的待办"), "web:home", roles=frozenset(STAFF_ROLES)),
            NavItem(
                _("我的房屋"),
                "web:home",
                roles=frozenset({Role.RESIDENT}),
                match=("core:room_detail",),
            ),
            NavItem(
                _("我的报修"),
                "repairs:my_list",
                roles=frozenset({Role.RESIDENT}),
                match=("repairs:my_new", "repairs:my_detail", "repairs:my_act"),
            ),
            NavItem(
                _("我的投诉"),
                "complaints:my_list",
                roles=frozenset({Role.RESIDENT}),
                match=("complaints:my_new", "complaints:my_detail", "complaints:my_act"),
            ),
            NavItem(
                _("我的账单"),
                "billing:my_bills",
                roles=frozenset({Role.RESIDENT}),
                match=("billing:simulate_pay",),
            ),
            NavItem(
                _("我的访客"),
                "security:my_passes",
                roles=frozenset({Role.RESIDENT}),
                match=("security:my_pass_new", "security:my_pass_detail"),
            ),
            # EMERG-HEALTH-12: a household under a closure asks for supplies to its door.
            NavItem(
                _("物资配送"),
                "emergency:my_deliveries",
                roles=frozenset({Role.RESIDENT}),
                allowed=lambda actor, estate: _resident_deliveries(actor),
            ),
            NavItem(
                _("公摊公示"),
                "billing:my_disclosures",
                roles=frozenset({Role.RESIDENT}),
                match=("billing:my_disclosure",),
            ),
            NavItem(_("我的工单"), "web:home", roles=frozenset({Role.CONTRACTOR})),
            NavItem(_("我的任务"), "fieldwork:my_tasks", roles=frozenset({Role.CONTRACTOR})),
            NavItem(
                _("本单位资质"), "fieldwork:certificate_list", roles=frozenset({Role.CONTRACTOR})
            ),
        ),
    ),
    NavGroup(
        "customer_service",
        _("客服中心"),
        (
            NavItem(
                _("报修工单"),
                "repairs:list",
                roles=frozenset(
                    {Role.EXECUTIVE, Role.DEPARTMENT_HEAD, Role.CS_AGENT, Role.AUDITOR}
                ),
                match=("repairs:detail", "repairs:act"),
            ),
            NavItem(
                _("登记报修"),
                "repairs:create",
                roles=frozenset({Role.EXECUTIVE, Role.DEPARTMENT_HEAD, Role.CS_AGENT}),
            ),
            NavItem(
                _("投诉工单"),
                "complaints:list",
                roles=frozenset(
                    {Role.EXECUTIVE, Role.DEPARTMENT_HEAD, Role.CS_AGENT, Role.AUDITOR}
                ),
                match=("complaints:detail", "complaints:act"),
            ),
            NavItem(
                _("登记投诉"),
                "complaints:create",
                roles=frozenset({Role.EXECUTIVE, Role.DEPARTMENT_HEAD, Role.CS_AGENT}),
            ),
            NavItem(
                _("投诉处理台账"),
                "complaints:ledger",
                roles=frozenset(
                    {Role.EXECUTIVE, Role.DEPARTMENT_HEAD, Role.CS_AGENT, Role.AUDITOR}
                ),
            ),
            # The departments that handle complaints see theirs (the list opens on their own
            # department's).
            NavItem(
                _("本部门投诉"),
                "complaints:list",
                roles=frozenset(
                    {Role.TECHNICIAN, Role.GUARD, Role.CLEANER, Role.GARDENER, Role.FINANCE_CLERK}
                ),
                match=("complaints:detail", "complaints:act"),
            ),
            NavItem(
                _("投诉分析"),
                "complaints:analysis",
                with_estate=True,
                roles=frozenset(
                    {Role.EXECUTIVE, Role.DEPARTMENT_HEAD, Role.CS_AGENT, Role.AUDITOR}
                ),
            ),
            NavItem(
                _("公告栏"),
                "notify:notice_list",
                match=("notify:notice_detail", "notify:notice_create"),
            ),
        ),
    ),
    NavGroup(
        "engineering",
        _("工程设备"),
        (
            NavItem(_("工程看板"), "facilities:board", roles=ENGINEERING_DESK),
            NavItem(
                _("设备故障"),
                "facilities:fault_list",
                roles=frozenset(
                    {
                        Role.EXECUTIVE,
                        Role.DEPARTMENT_HEAD,
                        Role.CS_AGENT,
                        Role.TECHNICIAN,
                        Role.GUARD,
                    }
                ),
                match=(
                    "facilities:fault_detail",
                    "facilities:fault_create",
                    "facilities:fault_report",
                ),
            ),
            NavItem(
                _("我的维修工单"),
                "repairs:tech_home",
                roles=frozenset({Role.TECHNICIAN}),
                match=("repairs:tech_detail",),
            ),
            NavItem(
                _("全部报修"),
                "repairs:list",
                roles=frozenset({Role.TECHNICIAN}),
                match=("repairs:detail",),
            ),
            NavItem(
                _("维修收费标准"),
                "repairs:prices",
                roles=frozenset(
                    {
                        Role.EXECUTIVE,
                        Role.DEPARTMENT_HEAD,
                        Role.CS_AGENT,
                        Role.AUDITOR,
                        Role.TECHNICIAN,
                    }
                ),
                match=("repairs:price_edit",),
            ),
            NavItem(
                _("抄表"),
                "billing:meter_readings",
                allowed=lambda actor, estate: _meters("may_record_readings", actor),
                match=("billing:meter_reading_import",),
            ),
            NavItem(
                _("表计"),
                "billing:meters",
                allowed=lambda actor, estate: _meters("may_read_meters", actor),
                match=("billing:meter_new", "billing:meter_edit"),
            ),
            # EQUIP-MAINT-03..08: maintenance plans and their monthly effectiveness review.
            NavItem(
                _("维护保养计划"),
                "facilities:maintenance_plan_list",
                roles=ENGINEERING_DESK,
                match=(
                    "facilities:maintenance_plan_detail",
                    "facilities:maintenance_plan_new",
                    "facilities:maintenance_plan_edit",
                    "facilities:maintenance_verify",
                ),
            ),
            NavItem(
                _("保养效果评估"),
                "facilities:maintenance_review",
                roles=ENGINEERING_DESK,
            ),
            NavItem(
                _("作业记录"),
                "fieldwork:record_list",
                match=("fieldwork:record_detail",),
            ),
            NavItem(
                _("检查表"),
                "fieldwork:checklist_list",
                match=("fieldwork:checklist_detail", "fieldwork:checklist_create"),
            ),
            NavItem(
                _("报修二维码"),
                "repairs:qr_sheet",
                roles=frozenset(
                    {Role.EXECUTIVE, Role.DEPARTMENT_HEAD, Role.CS_AGENT, Role.TECHNICIAN}
                ),
            ),
            # EQUIP-OPS-10: the operators' shifts and handover (交接班).
            NavItem(
                _("我的班次"),
                "fieldwork:my_shifts",
                roles=frozenset({Role.TECHNICIAN}),
                match=("fieldwork:handover_form", "fieldwork:handover_accept"),
            ),
            NavItem(
                _("值班与交接班"),
                "fieldwork:duty_posts",
                roles=frozenset({Role.EXECUTIVE, Role.DEPARTMENT_HEAD, Role.AUDITOR}),
                match=(
                    "fieldwork:duty_roster",
                    "fieldwork:handover_history",
                    "fieldwork:handover_detail",
                ),
            ),
            NavItem(
                _("报修统计"),
                "repairs:kpis",
                with_estate=True,
                roles=frozenset(
                    {Role.EXECUTIVE, Role.DEPARTMENT_HEAD, Role.CS_AGENT, Role.AUDITOR}
                ),
            ),
            # Rounds (巡检/巡更): engineering's and security's patrols alike.
            NavItem(
                _("我的巡查"),
                "fieldwork:round_mine",
                match=("fieldwork:round_scan", "fieldwork:round_scan_code"),
            ),
            NavItem(
                _("巡查路线"),
                "fieldwork:route_list",
                roles=frozenset({Role.EXECUTIVE, Role.DEPARTMENT_HEAD, Role.AUDITOR}),
                match=(
                    "fieldwork:route_create",
                    "fieldwork:route_detail",
                    "fieldwork:route_edit",
                    "fieldwork:checkpoint_create",
                    "fieldwork:checkpoint_edit",
                ),
            ),
            NavItem(
                _("巡查统计"),
                "fieldwork:round_report",
                roles=frozenset({Role.EXECUTIVE, Role.DEPARTMENT_HEAD, Role.AUDITOR}),
                match=("fieldwork:round_detail",),
            ),
            # EQUIP-OPS-01/05/08: the register, the hourly operation log and the anomalies.
            NavItem(
                _("设备台账"),
                "facilities:equipment_list",
                match=(
                    "facilities:equipment_detail",
                    "facilities:equipment_create",
                    "facilities:equipment_edit",
                    "facilities:log_form",
                    "facilities:anomaly_report",
                ),
            ),
            NavItem(
                _("运行记录"),
                "facilities:log_day",
                roles=ENGINEERING_DESK,
                match=("facilities:parameter_list",),
            ),
            NavItem(
                _("设备异常"),
                "facilities:anomaly_list",
                match=("facilities:anomaly_detail",),
            ),
            # EQUIP-OPS-04/08: the monitoring systems' alarms, for the staff on duty.
            NavItem(
                _("设备告警"),
                "fieldwork:device_event_list",
                roles=ALARM_DUTY,
                match=("fieldwork:device_event_detail",),
            ),
            NavItem(
                _("监控设备"),
                "fieldwork:device_list",
                roles=ALARM_DUTY,
                match=("fieldwork:device_detail", "fieldwork:device_create"),
            ),
            # Planned work and certificates (fieldwork: plans).
            NavItem(_("我的任务"), "fieldwork:my_tasks"),
            NavItem(
                _("计划任务"),
                "fieldwork:task_board",
                match=("fieldwork:task_calendar",),
            ),
            NavItem(
                _("计划"),
                "fieldwork:plan_list",
                match=("fieldwork:plan_create", "fieldwork:plan_detail", "fieldwork:plan_edit"),
            ),
            NavItem(
                _("证书与资质"),
                "fieldwork:certificate_list",
                match=("fieldwork:certificate_create", "fieldwork:certificate_detail"),
            ),
        ),
    ),
    NavGroup(
        "handover",
        _("交付入住"),
        (
            NavItem(
                _("前期介入"),
                "handover:project_list",
                roles=HANDOVER_TEAM | {Role.AUDITOR},
                match=(
                    "handover:project_create",
                    "handover:project_detail",
                    "handover:agreement",
                    "handover:suggestion_list",
                    "handover:suggestion_create",
                    "handover:suggestion_detail",
                    "handover:inspection_list",
                    "handover:inspection_create",
                    "handover:concealed_gallery",
                    "handover:meeting_list",
                    "handover:meeting_create",
                ),
            ),
            NavItem(
                _("接管验收"),
                "handover:takeover_list",
                roles=HANDOVER_TEAM,
                match=(
                    "handover:takeover_project_new",
                    "handover:takeover_new",
                    "handover:takeover_detail",
                    "handover:takeover_checklist",
                    "handover:takeover_item",
                    "handover:takeover_defect",
                ),
            ),
            NavItem(
                _("入住看板"),
                "residents:dashboard",
                roles=MOVE_IN_DESK | {Role.TECHNICIAN},
            ),
            NavItem(
                _("入住批次"),
                "residents:batches",
                roles=MOVE_IN_DESK,
                match=("residents:batch_new", "residents:batch", "residents:batch_letters"),
            ),
            NavItem(
                _("入住办理"),
                "residents:desk",
                roles=MOVE_IN_DESK | {Role.TECHNICIAN},
                match=("residents:move_in", "residents:move_in_fees"),
            ),
            NavItem(
                _("房屋验收问题"),
                "residents:defects",
                roles=MOVE_IN_DESK | {Role.TECHNICIAN},
            ),
            # The staff the move-in pages let in (residents' own role set): an auditor, who
            # reads records and owns no follow-up, is not among them and does not see it.
            NavItem(
                _("入住回访需求"),
                "residents:needs",
                allowed=lambda actor, estate: _move_in_page_opens(actor),
            ),
        ),
    ),
    NavGroup("order", _("秩序管理"), SECURITY_ITEMS),
    NavGroup("environment", _("环境管理"), ENVIRONMENT_ITEMS),
    NavGroup("emergency", _("应急处理"), EMERGENCY_ITEMS),
    NavGroup(
        "finance",
        _("财务"),
        (
            # FEE-02/07: finance collects, customer service reads the ledger to chase payment.
            _fees(
                _("收费台账"),
                "billing:rooms",
                match=(
                    "billing:room_ledger",
                    "billing:simulate_pay",
                    "billing:one_off_new",
                    "billing:adjustment_new",
                ),
            ),
            NavItem(
                _("公摊公示"),
                "billing:disclosures",
                allowed=lambda actor, estate: _meters("may_read_meters", actor),
                match=("billing:disclosure",),
            ),
            _fees(
                _("欠费催缴"),
                "billing:arrears",
                match=(
                    "billing:collection_room",
                    "billing:arrears_export",
                    "billing:dunning_notices_pdf",
                    "billing:dunning_notice_pdf",
                ),
            ),
            _fees(
                _("律师函审批"), "billing:lawyer_letters", match=("billing:lawyer_letter_decide",)
            ),
            _fees(_("缴费通知单"), "billing:notice_letters"),
            _fees(_("账单生成"), "billing:runs", match=("billing:run_new", "billing:run_detail")),
            _fees(_("收费标准"), "billing:charges"),
            _fees(_("分户水电费"), "billing:metered_bills"),
            _fees(
                _("收费报表"),
                "billing:fee_report",
                match=("billing:fee_income", "billing:fee_company"),
            ),
            _fees(_("发票管理"), "billing:invoices", match=("billing:payment_invoice",)),
            _fees(_("收银日结"), "billing:closing", match=("billing:closings",)),
            _fees(_("账单调整"), "billing:adjustments", match=("billing:refund_new",)),
            _fees(_("临时停车收费"), "billing:parking"),
        ),
    ),
    NavGroup("quality", _("品质管理"), QUALITY_ITEMS),
    NavGroup(
        "estate",
        _("项目资料"),
        (
            NavItem(_("项目概况"), "core:estate_overview", with_estate=True),
            NavItem(_("房屋"), "core:room_list", match=("core:room_detail", "core:room_create")),
            NavItem(_("业主住户"), "core:resident_list", match=("core:resident_detail",)),
            NavItem(_("员工"), "core:staff_list"),
            NavItem(_("维保单位"), "core:contractor_list"),
            NavItem(
                _("资料导入导出"),
                "core:roster",
                allowed=lambda actor, estate: actor.can_write_roster(estate),
            ),
            # The State Council's yearly holidays: executives and administrators enter them.
            NavItem(_("节假日安排"), "workflow:holidays", roles=frozenset({Role.EXECUTIVE})),
        ),
    ),
)


def navigation_for(actor: Actor, estate: Estate | None, view_name: str | None) -> list[dict]:
    """The groups and items this actor sees, the current page's item marked active. Each group
    lists all its ``items``, split into ``top`` (the role's own work, shown first) and ``more``
    (the role's rarely used pages, shown under 更多: ``nav_roles``)."""
    top_level = in_top_level(actor)
    groups = []
    for group in NAVIGATION:
        items = [
            {
                "label": item.label,
                "url": item.url(estate),
                "active": view_name is not None
                and (view_name == item.url_name or view_name in item.match),
                "more": not top_level(group, item),
            }
            for item in group.items
            if item.visible_to(actor, estate)
        ]
        if items:
            groups.append(
                {
                    "key": group.key,
                    "label": group.label,
                    "items": items,
                    "top": [i for i in items if not i["more"]],
                    "more": [i for i in items if i["more"]],
                }
            )
    # One page in all (a resident's rooms, a contractor's work): the home link is the menu.
    if sum(len(g["items"]) for g in groups) <= 1:
        return []
    return groups


def more_menu(groups: list[dict]) -> dict:
    """The 更多 group at the end of the menu: the groups with rarely used pages, and whether it
    starts open (only when the current page is one of them, so the user sees where they are)."""
    parts = [g for g in groups if g["more"]]
    return {"groups": parts, "open": any(i["active"] for g in parts for i in g["more"])}

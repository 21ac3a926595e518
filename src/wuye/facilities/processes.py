"""The declared processes of facilities (设施设备, manual ch.4), each under its own header."""

from django.utils.translation import gettext_lazy as _

from wuye.core.choices import STAFF_ROLES, DepartmentKind, Role
from wuye.workflow.engine import CREATED, Action, Clock, Process, State, register

from .choices import AnomalyStatus

# --- Equipment anomalies (设备异常, EQUIP-OPS-08/09) ----------------------------------------------
#
# EQUIP-OPS-03: monitoring → logging → anomaly handling → handover. An anomaly is reported (by an
# operator, from a log entry, from a round's checklist, by a monitoring alarm), engineering is
# notified at once and acknowledges it, then handles it: a false alarm is dismissed with its
# reason, a small matter is fixed on the spot, anything else becomes a fault (EQUIP-OPS-08: "启动
# 故障处理流程"; the fault process opens it with the anomaly's case).

A = AnomalyStatus
# Engineering (工程设备部) receives and handles anomalies; the executives oversee.
ENGINEERING = frozenset({Role.TECHNICIAN, Role.DEPARTMENT_HEAD, Role.EXECUTIVE})
# Anyone on duty may report one and add a note to it.
STAFF = frozenset(r for r in STAFF_ROLES if r != Role.AUDITOR)
ANOMALY_OPEN = (A.REPORTED, A.ACKNOWLEDGED)


def anomaly_page(case) -> str:
    from django.urls import reverse

    return reverse("facilities:anomaly_detail", args=[case.equipment_anomaly.pk])


EQUIPMENT_ANOMALY = register(
    Process(
        code="equipment_anomaly",
        label=_("设备异常"),
        prefix="YC",
        department=DepartmentKind.ENGINEERING,
        service="wuye.facilities.services.anomalies.anomaly_case_act",
        page=anomaly_page,
        states=(
            State(A.REPORTED, A.REPORTED.label),
            State(A.ACKNOWLEDGED, A.ACKNOWLEDGED.label),
            State(A.DISMISSED, A.DISMISSED.label, terminal=True),
            State(A.FAULT, A.FAULT.label, terminal=True),
            State(A.FIXED, A.FIXED.label, terminal=True),
        ),
        initial=A.REPORTED,
        actions=(
            Action("acknowledge", _("工程部接报"), (A.REPORTED,), A.ACKNOWLEDGED, ENGINEERING),
            Action(
                "dismiss",
                _("排除（误报）"),
                ANOMALY_OPEN,
                A.DISMISSED,
                ENGINEERING,
                note_required=True,
            ),
            Action("fix", _("现场已处理"), ANOMALY_OPEN, A.FIXED, ENGINEERING, note_required=True),
            # Taken by the fault process when it opens a fault from this anomaly.
            Action(
                "to_fault",
                _("转为故障处理"),
                ANOMALY_OPEN,
                A.FAULT,
                ENGINEERING,
                requires=("fault_case",),
            ),
            Action("comment", _("备注"), ANOMALY_OPEN, None, STAFF, note_required=True),
        ),
        clocks=(
            # EQUIP-OPS-09: engineering notified within 10 minutes of the anomaly being found
            # (24×7, from ``found_at``), stopped by engineering's acknowledgement (or by its
            # handling, which acknowledges it too); a breach goes to the engineering head and
            # the executives.
            Clock(
                "notify",
                "EQUIP-OPS-09",
                _("通知工程部时限"),
                10,
                "minutes",
                (CREATED,),
                ("acknowledge", "dismiss", "fix", "to_fault"),
                escalate_to=("department_head", "executive"),
                warn_count=1,
            ),
        ),
    )
)


# --- Equipment faults (设施设备故障处理流程, ch.4 §3, EQUIP-FAULT) -----------------------------
#
# EQUIP-FAULT-03: detection → report → on-site investigation → repair → acceptance test →
# feedback to owners → summary. Opening the case is the detection, and the report to
# engineering and customer service goes out with it (EQUIP-FAULT-05). The repair clocks start at
# the report time (start point implied) and stop at the repair handed in; a failed acceptance run
# rejects that repair, so they reopen with their original due times (DESIGN.md, rework).

FAULT_ENGINEERING = frozenset({Role.TECHNICIAN, Role.DEPARTMENT_HEAD, Role.EXECUTIVE})
FAULT_DESK = frozenset({Role.CS_AGENT, Role.DEPARTMENT_HEAD, Role.EXECUTIVE})
FAULT_HANDS = FAULT_ENGINEERING | frozenset({Role.CONTRACTOR})
FAULT_REPORTERS = frozenset({Role.DEPARTMENT_HEAD, Role.EXECUTIVE})
FAULT_OPEN = ("reported", "investigating", "repairing", "testing", "feedback", "summary")
FAULT_WORKING = ("reported", "investigating", "repairing")
GENERAL = (("severity", "general"),)
MAJOR = (("severity", "major"),)
ENTRAPMENT = (("entrapment", "yes"),)
# A breach of either 30-minute entrapment clock goes to the emergency command group
# (EMERG-LIFT-06): the engine's role "command_group", resolved by the emergencies app to the
# estate's (or company's) group, the executives where it has nobody.
COMMAND_GROUP = ("department_head", "command_group")


def fault_page(case) -> str:
    from django.urls import reverse

    return reverse("facilities:fault_detail", args=[case.fault.pk])


EQUIPMENT_FAULT = register(
    Process(
        code="equipment_fault",
        label=_("设备故障"),
        prefix="GZ",
        department=DepartmentKind.ENGINEERING,  # EQUIP-FAULT-02: engineering repairs on site
        service="wuye.facilities.services.faults.fault_case_act",
        page=fault_page,
        states=(
            State("reported", _("已上报待到场")),
            State("investigating", _("现场排查")),
            State("repairing", _("维修中")),
            State("testing", _("待验收")),
            State("feedback", _("待反馈业主")),
            State("summary", _("待总结")),
            State("closed", _("已关闭"), terminal=True),
        ),
        initial="reported",
        actions=(
            Action("arrive", _("到达现场"), ("reported",), "investigating", FAULT_ENGINEERING),
            Action("investigate", _("排查结论"), ("investigating",), "repairing", FAULT_HANDS,
                   note_required=True),
            # EQUIP-FAULT-06 (and EMERG-LIFT-05: the desk calls the contractor to a trapped lift).
            Action("call_contractor", _("联系维保单位"), FAULT_WORKING, None,
                   FAULT_ENGINEERING | FAULT_DESK, requires=("contractor",)),
            Action("contractor_arrive", _("维保单位到场"), FAULT_WORKING, None, FAULT_HANDS),
            # EQUIP-FAULT-11: the trapped persons are freed.
            Action("rescue", _("被困人员已解救"), FAULT_WORKING, None, FAULT_HANDS),
            Action("repair_done", _("维修完成"), ("repairing",), "testing", FAULT_HANDS,
                   note_required=True),
            # EQUIP-FAULT-07: engineering staff test; a run that is not normal refuses the repair.
            Action("test_run", _("试运行正常"), ("testing",), None, FAULT_ENGINEERING),
            Action("test_fail", _("试运行异常"), ("testing",), "repairing", FAULT_ENGINEERING,
                   note_required=True, rejects=True),
            Action("accept", _("验收合格"), ("testing",), "feedback", FAULT_ENGINEERING),
            # EQUIP-FAULT-08/14: customer service tells the owners; progress while it lasts.
            Action("inform", _("通报业主"), FAULT_OPEN[:-1], None, FAULT_DESK,
                   requires=("body",)),
            Action("inform_outcome", _("反馈处理结果"), ("feedback",), "summary", FAULT_DESK,
                   requires=("body",)),
            # EQUIP-FAULT-09: the report closes the fault.
            Action("write_report", _("形成故障处理报告"), ("summary",), "closed",
                   FAULT_REPORTERS),
            Action("reclassify", _("调整故障等级"), FAULT_WORKING, None, FAULT_ENGINEERING,
                   requires=("severity",), updates=("severity",), note_required=True),
            Action("link_repair", _("关联报修单"), FAULT_OPEN, None, FAULT_ENGINEERING,
                   requires=("order",)),
            Action("comment", _("备注"), (*FAULT_OPEN, "closed"), None, FAULT_HANDS | FAULT_DESK,
                   note_required=True),
        ),
        clocks=(
            Clock("repair_general", "EQUIP-FAULT-12", _("修复时限"), 24, "hours", (CREATED,),
                  ("repair_done",), only_if=GENERAL),
            Clock("repair_major", "EQUIP-FAULT-13", _("修复时限"), 48, "hours", (CREATED,),
                  ("repair_done",), only_if=MAJOR),
            # EQUIP-FAULT-10 / EMERG-LIFT-04: on site within 5 minutes of the alarm.
            Clock("on_site", "EQUIP-FAULT-10", _("到场时限"), 5, "minutes", (CREATED,),
                  ("arrive",), only_if=ENTRAPMENT),
            Clock("rescue", "EQUIP-FAULT-11", _("解救时限"), 30, "minutes", (CREATED,),
                  ("rescue",), only_if=ENTRAPMENT, escalate_to=COMMAND_GROUP),
            # EMERG-LIFT-05/06: the contractor on site within 30 minutes of the call.
            Clock("contractor_on_site", "EMERG-LIFT-05", _("维保单位到场时限"), 30, "minutes",
                  ("call_contractor",), ("contractor_arrive",), only_if=ENTRAPMENT,
                  escalate_to=COMMAND_GROUP),
        ),
    )
)  # fmt: skip

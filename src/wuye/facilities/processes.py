"""The processes of facilities (设施设备, manual ch.4) as the engine runs them."""

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

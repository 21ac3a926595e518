"""The declared process of emergencies (应急处理, manual ch.7).

``emergency_incident`` (突发事件, ``YJ-…``): every emergency and every drill is one case. It is
opened by the desk, a resident's call, a monitoring alarm or a plan (a planned outage), runs the
steps of its response plan in the manual's order (EMERG-LIFT-02, EMERG-OUTAGE-03,
EMERG-HEALTH-03) and the tasks under them, ends (处置结束) into the follow-up, and closes with
its report. A false alarm is cancelled with its reason.

Clocks (DESIGN.md, "Where the manual contradicts itself"): for an entrapment the guard's five
minutes from the alarm run here (EMERG-LIFT-04); the engineering's five minutes, the rescue's
thirty from the alarm and the contractor's thirty from the call run on the lift's equipment
fault (EQUIP-FAULT-10/11, EMERG-LIFT-05), whose breaches go to the command group
(EMERG-LIFT-06). "立即" (EMERG-HEALTH-04) is given a clock of its own below.

Each topic keeps its actions and clocks in its own block; the process joins them.
"""

from django.utils.translation import gettext_lazy as _

from wuye.core.choices import STAFF_ROLES, DepartmentKind, Role
from wuye.workflow.engine import CREATED, SYSTEM, Action, Clock, Process, State, register

from .choices import IncidentKind
from .choices import IncidentStatus as S

# Everyone on duty (not the auditors) may report and note; the maintenance contractor works
# the rescue.
STAFF = frozenset(r for r in STAFF_ROLES if r != Role.AUDITOR)
HANDS = STAFF | frozenset({Role.CONTRACTOR})
# The command group decides (EMERG-01): executives; department heads lead their groups.
COMMANDERS = frozenset({Role.EXECUTIVE, Role.DEPARTMENT_HEAD})
# Customer service informs and follows up (EMERG-LIFT-09, EMERG-OUTAGE-02, EMERG-HEALTH-07).
DESK = frozenset({Role.CS_AGENT, Role.DEPARTMENT_HEAD, Role.EXECUTIVE})
GUARDS = frozenset({Role.GUARD, Role.DEPARTMENT_HEAD, Role.EXECUTIVE})
OPEN = (S.ACTIVE, S.FOLLOWUP)
# The engine's escalation role for the emergency command group (EMERG-01, EMERG-LIFT-06):
# resolved by ``wuye.emergency.services.groups`` to the estate's (or company's) group.
COMMAND_GROUP = "command_group"


def kind_is(kind: IncidentKind) -> tuple[tuple[str, str], ...]:
    return (("kind", kind.value),)


def incident_page(case) -> str:
    from django.urls import reverse

    return reverse("emergency:incident_detail", args=[case.incident.pk])


# --- Incidents: levels, paging, plan steps, tasks, report ----------------------------------------
INCIDENT_ACTIONS = (
    Action("acknowledge", _("确认收到"), OPEN, None, STAFF),
    Action("relevel", _("调整响应级别"), (S.ACTIVE,), None, COMMANDERS | {Role.CS_AGENT},
           requires=("level",), updates=("level",), note_required=True),
    Action("step", _("完成处置步骤"), OPEN, None, HANDS, requires=("step",)),
    Action("task_add", _("布置任务"), OPEN, None, STAFF, requires=("task",)),
    Action("task_done", _("完成任务"), OPEN, None, HANDS, requires=("task",)),
    Action("contact", _("联络外部单位"), OPEN, None, STAFF, requires=("party",)),
    Action("release", _("发布信息"), OPEN, None, DESK, requires=("release",)),
    Action("draw", _("领用应急物资"), OPEN, None, STAFF, requires=("item",)),
    Action("end", _("处置结束"), (S.ACTIVE,), S.FOLLOWUP, COMMANDERS | {Role.CS_AGENT},
           note_required=True),
    Action("followup", _("回访"), (S.FOLLOWUP,), None, DESK, requires=("followup",)),
    Action("write_report", _("形成事件报告"), (S.FOLLOWUP,), S.CLOSED, DESK,
           requires=("report",)),
    Action("cancel", _("撤销（误报）"), (S.ACTIVE,), S.CANCELLED, COMMANDERS | {Role.CS_AGENT},
           note_required=True),
    Action("comment", _("备注"), (*OPEN, S.CLOSED), None, HANDS, note_required=True),
)  # fmt: skip
INCIDENT_CLOCKS: tuple = ()


# --- Elevator entrapment (EMERG-LIFT) -------------------------------------------------------------
LIFT_ACTIONS = (
    # EMERG-LIFT-04: the guard on site, reassuring over the intercom.
    Action("guard_arrive", _("秩序员到场安抚"), (S.ACTIVE,), None, GUARDS),
)  # fmt: skip
LIFT_CLOCKS = (
    Clock("guard_on_site", "EMERG-LIFT-04", _("秩序员到场时限"), 5, "minutes", (CREATED,),
          ("guard_arrive",), only_if=kind_is(IncidentKind.ENTRAPMENT),
          escalate_to=("department_head", COMMAND_GROUP)),
)  # fmt: skip


# --- Water and power outages (EMERG-OUTAGE) -------------------------------------------------------
# Engineering investigates and restores (EMERG-OUTAGE-02); customer service records the
# restoration it reports, because the restoration is announced to the households with it, and
# only customer service releases information.
ENGINEERS = frozenset({Role.TECHNICIAN, Role.DEPARTMENT_HEAD, Role.EXECUTIVE})
OUTAGE_ACTIONS = (
    # EMERG-OUTAGE-09: the cause found by engineering, recorded on the outage.
    Action("find_cause", _("记录故障原因"), OPEN, None, ENGINEERS, requires=("cause",)),
    # EMERG-OUTAGE-10: the water or power utility called, with time and reference.
    Action("call_utility", _("联系供水/供电部门"), OPEN, None, STAFF),
    # Restoration: elevators back in service, the households told, the follow-up sample drawn.
    Action("restore", _("恢复供应"), (S.ACTIVE,), None, DESK, note_required=True),
    # EMERG-OUTAGE-11: one call to a sampled household.
    Action("sample_call", _("回访抽样住户"), OPEN, None, DESK, requires=("followup",)),
)  # fmt: skip
OUTAGE_CLOCKS: tuple = ()
# EMERG-OUTAGE-07/08/12/13: a provision task past its due time is told to its department's head,
# then to the command group — the scheduler's own step (``services.outage_overdue``), on the
# incident's timeline. Each task has its own due time, so this is not one of the case's clocks.
OUTAGE_SWEEP_ACTIONS = (
    Action("task_overdue", _("保障任务超时升级"), OPEN, None, frozenset({SYSTEM})),
)  # fmt: skip


# --- Public health (EMERG-HEALTH) -----------------------------------------------------------------
HEALTH_ACTIONS = (
    # EMERG-HEALTH-04: reported at once to the disease-control authority.
    Action("report_authority", _("上报疾控部门"), OPEN, None, STAFF, requires=("contact",)),
    # EMERG-HEALTH-02/05: the command group decides a closure (and the disinfection plan it
    # starts); the order department sets up the cordon, its task (EMERG-HEALTH-10).
    Action("close_area", _("封闭管控"), OPEN, None, COMMANDERS, requires=("closure",)),
    Action("lift_closure", _("解除封闭"), OPEN, None, COMMANDERS, requires=("closure",)),
    # EMERG-HEALTH-09: after the last closure ended, the whole estate is disinfected before
    # normal order is restored (the incident's end).
    Action("final_disinfection", _("安排全面消毒"), OPEN, None, COMMANDERS),
)  # fmt: skip
HEALTH_CLOCKS = (
    # EMERG-HEALTH-04 "立即上报": the command group is paged in the opening transaction; the
    # call to disease control is a person's, given 30 minutes from the report (our reading of
    # "立即", an estate may shorten it), its breach told to the command group.
    Clock("authority", "EMERG-HEALTH-04", _("上报疾控时限"), 30, "minutes", (CREATED,),
          ("report_authority",), only_if=kind_is(IncidentKind.HEALTH),
          escalate_to=(COMMAND_GROUP,)),
)  # fmt: skip


INCIDENT = register(
    Process(
        code="emergency_incident",
        label=_("突发事件"),
        prefix="YJ",
        department=DepartmentKind.CUSTOMER_SERVICE,
        service="wuye.emergency.services.incidents.incident_case_act",
        page=incident_page,
        states=(
            State(S.ACTIVE, S.ACTIVE.label),
            State(S.FOLLOWUP, S.FOLLOWUP.label),
            State(S.CLOSED, S.CLOSED.label, terminal=True),
            State(S.CANCELLED, S.CANCELLED.label, terminal=True),
        ),
        initial=S.ACTIVE,
        actions=(
            *INCIDENT_ACTIONS,
            *LIFT_ACTIONS,
            *OUTAGE_ACTIONS,
            *OUTAGE_SWEEP_ACTIONS,
            *HEALTH_ACTIONS,
        ),
        clocks=(*INCIDENT_CLOCKS, *LIFT_CLOCKS, *OUTAGE_CLOCKS, *HEALTH_CLOCKS),
    )
)

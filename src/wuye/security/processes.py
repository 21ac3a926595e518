"""The declared processes of security (秩序消防, manual ch.6), each under its own header."""

from django.utils.translation import gettext_lazy as _

from wuye.core.choices import STAFF_ROLES, DepartmentKind, Role
from wuye.workflow.engine import CREATED, Action, Clock, Process, State, register

from .choices import IncidentStatus, ObstructionStatus

# --- Guards ---
#
# FIRE-14 / VEHICLE-12: a fire lane blocked, or an e-bike parked in a corridor or stairwell, found
# on patrol is a case with photos: the owner told when known, re-checked until it is clear (a
# failed re-check keeps it open and plans the next one). GUARD-11: a suspicious person is an
# incident (治安事件): questioned at once, the order department's head told at once, a 110 call
# recorded where needed.


# GUARD-02: the order department plans and inspects; guards do the work.
ORDER_TEAM = frozenset({Role.GUARD, Role.DEPARTMENT_HEAD, Role.EXECUTIVE})
ORDER_LEADS = frozenset({Role.DEPARTMENT_HEAD, Role.EXECUTIVE})
OB = ObstructionStatus
IN = IncidentStatus
INCIDENT_OPEN = (IN.REPORTED, IN.QUESTIONED)


def obstruction_page(case) -> str:
    from django.urls import reverse

    return reverse("security:obstruction_detail", args=[case.security_obstruction.pk])


def incident_page(case) -> str:
    from django.urls import reverse

    return reverse("security:incident_detail", args=[case.security_incident.pk])


OBSTRUCTION = register(
    Process(
        code="security_obstruction",
        label=_("通道堵塞"),
        prefix="DS",
        department=DepartmentKind.ORDER,
        service="wuye.security.services.obstructions.obstruction_case_act",
        page=obstruction_page,
        states=(State(OB.OPEN, OB.OPEN.label), State(OB.CLEARED, OB.CLEARED.label, terminal=True)),
        initial=OB.OPEN,
        actions=(
            Action("notify_owner", _("通知业主清理"), (OB.OPEN,), None, ORDER_TEAM),
            # A failed re-check keeps it open and plans the next (FIRE-14).
            Action("recheck_fail", _("复查未清理"), (OB.OPEN,), None, ORDER_TEAM, photos=1),
            Action("recheck_pass", _("复查已清除"), (OB.OPEN,), OB.CLEARED, ORDER_TEAM, photos=1),
            Action("comment", _("备注"), (OB.OPEN,), None, ORDER_TEAM, note_required=True),
        ),
    )
)

INCIDENT = register(
    Process(
        code="security_incident",
        label=_("治安事件"),
        prefix="ZA",
        department=DepartmentKind.ORDER,
        service="wuye.security.services.incidents.incident_case_act",
        page=incident_page,
        states=(
            State(IN.REPORTED, IN.REPORTED.label),
            State(IN.QUESTIONED, IN.QUESTIONED.label),
            State(IN.CLOSED, IN.CLOSED.label, terminal=True),
        ),
        initial=IN.REPORTED,
        actions=(
            Action("question", _("上前询问"), (IN.REPORTED,), IN.QUESTIONED, ORDER_TEAM,
                   note_required=True),
            Action("call_police", _("记录报警"), INCIDENT_OPEN, None, ORDER_TEAM,
                   requires=("called_at", "police_ref")),
            Action("close", _("处置完毕"), INCIDENT_OPEN, IN.CLOSED, ORDER_TEAM,
                   note_required=True),
            Action("comment", _("备注"), INCIDENT_OPEN, None, ORDER_TEAM, note_required=True),
        ),
    )
)  # fmt: skip


def _guard_open_items(post, at) -> list[dict]:
    """GUARD-03: what a guard hands over besides their own notes — the estate's open fire-lane
    and corridor obstructions and open security incidents."""
    from django.urls import reverse
    from django.utils.translation import gettext as _t

    from .models import Obstruction, SecurityIncident

    items = []
    for o in Obstruction.objects.filter(estate_id=post.estate_id, cleared_at__isnull=True)[:20]:
        items.append(
            {
                "text": _t("%(kind)s：%(location)s，待复查清除")
                % {"kind": o.get_kind_display(), "location": o.location},
                "ref": f"security.obstruction:{o.pk}",
                "url": reverse("security:obstruction_detail", args=[o.pk]),
            }
        )
    incidents = SecurityIncident.objects.filter(
        estate_id=post.estate_id, case__status__in=INCIDENT_OPEN
    )[:20]
    for i in incidents:
        items.append(
            {
                "text": _t("治安事件：%(location)s %(description)s")
                % {"location": i.location, "description": i.description[:60]},
                "ref": f"security.incident:{i.pk}",
                "url": reverse("security:incident_detail", args=[i.pk]),
            }
        )
    return items


def _register_guard_open_items() -> None:
    """GUARD-03: open obstructions and incidents are handed over at the guards' posts."""
    from wuye.fieldwork.services.shifts import register_open_items

    for kind in ("gate", "patrol"):
        register_open_items(kind, _guard_open_items)


_register_guard_open_items()


# --- Fire facilities and their checks ---
#
# FIRE-06: an expired or under-pressure extinguisher (from its data, found by the daily sweep, or
# from a guard's check) is replaced promptly. The manual says "及时" and gives no number: the
# default is 3 calendar days (24×7: a missing extinguisher is a gap in the fire cover every day,
# and a refill or a new one is bought locally within a day or two); an estate changes it with
# an SLA target (workflow.SlaTarget, process ``fire_replacement``, clock ``replace``). A breach
# goes to engineering's head, then the executives. Engineering replaces (FIRE-01: 工程设备部
# maintains the fire facilities); the replacement records the new expiry and pressure.

FIRE_ENGINEERING = frozenset({Role.TECHNICIAN, Role.DEPARTMENT_HEAD, Role.EXECUTIVE})
FIRE_STAFF = frozenset(r for r in STAFF_ROLES if r != Role.AUDITOR)
REPLACEMENT_DAYS = 3


def fire_replacement_page(case) -> str:
    from django.urls import reverse

    return reverse("security:fire_replacement_detail", args=[case.fire_replacement.pk])


FIRE_REPLACEMENT = register(
    Process(
        code="fire_replacement",
        label=_("灭火器更换"),
        prefix="MH",
        department=DepartmentKind.ENGINEERING,
        service="wuye.security.services.fire_checks.fire_replacement_case_act",
        page=fire_replacement_page,
        states=(
            State("open", _("待更换")),
            State("replaced", _("已更换"), terminal=True),
        ),
        initial="open",
        actions=(
            Action("replace", _("已更换"), ("open",), "replaced", FIRE_ENGINEERING,
                   requires=("expires_on",)),
            Action("comment", _("备注"), ("open",), None, FIRE_STAFF, note_required=True),
        ),
        clocks=(
            Clock("replace", "FIRE-06", _("灭火器更换时限"), REPLACEMENT_DAYS, "days",
                  (CREATED,), ("replace",)),
        ),
    )
)  # fmt: skip

FIRE_CHECK_KIND = "fire_check"  # the schedules' kind of the guards' fire facility checks


# --- Fire events (火灾处理, FIRE-02/08..12; 消防演练, FIRE-13) -----------------------------------
#
# FIRE-02's order: reported (报警) → initial firefighting (扑救) → evacuation (疏散) → aftermath
# (善后) → closed. The order department (秩序管理部) handles fires (FIRE-01). Where the
# emergencies app (ch.7) is built, a fire is an incident of its level there; until then it is
# its own case.


# Whoever finds a fire on duty may report it and write on its timeline.
FIRE_REPORTERS = frozenset(
    {Role.GUARD, Role.CS_AGENT, Role.TECHNICIAN, Role.CLEANER, Role.GARDENER,
     Role.DEPARTMENT_HEAD, Role.EXECUTIVE}
)  # fmt: skip
# The order department's guards and the managers run the fire's steps (FIRE-01).
FIRE_HANDLERS = frozenset({Role.GUARD, Role.DEPARTMENT_HEAD, Role.EXECUTIVE})
FIRE_OPEN = ("reported", "fighting", "evacuating", "aftermath")


def fire_page(case) -> str:
    from django.urls import reverse

    return reverse("security:fire_detail", args=[case.fire.pk])


FIRE_INCIDENT = register(
    Process(
        code="fire_incident",
        label=_("火灾"),
        prefix="HZ",
        department=DepartmentKind.ORDER,
        service="wuye.security.services.fires.fire_case_act",
        page=fire_page,
        states=(
            State("reported", _("已报警")),
            State("fighting", _("初期扑救")),
            State("evacuating", _("人员疏散")),
            State("aftermath", _("善后处理")),
            State("closed", _("已结案"), terminal=True),
        ),
        initial="reported",
        actions=(
            # FIRE-08: the 119 call, when it was not made before the report.
            Action("call_119", _("已拨打119"), FIRE_OPEN[:3], None, FIRE_REPORTERS),
            # FIRE-10: initial firefighting with the fire facilities; a large fire waits for the
            # fire brigade instead.
            Action("fight", _("开始初期扑救"), ("reported",), "fighting", FIRE_HANDLERS,
                   requires=("facilities",)),
            Action("await_brigade", _("火势较大，等待消防人员"), ("reported",), "fighting",
                   FIRE_HANDLERS),
            Action("brigade_arrive", _("消防人员已到场"), FIRE_OPEN[:3], None, FIRE_HANDLERS),
            Action("upgrade", _("火势扩大"), ("reported", "fighting"), None, FIRE_HANDLERS,
                   requires=("size",), updates=("size",)),
            # FIRE-11 / VEHICLE-13: evacuation along the fire escape routes, never the lifts.
            Action("evacuate", _("开始疏散"), ("fighting",), "evacuating", FIRE_HANDLERS),
            Action("evacuated", _("疏散完成"), ("evacuating",), "aftermath", FIRE_HANDLERS,
                   requires=("checklist",)),
            # FIRE-12: investigation, cause, site cleared, order restored.
            Action("close", _("善后完成，结案"), ("aftermath",), "closed", FIRE_HANDLERS,
                   requires=("cause",)),
            Action("comment", _("现场情况"), (*FIRE_OPEN, "closed"), None, FIRE_REPORTERS,
                   note_required=True),
        ),
        clocks=(
            # FIRE-08: 119 at once — a report made before the call starts a 5-minute clock.
            Clock("call_119", "FIRE-08", _("拨打119"), 5, "minutes", (CREATED,), ("call_119",),
                  only_if=(("called_119", "no"),), escalate_to=("department_head", "executive"),
                  warn_count=1),
        ),
    )
)  # fmt: skip


# FIRE-13: a drill is planned, started (an exercise of the fire plan), then carried out
# (with photos) or cancelled.
DRILL_PLANNERS = frozenset({Role.GUARD, Role.DEPARTMENT_HEAD, Role.EXECUTIVE})


def drill_page(case) -> str:
    from django.urls import reverse

    return reverse("security:drill_detail", args=[case.drill.pk])


FIRE_DRILL = register(
    Process(
        code="fire_drill",
        label=_("消防演练"),
        prefix="YL",
        department=DepartmentKind.ORDER,
        service="wuye.security.services.drills.drill_case_act",
        page=drill_page,
        states=(
            State("planned", _("计划中")),
            State("done", _("已完成"), terminal=True),
            State("cancelled", _("已取消"), terminal=True),
        ),
        initial="planned",
        actions=(
            # FIRE-13 + ch.7: the drill begins as an exercise incident of the fire plan.
            Action("start", _("开始演练"), ("planned",), None, DRILL_PLANNERS),
            Action("record", _("记录演练"), ("planned",), "done", DRILL_PLANNERS, photos=1,
                   requires=("summary",)),
            Action("cancel", _("取消演练"), ("planned",), "cancelled", DRILL_PLANNERS,
                   note_required=True),
            Action("comment", _("备注"), ("planned", "done"), None, DRILL_PLANNERS,
                   note_required=True),
        ),
    )
)  # fmt: skip

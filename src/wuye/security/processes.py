"""The declared processes of security (秩序消防, manual ch.6), each under its own header."""

# --- Fire events (火灾处理, FIRE-02/08..12; 消防演练, FIRE-13) -----------------------------------
#
# FIRE-02's order: reported (报警) → initial firefighting (扑救) → evacuation (疏散) → aftermath
# (善后) → closed. The order department (秩序管理部) handles fires (FIRE-01). Where the
# emergencies app (ch.7) is built, a fire is an incident of its level there; until then it is
# its own case.

from django.utils.translation import gettext_lazy as _

from wuye.core.choices import DepartmentKind, Role
from wuye.workflow.engine import CREATED, Action, Clock, Process, State, register

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


# FIRE-13: a drill is planned, then carried out (with photos) or cancelled.
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
            Action("record", _("记录演练"), ("planned",), "done", DRILL_PLANNERS, photos=1,
                   requires=("summary",)),
            Action("cancel", _("取消演练"), ("planned",), "cancelled", DRILL_PLANNERS,
                   note_required=True),
            Action("comment", _("备注"), ("planned", "done"), None, DRILL_PLANNERS,
                   note_required=True),
        ),
    )
)  # fmt: skip

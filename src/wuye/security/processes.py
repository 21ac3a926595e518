"""The declared processes of security (秩序消防, manual ch.6), each under its own header."""

from django.utils.translation import gettext_lazy as _

from wuye.core.choices import STAFF_ROLES, DepartmentKind, Role
from wuye.fieldwork.processes import register_followup
from wuye.workflow.engine import CREATED, Action, Clock, Process, State, register

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


def _fire_check_followup(answer, by):
    # A flagged answer of a fire check: FIRE-06's replacement for an extinguisher's pressure or
    # expiry, else field work's generic follow-up (整改). By its dotted path, as a process names
    # its service: the services import this module.
    from django.utils.module_loading import import_string

    opener = import_string("wuye.security.services.fire_checks.fire_check_followup")
    return opener(answer, by)


register_followup(FIRE_CHECK_KIND, _fire_check_followup)

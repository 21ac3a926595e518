"""The declared processes of security (秩序消防, manual ch.6), each under its own header."""

# --- Guards ---
#
# FIRE-14 / VEHICLE-12: a fire lane blocked, or an e-bike parked in a corridor or stairwell, found
# on patrol is a case with photos: the owner told when known, re-checked until it is clear (a
# failed re-check keeps it open and plans the next one). GUARD-11: a suspicious person is an
# incident (治安事件): questioned at once, the order department's head told at once, a 110 call
# recorded where needed.

from django.utils.translation import gettext_lazy as _

from wuye.core.choices import DepartmentKind, Role
from wuye.workflow.engine import Action, Process, State, register

from .choices import IncidentStatus, ObstructionStatus

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

"""The declared processes of environment (环境管理, manual ch.5), and the schedule kinds of its
planned work.

- ``environment_rectification`` (环境整改, ``HJ-…``): a zone or green area that failed its
  inspection (CLEAN-15, GREEN-11): open → done by the responsible cleaner or gardener (待复查)
  → closed when the re-check passes; a failed re-check sends it back (a rejection: the work was
  not accepted, so the deadline clock counts from the first opening). The deadline is set per
  rectification by the department (the manual gives none): the clock ``rectify`` runs to the
  case's own ``due`` in hours, escalating to the environment department's head.
"""

from django.utils.translation import gettext_lazy as _

from wuye.core.choices import DepartmentKind, Role
from wuye.workflow.engine import CREATED, Action, Clock, Process, State, register

from .choices import RectificationStatus

# CLEAN-02 / GREEN-02: the environment department plans and inspects; cleaners and gardeners
# do the work.
ENVIRONMENT_LEADS = frozenset({Role.DEPARTMENT_HEAD, Role.EXECUTIVE})
ENVIRONMENT_WORKERS = frozenset({Role.CLEANER, Role.GARDENER})
ENVIRONMENT_TEAM = ENVIRONMENT_LEADS | ENVIRONMENT_WORKERS

# The schedule kinds (``workflow.Schedule.kind``) of the environment's planned work.
CLEANING_KIND = "cleaning"  # CLEAN-05: a line of the cleaning plan
GREENING_KIND = "greening"  # GREEN-05: a line of the greening plan
PATROL_KIND = "environment_patrol"  # CLEAN-12: the department's daily patrol
SPOT_CHECK_KIND = "environment_spot_check"  # CLEAN-13: the weekly spot check
GREEN_CHECK_KIND = "green_check"  # GREEN-11: the weekly greening inspection
STORE_CHECK_KIND = "store_check"  # CLEAN-17: the store's monthly check

RS = RectificationStatus
# Hours a rectification is given unless the inspector sets another deadline.
RECTIFY_HOURS_DEFAULT = 24


def rectification_page(case) -> str:
    from django.urls import reverse

    return reverse("environment:rectification_detail", args=[case.environment_rectification.pk])


RECTIFICATION = register(
    Process(
        code="environment_rectification",
        label=_("环境整改"),
        prefix="HJ",
        department=DepartmentKind.ENVIRONMENT,
        service="wuye.environment.services.rectifications.rectification_case_act",
        page=rectification_page,
        states=(
            State(RS.OPEN, RS.OPEN.label),
            State(RS.DONE, RS.DONE.label),
            State(RS.CLOSED, RS.CLOSED.label, terminal=True),
        ),
        initial=RS.OPEN,
        actions=(
            Action("done", _("整改完成"), (RS.OPEN,), RS.DONE, ENVIRONMENT_TEAM,
                   note_required=True),
            Action("recheck_pass", _("复查合格"), (RS.DONE,), RS.CLOSED, ENVIRONMENT_LEADS),
            Action("recheck_fail", _("复查不合格，退回整改"), (RS.DONE,), RS.OPEN,
                   ENVIRONMENT_LEADS, note_required=True, rejects=True),
            Action("comment", _("备注"), (RS.OPEN, RS.DONE), None, ENVIRONMENT_TEAM,
                   note_required=True),
        ),
        clocks=(
            Clock("rectify", "CLEAN-15", _("整改期限"), RECTIFY_HOURS_DEFAULT, "hours",
                  (CREATED,), ("done",), escalate_to=("assignee", "department_head")),
        ),
    )
)  # fmt: skip

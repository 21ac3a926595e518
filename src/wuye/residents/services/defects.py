"""House defects found at the inspection (MOVEIN-07: fixed within 7 working days) and follow-up
needs routed to a department."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet

from wuye.core.scoping import Actor, get_or_404, visible_estates
from wuye.workflow import services as engine

from ..models import FollowUpTask, HouseDefect
from ..processes import ENGINEERS, STAFF
from .common import _actor

# --- House defects (MOVEIN-07) and needs --------------------------------------------------------


def house_defect_list(*, actor: Actor) -> QuerySet[HouseDefect]:
    qs = HouseDefect.objects.select_related(
        "case", "move_in__room__building", "move_in__room__unit", "move_in__resident",
        "move_in__batch",
    ).prefetch_related("case__clocks")  # fmt: skip
    if actor.is_superuser:
        return qs
    if actor.staff is None:
        return qs.none()
    return qs.filter(move_in__batch__estate__in=visible_estates(actor))


@transaction.atomic
def house_defect_act(
    *, defect: HouseDefect | int, action: str, by, note: str = "", data: dict | None = None,
    attachments: list | None = None, assignee=None,
) -> HouseDefect:  # fmt: skip
    """A step of a house defect: fixed (the clock stops), accepted by the owner, or sent back."""
    actor = _actor(by)
    qs = house_defect_list(actor=actor).select_for_update(no_key=True, of=("self",)).order_by()
    defect = get_or_404(qs, defect.pk if isinstance(defect, HouseDefect) else defect)
    result = engine.case_act(
        case=defect.case, action=action, by=actor, note=note, data=data or {},
        attachments=attachments, assignee=assignee,
    )  # fmt: skip
    defect.case = result.case
    return defect


def house_defect_case_act(*, case, action: str, by, **kwargs) -> HouseDefect:
    """The house-defect process's service for the generic case page and API."""
    return house_defect_act(defect=case.house_defect, action=action, by=by, **kwargs)


def follow_up_list(*, actor: Actor, department: str = "") -> QuerySet[FollowUpTask]:
    """The needs routed to departments (MOVEIN-11); ``department``: only that one's."""
    qs = FollowUpTask.objects.select_related(
        "case", "move_in__room__building", "move_in__room__unit", "move_in__resident"
    )
    if not actor.is_superuser:
        if actor.staff is None or actor.role not in STAFF | ENGINEERS:
            return qs.none()
        qs = qs.filter(move_in__batch__estate__in=visible_estates(actor))
    if department:
        qs = qs.filter(department=department)
    return qs

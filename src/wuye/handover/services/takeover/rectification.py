"""Rectification (TAKEOVER-06/07): defects under a 《整改通知书》, fixed within 15 working days, re-
inspected."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.exceptions import Conflict
from wuye.core.models import Estate
from wuye.handover.choices import DefectStatus, TakeoverStatus
from wuye.handover.models import (
    RectificationNotice,
    TakeoverDefect,
    TakeoverPlan,
)
from wuye.handover.processes import TAKEOVER, TAKEOVER_DEFECT
from wuye.handover.services.takeover.common import _plan_locked
from wuye.workflow import services as engine

from .common import NOTICE_PREFIX, _actor, _in_scope, _require

# --- Rectification (TAKEOVER-06/07) ---------------------------------------------------------------


def _notice_number(estate: Estate, at: dt.datetime) -> str:
    # Per estate and day (the case counter); the estate's id keeps it unique across estates.
    number = engine.case_number_next(estate=estate, prefix=NOTICE_PREFIX, at=at)
    return number.replace(f"{NOTICE_PREFIX}-", f"{NOTICE_PREFIX}-{estate.pk}-", 1)


@transaction.atomic
def rectification_notice_issue(
    *, plan: TakeoverPlan, by, defects: list[TakeoverDefect] | None = None
) -> RectificationNotice:
    """《整改通知书》 (TAKEOVER-06) to the developer for the plan's defects waiting for one (or the
    ones named): each defect's case gets ``notify``, which starts its 15-working-day clock on the
    engine's calendar (TAKEOVER-07); the notice's deadline is that clock's due time. Issuing the
    first notice moves the plan from the on-site inspection into rectification (TAKEOVER-03)."""
    actor = _actor(by)
    _in_scope(actor, plan.project.estate_id)
    _require(actor, TAKEOVER_DEFECT.action("notify").roles,
             _("只有部门负责人或公司管理层可以发出整改通知书"))  # fmt: skip
    plan = _plan_locked(plan)
    if plan.case.status not in (TakeoverStatus.INSPECTING, TakeoverStatus.RECTIFYING):
        raise Conflict(
            _("接管验收当前为“%(status)s”，不能发出整改通知书")
            % {"status": TAKEOVER.state(plan.case.status).label},
            code="invalid_state",
        )
    waiting = plan.defects.select_for_update(of=("self",)).filter(
        case__status=DefectStatus.FOUND, notice__isnull=True
    )
    if defects is not None:
        waiting = waiting.filter(pk__in=[d.pk for d in defects])
    waiting = list(waiting.select_related("case").order_by("id"))
    if not waiting or (defects is not None and len(waiting) != len({d.pk for d in defects})):
        raise Conflict(_("没有待发整改通知的问题"), code="nothing_to_notify")
    estate = plan.project.estate
    now = timezone.now()
    number = _notice_number(estate, now)
    due = None
    for defect in waiting:
        engine.case_act(case=defect.case, action="notify", by=actor,
                        data={"notice": number})  # fmt: skip
        clock = defect.case.clocks.get(key="rectify")
        due = clock.due_at if due is None else max(due, clock.due_at)
    notice = RectificationNotice.objects.create(
        plan=plan, number=number, issued_at=now, due_at=due,
        addressed_to=plan.project.developer, issued_by=actor.user,
    )  # fmt: skip
    TakeoverDefect.objects.filter(pk__in=[d.pk for d in waiting]).update(notice=notice)
    if plan.case.status == TakeoverStatus.INSPECTING:
        engine.case_act(case=plan.case, action="start_rectification", by=actor,
                        note=_("发出整改通知书 %(number)s") % {"number": number})  # fmt: skip
    else:
        engine.case_act(case=plan.case, action="comment", by=actor,
                        note=_("发出整改通知书 %(number)s，%(n)d 项问题")
                        % {"number": number, "n": len(waiting)})  # fmt: skip
    return notice


@transaction.atomic
def takeover_defect_act(
    *,
    defect: TakeoverDefect,
    action: str,
    by,
    note: str = "",
    data: dict | None = None,
    attachments: list | None = None,
    assignee=None,
) -> TakeoverDefect:
    """A step of a defect: ``notify`` issues a 《整改通知书》 for it alone; the developer's report
    that it is fixed, and the re-inspection that closes it (the clock stops) or sends it back
    (the clock keeps running: the deadline of the notice stands)."""
    actor = _actor(by)
    _in_scope(actor, defect.plan.project.estate_id)
    if action == "notify":
        rectification_notice_issue(plan=defect.plan, by=actor, defects=[defect])
    else:
        TAKEOVER_DEFECT.action(action)
        engine.case_act(case=defect.case, action=action, by=actor, note=note, data=data,
                        attachments=attachments)  # fmt: skip
    return TakeoverDefect.objects.select_related("case", "notice").get(pk=defect.pk)


def defect_case_act(*, case, action: str, by, **kwargs) -> TakeoverDefect:
    """The takeover_defect process's service for the generic case page and API."""
    return takeover_defect_act(defect=case.takeover_defect, action=action, by=by, **kwargs)

"""Rectification (整改提升, CLEAN-15; GREEN-11): a zone or green area that failed its check is put
right by its responsible cleaner or gardener by a deadline, then re-checked by the department.

- Opened by the failed inspection itself (``inspection_record``), in its transaction: the
  assignee is the zone's first cleaner (the area's first gardener), told in their inbox; the
  deadline is the process clock ``rectify`` (24 hours unless the estate overrides it) or the
  hours the inspector chose, and ``Rectification.deadline`` is that clock's due.
- ``done`` (the assignee, a note and a photo) → ``recheck_pass`` / ``recheck_fail`` (the
  department, each with its re-check inspection on the same form; a failed re-check sends it
  back to the assignee, and the clock counts from the first opening, as a rejection does).
- The cause is analysed (``cause_kind``, ``cause``) before it can be closed; a cause that keeps
  coming back for the same zone or area (``RECURRING_MIN`` times in ``RECURRING_DAYS`` days)
  needs a change of the plan linked to the rectification (``PlanRevision.rectification``)
  before it closes: the manual's "分析原因……调整清洁计划".
- An overdue one is escalated by the engine's clock sweep to the environment head.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from wuye.core.exceptions import Conflict
from wuye.core.scoping import Actor, actor_for
from wuye.workflow import services as engine
from wuye.workflow.attachments import attachments_resolve
from wuye.workflow.models import AttachmentKind, Case

from ..choices import CauseKind, InspectionKind
from ..models import Inspection, PlanRevision, Rectification
from ..processes import RECTIFICATION
from ..selectors.rectifications import rectification_get_for_user
from .inspections import inspection_record
from .rectification_open import _notify_assignee, rectification_open
from .responsibility import check_lead

__all__ = [
    "RECURRING_DAYS",
    "RECURRING_MIN",
    "plan_link",
    "rectification_act",
    "rectification_case_act",
    "rectification_cause_set",
    "rectification_needs_plan_change",
    "rectification_open",
]

# CLEAN-15: the same cause this many times for one zone or area within this many days is a
# recurring cause: the plan is changed before the rectification closes.
RECURRING_MIN = 2
RECURRING_DAYS = 90
CAUSE_MAX = 500


def _actor(by) -> Actor:
    return by if isinstance(by, Actor) else actor_for(by)


def rectification_needs_plan_change(rectification: Rectification) -> bool:
    """CLEAN-15: its cause has come back — ``RECURRING_MIN`` rectifications (this one included)
    of the same zone or area with the same cause within ``RECURRING_DAYS`` days — and no plan
    revision is linked to it yet."""
    if not rectification.cause_kind:
        return False
    since = rectification.inspection.at - dt.timedelta(days=RECURRING_DAYS)
    same = Rectification.objects.filter(
        estate_id=rectification.estate_id, zone_id=rectification.zone_id,
        green_area_id=rectification.green_area_id, cause_kind=rectification.cause_kind,
        inspection__at__gte=since, inspection__at__lte=rectification.inspection.at,
    ).exclude(pk=rectification.pk)  # fmt: skip
    if same.count() + 1 < RECURRING_MIN:
        return False
    return not PlanRevision.objects.filter(rectification=rectification).exists()


def plan_link(rectification: Rectification) -> str:
    """The plan page of the zone or area, where the plan is changed."""
    if rectification.zone_id:
        name = "environment:cleaning_plan"
        query = f"?zone={rectification.zone_id}&rectification={rectification.pk}"
    else:
        return (
            reverse("environment:green_area_detail", args=[rectification.green_area_id])
            + f"?rectification={rectification.pk}"
        )
    try:
        return reverse(name) + query
    except NoReverseMatch:
        return "/environment/" + query


def _clean_cause(cause_kind: str, cause: str) -> tuple[str, str]:
    errors: dict[str, list[str]] = {}
    cause = (cause or "").strip()
    if cause_kind not in CauseKind.values:
        errors["cause_kind"] = [_("请选择原因类别")]
    if not cause:
        errors["cause"] = [_("请填写原因分析，如“电梯间污渍未及时清理因清洁人员巡查频率不够”")]
    elif len(cause) > CAUSE_MAX:
        errors["cause"] = [_("原因分析不能超过 %(n)d 个字") % {"n": CAUSE_MAX}]
    if errors:
        raise ValidationError(errors)
    return cause_kind, cause


@transaction.atomic
def rectification_cause_set(
    *, rectification: Rectification | int, cause_kind: str, cause: str, by
) -> Rectification:
    """CLEAN-15: the department's analysis of why it failed (while it is not closed)."""
    actor = _actor(by)
    pk = rectification.pk if isinstance(rectification, Rectification) else rectification
    rectification_get_for_user(actor.user, pk)
    rectification = Rectification.objects.select_for_update().get(pk=pk)
    check_lead(actor, rectification.estate_id)
    if rectification.closed_at is not None:
        raise Conflict(_("整改已复查合格，不能再修改原因分析"), code="invalid_state")
    rectification.cause_kind, rectification.cause = _clean_cause(cause_kind, cause)
    rectification.save(update_fields=["cause_kind", "cause"])
    return rectification


def _recheck(rectification: Rectification, action: str, actor: Actor, data: dict) -> Inspection:
    """The re-check inspection the verdict rests on: its result must be the verdict."""
    inspection = inspection_record(
        kind=InspectionKind.RECHECK, by=actor, answers=data.get("answers") or [],
        zone=rectification.zone, green_area=rectification.green_area,
        note=str(data.get("inspection_note") or ""), rechecks=rectification,
    )  # fmt: skip
    if action == "recheck_pass" and not inspection.passed:
        raise ValidationError({"answers": [_("复查打分不合格，请选择“复查不合格，退回整改”")]})
    if action == "recheck_fail" and inspection.passed:
        raise ValidationError({"answers": [_("复查打分合格，请选择“复查合格”")]})
    return inspection


@transaction.atomic
def rectification_case_act(
    *,
    case: Case,
    action: str,
    by,
    note: str = "",
    data: dict | None = None,
    attachments: list | None = None,
    assignee=None,
) -> Rectification:
    """One step of a rectification (the engine routes every action here): ``done`` by the
    assignee with a note and a photo; ``recheck_pass`` / ``recheck_fail`` by the department
    with the re-check's ``answers`` in ``data`` (and, if not recorded yet, ``cause_kind`` and
    ``cause``); ``comment``."""
    rectification = (
        Rectification.objects.select_for_update()
        .select_related("inspection", "estate", "assignee")
        .get(case=case)
    )
    actor = _actor(by)
    if not actor.is_superuser and rectification.estate_id not in actor.estate_ids:
        raise Http404
    data = dict(data or {})
    RECTIFICATION.action(action)
    if action == "done":
        if not actor.is_superuser and rectification.assignee.user_id != actor.user.pk:
            raise PermissionDenied(_("只有整改责任人可以提交整改完成"))
        resolved = attachments_resolve(attachments, actor=actor, case=rectification.case)
        if not any(a.kind == AttachmentKind.PHOTO for a in resolved):
            raise ValidationError({"photos": [_("请拍照说明整改结果（至少一张）")]})
    elif action in ("recheck_pass", "recheck_fail"):
        check_lead(actor, rectification.estate_id)
        if rectification.case.status != RECTIFICATION.action(action).sources[0]:
            raise Conflict(_("整改尚未完成，不能复查"), code="invalid_state")
        if data.get("cause_kind") or data.get("cause"):
            kind, cause = _clean_cause(str(data.get("cause_kind") or ""),
                                       str(data.get("cause") or ""))  # fmt: skip
            rectification.cause_kind, rectification.cause = kind, cause
            rectification.save(update_fields=["cause_kind", "cause"])
        if action == "recheck_pass":
            if not rectification.cause_kind or not rectification.cause:
                raise Conflict(_("请先填写原因分析，再确认复查合格"), code="cause_required")
            if rectification_needs_plan_change(rectification):
                raise Conflict(
                    _("同类原因近 %(days)d 天内已出现 %(n)d 次以上，请先调整计划并关联本整改，"
                      "再确认复查合格") % {"days": RECURRING_DAYS, "n": RECURRING_MIN},
                    code="plan_change_required",
                )  # fmt: skip
        inspection = _recheck(rectification, action, actor, data)
        data = {k: v for k, v in data.items() if k in ("cause_kind", "cause")}
        data["recheck"] = inspection.pk
    elif action == "comment":
        data = {}
    result = engine.case_act(
        case=rectification.case, action=action, by=actor, note=note, data=data,
        attachments=attachments,
    )  # fmt: skip
    rectification.case = result.case
    now = result.event.at
    if action == "done":
        rectification.done_at, rectification.done_note = now, note.strip()[:500]
    elif action == "recheck_fail":
        rectification.done_at = None
        _notify_assignee(rectification, f"back:{result.event.pk}")
    elif action == "recheck_pass":
        rectification.closed_at = now
    rectification.save()
    return rectification


def rectification_act(
    *,
    rectification: Rectification | int,
    action: str,
    by,
    note: str = "",
    data: dict | None = None,
    attachments: list | None = None,
) -> Rectification:
    """The pages' and the API's way in: the rectification as the user may see it, or a 404."""
    actor = _actor(by)
    pk = rectification.pk if isinstance(rectification, Rectification) else rectification
    rectification = rectification_get_for_user(actor.user, pk)
    RECTIFICATION.action(action)
    data = dict(data or {})
    if action == "recheck_pass" and (data.get("cause_kind") or data.get("cause")):
        # The analysis is kept even when closing is refused (a recurring cause: 409), so the
        # plan can be changed and the re-check taken again.
        rectification_cause_set(
            rectification=rectification, cause_kind=str(data.pop("cause_kind", "") or ""),
            cause=str(data.pop("cause", "") or ""), by=actor,
        )  # fmt: skip
    return rectification_case_act(
        case=rectification.case, action=action, by=actor, note=note, data=data,
        attachments=attachments,
    )  # fmt: skip
